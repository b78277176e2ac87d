using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Research.Framework.Networks.StateDicts;

/// <summary>
/// The safetensors format (huggingface/safetensors' specification): an 8-byte little-endian header length N, N bytes of
/// UTF-8 JSON <c>{name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {string: string}}</c> (padded
/// with spaces to a multiple of 8), then the tensors' raw little-endian bytes, offsets relative to the end of the header.
/// Written here rather than through TorchSharp.PyBridge because its writer keeps no <c>__metadata__</c> (where a network's
/// config travels) and its reader does not return it.
/// </summary>
public static class SafetensorsFile
{
    const string MetadataKey = "__metadata__";

    static readonly IReadOnlyDictionary<string, ScalarType> DTypes = new Dictionary<string, ScalarType>
    {
        ["F64"] = ScalarType.Float64, ["F32"] = ScalarType.Float32, ["F16"] = ScalarType.Float16, ["BF16"] = ScalarType.BFloat16,
        ["I64"] = ScalarType.Int64, ["I32"] = ScalarType.Int32, ["I16"] = ScalarType.Int16, ["I8"] = ScalarType.Int8,
        ["U8"] = ScalarType.Byte, ["BOOL"] = ScalarType.Bool,
    };

    /// <summary>
    /// Reads every tensor (on the CPU, in the file's dtype; created in the caller's dispose scope) and the metadata. A
    /// truncated file, an unknown dtype or offsets that do not fit the shape are an <see cref="InvalidDataException"/> naming the tensor.
    /// </summary>
    public static (Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) Read(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream);
        if (stream.Length < 8) throw new InvalidDataException($"{path} is not a safetensors file (shorter than its 8-byte header length).");
        ulong headerLength = reader.ReadUInt64();
        if (headerLength > (ulong)(stream.Length - 8) || headerLength > int.MaxValue)
            throw new InvalidDataException($"{path} is not a safetensors file (its header length {headerLength} exceeds the file).");
        JsonObject header;
        try { header = JsonNode.Parse(reader.ReadBytes((int)headerLength)) as JsonObject ?? throw new JsonException("the header is not an object"); }
        catch (JsonException error) { throw new InvalidDataException($"{path} is not a safetensors file: {error.Message}", error); }

        long dataStart = 8 + (long)headerLength, dataLength = stream.Length - dataStart;
        var metadata = new Dictionary<string, string>();
        var tensors = new Dictionary<string, Tensor>();
        foreach (var (name, node) in header)
        {
            if (name == MetadataKey)
            {
                foreach (var (key, value) in node as JsonObject ?? []) metadata[key] = value?.GetValue<string>() ?? "";
                continue;
            }
            var entry = node as JsonObject ?? throw new InvalidDataException($"{path}: the entry of '{name}' is not an object.");
            var dtypeName = entry["dtype"]?.GetValue<string>() ?? "";
            if (!DTypes.TryGetValue(dtypeName, out var dtype))
                throw new InvalidDataException($"{path}: '{name}' has dtype '{dtypeName}'; readable dtypes: {string.Join(", ", DTypes.Keys)}.");
            long[] shape = entry["shape"]?.AsArray().Select(d => d!.GetValue<long>()).ToArray() ?? throw new InvalidDataException($"{path}: '{name}' has no shape.");
            long[] offsets = entry["data_offsets"]?.AsArray().Select(d => d!.GetValue<long>()).ToArray() ?? [];
            var tensor = empty(shape, dtype);
            long expected = tensor.NumberOfElements * tensor.ElementSize;
            if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] > dataLength || offsets[1] - offsets[0] != expected)
                throw new InvalidDataException($"{path}: '{name}' ({dtypeName} [{string.Join(", ", shape)}], {expected} bytes) has data_offsets [{string.Join(", ", offsets)}] outside its {dataLength} data bytes or of another length.");
            if (expected > int.MaxValue) throw new InvalidDataException($"{path}: '{name}' is over 2 GiB, which this reader does not read.");
            stream.Position = dataStart + offsets[0];
            tensor.bytes = reader.ReadBytes((int)expected);
            tensors[name] = tensor;
        }
        return (tensors, metadata);
    }

    /// <summary>Writes <paramref name="tensors"/> in the given order (each copied to the CPU, contiguous) with <paramref name="metadata"/>, atomically.</summary>
    public static void Write(string path, IEnumerable<(string Name, Tensor Value)> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        using var scope = NewDisposeScope();
        var header = new JsonObject();
        if (metadata is { Count: > 0 }) header[MetadataKey] = new JsonObject(metadata.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value))));
        var blobs = new List<byte[]>();
        long offset = 0;
        foreach (var (name, value) in tensors)
        {
            var dtypeName = DTypes.FirstOrDefault(kv => kv.Value == value.dtype).Key
                ?? throw new ArgumentException($"'{name}' has dtype {value.dtype}, which safetensors cannot hold; writable: {string.Join(", ", DTypes.Values)}.");
            var blob = value.detach().cpu().contiguous().bytes.ToArray();
            header[name] = new JsonObject
            {
                ["dtype"] = dtypeName,
                ["shape"] = new JsonArray(value.shape.Select(d => (JsonNode?)JsonValue.Create(d)).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + blob.Length),
            };
            blobs.Add(blob);
            offset += blob.Length;
        }
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        int padding = (8 - json.Length % 8) % 8;   // the specification pads the header to 8 bytes with spaces

        var temporary = path + ".tmp";
        using (var writer = new BinaryWriter(File.Create(temporary)))
        {
            writer.Write((ulong)(json.Length + padding));
            writer.Write(json);
            for (int i = 0; i < padding; i++) writer.Write((byte)' ');
            foreach (var blob in blobs) writer.Write(blob);
        }
        File.Move(temporary, path, overwrite: true);
    }
}
