using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Evaluation;

/// <summary>
/// A PNG scatter plot of 2-D samples (blue) over reference data (grey), on a square canvas showing
/// [−extent, extent]² with the origin in the middle and y pointing up.
/// </summary>
public static class ScatterPlot
{
    /// <summary>Colour of the samples.</summary>
    public static readonly SKColor SampleColor = new(31, 119, 180);

    /// <summary>Colour of the reference points.</summary>
    public static readonly SKColor ReferenceColor = new(170, 170, 170);

    /// <summary>Draws <paramref name="samples"/> (N, 2) over <paramref name="reference"/> (M, 2).</summary>
    public static byte[] ToPng(Tensor samples, Tensor? reference = null, double extent = 4, int size = 512)
    {
        RequirePoints(samples, nameof(samples));
        if (reference is not null) RequirePoints(reference, nameof(reference));
        if (!(extent > 0)) throw new ArgumentOutOfRangeException(nameof(extent), extent, "The plot extent must be > 0.");
        using var bitmap = new SKBitmap(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            if (reference is not null) Draw(canvas, reference, ReferenceColor, extent, size);
            Draw(canvas, samples, SampleColor, extent, size);
        }
        return ImageGrid.Encode(bitmap);
    }

    /// <summary>The pixel (column, row) where the point (x, y) is drawn.</summary>
    public static (float Column, float Row) Pixel(double x, double y, double extent, int size) =>
        ((float)((x + extent) / (2 * extent) * (size - 1)), (float)((extent - y) / (2 * extent) * (size - 1)));

    static void Draw(SKCanvas canvas, Tensor points, SKColor color, double extent, int size)
    {
        var xy = points.detach().to_type(ScalarType.Float64).cpu().contiguous().data<double>().ToArray();
        using var paint = new SKPaint { Color = color, IsAntialias = false, Style = SKPaintStyle.Fill };
        for (int i = 0; i + 1 < xy.Length; i += 2)
        {
            var (column, row) = Pixel(xy[i], xy[i + 1], extent, size);
            canvas.DrawRect(column - 1, row - 1, 3, 3, paint);
        }
    }

    static void RequirePoints(Tensor points, string name)
    {
        if (points.dim() != 2 || points.shape[1] != 2)
            throw new ArgumentException($"A scatter plot needs points of shape (N, 2); {name} has shape [{string.Join(", ", points.shape)}].", name);
    }
}
