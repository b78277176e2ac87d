using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace Research.Generators.Tests;

public class ExperimentGeneratorTests
{
    [Fact]
    public void GeneratorRunsAndEmitsItsMarkerWithoutDiagnostics()
    {
        var compilation = CSharpCompilation.Create("probe",
            [CSharpSyntaxTree.ParseText("class C { }")],
            [MetadataReference.CreateFromFile(typeof(object).Assembly.Location)],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));

        var driver = CSharpGeneratorDriver.Create(new ExperimentGenerator()).RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);

        Assert.Empty(diagnostics);
        Assert.NotNull(output.GetTypeByMetadataName(ExperimentGenerator.MarkerTypeName));
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public void GeneratorIsBuiltAgainstARoslynTheSdkCompilerCanLoad()
    {
        // The SDK 10.0.401 compiler is Roslyn 5.9; a generator referencing a newer Microsoft.CodeAnalysis is dropped
        // with only warning CS9057. Pin the reference at or below the compiler's version.
        var reference = typeof(ExperimentGenerator).Assembly.GetReferencedAssemblies().Single(a => a.Name == "Microsoft.CodeAnalysis");
        Assert.True(reference.Version <= new Version(5, 9, 0, 0), $"Microsoft.CodeAnalysis {reference.Version} is newer than the SDK compiler (5.9)");
    }
}
