using Research.Framework.Tests.Interfaces;
using Research.Framework.Tests.Sweeps;
using Research.Framework.Tests.Tracking;
using Research.Framework.Tests.Tracking.RunIndex;

namespace Research.Framework.Tests;

/// <summary>
/// The test assembly doubles as a tiny program so that tests can start a second process
/// (`dotnet Research.Framework.Tests.dll draws SEED`) and compare its random draws with their own, or write to a
/// shared run-store index alongside them (`runstore-writer DB RUN-ID N [GO-FILE]`), or be a sweep worker with a fake
/// trial body (`sweep-fake-worker STORAGE SWEEP WORKER-ID FOLDER`).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args is ["draws", var seed])
        {
            Console.WriteLine(DeterminismProbe.Fingerprint(long.Parse(seed, System.Globalization.CultureInfo.InvariantCulture)));
            return 0;
        }
        if (args is ["runstore-writer", var database, var runId, var steps, .. var rest])
        {
            RunStoreWriter.Write(database, runId, int.Parse(steps, System.Globalization.CultureInfo.InvariantCulture), rest.FirstOrDefault(), Console.Out);
            return 0;
        }
        if (args is ["sweep-fake-worker", var storage, var sweep, var worker, var folder])
            return FakeSweepWorker.Run(storage, sweep, worker, folder);
        Console.Error.WriteLine("usage: Research.Framework.Tests draws SEED | runstore-writer DB RUN-ID N [GO-FILE] | sweep-fake-worker STORAGE SWEEP WORKER-ID FOLDER");
        return 2;
    }
}
