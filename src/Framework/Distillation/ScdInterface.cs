using Research.Framework.Interfaces;
using Research.Framework.Interfaces.Consistency;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Distillation;

/// <summary>Options of <see cref="ScdInterface"/>: the sCM loss's, plus the teacher.</summary>
public record ScdOptions : ScmOptions
{
    /// <summary>The teacher: a trained SiT, EDM or TrigFlow run folder (its newest checkpoint's EMA weights are used).</summary>
    public string TeacherRun { get; init; } = "";

    /// <summary>
    /// The experiment `run` trains first (or whose newest finished run with the same shared settings it reuses) when
    /// <see cref="TeacherRun"/> is empty; empty: none, a teacher run must be given.
    /// </summary>
    public string TeacherExperiment { get; init; } = "";

    /// <summary>Classifier-free guidance scale w on the teacher's tangent (1 = none; needs a class-conditional teacher).</summary>
    public double TeacherGuidanceScale { get; init; } = 1.0;

    /// <summary>Start the student from the teacher's weights when the networks match (same type, shapes and time scale).</summary>
    public bool StartFromTeacher { get; init; } = true;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        OptionChecks.Finite(TeacherGuidanceScale, $"{GetType().Name}.TeacherGuidanceScale");
    }
}

/// <summary>
/// sCD, continuous-time consistency distillation (Lu &amp; Song 2024): the sCM loss of <see cref="ScmInterface"/> with the
/// trajectory tangent of a frozen diffusion teacher, dx_t/dt = the teacher's PF-ODE at (x_t, t) in TrigFlow terms
/// (<see cref="Teacher.Velocity"/>), guided on the teacher. The teacher is loaded when the interface is built, so a
/// missing or unusable teacher fails before any training step; the student starts from its weights when they fit.
/// </summary>
public class ScdInterface : ScmInterface, IPreflightCheck
{
    /// <summary>Loads the teacher and, when the networks match, copies its weights into the student.</summary>
    public ScdInterface(IDiffusionNetwork network, TimeDist dist, ScdOptions? options = null)
        : this(network, dist, options ??= new ScdOptions(), Teacher.Load(options.TeacherRun, options.TeacherGuidanceScale, options.Device ?? CPU, options.DType)) { }

    /// <summary>
    /// Distils <paramref name="teacher"/>, a teacher already in memory (<see cref="Teacher.Of"/>: a closed-form field, a model
    /// trained in this process); <see cref="ScdOptions.TeacherRun"/> is not read. The student starts from its weights when they fit.
    /// </summary>
    public ScdInterface(IDiffusionNetwork network, TimeDist dist, ScdOptions options, Teacher teacher)
        : base(network, dist, options)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        Options = options;
        Teacher = teacher;
        if (options.StartFromTeacher && TeacherNetworks.Matches(Teacher.Model.Network, network))
        {
            CopyWeights((nn.Module)Teacher.Model.Network, (nn.Module)network);
            StartedFromTeacher = true;
        }
    }

    /// <summary>The validated options.</summary>
    public new ScdOptions Options { get; }

    /// <summary>The frozen teacher.</summary>
    public Teacher Teacher { get; }

    /// <summary>True when the student's weights were initialised from the teacher's.</summary>
    public bool StartedFromTeacher { get; }

    /// <summary>
    /// The teacher's tangent on two zero samples of the data's shape at t = 1: a teacher trained on other data (a 2-D toy
    /// for an image student) is named here, before step 1, not in a stack trace at the first training step.
    /// </summary>
    public void CheckBeforeTraining(long[] sampleShape)
    {
        using var scope = NewDisposeScope();
        var device = Options.Device ?? CPU;
        var x = zeros([2, .. sampleShape], Options.DType, device);
        try
        {
            Teacher.Velocity(x, full(2, 1.0, Options.DType, device), SigmaData, null);
        }
        catch (ArgumentException error)
        {
            var teacher = Options.TeacherRun is { Length: > 0 } run ? $"The teacher run '{run}'" : "The teacher";
            throw new ArgumentException($"{teacher} cannot take this experiment's samples ({string.Join("×", sampleShape)}): {error.Message} " +
                "Distil a teacher trained on the same data.", error);
        }
    }

    /// <summary>The teacher's dx_t/dt at (x_t, t).</summary>
    protected override Tensor TrajectoryTangent(Tensor x, Tensor z, Tensor xt, Tensor t, Conditioning? cond) =>
        Teacher.Velocity(xt, t, SigmaData, cond);

    static void CopyWeights(nn.Module from, nn.Module to)
    {
        var source = from.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        using var noGradient = no_grad();
        foreach (var (name, parameter) in to.named_parameters())
            if (source.TryGetValue(name, out var weights)) parameter.copy_(weights);
    }
}
