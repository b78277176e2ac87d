namespace Research.Framework.Sweeps;

// The rest of W&B's laws (wandb/sweeps src/sweeps/params.py, HyperParameter.ppf). The *_values variants take the
// values themselves; the others take natural-log exponents, so log_uniform(ln 1e-5, ln 1e-3) is the same law as
// log_uniform_values(1e-5, 1e-3).

/// <summary>Always the same value (W&amp;B <c>value</c>, <c>constant</c>).</summary>
public sealed record Constant(string Value) : Distribution
{
    /// <inheritdoc/>
    public override string Name => "constant";

    /// <inheritdoc/>
    public override string Quantile(double probability) => Value;

    /// <inheritdoc/>
    public override IReadOnlyList<string> Choices => [Value];

    /// <inheritdoc/>
    public override IReadOnlyList<string> GridValues => [Value];
}

/// <summary>exp(U(Min, Max)): Min and Max are natural-log EXPONENTS (W&amp;B <c>log_uniform</c>).</summary>
public sealed record LogUniform(double Min, double Max) : ContinuousDistribution
{
    /// <inheritdoc/>
    public override string Name => "log_uniform";

    /// <inheritdoc/>
    public override double InverseCdf(double u) => Math.Exp(Min + (Max - Min) * u);

    /// <inheritdoc/>
    public override double Cdf(double x) => x <= 0 ? 0 : (Math.Log(x) - Min) / (Max - Min);

    /// <inheritdoc/>
    public override string? Problem => Ordered(Min, Max);
}

/// <summary>
/// exp(−U(Min, Max)) with exponents Min and Max (W&amp;B <c>inv_log_uniform</c>, inverse CDF
/// <c>exp(−(min + (1 − u)(max − min)))</c>): log-uniform on [e^−max, e^−min].
/// </summary>
public sealed record InvLogUniform(double Min, double Max) : ContinuousDistribution
{
    /// <inheritdoc/>
    public override string Name => "inv_log_uniform";

    /// <inheritdoc/>
    public override double InverseCdf(double u) => Math.Exp(-(Min + (1 - u) * (Max - Min)));

    /// <inheritdoc/>
    public override double Cdf(double x) => x <= 0 ? 0 : 1 - (-Math.Log(x) - Min) / (Max - Min);

    /// <inheritdoc/>
    public override string? Problem => Ordered(Min, Max);
}

/// <summary>
/// W&amp;B <c>inv_log_uniform_values</c>: <c>inv_log_uniform</c> with exponents −ln Max and −ln Min, which is the
/// log-uniform law on the values [Min, Max].
/// </summary>
public sealed record InvLogUniformValues(double Min, double Max) : ContinuousDistribution
{
    InvLogUniform Exponents => new(-Math.Log(Max), -Math.Log(Min));

    /// <inheritdoc/>
    public override string Name => "inv_log_uniform_values";

    /// <inheritdoc/>
    public override double InverseCdf(double u) => Exponents.InverseCdf(u);

    /// <inheritdoc/>
    public override double Cdf(double x) => Exponents.Cdf(x);

    /// <inheritdoc/>
    public override string? Problem => Positive(Min, Max) ?? Ordered(Min, Max);
}

/// <summary>round(U(Min, Max) / Q) · Q (W&amp;B <c>q_uniform</c>).</summary>
public sealed record QUniform(double Min, double Max, double Q = 1) : ContinuousDistribution
{
    /// <inheritdoc/>
    public override string Name => "q_uniform";

    /// <inheritdoc/>
    public override double? Step => Q;

    /// <inheritdoc/>
    public override double InverseCdf(double u) => new Uniform(Min, Max).InverseCdf(u);

    /// <inheritdoc/>
    public override double Cdf(double x) => new Uniform(Min, Max).Cdf(x);

    /// <summary>numpy's <c>arange(min, max, q)</c>, as W&amp;B's grid expands q_uniform (max itself is excluded).</summary>
    public override IReadOnlyList<string>? GridValues
    {
        get
        {
            long count = (long)Math.Ceiling((Max - Min) / Q);
            return Problem is null && count <= 1_000_000 ? [.. Enumerable.Range(0, (int)count).Select(i => SweepValue.Step(Min, i, Q))] : null;
        }
    }

    /// <inheritdoc/>
    public override string? Problem => Ordered(Min, Max) ?? PositiveStep(Q);
}

/// <summary>round(exp(U(Min, Max)) / Q) · Q with exponents Min and Max (W&amp;B <c>q_log_uniform</c>).</summary>
public sealed record QLogUniform(double Min, double Max, double Q = 1) : ContinuousDistribution
{
    /// <inheritdoc/>
    public override string Name => "q_log_uniform";

    /// <inheritdoc/>
    public override double? Step => Q;

    /// <inheritdoc/>
    public override double InverseCdf(double u) => new LogUniform(Min, Max).InverseCdf(u);

    /// <inheritdoc/>
    public override double Cdf(double x) => new LogUniform(Min, Max).Cdf(x);

    /// <inheritdoc/>
    public override string? Problem => Ordered(Min, Max) ?? PositiveStep(Q);
}

/// <summary>round(LogUniformValues(Min, Max) / Q) · Q (W&amp;B <c>q_log_uniform_values</c>).</summary>
public sealed record QLogUniformValues(double Min, double Max, double Q = 1) : ContinuousDistribution
{
    /// <inheritdoc/>
    public override string Name => "q_log_uniform_values";

    /// <inheritdoc/>
    public override double? Step => Q;

    /// <inheritdoc/>
    public override double InverseCdf(double u) => new LogUniformValues(Min, Max).InverseCdf(u);

    /// <inheritdoc/>
    public override double Cdf(double x) => x <= 0 ? 0 : new LogUniformValues(Min, Max).Cdf(x);

    /// <inheritdoc/>
    public override string? Problem => Positive(Min, Max) ?? Ordered(Min, Max) ?? PositiveStep(Q);
}

/// <summary>A normal law N(Mu, Sigma²) (W&amp;B <c>normal</c>; defaults μ = 0, σ = 1).</summary>
public sealed record Normal(double Mu = 0, double Sigma = 1) : ContinuousDistribution
{
    /// <inheritdoc/>
    public override string Name => "normal";

    /// <inheritdoc/>
    public override double InverseCdf(double u) => Mu + Sigma * MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, Open(u));

    /// <inheritdoc/>
    public override double Cdf(double x) => MathNet.Numerics.Distributions.Normal.CDF(0, 1, (x - Mu) / Sigma);

    /// <inheritdoc/>
    public override string? Problem => PositiveScale("sigma", Sigma);
}

/// <summary>round(N(Mu, Sigma²) / Q) · Q (W&amp;B <c>q_normal</c>).</summary>
public sealed record QNormal(double Mu = 0, double Sigma = 1, double Q = 1) : ContinuousDistribution
{
    /// <inheritdoc/>
    public override string Name => "q_normal";

    /// <inheritdoc/>
    public override double? Step => Q;

    /// <inheritdoc/>
    public override double InverseCdf(double u) => new Normal(Mu, Sigma).InverseCdf(u);

    /// <inheritdoc/>
    public override double Cdf(double x) => new Normal(Mu, Sigma).Cdf(x);

    /// <inheritdoc/>
    public override string? Problem => PositiveScale("sigma", Sigma) ?? PositiveStep(Q);
}

/// <summary>exp(N(Mu, Sigma²)) (W&amp;B <c>log_normal</c>: scipy's lognorm with s = σ, scale = e^μ).</summary>
public sealed record LogNormal(double Mu = 0, double Sigma = 1) : ContinuousDistribution
{
    /// <inheritdoc/>
    public override string Name => "log_normal";

    /// <inheritdoc/>
    public override double InverseCdf(double u) => Math.Exp(new Normal(Mu, Sigma).InverseCdf(u));

    /// <inheritdoc/>
    public override double Cdf(double x) => x <= 0 ? 0 : new Normal(Mu, Sigma).Cdf(Math.Log(x));

    /// <inheritdoc/>
    public override string? Problem => PositiveScale("sigma", Sigma);
}

/// <summary>round(exp(N(Mu, Sigma²)) / Q) · Q (W&amp;B <c>q_log_normal</c>).</summary>
public sealed record QLogNormal(double Mu = 0, double Sigma = 1, double Q = 1) : ContinuousDistribution
{
    /// <inheritdoc/>
    public override string Name => "q_log_normal";

    /// <inheritdoc/>
    public override double? Step => Q;

    /// <inheritdoc/>
    public override double InverseCdf(double u) => new LogNormal(Mu, Sigma).InverseCdf(u);

    /// <inheritdoc/>
    public override double Cdf(double x) => new LogNormal(Mu, Sigma).Cdf(x);

    /// <inheritdoc/>
    public override string? Problem => PositiveScale("sigma", Sigma) ?? PositiveStep(Q);
}

/// <summary>A beta law on [0, 1] with shapes A and B (W&amp;B <c>beta</c>; defaults a = b = 1).</summary>
public sealed record Beta(double A = 1, double B = 1) : ContinuousDistribution
{
    /// <inheritdoc/>
    public override string Name => "beta";

    /// <inheritdoc/>
    public override double InverseCdf(double u) =>
        u <= 0 ? 0 : u >= 1 ? 1 : MathNet.Numerics.Distributions.Beta.InvCDF(A, B, u);

    /// <inheritdoc/>
    public override double Cdf(double x) => x <= 0 ? 0 : x >= 1 ? 1 : MathNet.Numerics.Distributions.Beta.CDF(A, B, x);

    /// <inheritdoc/>
    public override string? Problem => PositiveScale("a", A) ?? PositiveScale("b", B);
}

/// <summary>round(Beta(A, B) / Q) · Q (W&amp;B <c>q_beta</c>).</summary>
public sealed record QBeta(double A = 1, double B = 1, double Q = 1) : ContinuousDistribution
{
    /// <inheritdoc/>
    public override string Name => "q_beta";

    /// <inheritdoc/>
    public override double? Step => Q;

    /// <inheritdoc/>
    public override double InverseCdf(double u) => new Beta(A, B).InverseCdf(u);

    /// <inheritdoc/>
    public override double Cdf(double x) => new Beta(A, B).Cdf(x);

    /// <inheritdoc/>
    public override string? Problem => PositiveScale("a", A) ?? PositiveScale("b", B) ?? PositiveStep(Q);
}
