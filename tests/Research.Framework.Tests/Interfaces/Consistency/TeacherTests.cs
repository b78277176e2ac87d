using Research.Framework.Distillation;
using Research.Framework.Interfaces;
using Research.Framework.Interfaces.Consistency;
using Research.Framework.Networks;
using Research.Framework.Tests.Samplers;
using Research.Framework.Tests.TestSupport;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using static Research.Framework.Tests.Interfaces.Consistency.TrigFlowFields;

namespace Research.Framework.Tests.Interfaces.Consistency;

/// <summary>
/// sCD's teacher answers in TrigFlow's terms whatever its own path: with the exact SiT velocity, the exact EDM denoiser
/// or the exact TrigFlow F of N(0, s²) data, the converted tangent is TrigFlow's closed-form PF-ODE velocity
/// x_t·(σ_d² − s²) sin t cos t / V(t), derived independently of every conversion.
/// </summary>
public class TeacherTests
{
    const double S = 0.8;

    static (Tensor Xt, Tensor T) Points() =>
        (randn(6, 2, float64, generator: new Generator(31)) * 0.6, tensor(new[] { 0.05, 0.3, 0.7, 1.0, 1.3, 1.52 }));

    public static TheoryData<string> Teachers => ["sit", "edm", "trigflow"];

    [Theory]
    [MemberData(nameof(Teachers))]
    public void EveryTeacherGivesTheTrigFlowOdeVelocity(string kind)
    {
        using var scope = NewDisposeScope();
        Interface model = kind switch { "sit" => Fields.GaussianSiT(0, S), "edm" => Fields.GaussianEdm(0, S), _ => Gaussian(S) };
        var (xt, t) = Points();
        TensorAssert.Close(OdeVelocity(xt, t, S), Teacher.Of(model).Velocity(xt, t, SigmaData, null), 1e-11);
    }

    /// <summary>With the exact teacher the sCD direction vanishes for the exact consistency function (r = 1): the loss's fixed point.</summary>
    [Fact]
    public void TheExactStudentOfAnExactTeacherHasNoDirection()
    {
        using var scope = NewDisposeScope();
        var (xt, t) = Points();
        var teacher = Teacher.Of(Fields.GaussianEdm(0, S));
        var student = new SctInterface(new LambdaNetwork((input, time, c) => ConsistencyF(input, time, S)), TimeDist.LogNormal,
            new SctOptions { DType = ScalarType.Float64, LogVarianceWeighting = false });
        TensorAssert.Close(zeros_like(xt), student.Direction(xt, t, teacher.Velocity(xt, t, SigmaData, null), r: 1).G, 1e-11);
    }

    /// <summary>
    /// ScdInterface given a teacher in memory distils that teacher (its run-folder setting is not read): with the exact
    /// EDM teacher of N(0, s²) data the exact consistency student's sCD loss is 0 at every drawn (x_t, t), while the
    /// diffusion F, which is not constant along the teacher's trajectories, has a clearly positive loss.
    /// </summary>
    [Fact]
    public void ScdWithATeacherInMemoryDistilsThatTeacher()
    {
        using var scope = NewDisposeScope();
        var options = new ScdOptions { DType = ScalarType.Float64, Seed = 5, LogVarianceWeighting = false, WarmupSteps = 0 };
        var teacher = Teacher.Of(Fields.GaussianEdm(0, S));
        var x = randn(64, 2, float64, generator: new Generator(41)) * S;
        var exact = new ScdInterface(new LambdaNetwork((input, time, c) => ConsistencyF(input, time, S)), TimeDist.LogNormal, options, teacher);
        Assert.Same(teacher, exact.Teacher);
        Assert.True(exact.Loss(x).Loss.abs().max().item<double>() < 1e-15, "the exact student of the exact teacher has no loss");
        var diffusion = new ScdInterface(new LambdaNetwork((input, time, c) => DiffusionF(input, time, S)), TimeDist.LogNormal, options, teacher);
        Assert.True(diffusion.Loss(x).Loss.mean().item<double>() > 1e-3, "the diffusion F is not a consistency function");
    }

    /// <summary>Guidance on the teacher: u_c + (w − 1)(u_c − u_null), with fields that differ by label.</summary>
    [Fact]
    public void GuidanceCombinesTheConditionalAndNullTangents()
    {
        using var scope = NewDisposeScope();
        // A TrigFlow teacher whose F is 1 for label 0 and 0 for the null label (1): dx/dt = σ_d·F.
        var network = new LambdaNetwork((input, time, c) => c.Labels!.eq(0).to_type(ScalarType.Float64).unsqueeze(1) * ones_like(input), numClasses: 1);
        var model = new TrigFlowInterface(network, TimeDist.LogNormal, Options64);
        var (xt, t) = Points();
        var velocity = Teacher.Of(model, guidanceScale: 3).Velocity(xt, t, SigmaData, new Conditioning(Labels: zeros(6, ScalarType.Int64)));
        TensorAssert.Close(full_like(xt, SigmaData * 3), velocity, 1e-15);
    }

    [Fact]
    public void AConsistencyModelCannotTeach()
    {
        var sct = new SctInterface(new LambdaNetwork((x, t, c) => x), TimeDist.LogNormal, new SctOptions { LogVarianceWeighting = false });
        Assert.Contains("diffusion model", Assert.Throws<ArgumentException>(() => Teacher.Of(sct)).Message);
    }

    [Fact]
    public void AMissingTeacherRunIsAClearError()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-run-" + Guid.NewGuid());
        Assert.Contains("not a run folder", Assert.Throws<ArgumentException>(() => Teacher.Load(missing, 1, CPU, ScalarType.Float32)).Message);
        Assert.Contains("--Interface.TeacherRun", Assert.Throws<ArgumentException>(() => Teacher.Load("", 1, CPU, ScalarType.Float32)).Message);
    }

    [Fact]
    public void ATeacherTrainedOnOtherDataIsNamedBeforeTraining()
    {
        using var scope = NewDisposeScope();
        var toyTeacher = Teacher.Of(new EdmInterface(new ToyMlp(new ToyMlpOptions { Hidden = 16, Depth = 1, FrequencyEmbedSize = 16 }), TimeDist.LogNormal));
        var student = new ScdInterface(new LambdaNetwork((x, t, c) => x), TimeDist.LogNormal, new ScdOptions { LogVarianceWeighting = false }, toyTeacher);
        student.CheckBeforeTraining([2]);   // the 2-D toy's own data
        var error = Assert.Throws<ArgumentException>(() => student.CheckBeforeTraining([1, 8, 8]));
        Assert.Contains("cannot take this experiment's samples (1×8×8)", error.Message);
        Assert.Contains("trained on the same data", error.Message);
    }
}
