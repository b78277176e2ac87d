namespace Research.Framework.Data.Images;

/// <summary>
/// Which folder of images to train on and how its files become samples (the <c>Dataset.*</c> settings of an image-folder
/// experiment). Not sealed: a latent data set over the folder extends these settings with its VAE's.
/// </summary>
public record ImageFolderOptions
{
    /// <summary>The folder: PNG/JPEG files in one sub-folder per class (ImageNet's train/ layout), or all at the top (one unlabelled set).</summary>
    public string Folder { get; init; } = "";

    /// <summary>The side of the square samples: ADM's center crop (box halving, bicubic resize of the short side, centre square).</summary>
    public int Resolution { get; init; } = 32;

    /// <summary>3 (RGB; grey files repeated) or 1 (grey; colour files converted to luma).</summary>
    public int Channels { get; init; } = 3;

    /// <summary>Sub-folders are classes (labels 0…K−1 in ordinal name order); false reads every file in the tree as one unlabelled set.</summary>
    public bool Classes { get; init; } = true;

    /// <summary>Flip each training sample horizontally with probability ½ (a function of the loader's seed and position, so a resume repeats it).</summary>
    public bool RandomFlip { get; init; } = true;

    /// <summary>The fraction of each class's files held back from training for evaluation (FD, precision, recall); chosen by a hash of the file's path.</summary>
    public double HoldOut { get; init; } = 0.1;

    /// <summary>Skip unreadable files, naming each once (true), or refuse the folder naming them (false).</summary>
    public bool SkipBadFiles { get; init; } = true;

    /// <summary>Threads that decode the next batch while the current one trains.</summary>
    public int DecodeWorkers { get; init; } = 2;

    /// <summary>Where the index of files and labels is cached, keyed by the folder's path and checked against its listing (names, sizes, times).</summary>
    public string CacheFolder { get; init; } = Path.Combine("runs", ".cache", "image-folders");

    /// <summary>pytorch-fid's Inception weights (<c>pt_inception-2015-12-05-6726825d.pth</c>) for FD/precision/recall; empty: the 8×8 pixel features (<see cref="Evaluation.PixelFeatureExtractor"/>).</summary>
    public string InceptionWeights { get; init; } = "";

    /// <summary>Refuses values no folder can use, naming the setting and its valid range.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Folder)) throw new ArgumentException("Dataset.Folder is empty: give the folder of PNG/JPEG images (one sub-folder per class, or all at the top).");
        if (Resolution < 1) throw new ArgumentException($"Dataset.Resolution must be at least 1; got {Resolution}.");
        if (Channels is not (1 or 3)) throw new ArgumentException($"Dataset.Channels must be 1 (grey) or 3 (RGB); got {Channels}.");
        if (!(HoldOut >= 0 && HoldOut < 1)) throw new ArgumentException($"Dataset.HoldOut must be in [0, 1); got {HoldOut}.");
        if (DecodeWorkers < 1) throw new ArgumentException($"Dataset.DecodeWorkers must be at least 1; got {DecodeWorkers}.");
    }
}
