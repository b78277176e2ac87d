using Xunit;

namespace Research.Experiments.Tests;

public class ProgramTests
{
    [Fact]
    public void ProgramStartsAndTheGeneratorRanForIt()
    {
        var output = new StringWriter();
        var previous = Console.Out;
        Console.SetOut(output);
        try { Assert.Equal(0, Program.Main([])); }
        finally { Console.SetOut(previous); }
        Assert.Contains("Research.Generators", output.ToString());
    }
}
