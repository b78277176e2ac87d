using Research.Framework.Interfaces;
using Research.Framework.Tracking;

namespace Research.Framework.Training;

/// <summary>What a hook sees: the step, the model (with the EMA weights swapped in), and where to write.</summary>
/// <param name="Step">Optimizer steps done.</param>
/// <param name="Model">The interface around the network, in eval mode, holding the sampling weights.</param>
/// <param name="WeightsName">Which weights the network holds: an EMA track's name, or "online".</param>
/// <param name="RunDirectory">The run's folder.</param>
/// <param name="Tracker">Where metrics and images go.</param>
public sealed record TrainingHookContext(long Step, Interface Model, string WeightsName, string RunDirectory, ITracker Tracker);

/// <summary>
/// Periodic work on the sampling model (sample grids, scatter plots, evaluation). The trainer runs it with the
/// first EMA track swapped in, without gradients, in eval mode, and excludes its time from steps per second.
/// </summary>
public interface ITrainingHook
{
    /// <summary>Run every this many steps (and at the last step, see <see cref="RunsAtLastStep"/>).</summary>
    long Every { get; }

    /// <summary>
    /// Whether the hook also runs at the last step when that is not a multiple of <see cref="Every"/>. A caller that
    /// evaluates the final weights itself right after training (the experiment runner) turns it off, so the same
    /// samples are not drawn twice.
    /// </summary>
    bool RunsAtLastStep => true;

    /// <summary>Does the work.</summary>
    void Run(TrainingHookContext context);
}
