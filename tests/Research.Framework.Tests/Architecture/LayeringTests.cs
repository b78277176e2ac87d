using Xunit;
using Xunit.Abstractions;

namespace Research.Framework.Tests.Architecture;

/// <summary>The folders of Research.Framework form a layered order: no folder uses, directly or not, a folder that uses it.</summary>
public sealed class LayeringTests(ITestOutputHelper log)
{
    const string FixtureRoot = "Research.Framework.Tests.Architecture.Fixture";

    static FolderDependencies Framework() => FolderDependencies.Read(typeof(Research.Framework.Interfaces.Interface).Assembly, "Research.Framework");

    [Fact]
    public void TheFrameworkFoldersHaveNoCycle()
    {
        var dependencies = Framework();
        foreach (var (folder, uses) in dependencies.Edges.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            log.WriteLine($"{folder} → {string.Join(", ", uses.Keys.Order(StringComparer.Ordinal))}");
        var cycles = FolderCycles.Find(dependencies.Edges);
        Assert.True(cycles.Count == 0, "Folder cycles in Research.Framework:\n  " + string.Join("\n  ", cycles));
    }

    [Fact]
    public void TheReaderSeesTheFrameworksKnownUses()
    {
        // The trainer trains an Interface; the run command runs the ExperimentRunner; REPA's settings use the classifier options.
        var edges = Framework().Edges;
        Assert.Contains("Interfaces", edges["Training"].Keys);
        Assert.Contains("Runs", edges["Commands"].Keys);
        Assert.Contains("Sweeps", edges["Experiments"].Keys);   // IExperiment.Space is a SearchSpace
        Assert.False(edges.TryGetValue("Sweeps", out var sweeps) && sweeps.ContainsKey("Experiments"), "Sweeps must not use Experiments");
    }

    [Fact]
    public void TheReaderSeesBodiesFieldsGenericArgumentsAndLambdas()
    {
        var edges = FolderDependencies.Read(typeof(LayeringTests).Assembly, FixtureRoot).Edges;
        Assert.Equal("Alpha.BodyOnly → Beta.Target", edges["Alpha"]["Beta"]);      // only inside a method body, fully qualified
        Assert.Equal("Beta.Target → Gamma.Holder", edges["Beta"]["Gamma"]);        // a field's type
        Assert.Equal("Gamma.Holder → Alpha.BodyOnly", edges["Gamma"]["Alpha"]);    // a generic argument of a parameter
        Assert.Equal("Delta.Lambda → Beta.Target", edges["Delta"]["Beta"]);        // inside a lambda (a compiler-generated class)
        Assert.Equal(["Alpha", "Beta", "Delta", "Gamma"], edges.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ACycleIsReportedWithOneReferencePerStep()
    {
        var edges = FolderDependencies.Read(typeof(LayeringTests).Assembly, FixtureRoot).Edges;
        var cycle = Assert.Single(FolderCycles.Find(edges));
        Assert.Equal("Alpha → Beta → Gamma → Alpha (Alpha.BodyOnly → Beta.Target; Beta.Target → Gamma.Holder; Gamma.Holder → Alpha.BodyOnly)", cycle);
    }

    [Fact]
    public void EachCycleIsReportedOnceAndALayeredGraphHasNone()
    {
        static Dictionary<string, Dictionary<string, string>> Graph(params (string From, string To)[] uses) =>
            uses.GroupBy(u => u.From).ToDictionary(g => g.Key, g => g.ToDictionary(u => u.To, u => $"{u.From}.X → {u.To}.Y"));

        Assert.Empty(FolderCycles.Find(Graph(("Commands", "Runs"), ("Runs", "Experiments"), ("Commands", "Experiments"), ("Experiments", "Sweeps"))));
        var cycles = FolderCycles.Find(Graph(("A", "B"), ("B", "A"), ("C", "D"), ("D", "E"), ("E", "C"), ("E", "F"), ("F", "A")));
        Assert.Equal(2, cycles.Count);
        Assert.Contains(cycles, c => c.StartsWith("A → B → A ", StringComparison.Ordinal));
        Assert.Contains(cycles, c => c.StartsWith("C → D → E → C ", StringComparison.Ordinal));
    }
}
