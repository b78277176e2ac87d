using System.Runtime.InteropServices;

namespace Research.Framework.Commands;

/// <summary>
/// Turns Ctrl-C (SIGINT) and SIGTERM (what Slurm, Kubernetes and `kill` send before killing) into a cancellation,
/// so a run or a sweep worker stops after its next checkpoint and flushes its tracking instead of dying mid-write.
/// A second signal, or any signal after disposal, has the default effect: the process ends.
/// </summary>
public sealed class StopSignal : IDisposable
{
    readonly CancellationTokenSource cancel = new();
    readonly PosixSignalRegistration[] registrations;

    /// <summary>Listens until disposed; the first signal is announced on <paramref name="output"/>.</summary>
    public StopSignal(TextWriter output)
    {
        registrations = [.. new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM }.Select(signal => PosixSignalRegistration.Create(signal, context =>
        {
            if (cancel.IsCancellationRequested) return;   // a second signal takes the default path: the process ends
            context.Cancel = true;   // keep the process alive until the loop has stopped cleanly
            output.WriteLine($"{(context.Signal == PosixSignal.SIGTERM ? "SIGTERM" : "Ctrl-C")}: stopping after the next checkpoint…");
            cancel.Cancel();
        }))];
    }

    /// <summary>Cancelled on the first signal.</summary>
    public CancellationToken Token => cancel.Token;

    /// <summary>Stops listening. The token source is left to the collector: a handler may still be cancelling it on the signal thread.</summary>
    public void Dispose()
    {
        foreach (var registration in registrations) registration.Dispose();
    }
}
