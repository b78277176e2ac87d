using Research.Framework.Tests.Interfaces;

namespace Research.Framework.Tests;

/// <summary>
/// The test assembly doubles as a tiny program so that tests can start a second process
/// (`dotnet Research.Framework.Tests.dll draws SEED`) and compare its random draws with their own.
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
        Console.Error.WriteLine("usage: Research.Framework.Tests draws SEED");
        return 2;
    }
}
