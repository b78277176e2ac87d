"""Loss goldens: the SiT, EDM and MeanFlow per-sample losses for fixed inputs and a fixed small network.

Written from the papers, not from the C# code:
- SiT (Ma et al. 2024), linear interpolant: x_t = (1 - t) x + t eps, velocity target eps - x, loss = mean over the
  sample's elements of (v(x_t, t) - (eps - x))^2.
- EDM (Karras et al. 2022, Table 1): sigma = exp(P_mean + P_std z) with P_mean = -1.2, P_std = 1.2 (fixed z spread
  over the distribution); x_sigma = x + sigma n;
  c_skip = sd^2 / (sigma^2 + sd^2), c_out = sigma sd / sqrt(sigma^2 + sd^2), c_in = 1 / sqrt(sigma^2 + sd^2),
  c_noise = ln(sigma) / 4; D = c_skip x_sigma + c_out F(c_in x_sigma, c_noise); weight
  lambda = (sigma^2 + sd^2) / (sigma sd)^2; loss = mean over elements of lambda (D - x)^2, sd = 0.5.
- MeanFlow (Geng et al. 2025, Algorithm 1): z = (1 - t) x + t eps, v = eps - x; (u, du/dt) = jvp(u_theta, (z, r, t),
  (v, 0, 1)) by forward-mode AD (torch.autograd.forward_ad); u_tgt = stopgrad(v - (t - r) du/dt); Delta = u - u_tgt;
  adaptive weight w = stopgrad(1 / (||Delta||^2 + c)^p); loss = w ||Delta||^2 (sum over the sample's elements).
The network is the test's own: a 2-layer MLP F(x, a, b) = W2 tanh(W1 [flatten(x), a, b] + b1) + b2 reshaped to x's
shape. SiT calls F(x_t, t, 0), EDM F(c_in x_sigma, c_noise, 0), and MeanFlow's u_theta(z, r, t) = F(z, t, t - r): the
second time input is the jump t - r, the framework's convention (the paper feeds (r, t); the two are the same function).
Everything is computed in float64 from float32 inputs and weights; the goldens are saved as float32.
Writes: mlp.safetensors (w1, b1, w2, b2), x.npy, noise.npy, t.npy, r.npy, sigma.npy, sit_loss.npy, edm_denoised.npy,
edm_loss.npy, meanflow_{u,target,unweighted,loss}.npy, and the constants c, p of the adaptive weight in meanflow_cp.npy.
"""
import os

import torch
import torch.autograd.forward_ad as fwAD

from parity_io import deterministic, output_dir, save_npy, save_safetensors

out = output_dir()
deterministic()
g = torch.Generator().manual_seed(2025)
B, SHAPE, HIDDEN = 6, (3, 2, 2), 16
D = 3 * 2 * 2

weights = {
    "w1": 0.5 * torch.randn(HIDDEN, D + 2, generator=g), "b1": 0.1 * torch.randn(HIDDEN, generator=g),
    "w2": 0.5 * torch.randn(D, HIDDEN, generator=g), "b2": 0.1 * torch.randn(D, generator=g),
}
save_safetensors(os.path.join(out, "mlp.safetensors"), weights)
W = {k: v.double() for k, v in weights.items()}


def F(x, a, b):
    inputs = torch.cat([x.reshape(x.shape[0], -1), a[:, None], b[:, None]], dim=1)
    hidden = torch.tanh(inputs @ W["w1"].T + W["b1"])
    return (hidden @ W["w2"].T + W["b2"]).reshape(x.shape)


x = torch.randn(B, *SHAPE, generator=g)
noise = torch.randn(B, *SHAPE, generator=g)
t = torch.tensor([0.02, 0.2, 0.35, 0.5, 0.8, 0.97])
r = torch.tensor([0.0, 0.2, 0.1, 0.45, 0.3, 0.5])  # r = t for the second sample (plain flow matching), r = 0 for the first
P_MEAN, P_STD, SIGMA_DATA = -1.2, 1.2, 0.5
z_sigma = torch.tensor([-2.0, -1.0, -0.3, 0.4, 1.2, 2.5])  # spread over the log-normal: sigma from 0.027 to 6
sigma = torch.exp(P_MEAN + P_STD * z_sigma)
for name, value in (("x", x), ("noise", noise), ("t", t), ("r", r), ("sigma", sigma)):
    save_npy(out, name, value)
x, noise, t, r, sigma = x.double(), noise.double(), t.double(), r.double(), sigma.double()


def per_sample(v):
    return v.reshape(v.shape[0], -1)


def bc(v):
    return v.reshape(-1, 1, 1, 1)


# SiT
xt = (1 - bc(t)) * x + bc(t) * noise
save_npy(out, "sit_loss", per_sample((F(xt, t, torch.zeros_like(t)) - (noise - x)) ** 2).mean(1))

# EDM
x_sigma = x + bc(sigma) * noise
c_skip = SIGMA_DATA ** 2 / (sigma ** 2 + SIGMA_DATA ** 2)
c_out = sigma * SIGMA_DATA / torch.sqrt(sigma ** 2 + SIGMA_DATA ** 2)
c_in = 1 / torch.sqrt(sigma ** 2 + SIGMA_DATA ** 2)
c_noise = torch.log(sigma) / 4
denoised = bc(c_skip) * x_sigma + bc(c_out) * F(bc(c_in) * x_sigma, c_noise, torch.zeros_like(sigma))
weight = (sigma ** 2 + SIGMA_DATA ** 2) / (sigma * SIGMA_DATA) ** 2
save_npy(out, "edm_denoised", denoised)
save_npy(out, "edm_loss", (bc(weight) * (denoised - x) ** 2).reshape(B, -1).mean(1))

# MeanFlow
C, P = 0.01, 0.75


def u_theta(z, r_, t_):
    return F(z, t_, t_ - r_)


z = (1 - bc(t)) * x + bc(t) * noise
v = noise - x
with fwAD.dual_level():
    dual = u_theta(fwAD.make_dual(z, v), fwAD.make_dual(r, torch.zeros_like(r)), fwAD.make_dual(t, torch.ones_like(t)))
    u, dudt = fwAD.unpack_dual(dual)
    u, dudt = u.clone(), dudt.clone()
# A second, independent JVP (reverse-mode double backward) must agree with forward mode.
_, dudt_check = torch.autograd.functional.jvp(u_theta, (z, r, t), (v, torch.zeros_like(r), torch.ones_like(t)))
assert torch.allclose(dudt, dudt_check, atol=1e-12), (dudt - dudt_check).abs().max()
target = (v - bc(t - r) * dudt).detach()
delta_sq = per_sample((u - target) ** 2).sum(1)
w = 1 / (delta_sq + C) ** P
save_npy(out, "meanflow_u", u)
save_npy(out, "meanflow_target", target)
save_npy(out, "meanflow_unweighted", delta_sq)
save_npy(out, "meanflow_loss", w.detach() * delta_sq)
save_npy(out, "meanflow_cp", torch.tensor([C, P]))
print("loss goldens:", sorted(os.listdir(out)))
