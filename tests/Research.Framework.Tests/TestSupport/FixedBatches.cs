using Research.Framework.Data;

namespace Research.Framework.Tests.TestSupport;

/// <summary>The given batches in order (the trainer disposes what it is given each step, so it gets aliases).</summary>
public sealed class FixedBatches(IReadOnlyList<Batch> batches) : IBatchSource
{
    int next;
    public Batch Next() { var b = batches[next++ % batches.Count]; return new Batch(b.X.alias(), b.Labels?.alias()) { EncoderInput = b.EncoderInput?.alias() }; }
    public string SaveState() => next.ToString(System.Globalization.CultureInfo.InvariantCulture);
    public void RestoreState(string state) => next = int.Parse(state, System.Globalization.CultureInfo.InvariantCulture);
}
