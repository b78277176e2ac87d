"""Writers for the golden files the C# parity tests read.

Every fixture script in this folder is run as `python3 SCRIPT OUTPUT_DIR` by PythonReference.cs and writes its
weights and tensors there. Only the published file formats are used, so nothing here depends on the C# code:
- .npy: NumPy's own writer (numpy.save), float32, C order;
- .safetensors: the format's specification (8-byte little-endian header length, a JSON header of
  {name: {dtype, shape, data_offsets}} plus optional "__metadata__", then the raw little-endian bytes);
- .pt: torch.save of a state dict, as PyTorch checkpoints are shipped.
"""
import json
import os
import struct
import sys

import numpy as np
import torch

_DTYPES = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.int64: "I64"}


def output_dir():
    if len(sys.argv) != 2:
        sys.exit(f"usage: {sys.argv[0]} OUTPUT_DIR")
    os.makedirs(sys.argv[1], exist_ok=True)
    return sys.argv[1]


def deterministic():
    """One thread and a fixed seed, so a fixture writes the same bytes on every machine."""
    torch.set_num_threads(1)
    torch.manual_seed(0)


def save_npy(directory, name, tensor):
    np.save(os.path.join(directory, name + ".npy"), tensor.detach().to(torch.float32).contiguous().numpy())


def save_safetensors(path, tensors, metadata=None):
    header, blobs, offset = {}, [], 0
    for name, tensor in tensors.items():
        tensor = tensor.detach().contiguous()
        blob = tensor.view(torch.uint8).numpy().tobytes() if tensor.dtype == torch.bfloat16 else tensor.numpy().tobytes()
        header[name] = {"dtype": _DTYPES[tensor.dtype], "shape": list(tensor.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    encoded = json.dumps(header, separators=(",", ":")).encode("utf-8")
    encoded += b" " * ((8 - len(encoded) % 8) % 8)  # the specification pads the header to 8 bytes with spaces
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(encoded)))
        f.write(encoded)
        for blob in blobs:
            f.write(blob)


_FROM_DTYPES = {"F32": torch.float32, "F64": torch.float64, "F16": torch.float16, "BF16": torch.bfloat16, "I64": torch.int64}


def load_safetensors(path):
    """(tensors, metadata) from a .safetensors file, read by the specification (as save_safetensors writes it)."""
    with open(path, "rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(length).decode("utf-8"))
        data = f.read()
    metadata = header.pop("__metadata__", {})
    tensors = {}
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        flat = torch.frombuffer(bytearray(data[begin:end]), dtype=_FROM_DTYPES[entry["dtype"]])
        tensors[name] = flat.reshape(entry["shape"]).clone()
    return tensors, metadata
