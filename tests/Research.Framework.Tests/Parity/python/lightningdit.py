"""LightningDiT goldens: a tiny block and a tiny whole model in plain PyTorch, with seeded random weights.

Written from the published definition (Yao et al. 2025, "Reconstruction vs. Generation: Taming Optimization Dilemma
in Latent Diffusion Models", and its reference code hustvl/LightningDiT models/lightningdit.py with EVA-02's
VisionRotaryEmbeddingFast, LLaMA's RMSNorm and DINOv2's SwiGLUFFN), without timm or einops:
- RMSNorm: x * rsqrt(mean(x^2) + 1e-6) (in float32) * weight;
- SwiGLU: w12: D -> 2h, silu(first half) * second half, w3: h -> D, h = int(2/3 * int(D * mlp_ratio));
- attention: fused qkv with bias, optional per-head RMSNorm on q and k, 2-D RoPE on q and k, softmax(q k^T / sqrt(d)) v,
  proj; RoPE tables of VisionRotaryEmbeddingFast(dim = head_dim / 2, pt_seq_len = grid side);
- block: adaLN with 6 chunks (shift, scale, gate) x 2, or 4 chunks (scale, gate) x 2 without shift;
- model: PatchEmbed conv + fixed 2-D sin-cos positions, DiT's timestep and label embedders, blocks, final layer.
adaLN-Zero makes a freshly initialised model output zeros, so every trainable weight is drawn at random here.
The state-dict names are the reference's (x_embedder.proj.*, pos_embed, feat_rope.freqs_cos/sin, blocks.i.*, ...).
Writes: block.safetensors, block_{x,c,out,rope_cos,rope_sin}.npy, model.safetensors, model_{x,t,y,out,feature0,
feature1}.npy, counts.json (the trainable parameter count of the reference B/2).
"""
import json
import math
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from parity_io import deterministic, output_dir, save_npy, save_safetensors


class RMSNorm(nn.Module):
    def __init__(self, dim, eps=1e-6):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        xf = x.float()
        return (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + self.eps)).type_as(x) * self.weight


class SwiGLUFFN(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.w12 = nn.Linear(dim, 2 * hidden)
        self.w3 = nn.Linear(hidden, dim)

    def forward(self, x):
        a, b = self.w12(x).chunk(2, dim=-1)
        return self.w3(F.silu(a) * b)


def rotate_half(x):
    # pairs (x_{2m}, x_{2m+1}) -> (-x_{2m+1}, x_{2m})
    pairs = x.reshape(*x.shape[:-1], -1, 2)
    return torch.stack((-pairs[..., 1], pairs[..., 0]), dim=-1).reshape(x.shape)


class VisionRotaryEmbeddingFast(nn.Module):
    """EVA-02's 2-D RoPE over a square grid: the first half of each head rotates with the row, the second with the column."""

    def __init__(self, dim, pt_seq_len, theta=10000):
        super().__init__()
        freqs = 1.0 / (theta ** (torch.arange(0, dim, 2)[: dim // 2].float() / dim))
        t = torch.arange(pt_seq_len) / pt_seq_len * pt_seq_len
        f = torch.einsum("i,f->if", t, freqs).repeat_interleave(2, dim=-1)  # each frequency twice in a row
        n = pt_seq_len
        grid = torch.cat([f[:, None, :].expand(n, n, dim), f[None, :, :].expand(n, n, dim)], dim=-1)
        self.register_buffer("freqs_cos", grid.cos().reshape(n * n, 2 * dim))
        self.register_buffer("freqs_sin", grid.sin().reshape(n * n, 2 * dim))

    def forward(self, x):
        return x * self.freqs_cos + rotate_half(x) * self.freqs_sin


class Attention(nn.Module):
    def __init__(self, dim, num_heads, qk_norm):
        super().__init__()
        self.num_heads = num_heads
        self.head_dim = dim // num_heads
        self.qkv = nn.Linear(dim, 3 * dim, bias=True)
        self.q_norm = RMSNorm(self.head_dim) if qk_norm else nn.Identity()
        self.k_norm = RMSNorm(self.head_dim) if qk_norm else nn.Identity()
        self.proj = nn.Linear(dim, dim)

    def forward(self, x, rope):
        b, n, c = x.shape
        q, k, v = self.qkv(x).reshape(b, n, 3, self.num_heads, self.head_dim).permute(2, 0, 3, 1, 4).unbind(0)
        q, k = rope(self.q_norm(q)), rope(self.k_norm(k))
        weights = (q @ k.transpose(-2, -1) / math.sqrt(self.head_dim)).softmax(dim=-1)
        return self.proj((weights @ v).transpose(1, 2).reshape(b, n, c))


def modulate(x, shift, scale):
    x = x * (1 + scale.unsqueeze(1))
    return x if shift is None else x + shift.unsqueeze(1)


class LightningDiTBlock(nn.Module):
    def __init__(self, dim, num_heads, mlp_ratio, qk_norm, wo_shift):
        super().__init__()
        self.norm1 = RMSNorm(dim)
        self.norm2 = RMSNorm(dim)
        self.attn = Attention(dim, num_heads, qk_norm)
        self.mlp = SwiGLUFFN(dim, int(2 / 3 * int(dim * mlp_ratio)))
        self.wo_shift = wo_shift
        self.adaLN_modulation = nn.Sequential(nn.SiLU(), nn.Linear(dim, (4 if wo_shift else 6) * dim))

    def forward(self, x, c, rope):
        if self.wo_shift:
            scale1, gate1, scale2, gate2 = self.adaLN_modulation(c).chunk(4, dim=1)
            shift1 = shift2 = None
        else:
            shift1, scale1, gate1, shift2, scale2, gate2 = self.adaLN_modulation(c).chunk(6, dim=1)
        x = x + gate1.unsqueeze(1) * self.attn(modulate(self.norm1(x), shift1, scale1), rope)
        return x + gate2.unsqueeze(1) * self.mlp(modulate(self.norm2(x), shift2, scale2))


class PatchEmbed(nn.Module):
    def __init__(self, patch, channels, dim):
        super().__init__()
        self.proj = nn.Conv2d(channels, dim, patch, stride=patch)

    def forward(self, x):
        return self.proj(x).flatten(2).transpose(1, 2)


class TimestepEmbedder(nn.Module):
    def __init__(self, dim, frequency_size=256):
        super().__init__()
        self.frequency_size = frequency_size
        self.mlp = nn.Sequential(nn.Linear(frequency_size, dim), nn.SiLU(), nn.Linear(dim, dim))

    def forward(self, t):
        half = self.frequency_size // 2
        freqs = torch.exp(-math.log(10000) * torch.arange(half, dtype=torch.float32) / half)
        args = t[:, None].float() * freqs[None]
        return self.mlp(torch.cat([torch.cos(args), torch.sin(args)], dim=-1))


class LabelEmbedder(nn.Module):
    def __init__(self, num_classes, dim, dropout_prob):
        super().__init__()
        self.embedding_table = nn.Embedding(num_classes + (dropout_prob > 0), dim)

    def forward(self, labels):  # eval mode: no label dropout
        return self.embedding_table(labels)


class FinalLayer(nn.Module):
    def __init__(self, dim, patch, channels):
        super().__init__()
        self.norm_final = RMSNorm(dim)
        self.linear = nn.Linear(dim, patch * patch * channels)
        self.adaLN_modulation = nn.Sequential(nn.SiLU(), nn.Linear(dim, 2 * dim))

    def forward(self, x, c):
        shift, scale = self.adaLN_modulation(c).chunk(2, dim=1)
        return self.linear(modulate(self.norm_final(x), shift, scale))


def sincos_2d(dim, grid):
    """MAE's get_2d_sincos_pos_embed: [emb(column) | emb(row)], each [sin | cos] with omega_k = 10000^(-k/(dim/4))."""
    def one_axis(d, pos):
        omega = 1.0 / 10000 ** (np.arange(d // 2, dtype=np.float64) / (d / 2.0))
        out = np.einsum("m,d->md", pos.reshape(-1), omega)
        return np.concatenate([np.sin(out), np.cos(out)], axis=1)
    coords = np.meshgrid(np.arange(grid, dtype=np.float32), np.arange(grid, dtype=np.float32))  # column first
    return np.concatenate([one_axis(dim // 2, coords[0]), one_axis(dim // 2, coords[1])], axis=1)


class LightningDiT(nn.Module):
    def __init__(self, input_size, patch_size, in_channels, hidden_size, depth, num_heads, mlp_ratio, num_classes,
                 class_dropout_prob, qk_norm, wo_shift, frequency_size):
        super().__init__()
        self.patch_size, self.out_channels = patch_size, in_channels
        grid = input_size // patch_size
        self.x_embedder = PatchEmbed(patch_size, in_channels, hidden_size)
        self.t_embedder = TimestepEmbedder(hidden_size, frequency_size)
        self.y_embedder = LabelEmbedder(num_classes, hidden_size, class_dropout_prob)
        self.pos_embed = nn.Parameter(torch.from_numpy(sincos_2d(hidden_size, grid)).float().unsqueeze(0), requires_grad=False)
        self.feat_rope = VisionRotaryEmbeddingFast(hidden_size // num_heads // 2, grid)
        self.blocks = nn.ModuleList([LightningDiTBlock(hidden_size, num_heads, mlp_ratio, qk_norm, wo_shift) for _ in range(depth)])
        self.final_layer = FinalLayer(hidden_size, patch_size, in_channels)

    def unpatchify(self, x):
        c, p = self.out_channels, self.patch_size
        s = int(x.shape[1] ** 0.5)
        x = x.reshape(x.shape[0], s, s, p, p, c)
        return torch.einsum("nhwpqc->nchpwq", x).reshape(x.shape[0], c, s * p, s * p)

    def forward(self, x, t, y):
        x = self.x_embedder(x) + self.pos_embed
        c = self.t_embedder(t) + self.y_embedder(y)
        features = []
        for block in self.blocks:
            x = block(x, c, self.feat_rope)
            features.append(x)
        return self.unpatchify(self.final_layer(x, c)), features


def randomise(module, generator):
    """Every trainable weight N(0, 0.2^2), norm weights 1 + N(0, 0.1^2) (fixed tables and buffers stay)."""
    with torch.no_grad():
        for name, p in module.named_parameters():
            if not p.requires_grad:
                continue
            noise = torch.randn(p.shape, generator=generator)
            p.copy_(1 + 0.1 * noise if "norm" in name else 0.2 * noise)


out = output_dir()
deterministic()
generator = torch.Generator().manual_seed(1234)

# A block without adaLN shift and with qk-norm (the options the published configuration turns off).
block = LightningDiTBlock(32, 4, 4.0, qk_norm=True, wo_shift=True)
randomise(block, generator)
rope = VisionRotaryEmbeddingFast(32 // 4 // 2, 4)
bx, bc = torch.randn(2, 16, 32, generator=generator), torch.randn(2, 32, generator=generator)
with torch.no_grad():
    save_npy(out, "block_out", block(bx, bc, rope))
save_safetensors(os.path.join(out, "block.safetensors"), block.state_dict())
for name, value in (("block_x", bx), ("block_c", bc), ("block_rope_cos", rope.freqs_cos), ("block_rope_sin", rope.freqs_sin)):
    save_npy(out, name, value)

# A whole model in the published configuration (RMSNorm, SwiGLU, RoPE, adaLN with shift, no qk-norm), at a tiny size.
model = LightningDiT(input_size=8, patch_size=2, in_channels=3, hidden_size=32, depth=2, num_heads=4, mlp_ratio=4.0,
                     num_classes=5, class_dropout_prob=0.1, qk_norm=False, wo_shift=False, frequency_size=16).eval()
randomise(model, generator)
mx = torch.randn(3, 3, 8, 8, generator=generator)
mt = torch.tensor([0.05, 0.5, 0.9])
my = torch.tensor([0, 3, 5])  # 5 is the null label
with torch.no_grad():
    mout, features = model(mx, mt, my)
save_safetensors(os.path.join(out, "model.safetensors"), model.state_dict())
for name, value in (("model_x", mx), ("model_t", mt), ("model_y", my), ("model_out", mout), ("model_feature0", features[0]), ("model_feature1", features[1])):
    save_npy(out, name, value)
# The trainable parameter count of the reference's LightningDiT-B/2 on 32x32x4 latents with 1000 classes (pos_embed is a
# frozen Parameter and not counted).
b2 = LightningDiT(input_size=32, patch_size=2, in_channels=4, hidden_size=768, depth=12, num_heads=12, mlp_ratio=4.0,
                  num_classes=1000, class_dropout_prob=0.1, qk_norm=False, wo_shift=False, frequency_size=256)
with open(os.path.join(out, "counts.json"), "w") as f:
    json.dump({"B/2": sum(p.numel() for p in b2.parameters() if p.requires_grad)}, f)
print("lightningdit goldens:", sorted(os.listdir(out)))
