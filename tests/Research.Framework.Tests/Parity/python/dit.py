"""DiT as facebookresearch/DiT's models.py publishes it, in plain PyTorch, for the DiT weight-import parity tests.

timm is not installed, so PatchEmbed, Attention and Mlp are written here as timm's vision_transformer defines them
(fused qkv Linear reshaped to (3, B, heads, N, head_dim), q scaled by head_dim^-0.5, softmax(q k^T) v; fc1, GELU, fc2;
a stride-p conv flattened to tokens). The model code follows the paper's repository (adaLN-Zero blocks, the final
layer, the label table with its null row, MAE sin-cos positions, unpatchify 'nhwpqc->nchpwq'); nothing here is
derived from the C# code.

Modes:
  dit.py OUTPUT_DIR                  writes a tiny DiT with seeded random weights as .pt (bare, a training checkpoint
                                     {"model", "ema", "opt", "args"}, and with unfused q/k/v), its inputs and outputs (.npy)
  dit.py check WEIGHTS INPUTS OUT    loads a .safetensors DiT saved by the C# side (config in its metadata) into this
                                     reference, runs it on INPUTS/x.npy, t.npy, y.npy and writes OUT (.npy)
"""
import argparse
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn as nn

from parity_io import deterministic, load_safetensors, save_npy


# ---- timm's layers (vision_transformer.py) --------------------------------------------------------------------

class PatchEmbed(nn.Module):
    def __init__(self, img_size, patch_size, in_chans, embed_dim, bias=True):
        super().__init__()
        self.patch_size = (patch_size, patch_size)
        self.num_patches = (img_size // patch_size) ** 2
        self.proj = nn.Conv2d(in_chans, embed_dim, kernel_size=patch_size, stride=patch_size, bias=bias)

    def forward(self, x):
        return self.proj(x).flatten(2).transpose(1, 2)  # (B, C, H, W) -> (B, N, D)


class Attention(nn.Module):
    def __init__(self, dim, num_heads=8, qkv_bias=False):
        super().__init__()
        self.num_heads = num_heads
        self.head_dim = dim // num_heads
        self.scale = self.head_dim ** -0.5
        self.qkv = nn.Linear(dim, dim * 3, bias=qkv_bias)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        B, N, C = x.shape
        qkv = self.qkv(x).reshape(B, N, 3, self.num_heads, self.head_dim).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)
        attn = (q * self.scale) @ k.transpose(-2, -1)
        attn = attn.softmax(dim=-1)
        x = (attn @ v).transpose(1, 2).reshape(B, N, C)
        return self.proj(x)


class Mlp(nn.Module):
    def __init__(self, in_features, hidden_features, act_layer):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden_features)
        self.act = act_layer()
        self.fc2 = nn.Linear(hidden_features, in_features)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


# ---- DiT (models.py) ------------------------------------------------------------------------------------------

def modulate(x, shift, scale):
    return x * (1 + scale.unsqueeze(1)) + shift.unsqueeze(1)


class TimestepEmbedder(nn.Module):
    def __init__(self, hidden_size, frequency_embedding_size=256):
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(frequency_embedding_size, hidden_size), nn.SiLU(), nn.Linear(hidden_size, hidden_size))
        self.frequency_embedding_size = frequency_embedding_size

    @staticmethod
    def timestep_embedding(t, dim, max_period=10000):
        half = dim // 2
        freqs = torch.exp(-math.log(max_period) * torch.arange(0, half, dtype=torch.float32) / half)
        args = t[:, None].float() * freqs[None]
        embedding = torch.cat([torch.cos(args), torch.sin(args)], dim=-1)
        if dim % 2:
            embedding = torch.cat([embedding, torch.zeros_like(embedding[:, :1])], dim=-1)
        return embedding

    def forward(self, t):
        return self.mlp(self.timestep_embedding(t, self.frequency_embedding_size))


class LabelEmbedder(nn.Module):
    def __init__(self, num_classes, hidden_size, dropout_prob):
        super().__init__()
        self.embedding_table = nn.Embedding(num_classes + int(dropout_prob > 0), hidden_size)
        self.num_classes = num_classes
        self.dropout_prob = dropout_prob

    def forward(self, labels, train):
        if train and self.dropout_prob > 0:
            drop = torch.rand(labels.shape[0]) < self.dropout_prob
            labels = torch.where(drop, self.num_classes, labels)
        return self.embedding_table(labels)


class DiTBlock(nn.Module):
    def __init__(self, hidden_size, num_heads, mlp_ratio=4.0):
        super().__init__()
        self.norm1 = nn.LayerNorm(hidden_size, elementwise_affine=False, eps=1e-6)
        self.attn = Attention(hidden_size, num_heads=num_heads, qkv_bias=True)
        self.norm2 = nn.LayerNorm(hidden_size, elementwise_affine=False, eps=1e-6)
        self.mlp = Mlp(hidden_size, int(hidden_size * mlp_ratio), act_layer=lambda: nn.GELU(approximate="tanh"))
        self.adaLN_modulation = nn.Sequential(nn.SiLU(), nn.Linear(hidden_size, 6 * hidden_size))

    def forward(self, x, c):
        shift_msa, scale_msa, gate_msa, shift_mlp, scale_mlp, gate_mlp = self.adaLN_modulation(c).chunk(6, dim=1)
        x = x + gate_msa.unsqueeze(1) * self.attn(modulate(self.norm1(x), shift_msa, scale_msa))
        x = x + gate_mlp.unsqueeze(1) * self.mlp(modulate(self.norm2(x), shift_mlp, scale_mlp))
        return x


class FinalLayer(nn.Module):
    def __init__(self, hidden_size, patch_size, out_channels):
        super().__init__()
        self.norm_final = nn.LayerNorm(hidden_size, elementwise_affine=False, eps=1e-6)
        self.linear = nn.Linear(hidden_size, patch_size * patch_size * out_channels)
        self.adaLN_modulation = nn.Sequential(nn.SiLU(), nn.Linear(hidden_size, 2 * hidden_size))

    def forward(self, x, c):
        shift, scale = self.adaLN_modulation(c).chunk(2, dim=1)
        return self.linear(modulate(self.norm_final(x), shift, scale))


def get_1d_sincos_pos_embed_from_grid(embed_dim, pos):
    omega = np.arange(embed_dim // 2, dtype=np.float64) / (embed_dim / 2.0)
    omega = 1.0 / 10000 ** omega
    out = np.einsum("m,d->md", pos.reshape(-1), omega)
    return np.concatenate([np.sin(out), np.cos(out)], axis=1)


def get_2d_sincos_pos_embed(embed_dim, grid_size):
    grid_h = np.arange(grid_size, dtype=np.float32)
    grid_w = np.arange(grid_size, dtype=np.float32)
    grid = np.stack(np.meshgrid(grid_w, grid_h), axis=0).reshape([2, 1, grid_size, grid_size])  # w goes first
    emb_h = get_1d_sincos_pos_embed_from_grid(embed_dim // 2, grid[0])
    emb_w = get_1d_sincos_pos_embed_from_grid(embed_dim // 2, grid[1])
    return np.concatenate([emb_h, emb_w], axis=1)


class DiT(nn.Module):
    def __init__(self, input_size=32, patch_size=2, in_channels=4, hidden_size=1152, depth=28, num_heads=16,
                 mlp_ratio=4.0, class_dropout_prob=0.1, num_classes=1000, learn_sigma=True, frequency_embedding_size=256):
        super().__init__()
        self.learn_sigma = learn_sigma
        self.in_channels = in_channels
        self.out_channels = in_channels * 2 if learn_sigma else in_channels
        self.patch_size = patch_size
        self.x_embedder = PatchEmbed(input_size, patch_size, in_channels, hidden_size, bias=True)
        self.t_embedder = TimestepEmbedder(hidden_size, frequency_embedding_size)
        self.y_embedder = LabelEmbedder(num_classes, hidden_size, class_dropout_prob)
        num_patches = self.x_embedder.num_patches
        self.pos_embed = nn.Parameter(torch.zeros(1, num_patches, hidden_size), requires_grad=False)
        self.blocks = nn.ModuleList([DiTBlock(hidden_size, num_heads, mlp_ratio=mlp_ratio) for _ in range(depth)])
        self.final_layer = FinalLayer(hidden_size, patch_size, self.out_channels)
        pos_embed = get_2d_sincos_pos_embed(hidden_size, int(num_patches ** 0.5))
        self.pos_embed.data.copy_(torch.from_numpy(pos_embed).float().unsqueeze(0))

    def unpatchify(self, x):
        c, p = self.out_channels, self.patch_size
        h = w = int(x.shape[1] ** 0.5)
        x = x.reshape(shape=(x.shape[0], h, w, p, p, c))
        x = torch.einsum("nhwpqc->nchpwq", x)
        return x.reshape(shape=(x.shape[0], c, h * p, h * p))

    def forward(self, x, t, y):
        x = self.x_embedder(x) + self.pos_embed
        c = self.t_embedder(t) + self.y_embedder(y, self.training)
        for block in self.blocks:
            x = block(x, c)
        return self.unpatchify(self.final_layer(x, c))


# ---- the fixture ----------------------------------------------------------------------------------------------

TINY = dict(input_size=8, patch_size=2, in_channels=4, hidden_size=64, depth=2, num_heads=4, num_classes=10)


def randomise(model, generator):
    """Seeded random values for every trainable tensor (adaLN-Zero would make the output 0); pos_embed stays sin-cos."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name == "pos_embed":
                continue
            fan_in = p[0].numel() if p.ndim > 1 else 10
            p.copy_(torch.randn(p.shape, generator=generator) / math.sqrt(fan_in))


def write_goldens(out):
    deterministic()
    generator = torch.Generator().manual_seed(15)
    model = DiT(**TINY, learn_sigma=True).eval()
    randomise(model, generator)
    state = model.state_dict()
    torch.save(state, os.path.join(out, "dit_bare.pt"))

    # A training checkpoint as DiT's train.py writes it; "model" differs from "ema" so a test sees which one loaded.
    trained = DiT(**TINY, learn_sigma=True)
    randomise(trained, generator)
    optimizer = torch.optim.AdamW(trained.parameters(), lr=1e-4)
    trained(torch.randn(2, 4, 8, 8), torch.tensor([1.0, 2.0]), torch.tensor([0, 1])).square().mean().backward()
    optimizer.step()
    args = argparse.Namespace(model="DiT-tiny", image_size=64, num_classes=10, global_batch_size=2)
    torch.save({"model": trained.state_dict(), "ema": state, "opt": optimizer.state_dict(), "args": args},
               os.path.join(out, "dit_checkpoint.pt"))

    # The same weights with q, k and v as three Linears (as unfused implementations store them).
    unfused = {}
    for name, value in state.items():
        if name.endswith((".attn.qkv.weight", ".attn.qkv.bias")):
            for letter, part in zip("qkv", value.chunk(3, dim=0)):
                unfused[name.replace(".qkv.", f".{letter}.")] = part.clone()
        else:
            unfused[name] = value
    torch.save(unfused, os.path.join(out, "dit_unfused.pt"))

    x = torch.randn(3, 4, 8, 8, generator=generator)
    t = torch.tensor([0.25, 37.0, 999.0])  # SiT's t in [0, 1], DiT's step index up to 999: the network takes either
    y = torch.tensor([1, 7, 10])           # 10 = num_classes, the null label
    with torch.no_grad():
        full = model(x, t, y)
    for name, value in [("x", x), ("t", t), ("y", y), ("out_full", full), ("out", full[:, :4]), ("pos_embed", model.pos_embed)]:
        save_npy(out, name, value)


def check(weights, inputs, out):
    """Rebuilds the reference DiT from the C# file's config, loads its tensors strictly and writes its output."""
    deterministic()
    tensors, metadata = load_safetensors(weights)
    if metadata.get("research.network") != "DiT":
        sys.exit(f"{weights} holds a {metadata.get('research.network')}, not a DiT")
    config = json.loads(metadata["research.config"])
    if config["TakeDt"] or config["LogVarianceHead"]:
        sys.exit("the reference DiT has no dt input and no log-variance head")
    model = DiT(input_size=config["InputSize"], patch_size=config["PatchSize"], in_channels=config["InChannels"],
                hidden_size=config["HiddenSize"], depth=config["Depth"], num_heads=config["NumHeads"],
                mlp_ratio=config["MlpRatio"], num_classes=config["NumClasses"], class_dropout_prob=0.1,
                learn_sigma=False, frequency_embedding_size=config["FrequencyEmbedSize"]).eval()
    renamed = {("x_embedder.proj." + k[len("x_embedder."):] if k.startswith("x_embedder.") else k): v for k, v in tensors.items()}
    model.load_state_dict(renamed, strict=True)
    load = lambda name: torch.from_numpy(np.load(os.path.join(inputs, name + ".npy")))
    with torch.no_grad():
        output = model(load("x"), load("t"), load("y").long())
    os.makedirs(out, exist_ok=True)
    save_npy(out, "out", output)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "check":
        check(*sys.argv[2:])
    elif len(sys.argv) == 2:
        os.makedirs(sys.argv[1], exist_ok=True)
        write_goldens(sys.argv[1])
    else:
        sys.exit(f"usage: {sys.argv[0]} OUTPUT_DIR | {sys.argv[0]} check WEIGHTS INPUTS OUT")
