using Research.Framework.Interfaces;
using Research.Framework.Interfaces.Consistency;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Samplers;

/// <summary>
/// Multistep consistency sampling (Song et al. 2023, Algorithm 1, on TrigFlow's path as in sCM): from x_T = σ_d·ε,
/// denoise in one evaluation x₀ = f(x_t, t); while grid times remain, re-noise to the next one,
/// x_s = cos s·x₀ + sin s·σ_d·ε′ with fresh noise ε′ from the run's seeded stream, and denoise again. The last step returns
/// x₀. Unlike EulerJump it draws new noise between steps, so the grid's inner points are where noise comes back, not
/// points of one trajectory. The default grid is <see cref="ConsistencyGrid"/> (one step: [T, 0]).
/// </summary>
public sealed class ConsistencySampler(int steps, TimeGrid? grid = null) : CapabilitySampler<IConsistencyModel>(steps, grid)
{
    /// <inheritdoc />
    protected override TimeGrid DefaultGrid => new ConsistencyGrid();

    /// <summary>The grid must decrease to exactly 0 (the denoiser's target time) and stay within (0, π/2] before it.</summary>
    protected override void Begin(SamplingRun run)
    {
        var grid = run.Grid;
        if (grid[^1] != 0)
            throw new ArgumentException($"ConsistencySampler needs a grid that ends at t = 0 (the last denoise lands there); it ends at {grid[^1]}.");
        for (int i = 0; i < run.Steps; i++)
            if (!(grid[i] > 0 && grid[i] <= Math.PI / 2) || (i > 0 && !(grid[i] < grid[i - 1])))
                throw new ArgumentException(
                    $"ConsistencySampler needs decreasing times in (0, π/2] before the final 0; point {i} is {grid[i]}. Use ConsistencyGrid (e.g. [1.5645, 1.1, 0]).");
    }

    /// <summary>Denoise at Grid[step], then re-noise to Grid[step + 1].</summary>
    public override Tensor Forward(SamplingRun run, int step, Tensor x)
    {
        var denoised = Denoise(run, step, x);
        double next = run.Grid[step + 1], sigmaData = ((IConsistencyModel)run.Model).SigmaData;
        return denoised.mul_(Math.Cos(next)).add_(run.Noise().mul_(Math.Sin(next) * sigmaData));
    }

    /// <summary>The final denoise, x₀ = f(x, Grid[step]).</summary>
    public override Tensor LastStep(SamplingRun run, int step, Tensor x) => Denoise(run, step, x);

    static Tensor Denoise(SamplingRun run, int step, Tensor x)
    {
        double t = run.Grid[step];
        var times = run.Times(t);
        return run.Guidance.Evaluate((model, cond) => ((IConsistencyModel)model).Denoise(x, times, cond), t);
    }
}
