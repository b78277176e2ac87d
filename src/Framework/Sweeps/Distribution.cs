using System.Globalization;

namespace Research.Framework.Sweeps;

/// <summary>
/// Where a sweep parameter's values come from, in W&amp;B's vocabulary. Values are the invariant command-line text of
/// the setting. Random search draws through <see cref="Sample"/>: the inverse CDF (<see cref="Quantile"/>, W&amp;B's
/// <c>ppf</c>) of a uniform draw, exactly as <c>wandb/sweeps params.py</c> does.
/// </summary>
/// <remarks>
/// What TPE needs is the law's probability-integral transform: an ordered law maps each value to the interval
/// <see cref="Interval"/> of uniform draws that <see cref="Quantile"/> sends to it (a point for a continuous law, a
/// cell for an integer or quantized one), so the search works on [0, 1] whatever the law's scale (linear, log,
/// normal, beta). Unordered laws (categorical, constant) expose <see cref="Choices"/> instead.
/// </remarks>
public abstract record Distribution
{
    /// <summary>One value drawn independently of everything else.</summary>
    public virtual string Sample(Random random) => Quantile(random.NextDouble());

    /// <summary>The value at cumulative probability <paramref name="probability"/> in [0, 1] (the inverse CDF).</summary>
    public abstract string Quantile(double probability);

    /// <summary>W&amp;B's name of this law (<c>log_uniform_values</c>), as sweep files spell it.</summary>
    public abstract string Name { get; }

    /// <summary>
    /// The finite unordered values of a categorical or constant law (TPE gives them a categorical kernel); null for
    /// ordered numeric laws, which have an <see cref="Interval"/> instead.
    /// </summary>
    public virtual IReadOnlyList<string>? Choices => null;

    /// <summary>
    /// For an ordered law: the interval [F(v⁻), F(v)] of cumulative probabilities whose <see cref="Quantile"/> is
    /// <paramref name="value"/> (both ends equal for a continuous law). Null when the value is not a number of the
    /// law's support, or for an unordered law.
    /// </summary>
    public virtual (double Low, double High)? Interval(string value) => null;

    /// <summary>
    /// The values a grid enumerates (W&amp;B grid_search: constant, categorical without probabilities, int_uniform,
    /// q_uniform); null when this law cannot be enumerated.
    /// </summary>
    public virtual IReadOnlyList<string>? GridValues => null;

    /// <summary>What is wrong with the law's arguments (min ≥ max, σ ≤ 0, ...), or null when it is valid.</summary>
    public virtual string? Problem => null;

    /// <summary>The invariant text of a number, as the command line takes it.</summary>
    protected static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>One of a list of values (W&amp;B <c>values</c>), uniformly unless probabilities are given.</summary>
public sealed record Categorical(IReadOnlyList<string> Values, IReadOnlyList<double>? Probabilities = null) : Distribution
{
    /// <inheritdoc/>
    public override string Name => Probabilities is null ? "categorical" : "categorical_w_probabilities";

    /// <inheritdoc/>
    public override string Quantile(double probability)
    {
        if (Probabilities is null) return Values[Math.Min((int)(probability * Values.Count), Values.Count - 1)];
        double u = probability * Probabilities.Sum(), cumulative = 0;
        for (int i = 0; i < Values.Count; i++)
            if (u < (cumulative += Probabilities[i])) return Values[i];
        return Values[^1];
    }

    /// <inheritdoc/>
    public override IReadOnlyList<string> Choices => Values;

    /// <inheritdoc/>
    public override IReadOnlyList<string>? GridValues => Probabilities is null ? Values : null;

    /// <inheritdoc/>
    public override string? Problem =>
        Values.Count == 0 ? "values must not be empty"
        : Values.Select(SweepValue.Canonical).Distinct().Count() != Values.Count ? "values must not repeat"
        : Probabilities is null ? null
        : Probabilities.Count != Values.Count ? $"probabilities has {Probabilities.Count} entries for {Values.Count} values"
        : Probabilities.Any(p => !(p >= 0)) ? "probabilities must not be negative"
        : Math.Abs(Probabilities.Sum() - 1) > 1e-6 ? $"probabilities must sum to 1 (they sum to {Text(Probabilities.Sum())})"
        : null;

    /// <summary>Equal when the values and the probabilities are equal element by element.</summary>
    public bool Equals(Categorical? other) =>
        other is not null && Values.SequenceEqual(other.Values)
        && (Probabilities is null ? other.Probabilities is null : other.Probabilities is not null && Probabilities.SequenceEqual(other.Probabilities));

    /// <inheritdoc/>
    public override int GetHashCode() => Values.Aggregate(Values.Count, (h, v) => HashCode.Combine(h, v));
}

/// <summary>An integer uniform on [Min, Max], both ends included (W&amp;B <c>int_uniform</c>).</summary>
public sealed record IntUniform(long Min, long Max) : Distribution
{
    long Count => Max - Min + 1;

    /// <inheritdoc/>
    public override string Name => "int_uniform";

    /// <inheritdoc/>
    public override string Quantile(double probability) =>
        Math.Min(Min + (long)Math.Floor(probability * Count), Max).ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc/>
    public override (double Low, double High)? Interval(string value) =>
        long.TryParse(SweepValue.Canonical(value), NumberStyles.Integer, CultureInfo.InvariantCulture, out var k) && k >= Min && k <= Max
            ? ((double)(k - Min) / Count, (double)(k - Min + 1) / Count)
            : null;

    /// <inheritdoc/>
    public override IReadOnlyList<string>? GridValues =>
        Count <= 1_000_000 ? [.. Enumerable.Range(0, (int)Count).Select(i => (Min + i).ToString(CultureInfo.InvariantCulture))] : null;

    /// <inheritdoc/>
    public override string? Problem => Min > Max ? $"min ({Min}) must not exceed max ({Max})" : null;
}

/// <summary>A real uniform on [Min, Max] (W&amp;B <c>uniform</c>).</summary>
public sealed record Uniform(double Min, double Max) : ContinuousDistribution
{
    /// <inheritdoc/>
    public override string Name => "uniform";

    /// <inheritdoc/>
    public override double InverseCdf(double u) => Min + (Max - Min) * u;

    /// <inheritdoc/>
    public override double Cdf(double x) => (x - Min) / (Max - Min);

    /// <inheritdoc/>
    public override string? Problem => Ordered(Min, Max);
}

/// <summary>
/// Log-uniform between the values Min and Max (W&amp;B <c>log_uniform_values</c>). W&amp;B's <c>log_uniform</c> takes
/// natural-log exponents instead: it is this distribution on [e^min, e^max] (see <see cref="LogUniform"/>).
/// </summary>
public sealed record LogUniformValues(double Min, double Max) : ContinuousDistribution
{
    /// <inheritdoc/>
    public override string Name => "log_uniform_values";

    /// <inheritdoc/>
    public override double InverseCdf(double u) => Math.Exp(Math.Log(Min) + (Math.Log(Max) - Math.Log(Min)) * u);

    /// <inheritdoc/>
    public override double Cdf(double x) => x <= 0 ? 0 : (Math.Log(x) - Math.Log(Min)) / (Math.Log(Max) - Math.Log(Min));

    /// <inheritdoc/>
    public override string? Problem => Positive(Min, Max) ?? Ordered(Min, Max);
}
