namespace Research.Framework.Commands;

/// <summary>an extra command of a program (benchmarks, tools): its name, a usage line, a help line and what it runs.</summary>
public sealed record HostCommand(string Name, string Usage, string Help, Func<IReadOnlyList<string>, TextWriter, int> Run);
