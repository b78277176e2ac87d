namespace Research.Framework.Data;

/// <summary>Where Fashion-MNIST lives and how its images are served.</summary>
public sealed record FashionMnistOptions
{
    /// <summary>Where the Debian package <c>dataset-fashion-mnist</c> installs the IDX files.</summary>
    public const string DebianFolder = "/usr/share/datasets/fashion-mnist";

    /// <summary>The folder with <c>{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]</c>.</summary>
    public string Folder { get; init; } = DebianFolder;

    /// <summary>The training split (60,000) when true, the test split (10,000) otherwise.</summary>
    public bool Train { get; init; } = true;

    /// <summary>Pads 28×28 to 32×32 (2 pixels each side, with the background value −1), e.g. for patch sizes 4 and 8.</summary>
    public bool PadTo32 { get; init; }
}
