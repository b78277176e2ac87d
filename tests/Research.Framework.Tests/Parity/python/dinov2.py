"""Goldens for the DINOv2 ViT encoder: tiny Dinov2Model networks in plain PyTorch, written from Hugging Face
transformers' published definition (models/dinov2/modeling_dinov2.py: Dinov2Embeddings with interpolate_pos_encoding,
Dinov2Layer = norm1 -> self-attention -> layer_scale1 -> residual, norm2 -> MLP or SwiGLU -> layer_scale2 -> residual,
then the final layernorm), the original facebookresearch/dinov2 position interpolation (scale factors with an offset)
and REPA's preprocess_raw_image for 'dinov2' (train.py: ImageNet mean/std, then a bicubic resize).

Writes, into OUTPUT_DIR:
- mlp/model.safetensors + mlp/config.json: a 2-layer model (hidden 128, 2 heads of 64, patch 4, image_size 16 so the
  position table is a 4x4 grid, GELU MLP), seeded random weights with the HF parameter names;
- swiglu/model.safetensors + swiglu/config.json: the same with the SwiGLU feed-forward of the giant model;
- pixels.npy (2, 3, 24, 24): an input whose 6x6 patch grid needs the position table interpolated;
- hidden.npy: mlp's last_hidden_state (CLS first, after the final layernorm) of pixels;
- hidden_offset.npy: the same with the original DINOv2's interpolation (interpolate_offset 0.1, scale factors);
- hidden_native.npy: mlp on pixels_native.npy (2, 3, 16, 16), the table's own grid (no interpolation);
- hidden_wide.npy: mlp on pixels_wide.npy (2, 3, 22, 30), a 5x7 grid (not square; the remainders are cut off);
- swiglu_hidden.npy: swiglu's last_hidden_state of pixels;
- raw.npy (2, 3, 20, 20): images in [-1, 1]; repa_tokens.npy: mlp's patch tokens of REPA's preprocessing of raw
  resized to 28 (7x7 grid), i.e. last_hidden_state[:, 1:].
"""
import json
import math
import os

import torch
from torch import nn

from parity_io import deterministic, output_dir, save_npy, save_safetensors

IMAGENET_DEFAULT_MEAN = (0.485, 0.456, 0.406)
IMAGENET_DEFAULT_STD = (0.229, 0.224, 0.225)


class Config:
    def __init__(self, use_swiglu_ffn):
        self.hidden_size = 128
        self.num_hidden_layers = 2
        self.num_attention_heads = 2
        self.mlp_ratio = 4
        self.hidden_act = "gelu"
        self.layer_norm_eps = 1e-6
        self.image_size = 16
        self.patch_size = 4
        self.num_channels = 3
        self.qkv_bias = True
        self.layerscale_value = 1.0
        self.use_swiglu_ffn = use_swiglu_ffn

    def json(self):
        return {
            "architectures": ["Dinov2Model"], "model_type": "dinov2", "hidden_size": self.hidden_size,
            "num_hidden_layers": self.num_hidden_layers, "num_attention_heads": self.num_attention_heads,
            "mlp_ratio": self.mlp_ratio, "hidden_act": self.hidden_act, "layer_norm_eps": self.layer_norm_eps,
            "image_size": self.image_size, "patch_size": self.patch_size, "num_channels": self.num_channels,
            "qkv_bias": self.qkv_bias, "layerscale_value": self.layerscale_value,
            "use_swiglu_ffn": self.use_swiglu_ffn, "hidden_dropout_prob": 0.0, "attention_probs_dropout_prob": 0.0,
            "drop_path_rate": 0.0, "initializer_range": 0.02, "torch_dtype": "float32",
        }


class PatchEmbeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.projection = nn.Conv2d(c.num_channels, c.hidden_size, kernel_size=c.patch_size, stride=c.patch_size)

    def forward(self, pixel_values):
        return self.projection(pixel_values).flatten(2).transpose(1, 2)


class Embeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.cls_token = nn.Parameter(torch.randn(1, 1, c.hidden_size))
        self.mask_token = nn.Parameter(torch.zeros(1, c.hidden_size))
        self.patch_embeddings = PatchEmbeddings(c)
        num_patches = (c.image_size // c.patch_size) ** 2
        self.position_embeddings = nn.Parameter(torch.randn(1, num_patches + 1, c.hidden_size))
        self.patch_size = c.patch_size
        self.interpolate_offset = 0.0  # Hugging Face: sizes; 0.1: the original repository's scale factors

    def interpolate_pos_encoding(self, embeddings, height, width):
        num_patches = embeddings.shape[1] - 1
        num_positions = self.position_embeddings.shape[1] - 1
        if num_patches == num_positions and height == width:
            return self.position_embeddings
        class_pos_embed = self.position_embeddings[:, :1]
        patch_pos_embed = self.position_embeddings[:, 1:]
        dim = embeddings.shape[-1]
        new_height, new_width = height // self.patch_size, width // self.patch_size
        side = int(num_positions ** 0.5)
        patch_pos_embed = patch_pos_embed.reshape(1, side, side, dim).permute(0, 3, 1, 2)
        if self.interpolate_offset:
            # facebookresearch/dinov2 vision_transformer.py: sx = (w0 + offset) / M on the first spatial axis.
            scale = ((new_width + self.interpolate_offset) / side, (new_height + self.interpolate_offset) / side)
            patch_pos_embed = nn.functional.interpolate(patch_pos_embed.float(), scale_factor=scale, mode="bicubic")
        else:
            patch_pos_embed = nn.functional.interpolate(patch_pos_embed.float(), size=(new_height, new_width),
                                                        mode="bicubic", align_corners=False)
        patch_pos_embed = patch_pos_embed.permute(0, 2, 3, 1).reshape(1, -1, dim)
        return torch.cat((class_pos_embed, patch_pos_embed), dim=1)

    def forward(self, pixel_values):
        batch_size, _, height, width = pixel_values.shape
        embeddings = self.patch_embeddings(pixel_values)
        embeddings = torch.cat((self.cls_token.expand(batch_size, -1, -1), embeddings), dim=1)
        return embeddings + self.interpolate_pos_encoding(embeddings, height, width)


class SelfAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.heads = c.num_attention_heads
        self.head_size = c.hidden_size // c.num_attention_heads
        self.query = nn.Linear(c.hidden_size, c.hidden_size, bias=c.qkv_bias)
        self.key = nn.Linear(c.hidden_size, c.hidden_size, bias=c.qkv_bias)
        self.value = nn.Linear(c.hidden_size, c.hidden_size, bias=c.qkv_bias)

    def forward(self, hidden_states):
        b = hidden_states.shape[0]
        split = lambda t: t.view(b, -1, self.heads, self.head_size).transpose(1, 2)
        q, k, v = split(self.query(hidden_states)), split(self.key(hidden_states)), split(self.value(hidden_states))
        # The eager attention of transformers: softmax(q k^T * head_size^-0.5) v, softmax in float32.
        weights = torch.softmax(torch.matmul(q, k.transpose(-1, -2)) * self.head_size ** -0.5, dim=-1, dtype=torch.float32)
        context = torch.matmul(weights, v).transpose(1, 2).contiguous()
        return context.reshape(b, -1, self.heads * self.head_size)


class SelfOutput(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c.hidden_size, c.hidden_size)

    def forward(self, hidden_states):
        return self.dense(hidden_states)


class Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.attention = SelfAttention(c)
        self.output = SelfOutput(c)

    def forward(self, hidden_states):
        return self.output(self.attention(hidden_states))


class LayerScale(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.lambda1 = nn.Parameter(c.layerscale_value * torch.ones(c.hidden_size))

    def forward(self, hidden_state):
        return hidden_state * self.lambda1


class Mlp(nn.Module):
    def __init__(self, c):
        super().__init__()
        hidden = int(c.hidden_size * c.mlp_ratio)
        self.fc1 = nn.Linear(c.hidden_size, hidden)
        self.fc2 = nn.Linear(hidden, c.hidden_size)

    def forward(self, x):
        return self.fc2(nn.functional.gelu(self.fc1(x)))  # ACT2FN["gelu"]: the exact (erf) GELU


class SwiGLUFFN(nn.Module):
    def __init__(self, c):
        super().__init__()
        hidden = int(c.hidden_size * c.mlp_ratio)
        hidden = (int(hidden * 2 / 3) + 7) // 8 * 8
        self.weights_in = nn.Linear(c.hidden_size, 2 * hidden)
        self.weights_out = nn.Linear(hidden, c.hidden_size)

    def forward(self, x):
        x1, x2 = self.weights_in(x).chunk(2, dim=-1)
        return self.weights_out(nn.functional.silu(x1) * x2)


class Layer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.norm1 = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.attention = Attention(c)
        self.layer_scale1 = LayerScale(c)
        self.norm2 = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.mlp = SwiGLUFFN(c) if c.use_swiglu_ffn else Mlp(c)
        self.layer_scale2 = LayerScale(c)

    def forward(self, hidden_states):
        hidden_states = self.layer_scale1(self.attention(self.norm1(hidden_states))) + hidden_states
        return self.layer_scale2(self.mlp(self.norm2(hidden_states))) + hidden_states


class Encoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.layer = nn.ModuleList([Layer(c) for _ in range(c.num_hidden_layers)])

    def forward(self, hidden_states):
        for layer in self.layer:
            hidden_states = layer(hidden_states)
        return hidden_states


class Dinov2Model(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embeddings = Embeddings(c)
        self.encoder = Encoder(c)
        self.layernorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)

    def forward(self, pixel_values):
        """last_hidden_state: (B, 1 + patches, hidden), CLS first, after the final layernorm."""
        return self.layernorm(self.encoder(self.embeddings(pixel_values)))


def randomize(model):
    """Every parameter random and away from its neutral value (layer scales and norm gains near 1, not 1), so a
    parameter loaded into the wrong place changes the output."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("lambda1") or (("norm" in name) and name.endswith("weight")):
                p.copy_(1 + 0.2 * torch.randn_like(p))
            elif name.endswith("bias"):
                p.copy_(0.1 * torch.randn_like(p))
            elif "token" in name or "position" in name:
                p.copy_(0.5 * torch.randn_like(p))
            else:
                fan_in = p[0].numel()
                p.copy_(torch.randn_like(p) / math.sqrt(fan_in))


def save_model(directory, model, config):
    os.makedirs(directory, exist_ok=True)
    save_safetensors(os.path.join(directory, "model.safetensors"), dict(model.state_dict()))
    with open(os.path.join(directory, "config.json"), "w") as f:
        json.dump(config.json(), f, indent=2)


def preprocess_raw_image(x, resolution):
    """REPA's preprocessing for DINOv2 from images in [-1, 1]: to [0, 1], ImageNet mean/std, bicubic resize."""
    x = (x + 1) / 2
    mean = torch.tensor(IMAGENET_DEFAULT_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(IMAGENET_DEFAULT_STD).view(1, 3, 1, 1)
    x = (x - mean) / std
    return nn.functional.interpolate(x, resolution, mode="bicubic")


out = output_dir()
deterministic()
mlp_config, swiglu_config = Config(use_swiglu_ffn=False), Config(use_swiglu_ffn=True)
mlp, swiglu = Dinov2Model(mlp_config).eval(), Dinov2Model(swiglu_config).eval()
randomize(mlp)
randomize(swiglu)
save_model(os.path.join(out, "mlp"), mlp, mlp_config)
save_model(os.path.join(out, "swiglu"), swiglu, swiglu_config)

pixels = torch.randn(2, 3, 24, 24)
pixels_native = torch.randn(2, 3, 16, 16)
pixels_wide = torch.randn(2, 3, 22, 30)
raw = torch.rand(2, 3, 20, 20) * 2 - 1
with torch.no_grad():
    save_npy(out, "pixels", pixels)
    save_npy(out, "hidden", mlp(pixels))
    save_npy(out, "pixels_native", pixels_native)
    save_npy(out, "hidden_native", mlp(pixels_native))
    save_npy(out, "pixels_wide", pixels_wide)
    save_npy(out, "hidden_wide", mlp(pixels_wide))
    save_npy(out, "swiglu_hidden", swiglu(pixels))
    save_npy(out, "raw", raw)
    save_npy(out, "repa_tokens", mlp(preprocess_raw_image(raw, 28))[:, 1:])
    mlp.embeddings.interpolate_offset = 0.1
    save_npy(out, "hidden_offset", mlp(pixels))
