using Research.Framework.Tests.TestSupport;
using TorchSharp;
using TorchSharp.PyBridge;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Parity;

/// <summary>The golden-file pipe itself: values a Python fixture writes arrive intact, as .npy and as .safetensors.</summary>
public class PythonReferenceTests
{
    [Fact]
    public void NpyGoldensArriveWithTheirShapeAndValues()
    {
        using var scope = NewDisposeScope();
        var grid = PythonReference.Load("selfcheck.py", "grid");
        Assert.Equal(new long[] { 2, 3, 4 }, grid.shape);
        TensorAssert.Close(arange(24, dtype: ScalarType.Float32).reshape(2, 3, 4) / 8, grid, 0);
        // PyTorch's softmax against libtorch's through TorchSharp: the two agree to float rounding.
        TensorAssert.Close(grid.softmax(-1), PythonReference.Load("selfcheck.py", "softmax"), 1e-6);
    }

    [Fact]
    public void SafetensorsWrittenFromTheSpecificationLoadThroughPyBridge()
    {
        using var scope = NewDisposeScope();
        var path = Path.Combine(PythonReference.Goldens("selfcheck.py"), "weights.safetensors");
        var loaded = Safetensors.LoadStateDict(path);
        Assert.Equal(["layer.bias", "layer.weight"], loaded.Keys.Order());
        TensorAssert.Close(PythonReference.Load("selfcheck.py", "grid"), loaded["layer.weight"], 0);
        TensorAssert.Close(-PythonReference.Load("selfcheck.py", "grid")[0, 0], loaded["layer.bias"], 0);
    }
}
