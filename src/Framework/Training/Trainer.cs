using System.Diagnostics;
using Research.Framework.Data;
using Research.Framework.Distributed;
using Research.Framework.Interfaces;
using Research.Framework.Tracking;
using Research.Framework.Training.Checkpoints;
using Research.Framework.Training.PostHocEma;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Framework.Training;

/// <summary>What a training run ended with.</summary>
/// <param name="Step">Optimizer steps done.</param>
/// <param name="ResumedFrom">The checkpoint step the run resumed from, or null for a fresh start.</param>
/// <param name="Cancelled">True when the run stopped early on request (after writing a checkpoint).</param>
/// <param name="LastMetrics">The last logged interval means.</param>
public sealed record TrainingResult(long Step, long? ResumedFrom, bool Cancelled, IReadOnlyDictionary<string, double> LastMetrics);

/// <summary>
/// The training loop. One step, top to bottom: batch → per micro-batch: per-sample loss terms → mean weighted by
/// the micro-batch's share → backward (the gradients add up) → optional gradient clipping → AdamW at the scheduled
/// rate → every EMA track. Under mixed precision (a bf16 network) the gradients are added into float32 master weights
/// after each backward pass, AdamW and the EMA tracks work on the masters, and the step ends by rounding the masters into
/// the network (<see cref="MasterWeights"/>). Each step runs in its own dispose scope. The loss terms and the gradient norm stay on the
/// device until a logging step reads their interval means, so a step never waits for the device.
/// Checkpoints hold everything that makes resuming exact: weights, EMA tracks, optimizer moments, the model's
/// random streams, the data position, the step (which fixes the learning rate) and the resolved config.
/// </summary>
public sealed class Trainer : IDisposable
{

    readonly Interface model;
    readonly nn.Module network;
    readonly IBatchSource data;
    readonly TrainerOptions options;
    readonly string runDirectory;
    readonly ITracker tracker;
    readonly IReadOnlyList<ITrainingHook> hooks;
    readonly TrainingProgress progress;
    readonly CheckpointStore checkpoints;
    /// <summary>The weights AdamW steps, the EMA tracks average and checkpoints store: the network's own, or float32 masters of its bf16 weights.</summary>
    readonly MasterWeights masters;
    /// <summary>The trainable masters, listed once (what AdamW and gradient clipping see).</summary>
    readonly Parameter[] parameters;
    readonly AdamW optimizer;
    readonly EmaTrack[] emaTracks;
    /// <summary>The parts a checkpoint saves and restores (<see cref="TrainingCheckpoint"/> owns the format).</summary>
    readonly TrainingCheckpoint checkpoint;
    /// <summary>Null in a world of one process; else what makes the ranks take one process's steps (<see cref="DataParallel"/>).</summary>
    readonly DataParallel? parallel;
    /// <summary>Whether this process writes checkpoints and post-hoc EMA snapshots and runs the hooks (rank 0).</summary>
    readonly bool writer;

    /// <summary>
    /// Creates the trainer. It trains the model's network (a TorchSharp module), or the whole
    /// <see cref="IHasTrainableModule.TrainableModule"/> for wrappers with parameters of their own (REPA).
    /// In a <paramref name="world"/> of several processes every rank constructs one (rank 0's weights are broadcast
    /// here) and trains on its slice of each batch of <paramref name="data"/>; rank 0 alone writes checkpoints and runs
    /// the hooks while the others wait (<see cref="DataParallel"/>).
    /// </summary>
    public Trainer(Interface model, IBatchSource data, TrainerOptions options, string runDirectory, ITracker tracker,
        IReadOnlyList<ITrainingHook>? hooks = null, TrainingProgress? progress = null, Action<string>? warn = null, ICommunicator? world = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options.Validate();
        network = TrainedModule(model);
        (this.model, this.data, this.options, this.runDirectory, this.tracker) = (model, data, options, runDirectory, tracker);
        this.hooks = hooks ?? [];
        this.progress = progress ?? TrainingProgress.ForConsole(options.Steps);
        checkpoints = new CheckpointStore(CheckpointStore.FolderOf(runDirectory), options.KeepLastCheckpoints, options.KeepCheckpointsEvery, warn);
        masters = new MasterWeights(network, model.DType);
        parameters = masters.Trainable;
        parallel = DataParallel.In(world, parameters, model.Random.All);
        writer = world is null || world.Rank == 0;
        parallel?.BroadcastWeights(masters);   // before the EMA tracks copy the weights
        var o = options.Optimizer;
        optimizer = optim.AdamW(parameters, o.LearningRate, o.Beta1, o.Beta2, o.Eps, o.WeightDecay);
        emaTracks = options.CheckpointedEma.Select(e => new EmaTrack(masters.Names, masters.All, e)).ToArray();
        checkpoint = new TrainingCheckpoint(network, emaTracks) { Masters = masters, Data = data, Optimizer = optimizer, RandomStreams = model.Random.All, ConfigJson = options.ConfigJson };
    }

    /// <summary>
    /// The module the trainer trains: the model's network (a TorchSharp module), or the whole
    /// <see cref="IHasTrainableModule.TrainableModule"/> of a wrapper with parameters of its own (REPA).
    /// </summary>
    public static nn.Module TrainedModule(Interface model) =>
        model is IHasTrainableModule wrapper ? wrapper.TrainableModule
            : model.Network as nn.Module ?? throw new ArgumentException(
                $"The trainer needs a network that is a TorchSharp module with parameters; {model.Network.GetType().Name} is not.", nameof(model));

    /// <summary>The checkpoint folder.</summary>
    public CheckpointStore Checkpoints => checkpoints;

    /// <summary>The weights AdamW steps (float32 masters of a bf16 network's weights, or the network's own).</summary>
    internal MasterWeights Masters => masters;

    /// <summary>The optimizer, for tests of its state.</summary>
    internal AdamW Optimizer => optimizer;

    /// <summary>The EMA tracks, in the order of <see cref="TrainerOptions.CheckpointedEma"/> (<see cref="TrainerOptions.Ema"/>, then the post-hoc EMA profiles).</summary>
    public IReadOnlyList<EmaTrack> EmaTracks => emaTracks;

    /// <summary>
    /// Loads the newest valid checkpoint (weights, EMA tracks and the rest, exactly as <see cref="Run"/> resumes)
    /// without training, for evaluating a saved run; returns its step, or −1 when the folder holds none.
    /// </summary>
    public long RestoreLatest() => checkpoints.TryLoadLatest(ReadState, out _, out long step) ? step : -1;

    /// <summary>Trains until <see cref="TrainerOptions.Steps"/>, resuming first when a checkpoint exists.</summary>
    public TrainingResult Run(CancellationToken cancel = default)
    {
        long? resumedFrom = options.Resume && checkpoints.TryLoadLatest(ReadState, out _, out long saved) ? saved : null;
        long step = resumedFrom ?? 0;
        using var window = new MetricWindow();
        IReadOnlyDictionary<string, double> lastMetrics = new Dictionary<string, double>();
        network.train();

        while (step < options.Steps)
        {
            if (parallel?.AnyCancelled(cancel.IsCancellationRequested) ?? cancel.IsCancellationRequested)
            {
                SaveCheckpoint(step);
                progress.Finish();
                return new TrainingResult(step, resumedFrom, Cancelled: true, lastMetrics);
            }

            var clock = Stopwatch.StartNew();
            double learningRate = options.Optimizer.Schedule.At(step, options.Optimizer.LearningRate);
            TrainStep(learningRate, new TrainingContext(step, options.Steps), window);
            step++;
            window.AddTime(clock.Elapsed.TotalSeconds);
            progress.Step(step, window.LastLoss, window.StepsPerSecond);

            bool last = step == options.Steps;
            if (step % options.LogEvery == 0 || last)
            {
                lastMetrics = window.Drain(learningRate, parallel);
                tracker.Log(lastMetrics, step);
                progress.Log(step, lastMetrics);
            }
            bool wrote = false;   // whether rank 0 wrote or evaluated at this step (the other ranks then wait for it)
            foreach (var hook in hooks)
                if (step % hook.Every == 0 || (last && hook.RunsAtLastStep)) { RunHook(hook, step); wrote = true; }
            if (options.PostHocEma is { } postHoc && postHoc.SnapshotsAt(step, options.Steps) && writer)
                PostHocEmaSnapshots.Write(new RunLayout(runDirectory).PostHocEma, step, emaTracks);
            if (step % options.CheckpointEvery == 0 || last) { SaveCheckpoint(step); wrote = true; }
            if (wrote) parallel?.WaitForWriter();
        }
        progress.Finish();
        return new TrainingResult(step, resumedFrom, Cancelled: false, lastMetrics);
    }

    void TrainStep(double learningRate, TrainingContext context, MetricWindow window)
    {
        using var scope = NewDisposeScope();
        foreach (var group in optimizer.ParamGroups) group.LearningRate = learningRate;
        var batch = data.Next();
        if (parallel is not null) batch = parallel.Shard(batch);
        optimizer.zero_grad();
        long offset = 0;
        foreach (var micro in MicroBatches.Of(batch, options.MicroBatch))
        {
            long count = micro.Part.X.shape[0];
            using (parallel?.DrawsFor(offset, count))
                AccumulateGradients(micro, context, window);
            offset += count;
        }
        parallel?.AverageGradients(parameters);
        var gradientNorm = options.Optimizer.MaxGradNorm is { } clip
            ? GradientNorm.Clip(parameters, clip)
            : GradientNorm.Of(parameters);
        optimizer.step();
        masters.CopyToWeights();
        foreach (var ema in emaTracks) ema.Update(masters.All);
        window.AddStep(gradientNorm);
    }

    /// <summary>
    /// One micro-batch's loss and backward pass, its mean weighted by its share of the batch so that the gradients
    /// summed in .grad are those of the whole batch's mean; in its own scope, so its graph is freed before the next.
    /// </summary>
    void AccumulateGradients(MicroBatch micro, TrainingContext context, MetricWindow window)
    {
        using var scope = NewDisposeScope();
        // REPA on latents: the encoder reads the batch's raw images, which travel with the loss's context.
        var losses = model.Loss(micro.Part.X, new Conditioning(Labels: micro.Part.Labels), context with { EncoderInput = micro.Part.EncoderInput });
        var loss = losses.Loss.mean();
        (micro.Weight == 1 ? loss : loss * micro.Weight).backward();
        masters.AccumulateGradients();
        window.AddLosses(losses, micro.Weight);
    }

    /// <summary>The name of the weights used for sampling: the first EMA track's, or "online" without EMA.</summary>
    public string SamplingWeightsName => SamplingWeights.Name(emaTracks);

    /// <summary>
    /// Puts the sampling weights (the first EMA track) into the network, in eval mode, until disposed; then the
    /// online weights and training mode come back.
    /// </summary>
    public IDisposable UseSamplingWeights() => SamplingWeights.Use(network, emaTracks);

    /// <summary>Runs <paramref name="hook"/> on rank 0 (the one writer) only.</summary>
    void RunHook(ITrainingHook hook, long step)
    {
        if (!writer) return;
        using var weights = UseSamplingWeights();
        using var noGradient = no_grad();
        using var scope = NewDisposeScope();
        hook.Run(new TrainingHookContext(step, model, SamplingWeightsName, runDirectory, tracker));
    }

    /// <summary>Writes a checkpoint on rank 0 (the other ranks hold the same state).</summary>
    void SaveCheckpoint(long step)
    {
        if (writer) checkpoints.Save(step, output => checkpoint.Write(output, step));
    }

    bool ReadState(BinaryReader reader)
    {
        checkpoint.Read(reader);
        return true;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var ema in emaTracks) ema.Dispose();
        parallel?.Dispose();
        optimizer.Dispose();
        masters.Dispose();
    }
}
