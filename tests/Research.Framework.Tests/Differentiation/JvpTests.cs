using Research.Framework.Differentiation;
using Research.Framework.Tests.TestSupport;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Research.Framework.Tests.Differentiation;

/// <summary>
/// Alone in its collection, which runs with nothing in parallel: one test switches libtorch's process-wide flash
/// attention setting on, which would abort a JVP through attention running on another thread.
/// </summary>
[CollectionDefinition(nameof(JvpTests), DisableParallelization = true)]
public sealed class FlashSettingCollection;

[Collection(nameof(JvpTests))]
public class JvpTests
{
    public static TheoryData<string> Strategies => new() { "double_vjp", "finite_difference" };

    [Theory]
    [MemberData(nameof(Strategies))]
    public void MatchesTheClosedFormOfAnElementwiseFunction(string strategy)
    {
        using var scope = NewDisposeScope();
        var a = randn(5, 3, float64);
        var b = randn(5, 3, float64);
        var va = randn(5, 3, float64);
        var vb = randn(5, 3, float64);

        var result = JvpStrategy.Parse(strategy).Compute(p => p[0].square() * p[1].sin(), [a, b], [va, vb]);

        TensorAssert.Close(a.square() * b.sin(), result.Output, 1e-15);
        TensorAssert.Close(2 * a * b.sin() * va + a.square() * b.cos() * vb, result.Tangent, 1e-8);
        Assert.False(result.Tangent.requires_grad);
    }

    [Fact]
    public void StrategiesAgreeOnAnMlpAndTheOutputKeepsItsParameterGradients()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var mlp = nn.Sequential(nn.Linear(4, 32), nn.GELU(), nn.Linear(32, 32), nn.SiLU(), nn.Linear(32, 4)).to(float64);
        var x = randn(16, 4, float64);
        var t = rand(16, 1, float64);
        var vx = randn(16, 4, float64);
        var vt = ones(16, 1, float64);
        Tensor Function(Tensor[] p) => mlp.forward(p[0] * p[1].cos() + p[1]);

        var exact = JvpStrategy.DoubleVjp.Compute(Function, [x, t], [vx, vt]);
        var approximate = new FiniteDifferenceJvp().Compute(Function, [x, t], [vx, vt]);

        TensorAssert.Close(exact.Tangent, approximate.Tangent, 1e-8, 1e-7);
        exact.Output.sum().backward();
        Assert.All(mlp.parameters(), p => Assert.True(p.grad is not null && TensorAssert.Scalar(p.grad.abs().sum()) > 0));
    }

    /// <summary>
    /// Through scaled-dot-product attention. libtorch's CPU flash kernel has no double backward (it would abort the
    /// process), so the double-VJP strategy must switch it off while it runs and restore the setting afterwards.
    /// </summary>
    [Theory]
    [InlineData(ScalarType.Float64, 1e-7, 1e-6)]
    [InlineData(ScalarType.Float32, 2e-3, 2e-2)]
    public void StrategiesAgreeThroughAnAttentionBlock(ScalarType dtype, double atol, double rtol)
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        const int batch = 2, tokens = 6, width = 16, heads = 4;
        var qkv = nn.Linear(width, 3 * width).to(dtype);
        var projection = nn.Linear(width, width).to(dtype);
        var norm = nn.LayerNorm(width).to(dtype);
        Tensor Block(Tensor[] p)
        {
            var h = norm.forward(p[0]);
            var parts = qkv.forward(h).reshape(batch, tokens, 3, heads, width / heads).permute(2, 0, 3, 1, 4);
            var attended = F.scaled_dot_product_attention(parts[0], parts[1], parts[2]);
            return p[0] + projection.forward(attended.transpose(1, 2).reshape(batch, tokens, width));
        }
        var x = randn([batch, tokens, width], dtype);
        var v = randn([batch, tokens, width], dtype);
        backends.cuda.enable_flash_sdp(true);

        var exact = JvpStrategy.DoubleVjp.Compute(Block, [x], [v]);
        var approximate = new FiniteDifferenceJvp().Compute(Block, [x], [v]);

        Assert.True(backends.cuda.flash_sdp_enabled());
        TensorAssert.Close(exact.Tangent, approximate.Tangent, atol, rtol);
    }

    [Fact]
    public void InputsThatTheFunctionIgnoresContributeNothing()
    {
        using var scope = NewDisposeScope();
        var a = randn(3, float64);
        var b = randn(3, float64);
        var onlyA = JvpStrategy.DoubleVjp.Compute(p => p[0] * 2, [a, b], [ones(3, float64), ones(3, float64)]);
        TensorAssert.Close(full(3, 2.0, float64), onlyA.Tangent, 0);
        var constant = JvpStrategy.DoubleVjp.Compute(p => ones(3, float64), [a], [ones(3, float64)]);
        TensorAssert.Close(zeros(3, float64), constant.Tangent, 0);
    }

    [Fact]
    public void InconsistentInputsAreRejectedBeforeAnyAutogradCall()
    {
        using var scope = NewDisposeScope();
        var calls = 0;
        Tensor Function(Tensor[] p) { calls++; return p[0]; }
        var a = randn(3, 2, float64);

        Assert.Contains("shape", Assert.Throws<ArgumentException>(() => JvpStrategy.DoubleVjp.Compute(Function, [a], [randn(2, 3, float64)])).Message);
        Assert.Contains("one tangent per primal", Assert.Throws<ArgumentException>(() => JvpStrategy.DoubleVjp.Compute(Function, [a], [])).Message);
        Assert.Contains("type", Assert.Throws<ArgumentException>(() => JvpStrategy.DoubleVjp.Compute(Function, [a], [randn(3, 2, float32)])).Message);
        Assert.Contains("floating-point", Assert.Throws<ArgumentException>(() => JvpStrategy.DoubleVjp.Compute(Function, [ones(3, int64)], [ones(3, int64)])).Message);
        Assert.Equal(0, calls);
    }

    [Fact]
    public void ParsingAndStepValidation()
    {
        Assert.IsType<DoubleVjpJvp>(JvpStrategy.Parse("Double_VJP"));
        Assert.IsType<FiniteDifferenceJvp>(JvpStrategy.Parse("finite-difference"));
        var error = Assert.Throws<ArgumentException>(() => JvpStrategy.Parse("forward"));
        Assert.Contains("double_vjp", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new FiniteDifferenceJvp(0));
    }
}
