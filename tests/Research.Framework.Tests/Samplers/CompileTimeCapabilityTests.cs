using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace Research.Framework.Tests.Samplers;

/// <summary>
/// Where the model's type is known, a sampler that needs a capability rejects a model without it at compile time:
/// the snippets are compiled against the real framework assembly.
/// </summary>
public class CompileTimeCapabilityTests
{
    static IReadOnlyList<Diagnostic> Compile(string body)
    {
        var source = $$"""
            using Research.Framework.Interfaces;
            using Research.Framework.Samplers;
            using TorchSharp;
            sealed class NoScore(IDiffusionNetwork network) : Interface(network, TimeDist.Uniform, new SiTOptions())
            {
                public override torch.Tensor CIn(torch.Tensor t) => t;
                public override torch.Tensor COut(torch.Tensor t) => t;
                public override torch.Tensor CSkip(torch.Tensor t) => t;
                public override torch.Tensor CNoise(torch.Tensor t) => t;
                public override torch.Tensor SampleT(params long[] shape) => throw null!;
                public override torch.Tensor SampleN(params long[] shape) => throw null!;
                public override torch.Tensor SampleXt(torch.Tensor x, torch.Tensor n, torch.Tensor t) => x;
                public override torch.Tensor Target(torch.Tensor x, torch.Tensor n, torch.Tensor t) => x;
                public override torch.Tensor Pred(torch.Tensor xt, torch.Tensor t, Conditioning? cond = null) => xt;
                public override LossOutput Loss(torch.Tensor x, Conditioning? cond = null) => throw null!;
            }
            static class Snippet
            {
                static void Run(SiTInterface sit, EdmInterface edm, MeanFlowInterface meanFlow, NoScore noScore, torch.Tensor x)
                {
                    {{body}}
                }
            }
            """;
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var references = platform
            .Concat([typeof(Research.Framework.Samplers.Sampler).Assembly.Location, typeof(TorchSharp.torch).Assembly.Location])
            .Distinct()
            .Select(path => MetadataReference.CreateFromFile(path));
        var compilation = CSharpCompilation.Create("snippet", [CSharpSyntaxTree.ParseText(source)], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        return compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
    }

    [Fact]
    public void ValidPairingsCompile()
    {
        Assert.Empty(Compile("new EulerJump(1).Sample(meanFlow, x); new EulerMaruyama(10).Sample(sit, x); new Heun(4).Sample(edm, x); new Heun(4).Sample(noScore, x);"));
    }

    [Theory]
    [InlineData("new EulerJump(1).Sample(sit, x);")]
    [InlineData("new EulerJump(1).Sample(edm, x);")]
    public void EulerJumpWithAOneTimeModelDoesNotCompile(string call)
    {
        var errors = Compile(call);
        Assert.NotEmpty(errors);
        Assert.Contains(errors, e => e.GetMessage().Contains("ITwoTimeModel") || e.Id is "CS0311" or "CS0619");
    }

    [Fact]
    public void EulerMaruyamaWithAModelWithoutAScoreDoesNotCompile()
    {
        var errors = Compile("new EulerMaruyama(10).Sample(noScore, x);");
        Assert.NotEmpty(errors);
        Assert.Contains(errors, e => e.GetMessage().Contains("IHasScore") || e.Id is "CS0311" or "CS0619");
    }
}
