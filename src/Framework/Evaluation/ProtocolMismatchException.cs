namespace Research.Framework.Evaluation;

/// <summary>Thrown when two metrics computed under different evaluation protocols are compared.</summary>
public sealed class ProtocolMismatchException(IReadOnlyList<string> fields, string message) : InvalidOperationException(message)
{
    /// <summary>The names of the differing <see cref="EvaluationProtocol"/> fields.</summary>
    public IReadOnlyList<string> Fields { get; } = fields;
}
