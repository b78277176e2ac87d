using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace Research.Generators.Tests;

/// <summary>Drives <see cref="CSharpGeneratorDriver"/> over sources compiled against the Framework assembly.</summary>
internal static class GeneratorHarness
{
    /// <summary>
    /// The runtime's assemblies plus this test's dependencies (Research.Framework, TorchSharp), without the
    /// dependency-injection abstractions that Npgsql brings along: the probes are consumers without DI, so the
    /// generator emits no registrations for them (the Experiments tests cover those against the real container).
    /// </summary>
    static readonly MetadataReference[] References =
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(path => Path.GetFileName(path) != "Microsoft.Extensions.DependencyInjection.Abstractions.dll")
            .Append(typeof(Research.Framework.Experiments.ExperimentAttribute).Assembly.Location)
            .Distinct().Select(path => (MetadataReference)MetadataReference.CreateFromFile(path)).ToArray();

    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest, DocumentationMode.Parse);

    public const string Usings = """
        using Research.Framework.Data;
        using Research.Framework.Experiments;
        using Research.Framework.Interfaces;
        using Research.Framework.Networks;
        using Research.Framework.Samplers;

        """;

    public static CSharpCompilation Compilation(params string[] sources) => CSharpCompilation.Create("Probe",
        sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, ParseOptions, path: $"Source{i}.cs")),
        References, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver Driver(bool track = false) => CSharpGeneratorDriver.Create(
        [new ExperimentGenerator().AsSourceGenerator()], parseOptions: ParseOptions,
        driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: track));

    /// <summary>Runs the generator; returns its diagnostics, the generated sources and the errors of the resulting compilation.</summary>
    public static (IReadOnlyList<Diagnostic> Generator, GeneratorDriverRunResult Run, IReadOnlyList<Diagnostic> CompileErrors) Run(params string[] sources)
    {
        var driver = Driver().RunGeneratorsAndUpdateCompilation(Compilation(sources), out var output, out var diagnostics);
        return (diagnostics, driver.GetRunResult(), output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList());
    }

    /// <summary>The generator's diagnostic ids for <paramref name="sources"/>; with none, the code must also compile.</summary>
    public static string[] DiagnosticIds(params string[] sources)
    {
        var (diagnostics, _, errors) = Run(sources);
        var ids = diagnostics.Select(d => d.Id).ToArray();
        if (ids.Length == 0) Xunit.Assert.True(errors.Count == 0, "valid code must compile: " + string.Join("\n", errors));
        return ids;
    }

    /// <summary>
    /// Compares <paramref name="actual"/> with Snapshots/<paramref name="name"/>.approved.txt next to this file. A missing or
    /// different approved file fails the test and writes <paramref name="name"/>.received.txt to compare and approve (rename).
    /// </summary>
    public static void MatchesApproved(string name, string actual, [CallerFilePath] string caller = "")
    {
        var folder = Path.Combine(Path.GetDirectoryName(caller)!, "Snapshots");
        var approved = Path.Combine(folder, name + ".approved.txt");
        var received = Path.Combine(folder, name + ".received.txt");
        actual = actual.Replace("\r\n", "\n");
        if (File.Exists(approved) && File.ReadAllText(approved).Replace("\r\n", "\n") == actual)
        {
            File.Delete(received);
            return;
        }
        Directory.CreateDirectory(folder);
        File.WriteAllText(received, actual);
        Assert.Fail(File.Exists(approved)
            ? $"{name}: the generated code differs from {approved}; compare with {received} and rename it to approve."
            : $"{name}: no approved snapshot {approved}; review {received} and rename it to approve.");
    }
}
