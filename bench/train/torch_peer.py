#!/usr/bin/env python3
"""The PyTorch peer of bench/train: the same GPT (nanoGPT layout: tied embeddings, learned positions, pre-LayerNorm,
fused qkv and MLP linears without bias, exact GELU, nanoGPT's explicit causal attention), the same AdamW (lr 1e-3, betas
0.9/0.95, eps 1e-8, weight decay 0.1 on >=2-D tensors, clip at global norm 1), the same shapes, batch, steps and
thread count. Prints one JSON object. Args: steps warmup threads."""
import json
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

BATCH = 16


class Block(nn.Module):
    def __init__(self, d, heads, context):
        super().__init__()
        self.heads = heads
        self.register_buffer("mask", torch.tril(torch.ones(context, context)), persistent=False)
        self.ln1 = nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d, bias=False)
        self.proj = nn.Linear(d, d, bias=False)
        self.ln2 = nn.LayerNorm(d)
        self.fc = nn.Linear(d, 4 * d, bias=False)
        self.out = nn.Linear(4 * d, d, bias=False)

    def attention(self, x, cache=None):
        b, t, d = x.shape
        q, k, v = self.qkv(x).split(d, dim=2)
        q, k, v = (z.view(b, t, self.heads, d // self.heads).transpose(1, 2) for z in (q, k, v))  # (B, H, T, hd)
        if cache is not None:
            if cache.get("k") is not None:
                k = torch.cat([cache["k"], k], dim=2)
                v = torch.cat([cache["v"], v], dim=2)
            cache["k"], cache["v"] = k, v
        # nanoGPT's attention without flash kernels (Debian's torch 1.13 has no scaled_dot_product_attention):
        # new queries at the end of the sequence each see every key up to their own position
        s = k.shape[2]
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.shape[-1]))       # (B, H, T, S)
        att = att.masked_fill(self.mask[s - t:s, :s] == 0, float("-inf"))
        y = F.softmax(att, dim=-1) @ v                                          # (B, H, T, hd)
        return self.proj(y.transpose(1, 2).contiguous().view(b, t, d))

    def forward(self, x, cache=None):
        x = x + self.attention(self.ln1(x), cache)
        return x + self.out(F.gelu(self.fc(self.ln2(x))))


class Gpt(nn.Module):
    def __init__(self, vocab, context, layers, d, heads):
        super().__init__()
        self.wte = nn.Embedding(vocab, d)
        self.wpe = nn.Embedding(context, d)
        self.blocks = nn.ModuleList(Block(d, heads, context) for _ in range(layers))
        self.ln_f = nn.LayerNorm(d)
        for name, p in self.named_parameters():
            if p.dim() >= 2:
                std = 0.02 / math.sqrt(2 * layers) if name.endswith(("proj.weight", "out.weight")) else 0.02
                nn.init.normal_(p, 0.0, std)

    def forward(self, idx, caches=None, start=0):
        t = idx.shape[1]
        x = self.wte(idx) + self.wpe(torch.arange(start, start + t))
        for i, block in enumerate(self.blocks):
            x = block(x, None if caches is None else caches[i])
        return F.linear(self.ln_f(x), self.wte.weight)  # tied output projection


def flops_per_token(vocab, context, layers, d):
    n = layers * (4 * d + 3 * d * d + d * d + 8 * d * d) + 2 * d  # non-embedding, as GptConfig counts it
    return 6 * (n + vocab * d) + 12 * layers * context * d, n + vocab * d + context * d


def train(layers, d, heads, steps, warmup, peak, context=128, vocab=256):
    torch.manual_seed(0)
    model = Gpt(vocab, context, layers, d, heads)
    decay = [p for p in model.parameters() if p.dim() >= 2]
    other = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": other, "weight_decay": 0.0}],
                            lr=1e-3, betas=(0.9, 0.95), eps=1e-8)
    gen = torch.Generator().manual_seed(1)
    times = []
    loss = None
    for i in range(-warmup, steps):
        seq = torch.randint(0, vocab, (BATCH, context + 1), generator=gen)
        x, y = seq[:, :-1], seq[:, 1:]
        t0 = time.perf_counter()
        logits = model(x)
        loss = F.cross_entropy(logits.view(-1, vocab), y.reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        if i >= 0:
            times.append(time.perf_counter() - t0)
    fpt, params = flops_per_token(vocab, context, layers, d)
    tps = BATCH * context * steps / sum(times)
    return {"layers": layers, "d_model": d, "heads": heads, "context": context, "batch": BATCH, "parameters": params,
            "flops_per_token": fpt, "steps": steps, "tokens_per_sec": round(tps, 1),
            "step_ms_median": round(sorted(times)[len(times) // 2] * 1e3, 2), "mfu": round(tps * fpt / peak, 4),
            "last_loss": round(loss.item(), 4)}


@torch.no_grad()
def sample(model, prompt, new_tokens, n, cache):
    gen = torch.Generator().manual_seed(3)
    idx = prompt.repeat(n, 1)
    caches = [dict() for _ in model.blocks] if cache else None
    fed = 0
    for _ in range(new_tokens):
        if cache:
            logits = model(idx[:, fed:], caches, start=fed)
            fed = idx.shape[1]
        else:
            logits = model(idx)
        probs = F.softmax(logits[:, -1, :], dim=-1)
        idx = torch.cat([idx, torch.multinomial(probs, 1, generator=gen)], dim=1)
    return n * new_tokens


def sampling():
    torch.manual_seed(0)
    model = Gpt(256, 512, 4, 128, 4).eval()
    prompt = torch.randint(0, 256, (1, 16), generator=torch.Generator().manual_seed(2))
    out = {"config": "small(256) with context 512", "prompt_tokens": 16, "new_tokens": 256}
    for n in (1, 8):
        rates = {}
        for cache in (True, False):
            sample(model, prompt, 64, n, cache)  # warm-up
            t0 = time.perf_counter()
            produced = sample(model, prompt, 256, n, cache)
            rates[cache] = produced / (time.perf_counter() - t0)
        out[f"n{n}"] = {"kv_cache_tokens_per_sec": round(rates[True], 1),
                        "full_recompute_tokens_per_sec": round(rates[False], 1),
                        "speedup": round(rates[True] / rates[False], 2)}
    return out


def matmul_peak():
    a, b = torch.rand(1024, 1024) * 2 - 1, torch.rand(1024, 1024) * 2 - 1
    for _ in range(5):  # warm-up, as Torch.matmulPeakFlops
        a @ b
    best = float("inf")
    for _ in range(30):
        t0 = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - t0)
    return 2 * 1024 ** 3 / best


def main():
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    warmup = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    threads = int(sys.argv[3]) if len(sys.argv) > 3 else torch.get_num_threads()
    torch.set_num_threads(threads)
    config = torch.__config__.show()
    blas = "OpenBLAS" if "openblas" in config.lower() else ("MKL" if "mkl" in config.lower() else "unknown")
    peak = matmul_peak()
    print(json.dumps({
        "torch": torch.__version__, "threads": torch.get_num_threads(), "blas": blas,
        "matmul_peak_gflops": round(peak / 1e9, 2),
        "reference_blas_warning": peak < 5e9,  # Debian's torch without libopenblas0-openmp: the reference BLAS
        "reference": train(4, 128, 4, steps, warmup, peak),
        "larger": train(6, 256, 8, max(2, steps // 2), warmup, peak),
        "sampling": sampling(),
    }))


if __name__ == "__main__":
    main()
