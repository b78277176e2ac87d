namespace Research.Framework.Data;

/// <summary>A labelled data set that names its classes (label k is <c>ClassNames[k]</c>), for captions on sample grids.</summary>
public interface IClassNames
{
    /// <summary>The class names, indexed by label.</summary>
    IReadOnlyList<string> ClassNames { get; }
}
