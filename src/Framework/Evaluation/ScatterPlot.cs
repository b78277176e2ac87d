using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Evaluation;

/// <summary>
/// A PNG scatter plot of 2-D samples (blue) over reference data (grey), on a square canvas showing
/// [−extent, extent]² with the origin in the middle and y pointing up; with <c>axes</c>, framed by x and y axes with
/// labelled ticks and grid lines (the previews), so a reader sees the scale and where the data should be.
/// </summary>
public static class ScatterPlot
{
    /// <summary>Colour of the samples.</summary>
    public static readonly SKColor SampleColor = new(31, 119, 180);

    /// <summary>Colour of the reference points.</summary>
    public static readonly SKColor ReferenceColor = new(170, 170, 170);

    /// <summary>The margins an axes frame adds around the square plot area: left (tick labels), top, right, bottom (tick labels).</summary>
    public static readonly (int Left, int Top, int Right, int Bottom) AxesMargins = (40, 10, 12, 30);

    /// <summary>
    /// Draws <paramref name="samples"/> (N, 2) over <paramref name="reference"/> (M, 2) in a <paramref name="size"/>²
    /// plot area; with <paramref name="axes"/> the image gains <see cref="AxesMargins"/> with axes, ticks and a grid.
    /// </summary>
    public static byte[] ToPng(Tensor samples, Tensor? reference = null, double extent = 4, int size = 512, bool axes = false)
    {
        RequirePoints(samples, nameof(samples));
        if (reference is not null) RequirePoints(reference, nameof(reference));
        if (!(extent > 0)) throw new ArgumentOutOfRangeException(nameof(extent), extent, "The plot extent must be > 0.");
        var (left, top, right, bottom) = axes ? AxesMargins : (0, 0, 0, 0);
        using var bitmap = new SKBitmap(new SKImageInfo(left + size + right, top + size + bottom, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            canvas.Translate(left, top);
            if (axes) DrawAxes(canvas, extent, size);
            if (reference is not null) Draw(canvas, reference, ReferenceColor, extent, size);
            Draw(canvas, samples, SampleColor, extent, size);
        }
        return ImageGrid.Encode(bitmap);
    }

    /// <summary>Grid lines and labelled ticks at 1, 2 or 5 times a power of ten (about four per half-axis), and the frame.</summary>
    static void DrawAxes(SKCanvas canvas, double extent, int size)
    {
        double raw = extent / 2, power = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = new[] { 1.0, 2, 5, 10 }.Select(m => m * power).First(s => s >= raw * 0.999);
        using var grid = new SKPaint { Color = new SKColor(232, 232, 232), StrokeWidth = 1 };
        using var axis = new SKPaint { Color = new SKColor(110, 110, 110), StrokeWidth = 1, Style = SKPaintStyle.Stroke };
        using var ink = new SKPaint { Color = new SKColor(90, 90, 90), IsAntialias = true, TextSize = 11, TextAlign = SKTextAlign.Center };
        using var rightAligned = new SKPaint { Color = ink.Color, IsAntialias = true, TextSize = 11, TextAlign = SKTextAlign.Right };
        for (double t = Math.Ceiling(-extent / step) * step; t <= extent + step * 1e-9; t += step)
        {
            var (column, row) = Pixel(t, t, extent, size);
            canvas.DrawLine(column, 0, column, size - 1, grid);
            canvas.DrawLine(0, row, size - 1, row, grid);
            var label = Math.Round(t, 10).ToString("G4", System.Globalization.CultureInfo.InvariantCulture);
            canvas.DrawText(label, column, size + 14, ink);
            canvas.DrawText(label, -5, row + 4, rightAligned);
        }
        canvas.DrawRect(0, 0, size - 1, size - 1, axis);
        canvas.DrawText("x1", size / 2f, size + 27, ink);
        canvas.DrawText("x2", -28, 12, ink);
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
