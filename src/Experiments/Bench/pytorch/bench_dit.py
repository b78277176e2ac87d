"""The PyTorch side of `bench-dit`: one DiT case timed in this process, one JSON line on stdout.

The network is DiT as published (Peebles & Xie, "Scalable Diffusion Models with Transformers", 2023; the
facebookresearch/DiT repository's models.py): a p x p stride-p conv patch embedding with fixed 2-D sin-cos
positions, adaLN-Zero blocks (LayerNorm without affine, eps 1e-6; shift/scale/gate x 2 from SiLU -> Linear(D, 6D),
zero-initialised; timm-style attention with a fused qkv and biases; MLP D -> 4D -> D with tanh GELU), a final
adaLN layer (zero-initialised) and unpatchify. Two deliberate differences from models.py, both shared with the C#
side: no learned sigma (out channels = in channels), and for MeanFlow a second timestep embedder for dt = t - r
whose output is added to the conditioning (the MeanFlow paper's two-time conditioning). Attention is written out
(softmax(QK^T / sqrt(d)) V), as timm did in the DiT repository's time: PyTorch 1.13 has no fused SDPA.

Cases, all with AdamW (lr 1e-4) where there is a step:
  train     flow matching (SiT): t = sigmoid(randn), x_t = (1 - t) x + t n, loss mean((net(x_t, t, y) - (n - x))^2),
            backward, AdamW step
  forward   eval mode, torch.no_grad(), one forward pass at a random t
  meanflow  MeanFlow (unguided, no condition dropout): (t, r) from two logit-normal draws, r = t on 75% of the batch,
            u and du/dt from one forward-mode JVP along (v, 1, 1) in (x_t, t, dt) with torch.autograd.forward_ad dual
            tensors (PyTorch 1.13 has no torch.func; forward_ad is its native forward mode), target
            v - (t - r) du/dt (detached), adaptive weight 1 / (loss + 1e-3), backward, AdamW step

Usage: /usr/bin/python3 bench_dit.py --model small|s2 --case train|forward|meanflow --threads N --steps N --warmup N
"""

import argparse
import json
import math
import os
import sys
import time

import torch
import torch.autograd.forward_ad as fwAD
import torch.nn as nn

MODELS = {
    # name: (input side, channels, patch, hidden, depth, heads, classes)
    "small": (16, 4, 2, 256, 4, 4, 10),
    "s2": (32, 4, 2, 384, 12, 6, 1000),
}
BATCH = 32


def modulate(x, shift, scale):
    return x * (1 + scale.unsqueeze(1)) + shift.unsqueeze(1)


class TimestepEmbedder(nn.Module):
    def __init__(self, hidden_size, frequency_embedding_size=256):
        super().__init__()
        self.mlp = nn.Sequential(
            nn.Linear(frequency_embedding_size, hidden_size, bias=True),
            nn.SiLU(),
            nn.Linear(hidden_size, hidden_size, bias=True),
        )
        self.frequency_embedding_size = frequency_embedding_size

    @staticmethod
    def timestep_embedding(t, dim, max_period=10000):
        half = dim // 2
        freqs = torch.exp(-math.log(max_period) * torch.arange(start=0, end=half, dtype=torch.float32) / half)
        args = t[:, None].float() * freqs[None]
        return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)

    def forward(self, t):
        return self.mlp(self.timestep_embedding(t, self.frequency_embedding_size))


class LabelEmbedder(nn.Module):
    def __init__(self, num_classes, hidden_size):
        super().__init__()
        self.embedding_table = nn.Embedding(num_classes + 1, hidden_size)  # + the null label of CFG

    def forward(self, labels):
        return self.embedding_table(labels)


class Attention(nn.Module):
    """timm's Attention (qkv_bias=True, no dropout), as DiT's blocks use it."""

    def __init__(self, dim, num_heads):
        super().__init__()
        self.num_heads = num_heads
        self.scale = (dim // num_heads) ** -0.5
        self.qkv = nn.Linear(dim, dim * 3, bias=True)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        B, N, C = x.shape
        qkv = self.qkv(x).reshape(B, N, 3, self.num_heads, C // self.num_heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)
        attn = (q @ k.transpose(-2, -1)) * self.scale
        attn = attn.softmax(dim=-1)
        x = (attn @ v).transpose(1, 2).reshape(B, N, C)
        return self.proj(x)


class Mlp(nn.Module):
    def __init__(self, in_features, hidden_features):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden_features)
        self.act = nn.GELU(approximate="tanh")
        self.fc2 = nn.Linear(hidden_features, in_features)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class DiTBlock(nn.Module):
    def __init__(self, hidden_size, num_heads, mlp_ratio=4.0):
        super().__init__()
        self.norm1 = nn.LayerNorm(hidden_size, elementwise_affine=False, eps=1e-6)
        self.attn = Attention(hidden_size, num_heads=num_heads)
        self.norm2 = nn.LayerNorm(hidden_size, elementwise_affine=False, eps=1e-6)
        self.mlp = Mlp(hidden_size, int(hidden_size * mlp_ratio))
        self.adaLN_modulation = nn.Sequential(nn.SiLU(), nn.Linear(hidden_size, 6 * hidden_size, bias=True))

    def forward(self, x, c):
        shift_msa, scale_msa, gate_msa, shift_mlp, scale_mlp, gate_mlp = self.adaLN_modulation(c).chunk(6, dim=1)
        x = x + gate_msa.unsqueeze(1) * self.attn(modulate(self.norm1(x), shift_msa, scale_msa))
        x = x + gate_mlp.unsqueeze(1) * self.mlp(modulate(self.norm2(x), shift_mlp, scale_mlp))
        return x


class FinalLayer(nn.Module):
    def __init__(self, hidden_size, patch_size, out_channels):
        super().__init__()
        self.norm_final = nn.LayerNorm(hidden_size, elementwise_affine=False, eps=1e-6)
        self.linear = nn.Linear(hidden_size, patch_size * patch_size * out_channels, bias=True)
        self.adaLN_modulation = nn.Sequential(nn.SiLU(), nn.Linear(hidden_size, 2 * hidden_size, bias=True))

    def forward(self, x, c):
        shift, scale = self.adaLN_modulation(c).chunk(2, dim=1)
        return self.linear(modulate(self.norm_final(x), shift, scale))


def sincos_2d(embed_dim, grid_size):
    """MAE's get_2d_sincos_pos_embed, as DiT uses it: half the width encodes the row, half the column."""
    def one_d(dim, pos):
        omega = 1.0 / 10000 ** (torch.arange(dim // 2, dtype=torch.float64) / (dim / 2.0))
        out = pos.reshape(-1)[:, None] * omega[None]
        return torch.cat([torch.sin(out), torch.cos(out)], dim=1)
    coords = torch.arange(grid_size, dtype=torch.float64)
    grid = torch.meshgrid(coords, coords, indexing="xy")  # np.meshgrid(grid_w, grid_h): grid[0] varies along a row
    return torch.cat([one_d(embed_dim // 2, grid[0]), one_d(embed_dim // 2, grid[1])], dim=1).float()


class DiT(nn.Module):
    def __init__(self, input_size, patch_size, in_channels, hidden_size, depth, num_heads, num_classes, take_dt=False):
        super().__init__()
        self.in_channels = self.out_channels = in_channels  # no learned sigma
        self.patch_size = patch_size
        self.x_embedder = nn.Conv2d(in_channels, hidden_size, kernel_size=patch_size, stride=patch_size, bias=True)
        self.t_embedder = TimestepEmbedder(hidden_size)
        self.dt_embedder = TimestepEmbedder(hidden_size) if take_dt else None
        self.y_embedder = LabelEmbedder(num_classes, hidden_size)
        grid = input_size // patch_size
        self.pos_embed = nn.Parameter(sincos_2d(hidden_size, grid).unsqueeze(0), requires_grad=False)
        self.blocks = nn.ModuleList([DiTBlock(hidden_size, num_heads) for _ in range(depth)])
        self.final_layer = FinalLayer(hidden_size, patch_size, self.out_channels)
        self.initialize_weights()

    def initialize_weights(self):
        def basic_init(module):
            if isinstance(module, nn.Linear):
                torch.nn.init.xavier_uniform_(module.weight)
                if module.bias is not None:
                    nn.init.constant_(module.bias, 0)
        self.apply(basic_init)
        w = self.x_embedder.weight.data
        nn.init.xavier_uniform_(w.view([w.shape[0], -1]))
        nn.init.constant_(self.x_embedder.bias, 0)
        nn.init.normal_(self.y_embedder.embedding_table.weight, std=0.02)
        for embedder in [self.t_embedder] + ([self.dt_embedder] if self.dt_embedder is not None else []):
            nn.init.normal_(embedder.mlp[0].weight, std=0.02)
            nn.init.normal_(embedder.mlp[2].weight, std=0.02)
        for block in self.blocks:  # adaLN-Zero
            nn.init.constant_(block.adaLN_modulation[-1].weight, 0)
            nn.init.constant_(block.adaLN_modulation[-1].bias, 0)
        nn.init.constant_(self.final_layer.adaLN_modulation[-1].weight, 0)
        nn.init.constant_(self.final_layer.adaLN_modulation[-1].bias, 0)
        nn.init.constant_(self.final_layer.linear.weight, 0)
        nn.init.constant_(self.final_layer.linear.bias, 0)

    def unpatchify(self, x):
        c, p = self.out_channels, self.patch_size
        h = w = int(x.shape[1] ** 0.5)
        x = x.reshape(shape=(x.shape[0], h, w, p, p, c))
        x = torch.einsum("nhwpqc->nchpwq", x)
        return x.reshape(shape=(x.shape[0], c, h * p, h * p))

    def forward(self, x, t, y, dt=None):
        x = self.x_embedder(x).flatten(2).transpose(1, 2) + self.pos_embed
        c = self.t_embedder(t) + self.y_embedder(y)
        if self.dt_embedder is not None:
            c = c + self.dt_embedder(dt)
        for block in self.blocks:
            x = block(x, c)
        return self.unpatchify(self.final_layer(x, c))


def logit_normal(batch, generator):
    return torch.sigmoid(torch.randn(batch, generator=generator))


def train_step(model, optimizer, x, y, generator):
    t = logit_normal(x.shape[0], generator)
    n = torch.randn(x.shape, generator=generator)
    tb = t.view(-1, 1, 1, 1)
    xt = (1 - tb) * x + tb * n
    loss = (model(xt, t, y) - (n - x)).square().mean()
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()


def forward_step(model, x, y, generator):
    with torch.no_grad():
        model(x, torch.rand(x.shape[0], generator=generator), y)


def meanflow_step(model, optimizer, x, y, generator):
    batch = x.shape[0]
    a, b = logit_normal(batch, generator), logit_normal(batch, generator)
    t, r = torch.maximum(a, b), torch.minimum(a, b)
    r = torch.where(torch.arange(batch) < int(batch * 0.75), t, r)
    n = torch.randn(x.shape, generator=generator)
    tb = t.view(-1, 1, 1, 1)
    xt = (1 - tb) * x + tb * n
    v = n - x
    with fwAD.dual_level():
        out = model(fwAD.make_dual(xt, v), fwAD.make_dual(t, torch.ones_like(t)), y, fwAD.make_dual(t - r, torch.ones_like(t)))
        u, dudt = fwAD.unpack_dual(out)
    target = (v - (t - r).clamp(0, 1).view(-1, 1, 1, 1) * dudt).detach()
    per_sample = (u - target).square().flatten(1).sum(1)
    loss = (per_sample / (per_sample.detach() + 1e-3)).mean()
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()


def proc_status_kib(key):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return -1


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=sorted(MODELS), required=True)
    parser.add_argument("--case", choices=["train", "forward", "meanflow"], required=True)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=1)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    side, channels, patch, hidden, depth, heads, classes = MODELS[args.model]
    model = DiT(side, patch, channels, hidden, depth, heads, classes, take_dt=args.case == "meanflow")
    generator = torch.Generator().manual_seed(5)
    x = torch.rand([BATCH, channels, side, side], generator=generator) * 2 - 1
    y = torch.randint(classes, [BATCH], generator=generator)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4) if args.case != "forward" else None
    model.train(args.case != "forward")
    step = {
        "train": lambda: train_step(model, optimizer, x, y, generator),
        "forward": lambda: forward_step(model, x, y, generator),
        "meanflow": lambda: meanflow_step(model, optimizer, x, y, generator),
    }[args.case]
    wall, cpu = [], []
    for i in range(args.warmup + args.steps):
        cpu_start, wall_start = time.process_time(), time.perf_counter()
        step()
        if i >= args.warmup:
            wall.append((time.perf_counter() - wall_start) * 1000)
            cpu.append((time.process_time() - cpu_start) * 1000)
    print(json.dumps({
        "side": "pytorch", "model": args.model, "case": args.case, "wall_ms": wall, "cpu_ms": cpu,
        "peak_rss_kib": proc_status_kib("VmHWM"), "last_rss_kib": proc_status_kib("VmRSS"),
        "threads": torch.get_num_threads(), "version": torch.__version__,
        "parameters": sum(p.numel() for p in model.parameters() if p.requires_grad),
        "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE", "unset"),
    }))


if __name__ == "__main__":
    main(sys.argv[1:])
