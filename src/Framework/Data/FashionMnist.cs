using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Data;

/// <summary>
/// Fashion-MNIST from its IDX files: images (N, 1, 28, 28) — or (N, 1, 32, 32) padded — in [−1, 1] (pixel/127.5 − 1),
/// labels int64 in 0…9. The bytes stay in memory as uint8 (47 MB for the training split) and each batch is one
/// index_select plus a conversion.
/// </summary>
public sealed class FashionMnist : IIndexedDataset, IClassNames, IDisposable
{
    /// <summary>The ten classes in label order, as Zalando's dataset card names them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <inheritdoc />
    public IReadOnlyList<string> ClassNames => Names;

    private readonly Tensor images;   // uint8 (N, 1, 28, 28)
    private readonly Tensor labels;   // int64 (N)
    private readonly bool pad;

    private FashionMnist(Tensor images, Tensor labels, bool pad)
    {
        this.images = images;
        this.labels = labels;
        this.pad = pad;
        long side = images.shape[2] + (pad ? 4 : 0);
        SampleShape = [1, side, images.shape[3] + (pad ? 4 : 0)];
    }

    /// <summary>
    /// Loads a split. Throws <see cref="FileNotFoundException"/> that names the install command and the
    /// <see cref="FashionMnistOptions.Folder"/> option when the files are absent.
    /// </summary>
    public static FashionMnist Load(FashionMnistOptions? options = null)
    {
        options ??= new FashionMnistOptions();
        string prefix = options.Train ? "train" : "t10k";
        var imageFile = IdxFile.Read(Locate(options.Folder, $"{prefix}-images-idx3-ubyte"));
        var labelFile = IdxFile.Read(Locate(options.Folder, $"{prefix}-labels-idx1-ubyte"));
        if (imageFile.Dimensions.Length != 3 || labelFile.Dimensions.Length != 1 || imageFile.Dimensions[0] != labelFile.Dimensions[0])
            throw new InvalidDataException($"expected images (N, H, W) and labels (N), got [{string.Join(", ", imageFile.Dimensions)}] and [{string.Join(", ", labelFile.Dimensions)}]");
        if (labelFile.Data.Any(l => l >= NumClassesConst)) throw new InvalidDataException($"labels must lie in 0…{NumClassesConst - 1}");
        var d = imageFile.Dimensions;
        var imageTensor = tensor(imageFile.Data, [d[0], 1, d[1], d[2]], ScalarType.Byte).DetachFromDisposeScope();
        var labelTensor = tensor(labelFile.Data, ScalarType.Byte).to_type(ScalarType.Int64).DetachFromDisposeScope();
        return new FashionMnist(imageTensor, labelTensor, options.PadTo32);
    }

    /// <summary>The file with or without the .gz suffix, or a clear error saying how to get it.</summary>
    public static string Locate(string folder, string name)
    {
        foreach (var candidate in new[] { Path.Combine(folder, name + ".gz"), Path.Combine(folder, name) })
            if (File.Exists(candidate)) return candidate;
        throw new FileNotFoundException(
            $"Fashion-MNIST file {name}[.gz] not found in {folder}. Install the Debian package with " +
            $"`apt-get update && apt-get install -y dataset-fashion-mnist` (files in {FashionMnistOptions.DebianFolder}), " +
            $"or set {nameof(FashionMnistOptions)}.{nameof(FashionMnistOptions.Folder)} to a folder with the IDX files.",
            Path.Combine(folder, name));
    }

    private const int NumClassesConst = 10;

    /// <inheritdoc />
    public long[] SampleShape { get; }

    /// <inheritdoc />
    public int? NumClasses => NumClassesConst;

    /// <inheritdoc />
    public long Count => labels.shape[0];

    /// <inheritdoc />
    public Batch Gather(Tensor indices)
    {
        using var scope = NewDisposeScope();
        var x = images.index_select(0, indices).to_type(ScalarType.Float32) / 127.5 - 1;
        if (pad) x = nn.functional.pad(x, [2, 2, 2, 2], value: -1);
        return new Batch(x.MoveToOuterDisposeScope(), labels.index_select(0, indices).MoveToOuterDisposeScope());
    }

    /// <inheritdoc />
    public void Dispose()
    {
        images.Dispose();
        labels.Dispose();
    }
}
