"""The parity fixture of AutoencoderKL: a tiny Stable-Diffusion VAE written in plain PyTorch from diffusers' published
definition (diffusers/models/autoencoders/vae.py Encoder/Decoder, unets/unet_2d_blocks.py DownEncoderBlock2D,
UpDecoderBlock2D, UNetMidBlock2D, resnet.py ResnetBlock2D, downsampling.py Downsample2D, upsampling.py Upsample2D,
attention_processor.py Attention with AttnProcessor, autoencoder_kl.py AutoencoderKL and DiagonalGaussianDistribution),
seeded random weights. diffusers itself is not installed; the modules below carry its attribute names, so the state
dict has the names of a diffusers diffusion_pytorch_model.safetensors.

Writes: diffusers/diffusion_pytorch_model.safetensors + diffusers/config.json (current names), legacy/ the same
weights under the pre-0.14 attention names (query/key/value/proj_attn, as 1x1 conv kernels), images.npy, mean.npy,
logvar.npy (the posterior), latents.npy ((mean - shift) * scale), z.npy (latents to decode) and decoded.npy.
"""
import json
import os

import torch
import torch.nn.functional as F
from torch import nn

from parity_io import deterministic, output_dir, save_npy, save_safetensors

CONFIG = {
    "_class_name": "AutoencoderKL",
    "act_fn": "silu",
    "in_channels": 3,
    "out_channels": 3,
    "latent_channels": 4,
    "block_out_channels": [16, 32],
    "down_block_types": ["DownEncoderBlock2D", "DownEncoderBlock2D"],
    "up_block_types": ["UpDecoderBlock2D", "UpDecoderBlock2D"],
    "layers_per_block": 2,
    "norm_num_groups": 8,
    "scaling_factor": 0.5,
    "shift_factor": 0.125,
    "sample_size": 16,
}
EPS = 1e-6


class ResnetBlock2D(nn.Module):
    def __init__(self, in_channels, out_channels, groups):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, in_channels, eps=EPS, affine=True)
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=1, padding=1)
        self.norm2 = nn.GroupNorm(groups, out_channels, eps=EPS, affine=True)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, stride=1, padding=1)
        self.conv_shortcut = nn.Conv2d(in_channels, out_channels, 1, stride=1, padding=0) if in_channels != out_channels else None

    def forward(self, x):
        h = self.conv1(F.silu(self.norm1(x)))
        h = self.conv2(F.silu(self.norm2(h)))  # dropout 0
        if self.conv_shortcut is not None:
            x = self.conv_shortcut(x)
        return (x + h) / 1.0  # output_scale_factor 1


class Attention(nn.Module):
    """diffusers' Attention(query_dim=C, heads=1, dim_head=C, norm_num_groups, residual_connection=True, bias=True)."""

    def __init__(self, channels, groups):
        super().__init__()
        self.heads = 1
        self.scale = channels ** -0.5
        self.group_norm = nn.GroupNorm(num_channels=channels, num_groups=groups, eps=EPS, affine=True)
        self.to_q = nn.Linear(channels, channels, bias=True)
        self.to_k = nn.Linear(channels, channels, bias=True)
        self.to_v = nn.Linear(channels, channels, bias=True)
        self.to_out = nn.ModuleList([nn.Linear(channels, channels, bias=True), nn.Dropout(0.0)])

    def forward(self, hidden_states):
        # AttnProcessor.__call__
        residual = hidden_states
        batch, channel, height, width = hidden_states.shape
        hidden_states = hidden_states.view(batch, channel, height * width).transpose(1, 2)
        hidden_states = self.group_norm(hidden_states.transpose(1, 2)).transpose(1, 2)
        query = self.to_q(hidden_states)
        key = self.to_k(hidden_states)
        value = self.to_v(hidden_states)
        # get_attention_scores with upcast_softmax: baddbmm(empty, q, k^T, beta=0, alpha=scale), softmax in float32
        scores = torch.baddbmm(torch.empty(query.shape[0], query.shape[1], key.shape[1]), query, key.transpose(-1, -2), beta=0, alpha=self.scale)
        probs = scores.float().softmax(dim=-1)
        hidden_states = torch.bmm(probs, value)
        hidden_states = self.to_out[1](self.to_out[0](hidden_states))
        hidden_states = hidden_states.transpose(-1, -2).reshape(batch, channel, height, width)
        return (hidden_states + residual) / 1.0  # rescale_output_factor 1


class UNetMidBlock2D(nn.Module):
    def __init__(self, channels, groups):
        super().__init__()
        self.resnets = nn.ModuleList([ResnetBlock2D(channels, channels, groups), ResnetBlock2D(channels, channels, groups)])
        self.attentions = nn.ModuleList([Attention(channels, groups)])

    def forward(self, x):
        x = self.resnets[0](x)
        for attn, resnet in zip(self.attentions, self.resnets[1:]):
            x = resnet(attn(x))
        return x


class Downsample2D(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, kernel_size=3, stride=2, padding=0)

    def forward(self, x):
        return self.conv(F.pad(x, (0, 1, 0, 1), mode="constant", value=0))


class Upsample2D(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, kernel_size=3, padding=1)

    def forward(self, x):
        return self.conv(F.interpolate(x, scale_factor=2.0, mode="nearest"))


class DownEncoderBlock2D(nn.Module):
    def __init__(self, in_channels, out_channels, num_layers, groups, add_downsample):
        super().__init__()
        self.resnets = nn.ModuleList([ResnetBlock2D(in_channels if i == 0 else out_channels, out_channels, groups) for i in range(num_layers)])
        self.downsamplers = nn.ModuleList([Downsample2D(out_channels)]) if add_downsample else None

    def forward(self, x):
        for resnet in self.resnets:
            x = resnet(x)
        if self.downsamplers is not None:
            for down in self.downsamplers:
                x = down(x)
        return x


class UpDecoderBlock2D(nn.Module):
    def __init__(self, in_channels, out_channels, num_layers, groups, add_upsample):
        super().__init__()
        self.resnets = nn.ModuleList([ResnetBlock2D(in_channels if i == 0 else out_channels, out_channels, groups) for i in range(num_layers)])
        self.upsamplers = nn.ModuleList([Upsample2D(out_channels)]) if add_upsample else None

    def forward(self, x):
        for resnet in self.resnets:
            x = resnet(x)
        if self.upsamplers is not None:
            for up in self.upsamplers:
                x = up(x)
        return x


class Encoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        boc, groups = c["block_out_channels"], c["norm_num_groups"]
        self.conv_in = nn.Conv2d(c["in_channels"], boc[0], kernel_size=3, stride=1, padding=1)
        self.down_blocks = nn.ModuleList([])
        output_channel = boc[0]
        for i in range(len(boc)):
            input_channel, output_channel = output_channel, boc[i]
            is_final_block = i == len(boc) - 1
            self.down_blocks.append(DownEncoderBlock2D(input_channel, output_channel, c["layers_per_block"], groups, not is_final_block))
        self.mid_block = UNetMidBlock2D(boc[-1], groups)
        self.conv_norm_out = nn.GroupNorm(num_channels=boc[-1], num_groups=groups, eps=EPS)
        self.conv_act = nn.SiLU()
        self.conv_out = nn.Conv2d(boc[-1], 2 * c["latent_channels"], 3, padding=1)  # double_z

    def forward(self, x):
        x = self.conv_in(x)
        for block in self.down_blocks:
            x = block(x)
        x = self.mid_block(x)
        return self.conv_out(self.conv_act(self.conv_norm_out(x)))


class Decoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        boc, groups = c["block_out_channels"], c["norm_num_groups"]
        self.conv_in = nn.Conv2d(c["latent_channels"], boc[-1], kernel_size=3, stride=1, padding=1)
        self.mid_block = UNetMidBlock2D(boc[-1], groups)
        self.up_blocks = nn.ModuleList([])
        reversed_block_out_channels = list(reversed(boc))
        output_channel = reversed_block_out_channels[0]
        for i in range(len(boc)):
            prev_output_channel, output_channel = output_channel, reversed_block_out_channels[i]
            is_final_block = i == len(boc) - 1
            self.up_blocks.append(UpDecoderBlock2D(prev_output_channel, output_channel, c["layers_per_block"] + 1, groups, not is_final_block))
        self.conv_norm_out = nn.GroupNorm(num_channels=boc[0], num_groups=groups, eps=EPS)
        self.conv_act = nn.SiLU()
        self.conv_out = nn.Conv2d(boc[0], c["out_channels"], 3, padding=1)

    def forward(self, z):
        x = self.mid_block(self.conv_in(z))
        for block in self.up_blocks:
            x = block(x)
        return self.conv_out(self.conv_act(self.conv_norm_out(x)))


class AutoencoderKL(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.encoder = Encoder(c)
        self.decoder = Decoder(c)
        self.quant_conv = nn.Conv2d(2 * c["latent_channels"], 2 * c["latent_channels"], 1)
        self.post_quant_conv = nn.Conv2d(c["latent_channels"], c["latent_channels"], 1)

    def encode(self, x):
        moments = self.quant_conv(self.encoder(x))
        # DiagonalGaussianDistribution
        mean, logvar = torch.chunk(moments, 2, dim=1)
        return mean, torch.clamp(logvar, -30.0, 20.0)

    def decode(self, z):
        return self.decoder(self.post_quant_conv(z))


def randomize(module):
    """Random affine GroupNorm parameters too (their default 1/0 would not test that they load)."""
    with torch.no_grad():
        for m in module.modules():
            if isinstance(m, nn.GroupNorm):
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)


def main():
    out = output_dir()
    deterministic()
    vae = AutoencoderKL(CONFIG).eval()
    randomize(vae)
    state = vae.state_dict()

    os.makedirs(os.path.join(out, "diffusers"), exist_ok=True)
    save_safetensors(os.path.join(out, "diffusers", "diffusion_pytorch_model.safetensors"), state, {"format": "pt"})
    with open(os.path.join(out, "diffusers", "config.json"), "w") as f:
        json.dump(CONFIG, f, indent=2)

    legacy_names = {"to_q": "query", "to_k": "key", "to_v": "value", "to_out.0": "proj_attn"}
    legacy = {}
    for name, tensor in state.items():
        for current, old in legacy_names.items():
            marker = f".attentions.0.{current}."
            if marker in name:
                name = name.replace(marker, f".attentions.0.{old}.")
                if tensor.dim() == 2:
                    tensor = tensor[:, :, None, None]
        legacy[name] = tensor
    os.makedirs(os.path.join(out, "legacy"), exist_ok=True)
    save_safetensors(os.path.join(out, "legacy", "diffusion_pytorch_model.safetensors"), legacy)

    scale, shift = CONFIG["scaling_factor"], CONFIG["shift_factor"]
    images = torch.rand(2, 3, 16, 16) * 2 - 1
    z = torch.randn(2, 4, 8, 8)
    with torch.no_grad():
        mean, logvar = vae.encode(images)
        decoded = vae.decode(z / scale + shift)  # a pipeline's latents → image
    save_npy(out, "images", images)
    save_npy(out, "mean", mean)
    save_npy(out, "logvar", logvar)
    save_npy(out, "latents", (mean - shift) * scale)
    save_npy(out, "z", z)
    save_npy(out, "decoded", decoded)
    print(f"AutoencoderKL fixture: {sum(t.numel() for t in state.values())} parameters, |decoded| max {decoded.abs().max():.3f}")


if __name__ == "__main__":
    main()
