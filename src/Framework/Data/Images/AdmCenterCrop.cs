namespace Research.Framework.Data.Images;

/// <summary>
/// ADM's crop for ImageNet, <c>center_crop_arr</c> of openai/guided-diffusion (guided_diffusion/image_datasets.py):
/// while the short side is at least twice the target, halve both sides (integer division) with a box filter; then
/// resize bicubically so the short side equals the target (the long side rounded to the nearest pixel); then take the
/// centred square, its offset (size − target) / 2 rounded down. Resizing is Pillow's (<see cref="PilResize"/>).
/// </summary>
public static class AdmCenterCrop
{
    /// <summary>The <paramref name="side"/> × <paramref name="side"/> crop of <paramref name="image"/>.</summary>
    public static PixelImage Apply(PixelImage image, int side)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfLessThan(side, 1);
        while (Math.Min(image.Width, image.Height) >= 2 * side)
            image = PilResize.Resize(image, image.Width / 2, image.Height / 2, PilResize.Filter.Box);
        double scale = (double)side / Math.Min(image.Width, image.Height);
        // Python's round() rounds half to even, as MidpointRounding.ToEven does.
        int width = (int)Math.Round(image.Width * scale, MidpointRounding.ToEven), height = (int)Math.Round(image.Height * scale, MidpointRounding.ToEven);
        image = PilResize.Resize(image, width, height, PilResize.Filter.Bicubic);
        int top = (image.Height - side) / 2, left = (image.Width - side) / 2;
        var crop = new byte[side * side * image.Channels];
        int row = side * image.Channels;
        for (int y = 0; y < side; y++)
            Array.Copy(image.Pixels, ((top + y) * image.Width + left) * image.Channels, crop, y * row, row);
        return new PixelImage(side, side, image.Channels, crop);
    }
}
