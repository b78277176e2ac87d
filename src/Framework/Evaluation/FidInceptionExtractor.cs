using Research.Framework.Data;
using Research.Framework.Evaluation.Inception;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Research.Framework.Evaluation;

/// <summary>
/// The standard FID feature space: pytorch-fid's Inception-v3 pool features (2048-d). Images in [−1, 1] (B, C, H, W)
/// are resized bilinearly (align_corners = False, no antialias, as pytorch-fid does) to 299×299; one channel is
/// repeated to three. The weights are not bundled and cannot be downloaded on the build machines: get
/// <c>pt_inception-2015-12-05-6726825d.pth</c> from pytorch-fid's GitHub release
/// (https://github.com/mseitzer/pytorch-fid/releases/download/fid_weights/pt_inception-2015-12-05-6726825d.pth) and
/// load it with <see cref="LoadPyTorch"/>, or a TorchSharp-format file saved once with <see cref="SaveTorchSharp"/>
/// via <see cref="LoadTorchSharp"/>. The weights hash is the SHA-256 of the loaded file.
/// </summary>
public sealed class FidInceptionExtractor : IFeatureExtractor, IDisposable
{
    /// <summary>The input side length the network expects.</summary>
    public const int InputSize = 299;

    private FidInceptionExtractor(FidInceptionV3 network, string weightsHash)
    {
        Network = network;
        WeightsHash = weightsHash;
    }

    /// <summary>The network, in evaluation mode.</summary>
    public FidInceptionV3 Network { get; }

    /// <inheritdoc />
    public string Name => "fid-inception-v3";

    /// <inheritdoc />
    public string WeightsHash { get; }

    /// <inheritdoc />
    public int FeatureDimension => FidInceptionV3.FeatureDimension;

    /// <summary>
    /// Loads a PyTorch state dict (.pth/.pt pickle, e.g. pytorch-fid's release file) through TorchSharp.PyBridge.
    /// Extra <c>fc.*</c> entries are ignored; every parameter and running statistic of the network must be present.
    /// </summary>
    public static FidInceptionExtractor LoadPyTorch(string path)
    {
        var network = new FidInceptionV3();
        var loaded = new Dictionary<string, bool>();
        network.load_py(path, strict: false, loadedParameters: loaded);
        RequireComplete(network, loaded, path);
        network.eval();
        return new FidInceptionExtractor(network, FileHash.Sha256(path));
    }

    /// <summary>Loads weights in TorchSharp's own format (strict: names and shapes must match exactly).</summary>
    public static FidInceptionExtractor LoadTorchSharp(string path)
    {
        var network = new FidInceptionV3();
        network.load(path, strict: true);
        network.eval();
        return new FidInceptionExtractor(network, FileHash.Sha256(path));
    }

    /// <summary>An extractor with the given (e.g. randomly initialised) network, hashed from its state; for tests and conversions.</summary>
    public static FidInceptionExtractor FromNetwork(FidInceptionV3 network)
    {
        ArgumentNullException.ThrowIfNull(network);
        network.eval();
        string file = Path.GetTempFileName();
        try
        {
            network.save(file);
            return new FidInceptionExtractor(network, FileHash.Sha256(file));
        }
        finally { File.Delete(file); }
    }

    /// <summary>Saves the weights in TorchSharp's format (e.g. after converting the PyTorch file once).</summary>
    public void SaveTorchSharp(string path) => Network.save(path);

    /// <summary>Saves the weights as a PyTorch state dict through PyBridge.</summary>
    public void SavePyTorch(string path) => Network.save_py(path);

    /// <inheritdoc />
    public Tensor Features(Tensor images)
    {
        if (images.dim() != 4 || (images.shape[1] != 1 && images.shape[1] != 3))
            throw new ArgumentException($"Inception features need images (B, 1 or 3, H, W); got [{string.Join(", ", images.shape)}].", nameof(images));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = images.to_type(ScalarType.Float32);
        if (x.shape[1] == 1) x = x.expand(-1, 3, -1, -1);
        if (x.shape[2] != InputSize || x.shape[3] != InputSize)
            x = nn.functional.interpolate(x, size: [InputSize, InputSize], mode: InterpolationMode.Bilinear, align_corners: false);
        return Network.forward(x).MoveToOuterDisposeScope();
    }

    private static void RequireComplete(nn.Module network, Dictionary<string, bool> loaded, string path)
    {
        var missing = network.state_dict().Keys
            .Where(k => !k.EndsWith("num_batches_tracked", StringComparison.Ordinal) && !(loaded.TryGetValue(k, out bool ok) && ok))
            .ToList();
        if (missing.Count > 0)
            throw new InvalidDataException($"{path} lacks {missing.Count} Inception tensors, e.g. {string.Join(", ", missing.Take(5))}.");
    }

    /// <inheritdoc />
    public void Dispose() => Network.Dispose();
}
