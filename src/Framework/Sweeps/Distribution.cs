using System.Globalization;

namespace Research.Framework.Sweeps;

/// <summary>
/// Where a sweep parameter's values come from, in W&amp;B's vocabulary. Values are the invariant command-line text of
/// the setting. Random search draws through <see cref="Sample"/> (inverse CDF of a uniform draw).
/// </summary>
public abstract record Distribution
{
    /// <summary>One value drawn independently of everything else.</summary>
    public abstract string Sample(Random random);

    /// <summary>The invariant text of a number, as the command line takes it.</summary>
    protected static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>One of a list of values (W&amp;B <c>values</c>), uniformly unless probabilities are given.</summary>
public sealed record Categorical(IReadOnlyList<string> Values, IReadOnlyList<double>? Probabilities = null) : Distribution
{
    /// <inheritdoc/>
    public override string Sample(Random random)
    {
        if (Probabilities is null) return Values[random.Next(Values.Count)];
        double u = random.NextDouble() * Probabilities.Sum(), cumulative = 0;
        for (int i = 0; i < Values.Count; i++)
            if (u < (cumulative += Probabilities[i])) return Values[i];
        return Values[^1];
    }
}

/// <summary>An integer uniform on [Min, Max], both ends included (W&amp;B <c>int_uniform</c>).</summary>
public sealed record IntUniform(long Min, long Max) : Distribution
{
    /// <inheritdoc/>
    public override string Sample(Random random) => random.NextInt64(Min, Max + 1).ToString(CultureInfo.InvariantCulture);
}

/// <summary>A real uniform on [Min, Max] (W&amp;B <c>uniform</c>).</summary>
public sealed record Uniform(double Min, double Max) : Distribution
{
    /// <inheritdoc/>
    public override string Sample(Random random) => Text(Min + (Max - Min) * random.NextDouble());
}

/// <summary>
/// Log-uniform between the values Min and Max (W&amp;B <c>log_uniform_values</c>). W&amp;B's <c>log_uniform</c> takes
/// natural-log exponents instead: it is this distribution on [e^min, e^max].
/// </summary>
public sealed record LogUniformValues(double Min, double Max) : Distribution
{
    /// <inheritdoc/>
    public override string Sample(Random random) => Text(Math.Exp(Math.Log(Min) + (Math.Log(Max) - Math.Log(Min)) * random.NextDouble()));
}
