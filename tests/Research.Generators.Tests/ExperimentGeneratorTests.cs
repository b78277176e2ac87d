using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
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

    sealed class XmlDocs(string path, string text) : AdditionalText
    {
        public override string Path => path;
        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text);
    }

    /// <summary>
    /// The compiler does not load XML docs of referenced assemblies, so component settings get their help from the
    /// assembly's XML file given as an additional file: property summaries and constructor parameters.
    /// </summary>
    [Fact]
    public void HelpOfComponentSettingsComesFromTheReferencedAssemblysXmlDocs()
    {
        const string experiment = GeneratorHarness.Usings + """
            namespace Probe;
            /// <summary>Probe.</summary>
            [Experiment("probe")]
            [Interface(typeof(SiTInterface))]
            [Network(typeof(ToyMlp))]
            [Sampler(typeof(Heun), Steps = 8, Grid = typeof(KarrasGrid))]
            [Dataset(typeof(TwoMoons))]
            public partial class Probe { }
            """;
        var rho = typeof(Research.Framework.Samplers.KarrasGrid).GetConstructors().Single().GetParameters().First(p => p.Name == "rho");
        var ctorId = "M:Research.Framework.Samplers.KarrasGrid.#ctor(" + string.Join(",", typeof(Research.Framework.Samplers.KarrasGrid).GetConstructors().Single().GetParameters().Select(p => p.ParameterType.FullName)) + ")";
        var docs = new XmlDocs("Research.Framework.xml", $$"""
            <?xml version="1.0"?>
            <doc><members>
              <member name="P:Research.Framework.Interfaces.PathOptions.TMu"><summary>The mean of the time <see cref="T:Research.Framework.Interfaces.TimeDist"/>, from the docs.</summary></member>
              <member name="{{ctorId}}"><summary>A grid.</summary><param name="{{rho.Name}}">Curvature, from the docs.</param></member>
            </members></doc>
            """);
        var driver = CSharpGeneratorDriver.Create([new ExperimentGenerator().AsSourceGenerator()], [docs], GeneratorHarness.ParseOptions)
            .RunGeneratorsAndUpdateCompilation(GeneratorHarness.Compilation(experiment), out _, out var diagnostics);
        Assert.Empty(diagnostics);
        var code = driver.GetRunResult().GeneratedTrees.Single(t => t.FilePath.EndsWith("Probe.Experiment.g.cs")).ToString();
        Assert.Contains("new(\"Interface.TMu\", \"Double\", \"The mean of the time TimeDist, from the docs.\"", code);
        Assert.Contains("new(\"Grid.Rho\", \"Double\", \"Curvature, from the docs.\"", code);
        // Without the file the help falls back to the owner and name.
        var (_, bare, _) = GeneratorHarness.Run(experiment);
        Assert.Contains("new(\"Interface.TMu\", \"Double\", \"SiTOptions.TMu\"", bare.GeneratedTrees.Single(t => t.FilePath.EndsWith("Probe.Experiment.g.cs")).ToString());
    }
}
