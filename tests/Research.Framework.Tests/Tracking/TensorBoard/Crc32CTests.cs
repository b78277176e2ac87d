using System.Text;
using Research.Framework.Tracking;
using Research.Framework.Tracking.TensorBoard;
using Xunit;

namespace Research.Framework.Tests.Tracking.TensorBoard;

public sealed class Crc32CTests
{
    [Fact]
    public void MatchesTheCheckValueOfCrc32C() => Assert.Equal(0xE3069283u, Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")));

    [Fact]
    public void MasksAsTensorFlowDoes() => Assert.Equal(0xC78AB0E5u, Crc32C.Masked(Encoding.ASCII.GetBytes("123456789")));

    [Fact]
    public void AgreesWithABitwiseReferenceOnEveryLengthAroundTheEightByteSteps()
    {
        var data = Enumerable.Range(0, 40).Select(i => (byte)(i * 37 + 11)).ToArray();
        for (var length = 0; length <= data.Length; length++)
            Assert.Equal(TfEventsReader.Reference(data.AsSpan(0, length)), Crc32C.Compute(data.AsSpan(0, length)));
    }
}
