"""The fixture of PythonReferenceTests: known values written through parity_io, to prove the pipe end to end."""
import os

import torch

from parity_io import deterministic, output_dir, save_npy, save_safetensors

out = output_dir()
deterministic()
grid = torch.arange(24, dtype=torch.float32).reshape(2, 3, 4) / 8
save_npy(out, "grid", grid)
save_npy(out, "softmax", torch.softmax(grid, dim=-1))
save_safetensors(os.path.join(out, "weights.safetensors"), {"layer.weight": grid, "layer.bias": -grid[0, 0]}, {"config": '{"width": 4}'})
