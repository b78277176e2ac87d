using Research.Framework.Data;
using Research.Framework.Interfaces;
using Research.Framework.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Framework.Tests.TestSupport;

/// <summary>A small MLP on (x, t) for 2-D data, with one buffer, for trainer tests.</summary>
public sealed class TinyNetwork : nn.Module<Tensor, Tensor, Tensor>, IDiffusionNetwork
{
    readonly Linear input;
    readonly Linear hidden;
    readonly Linear output;
    readonly Tensor scale;

    public TinyNetwork(long seed, int width = 32) : base(nameof(TinyNetwork))
    {
        input = nn.Linear(3, width);
        hidden = nn.Linear(width, width);
        output = nn.Linear(width, 2);
        scale = ones(1);
        RegisterComponents();
        // Initialise from a private generator: tests run in parallel and the global RNG is shared.
        using var generator = new Generator((ulong)seed, CPU);
        using var noGradient = no_grad();
        foreach (var p in parameters()) p.copy_(randn(p.shape, generator: generator) * (0.5 / Math.Sqrt(p.shape[^1])));
    }

    public int? NumClasses => null;

    public override Tensor forward(Tensor x, Tensor t) =>
        output.forward(nn.functional.silu(hidden.forward(nn.functional.silu(input.forward(cat([x, t.unsqueeze(1)], 1)))))) * scale;

    public NetworkOutput Forward(Tensor x, Tensor t, Conditioning cond) => new(forward(x, t));
}

/// <summary>An endless stream of 2-D Gaussian-mixture batches whose position is its generator state.</summary>
public sealed class MixtureData(long seed, int batchSize) : IBatchSource
{
    readonly Generator generator = new((ulong)seed, CPU);

    public Batch Next()
    {
        var centers = tensor(new float[] { 2, 0, -2, 0, 0, 2, 0, -2 }).reshape(4, 2);
        var which = randint(0, 4, [batchSize], generator: generator);
        return new Batch(centers.index_select(0, which) + 0.1f * randn([batchSize, 2], generator: generator), null);
    }

    public string SaveState()
    {
        using var state = generator.get_state();
        return Convert.ToBase64String(state.data<byte>().ToArray());
    }

    public void RestoreState(string state)
    {
        using var bytes = tensor(Convert.FromBase64String(state));
        generator.set_state(bytes);
    }
}
