using Research.Framework.Interfaces;
using Research.Framework.Tests.TestSupport;
using Research.Framework.Tracking;
using Research.Framework.Training;
using Research.Framework.Training.Checkpoints;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Training.Checkpoints;

public sealed class TrainingCheckpointTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("training-checkpoint-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    static readonly EmaOptions[] Tracks = [new EmaOptions(0.9, Warmup: false), new EmaOptions(0.99, Warmup: true)];

    static byte[][] Bits(IEnumerable<Tensor> tensors) => tensors.Select(t => t.detach().cpu().contiguous().bytes.ToArray()).ToArray();

    static byte[][] StreamBits(SiTInterface model) => [.. model.Random.All.Select(s => { using var state = s.Generator.get_state(); return state.bytes.ToArray(); })];

    static byte[][] EmaBits(nn.Module network, IReadOnlyList<EmaTrack> ema) =>
        [.. ema.SelectMany(track => Bits(network.named_parameters().Select(p => track[p.name])))];

    [Fact]
    public void ATrainersCheckpointReadsBackIntoFreshPartsWithoutATrainerOrAnOptimizer()
    {
        var network = new TinyNetwork(seed: 7);
        var model = new SiTInterface(network, TimeDist.LogitNormal, new SiTOptions { Seed = 3 });
        var options = new TrainerOptions { Steps = 6, LogEvery = 3, CheckpointEvery = 1000, Ema = Tracks };
        var directory = Path.Combine(root, "run");
        using (var tracker = new JsonlTracker(directory))
        using (var trainer = new Trainer(model, new MixtureData(11, 64), options, directory, tracker, progress: new TrainingProgress(TextWriter.Null, false, 6)))
        {
            trainer.Run();
            var freshNetwork = new TinyNetwork(seed: 8);
            var freshModel = new SiTInterface(freshNetwork, TimeDist.LogitNormal, new SiTOptions { Seed = 4 });
            var ema = Tracks.Select(o => new EmaTrack(freshNetwork, o)).ToArray();
            Assert.NotEqual(Bits(network.parameters()), Bits(freshNetwork.parameters()));

            var checkpoint = new TrainingCheckpoint(freshNetwork, ema) { RandomStreams = freshModel.Random.All };
            var store = new CheckpointStore(CheckpointStore.FolderOf(directory));
            Assert.True(store.TryLoadLatest(checkpoint.Read, out long payloadStep, out long fileStep));

            Assert.Equal((6, 6), (payloadStep, fileStep));
            Assert.Equal(Bits(network.parameters()), Bits(freshNetwork.parameters()));
            Assert.Equal(EmaBits(network, trainer.EmaTracks), EmaBits(freshNetwork, ema));
            Assert.Equal(trainer.EmaTracks.Select(t => t.Updates), ema.Select(t => t.Updates));
            Assert.Equal(StreamBits(model), StreamBits(freshModel));
            foreach (var track in ema) track.Dispose();
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadingPastTorchSharpsAdamWStateConsumesExactlyItsBytes(bool amsgrad)
    {
        var network = new TinyNetwork(seed: 7);
        var model = new SiTInterface(network, TimeDist.LogitNormal, new SiTOptions { Seed = 3 });
        using var optimizer = optim.AdamW(network.parameters(), 1e-2, weight_decay: 0.01, amsgrad: amsgrad);
        var ema = Tracks.Select(o => new EmaTrack(network, o)).ToArray();
        var data = new MixtureData(11, 16);
        for (int step = 0; step < 2; step++)   // moments that are not zeros
        {
            using var scope = NewDisposeScope();
            var batch = data.Next();
            optimizer.zero_grad();
            model.Loss(batch.X, new Conditioning()).Loss.mean().backward();
            optimizer.step();
            foreach (var track in ema) track.Update(network);
        }
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
            new TrainingCheckpoint(network, ema) { Data = data, Optimizer = optimizer, RandomStreams = model.Random.All, ConfigJson = "{}" }.Write(writer, 2);

        var freshNetwork = new TinyNetwork(seed: 8);
        var freshModel = new SiTInterface(freshNetwork, TimeDist.LogitNormal, new SiTOptions { Seed = 4 });
        var freshEma = Tracks.Select(o => new EmaTrack(freshNetwork, o)).ToArray();
        buffer.Position = 0;
        using var reader = new BinaryReader(buffer);
        Assert.Equal(2, new TrainingCheckpoint(freshNetwork, freshEma) { RandomStreams = freshModel.Random.All }.Read(reader));

        Assert.Equal(buffer.Length, buffer.Position);   // the optimizer was read past exactly: the streams after it were read whole
        Assert.Equal(EmaBits(network, ema), EmaBits(freshNetwork, freshEma));
        Assert.Equal(StreamBits(model), StreamBits(freshModel));
        foreach (var track in ema.Concat(freshEma)) track.Dispose();
    }

    [Fact]
    public void APayloadWithOtherEmaTracksIsInvalidDataNamingBoth()
    {
        var network = new TinyNetwork(seed: 7);
        var model = new SiTInterface(network, TimeDist.LogitNormal, new SiTOptions { Seed = 3 });
        using var optimizer = optim.AdamW(network.parameters());
        var saved = new[] { new EmaTrack(network, new EmaOptions(0.9, Warmup: false)) };
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
            new TrainingCheckpoint(network, saved) { Data = new MixtureData(1, 4), Optimizer = optimizer, RandomStreams = model.Random.All }.Write(writer, 1);
        var other = new[] { new EmaTrack(network, new EmaOptions(0.999, Warmup: false)) };
        buffer.Position = 0;
        using var reader = new BinaryReader(buffer);

        var error = Assert.Throws<InvalidDataException>(() => new TrainingCheckpoint(network, other).Read(reader));

        Assert.Contains("'ema_0.9' is not the run's 'ema_0.999'", error.Message);
        foreach (var track in saved.Concat(other)) track.Dispose();
    }
}
