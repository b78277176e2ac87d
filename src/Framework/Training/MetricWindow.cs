using Research.Framework.Interfaces;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Training;

/// <summary>
/// Interval means of the loss terms and the gradient norm, and the training speed. The sums stay on the device as
/// float64 tensors: adding to them queues work without waiting for it, and they are read to the host only by
/// <see cref="Drain"/>, at the logging steps. Each step adds the batch mean of every term, so the logged value is the
/// mean over the interval's steps of the per-step batch means, however the batches were split into micro-batches.
/// </summary>
sealed class MetricWindow : IDisposable
{
    readonly Dictionary<string, Tensor> sums = [];
    Tensor? gradientNormSum;
    double seconds;
    int steps;

    /// <summary>The loss of the last logged interval (NaN before the first one), for the progress bar.</summary>
    public double LastLoss { get; private set; } = double.NaN;

    /// <summary>Training steps per second over the interval so far.</summary>
    public double StepsPerSecond => seconds > 0 ? steps / seconds : 0;

    /// <summary>Adds a micro-batch's per-sample loss terms, their mean weighted by its share of the batch.</summary>
    public void AddLosses(LossOutput losses, double weight)
    {
        using var noGradient = no_grad();
        foreach (var (key, term) in losses)
        {
            using var mean = term.detach().mean().to(ScalarType.Float64);
            if (weight != 1) mean.mul_(weight);
            Add(sums.TryGetValue(key, out var sum) ? sum : null, mean, created => sums[key] = created);
        }
    }

    /// <summary>Ends a step: adds its gradient norm.</summary>
    public void AddStep(Tensor gradientNorm)
    {
        using var noGradient = no_grad();
        using var norm = gradientNorm.detach().to(ScalarType.Float64);
        Add(gradientNormSum, norm, created => gradientNormSum = created);
        steps++;
    }

    /// <summary>Training time only: hooks and checkpoints run outside the measured span.</summary>
    public void AddTime(double elapsed) => seconds += elapsed;

    /// <summary>
    /// The interval's means (read to the host here, and only here; under data parallelism, means over the ranks too), the
    /// learning rate and the speed; starts a new interval.
    /// </summary>
    public IReadOnlyDictionary<string, double> Drain(double learningRate, DataParallel? parallel = null)
    {
        var metrics = sums.ToDictionary(term => $"train/{term.Key}", term => term.Value.ToDouble() / steps);
        if (parallel is not null) metrics = parallel.Mean(metrics);
        metrics["train/grad_norm"] = (gradientNormSum?.ToDouble() ?? 0) / steps;
        metrics["train/learning_rate"] = learningRate;
        metrics["train/steps_per_second"] = StepsPerSecond;
        LastLoss = metrics[$"train/{LossOutput.LossKey}"];
        Clear();
        (seconds, steps) = (0, 0);
        return metrics;
    }

    /// <summary>Adds <paramref name="value"/> to a running sum kept outside every dispose scope, creating it at the first value.</summary>
    static void Add(Tensor? sum, Tensor value, Action<Tensor> created)
    {
        if (sum is null) created(value.clone().DetachFromDisposeScope());
        else sum.add_(value);
    }

    void Clear()
    {
        foreach (var sum in sums.Values) sum.Dispose();
        sums.Clear();
        gradientNormSum?.Dispose();
        gradientNormSum = null;
    }

    /// <inheritdoc />
    public void Dispose() => Clear();
}
