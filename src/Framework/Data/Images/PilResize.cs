namespace Research.Framework.Data.Images;

/// <summary>
/// Pillow's <c>Image.resize</c> for 8-bit images with the BOX and BICUBIC filters, reimplemented from Pillow's
/// <c>src/libImaging/Resample.c</c> so that the ADM crop (<see cref="AdmCenterCrop"/>) gives the pixels the reference
/// gets: separable, a horizontal pass then a vertical one, each output pixel a weighted sum over the input pixels
/// under the filter stretched by the downscale factor (antialiasing), with weights normalised to sum 1, quantised to
/// 22 fractional bits, rounded half up and clipped to 0…255 after each pass.
/// </summary>
public static class PilResize
{
    /// <summary>The filters ADM uses.</summary>
    public enum Filter
    {
        /// <summary>Each output pixel the mean of the input pixels it covers (support 0.5).</summary>
        Box,
        /// <summary>Keys' cubic convolution with a = −0.5 (support 2).</summary>
        Bicubic,
    }

    const int PrecisionBits = 32 - 8 - 2;

    /// <summary>The image resized to <paramref name="width"/> × <paramref name="height"/>.</summary>
    public static PixelImage Resize(PixelImage image, int width, int height, Filter filter)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        var result = image;
        if (width != image.Width) result = Pass(result, width, filter, horizontal: true);
        if (height != image.Height) result = Pass(result, height, filter, horizontal: false);
        return result;
    }

    static double Kernel(Filter filter, double x) => filter switch
    {
        Filter.Box => x > -0.5 && x <= 0.5 ? 1.0 : 0.0,
        _ => Bicubic(Math.Abs(x)),
    };

    static double Bicubic(double x)
    {
        const double a = -0.5;
        if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
        return 0.0;
    }

    /// <summary>Pillow's precompute_coeffs and normalize_coeffs_8bpc: for each output pixel, its first input pixel and fixed-point weights.</summary>
    internal static (int[] First, int[][] Weights) Coefficients(int inSize, int outSize, Filter filter)
    {
        double support = filter == Filter.Box ? 0.5 : 2.0;
        double scale = (double)inSize / outSize;
        double filterScale = Math.Max(scale, 1.0);
        support *= filterScale;
        var first = new int[outSize];
        var weights = new int[outSize][];
        for (int xx = 0; xx < outSize; xx++)
        {
            double center = (xx + 0.5) * scale;
            double ss = 1.0 / filterScale;
            int xmin = Math.Max((int)(center - support + 0.5), 0);   // C's (int) truncates toward zero, as here
            int xmax = Math.Min((int)(center + support + 0.5), inSize) - xmin;
            var k = new double[Math.Max(xmax, 0)];
            double ww = 0;
            for (int x = 0; x < k.Length; x++)
            {
                k[x] = Kernel(filter, (x + xmin - center + 0.5) * ss);
                ww += k[x];
            }
            var fixedPoint = new int[k.Length];
            for (int x = 0; x < k.Length; x++)
            {
                double w = ww == 0 ? k[x] : k[x] / ww;
                fixedPoint[x] = (int)(w * (1 << PrecisionBits) + (w < 0 ? -0.5 : 0.5));
            }
            first[xx] = xmin;
            weights[xx] = fixedPoint;
        }
        return (first, weights);
    }

    static PixelImage Pass(PixelImage image, int outSize, Filter filter, bool horizontal)
    {
        int inSize = horizontal ? image.Width : image.Height;
        var (first, weights) = Coefficients(inSize, outSize, filter);
        int width = horizontal ? outSize : image.Width, height = horizontal ? image.Height : outSize, channels = image.Channels;
        var output = new byte[width * height * channels];
        var input = image.Pixels;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int o = horizontal ? x : y;
                var k = weights[o];
                for (int c = 0; c < channels; c++)
                {
                    long sum = 1L << (PrecisionBits - 1);
                    for (int t = 0; t < k.Length; t++)
                    {
                        int source = horizontal ? (y * image.Width + first[o] + t) : ((first[o] + t) * image.Width + x);
                        sum += (long)input[source * channels + c] * k[t];
                    }
                    output[(y * width + x) * channels + c] = (byte)Math.Clamp(sum >> PrecisionBits, 0, 255);
                }
            }
        return new PixelImage(width, height, channels, output);
    }
}
