namespace Research.Framework.Data;

/// <summary>
/// Where a <see cref="BatchLoader"/> stands, small enough for a checkpoint (serialises with System.Text.Json;
/// the generator state as base64). Restoring it makes the loader serve exactly the batches it would have served next.
/// </summary>
/// <param name="Seed">The loader's seed.</param>
/// <param name="Epoch">Indexed sets: the current epoch (its permutation derives from Seed and Epoch).</param>
/// <param name="Index">Indexed sets: the position in the epoch's permutation. Procedural sets: samples drawn so far.</param>
/// <param name="GeneratorState">Procedural sets: the sampling generator's state bytes; null for indexed sets.</param>
public sealed record LoaderState(long Seed, long Epoch, long Index, byte[]? GeneratorState);
