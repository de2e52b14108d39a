#!/usr/bin/env python3
"""The PyTorch eager peer of bench/train: the same GPT as GptConfig.small(256) in nanoGPT's layout (tied wte/lm_head,
learned positions wpe, pre-LayerNorm with weight and bias, fused qkv and MLP Linears without bias, exact GELU,
F.scaled_dot_product_attention(is_causal=True) where torch has it, else nanoGPT's explicit causal attention), the same
AdamW (lr 1e-3, betas 0.9/0.95, eps 1e-8, weight decay 0.1 on >=2-D tensors only, clip at global norm 1.0), float32,
the same shapes, batch, steps, warm-up and thread count, and a KV-cache sampler beside a full-recomputation one.
Prints one JSON object. Run with Debian's torch: /usr/bin/python3 torch_peer.py [STEPS=30] [WARMUP=10] [THREADS]"""
import ctypes
import json
import math
import os
import re
import sys
import sysconfig
import time


def use_openmp_openblas():
    """Debian's torch (BLAS_INFO=generic) calls whichever libblas.so.3 update-alternatives picks. With both OpenBLAS
    flavours installed that is the pthreads one (priority 100 against the OpenMP one's 95), whose own thread pool
    fights torch's OpenMP threads: measured on 2 cores, 557 against 240 ms per reference training step, with the same
    1024^3 matmul peak. So this re-executes itself once with the OpenMP flavour first on the library path.
    It also drops an OPENBLAS_CORETYPE pin, so OpenBLAS picks its kernels from this CPU's features as the MKL on the
    Java side does (Assay bypasses MKL's vendor check): the CI machine pins Haswell (AVX2), which on its AVX-512 EPYC
    halves OpenBLAS's 1024^3 peak (250 against 470 GFLOP/s for the Cooperlake kernels OpenBLAS picks itself).
    PEER_SYSTEM_BLAS=1 keeps the system's choices (to reproduce the slow cases)."""
    if os.environ.get("PEER_SYSTEM_BLAS") == "1":
        return
    env = dict(os.environ)
    folder = f"/usr/lib/{sysconfig.get_config_var('MULTIARCH') or 'x86_64-linux-gnu'}/openblas-openmp"
    paths = env.get("LD_LIBRARY_PATH", "")
    if os.path.isdir(folder) and folder not in paths.split(os.pathsep):
        env["LD_LIBRARY_PATH"] = folder + (os.pathsep + paths if paths else "")
    if "OPENBLAS_CORETYPE" in env:
        env["PEER_DROPPED_OPENBLAS_CORETYPE"] = env.pop("OPENBLAS_CORETYPE")
    if env != os.environ:
        os.execve(sys.executable, [sys.executable] + sys.argv, env)


use_openmp_openblas()

import torch  # noqa: E402  (after the library path is settled)
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

BATCH = 16
PROMPT_TOKENS = 16
NEW_TOKENS = 256
WARMUP_SECONDS, TIMED_SECONDS = 3, 2  # sampling, per mode: as TrainBench
TRAIN_WARMUP_SECONDS = 10  # training: untimed steps for at least this long (and at least WARMUP of them), as TrainBench
HAVE_SDPA = hasattr(F, "scaled_dot_product_attention")  # torch >= 2.0; Debian 12's torch is 1.13


class Block(nn.Module):
    def __init__(self, d, heads, context):
        super().__init__()
        self.heads = heads
        self.register_buffer("mask", torch.tril(torch.ones(context, context, dtype=torch.bool)), persistent=False)
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
        if cache is not None:  # keys and values of earlier positions, (B, H, S-T, hd)
            if "k" in cache:
                k = torch.cat([cache["k"], k], dim=2)
                v = torch.cat([cache["v"], v], dim=2)
            cache["k"], cache["v"] = k, v
        s = k.shape[2]  # keys: cached + new; the T queries are the last T of the S positions
        if HAVE_SDPA:
            if t == s:
                y = F.scaled_dot_product_attention(q, k, v, is_causal=True)  # nanoGPT
            elif t == 1:
                y = F.scaled_dot_product_attention(q, k, v)  # one new query sees every key
            else:  # is_causal aligns the mask top-left, wrong for queries after a cache
                y = F.scaled_dot_product_attention(q, k, v, attn_mask=self.mask[s - t:s, :s])
        else:  # nanoGPT's slow path when torch has no scaled_dot_product_attention
            att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.shape[-1]))  # (B, H, T, S)
            if t > 1:
                att = att.masked_fill(~self.mask[s - t:s, :s], float("-inf"))
            y = F.softmax(att, dim=-1) @ v  # (B, H, T, hd)
        return self.proj(y.transpose(1, 2).contiguous().view(b, t, d))

    def forward(self, x, cache=None):
        x = x + self.attention(self.ln1(x), cache)
        return x + self.out(F.gelu(self.fc(self.ln2(x))))  # exact (erf) GELU, F.gelu's default


class Gpt(nn.Module):
    def __init__(self, vocab, context, layers, d, heads):
        super().__init__()
        self.wte = nn.Embedding(vocab, d)
        self.wpe = nn.Embedding(context, d)
        self.blocks = nn.ModuleList(Block(d, heads, context) for _ in range(layers))
        self.ln_f = nn.LayerNorm(d)
        for name, p in self.named_parameters():  # GPT-2 / nanoGPT initialisation, as Gpt.java
            if p.dim() >= 2:
                std = 0.02 / math.sqrt(2 * layers) if name.endswith(("proj.weight", "out.weight")) else 0.02
                nn.init.normal_(p, 0.0, std)

    def forward(self, idx, caches=None, start=0):
        t = idx.shape[1]
        x = self.wte(idx) + self.wpe(torch.arange(start, start + t))  # (B, T, d)
        for i, block in enumerate(self.blocks):
            x = block(x, None if caches is None else caches[i])
        return F.linear(self.ln_f(x), self.wte.weight)  # (B, T, V), tied output projection


def flops_per_token(model, vocab, context, layers, d):
    """GptConfig.trainingFlopsPerToken: 6·(N + V·d) + 12·L·T·d, N counted from the module (all but wte and wpe)."""
    n = sum(p.numel() for name, p in model.named_parameters() if not name.startswith(("wte.", "wpe.")))
    assert n == layers * (12 * d * d + 4 * d) + 2 * d, f"non-embedding parameters {n} differ from GptConfig's count"
    return 6 * (n + vocab * d) + 12 * layers * context * d, n


def train(name, layers, d, heads, steps, warmup, peak, context=128, vocab=256, bf16=False):
    """bf16: the forward and the loss under torch.autocast("cpu", dtype=torch.bfloat16), float32 master weights."""
    torch.manual_seed(0)
    model = Gpt(vocab, context, layers, d, heads)
    decay = [p for p in model.parameters() if p.dim() >= 2]
    other = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": other, "weight_decay": 0.0}],
                            lr=1e-3, betas=(0.9, 0.95), eps=1e-8)
    gen = torch.Generator().manual_seed(1)
    times = []

    def step(timed):
        seq = torch.randint(0, vocab, (BATCH, context + 1), generator=gen)  # random bytes, untimed
        x, y = seq[:, :-1], seq[:, 1:]  # (B, T) each
        t0 = time.perf_counter()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            logits = model(x)
            loss = F.cross_entropy(logits.view(-1, vocab).float(), y.reshape(-1))  # mean over B·T tokens
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        if timed:
            times.append(time.perf_counter() - t0)
        return loss

    started, warmed = time.perf_counter(), 0  # as TrainBench: >= warmup steps and >= TRAIN_WARMUP_SECONDS untimed
    while warmed < warmup or time.perf_counter() - started < TRAIN_WARMUP_SECONDS:
        step(False)
        warmed += 1
    for _ in range(steps):
        loss = step(True)
    fpt, non_embedding = flops_per_token(model, vocab, context, layers, d)
    tps = BATCH * context * steps / sum(times)
    ms = sorted(t * 1e3 for t in times)
    median = ms[len(ms) // 2] if len(ms) % 2 else (ms[len(ms) // 2 - 1] + ms[len(ms) // 2]) / 2
    return {"config": name, "precision": "bfloat16" if bf16 else "float32", "layers": layers, "d_model": d, "heads": heads, "context": context, "batch": BATCH,
            "parameters": sum(p.numel() for p in model.parameters()), "non_embedding_parameters": non_embedding,
            "flops_per_token": fpt, "steps": steps, "warmup": warmed, "seconds": round(sum(times), 3),
            "tokens_per_sec": round(tps, 1), "step_ms_median": round(median, 2), "step_ms_min": round(ms[0], 2), "step_ms_max": round(ms[-1], 2),
            "mfu": round(tps * fpt / peak, 4), "last_loss": round(loss.item(), 4)}


@torch.no_grad()
def sample(model, prompt, new_tokens, n, cache):
    """n continuations of prompt (1, P) as one batch; returns the number of new tokens."""
    gen = torch.Generator().manual_seed(3)
    idx = prompt.repeat(n, 1)  # (n, P)
    caches = [dict() for _ in model.blocks] if cache else None
    fed = 0  # positions already in the cache
    for _ in range(new_tokens):
        if cache:
            logits = model(idx[:, fed:], caches, start=fed)  # the prompt first, then one token per step
            fed = idx.shape[1]
        else:
            logits = model(idx)  # the whole sequence again
        probs = F.softmax(logits[:, -1, :], dim=-1)  # (n, V), temperature 1, no top-k/top-p
        idx = torch.cat([idx, torch.multinomial(probs, 1, generator=gen)], dim=1)
    return n * new_tokens


def timed(run):
    """run() (which returns the tokens it produced) again and again for TIMED_SECONDS, at least once, as
    TrainBench.timed: the tokens and the seconds."""
    produced, t0 = 0, time.perf_counter()
    while True:
        produced += run()
        if time.perf_counter() - t0 >= TIMED_SECONDS:
            return produced, time.perf_counter() - t0


def sampling():
    torch.manual_seed(0)
    model = Gpt(256, 512, 4, 128, 4).eval()  # GptConfig.small(256).withContextLength(512)
    prompt = torch.randint(0, 256, (1, PROMPT_TOKENS), generator=torch.Generator().manual_seed(2))
    out = {"config": "small(256).withContextLength(512)", "context": 512, "prompt_tokens": PROMPT_TOKENS,
           "new_tokens": NEW_TOKENS, "warmup_seconds": WARMUP_SECONDS, "timed_seconds": TIMED_SECONDS}
    for n in (1, 8):
        rates, cold = {}, None
        for cache in (True, False):
            # As TrainBench: the first run reported (cold), WARMUP_SECONDS untimed, then TIMED_SECONDS timed
            t0 = time.perf_counter()
            first = sample(model, prompt, NEW_TOKENS, n, cache)
            if cache:
                cold = first / (time.perf_counter() - t0)
            while time.perf_counter() - t0 < WARMUP_SECONDS:
                sample(model, prompt, NEW_TOKENS, n, cache)
            produced, seconds = timed(lambda: sample(model, prompt, NEW_TOKENS, n, cache))
            rates[cache] = produced / seconds
        out[f"n{n}"] = {"kv_cache_tokens_per_sec": round(rates[True], 1),
                        "full_recompute_tokens_per_sec": round(rates[False], 1),
                        "kv_cache_speedup": round(rates[True] / rates[False], 2),
                        "kv_cache_first_run_tokens_per_sec": round(cold, 1)}
    return out


LONG_NEW_TOKENS = 1024


def long_generation():
    """As TrainBench.longGeneration: 1 and 16 samples of 1,024 new tokens with the KV cache, context 1,152."""
    torch.manual_seed(0)
    context = PROMPT_TOKENS + LONG_NEW_TOKENS + 112
    model = Gpt(256, context, 4, 128, 4).eval()  # GptConfig.small(256).withContextLength(1152)
    prompt = torch.randint(0, 256, (1, PROMPT_TOKENS), generator=torch.Generator().manual_seed(2))
    out = {"config": f"small(256).withContextLength({context})", "prompt_tokens": PROMPT_TOKENS,
           "new_tokens": LONG_NEW_TOKENS, "warmup_seconds": WARMUP_SECONDS, "timed_seconds": TIMED_SECONDS}
    for n in (1, 16):
        t0 = time.perf_counter()
        while True:  # untimed for WARMUP_SECONDS, at least one run
            sample(model, prompt, LONG_NEW_TOKENS, n, True)
            if time.perf_counter() - t0 >= WARMUP_SECONDS:
                break
        produced, seconds = timed(lambda: sample(model, prompt, LONG_NEW_TOKENS, n, True))
        out[f"n{n}"] = {"tokens_per_sec": round(produced / seconds, 1), "timed_tokens": produced}
    return out


def matmul_peak():
    """As Torch.matmulPeakFlops: the best of 30 float32 1024x1024 by 1024x1024 products after 5 for warm-up."""
    a, b = torch.rand(1024, 1024) * 2 - 1, torch.rand(1024, 1024) * 2 - 1
    for _ in range(5):
        a @ b
    best = float("inf")
    for _ in range(30):
        t0 = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - t0)
    return 2 * 1024 ** 3 / best


def blas(peak):
    """Which BLAS torch calls: its build's BLAS_INFO, the BLAS-ish lines of torch.__config__.show(), and the library
    actually mapped into this process (Debian's torch is BLAS_INFO=generic: whatever libblas.so.3 resolves to)."""
    config = torch.__config__.show()
    info = re.search(r"BLAS_INFO=([^,\s]+)", config)
    try:
        with open("/proc/self/maps") as maps:
            mapped = sorted({line.split()[-1] for line in maps if re.search(r"blas|mkl|blis|atlas", line.split()[-1])})
    except OSError:
        mapped = []
    joined = " ".join(mapped).lower()
    if re.search(r"/blas/libblas\.so", joined):  # Debian's netlib libblas3, the alternative of last resort
        name = "reference BLAS (netlib)"
    elif "openblas" in joined:
        name = "OpenBLAS (" + ("OpenMP" if "openmp" in joined else "pthreads" if "pthread" in joined else "?") + ")"
    elif "mkl" in joined or (info and info.group(1) == "mkl"):
        name = "MKL"
    elif "blis" in joined:
        name = "BLIS"
    else:
        name = "unknown"
    warnings = []
    if name.startswith("reference") or peak < 5e9:
        warnings.append("reference BLAS or a matmul peak under 5 GFLOP/s: install libopenblas0-openmp "
                        "(Debian's torch is then ~60x faster); these numbers are not a fair peer")
    if name == "OpenBLAS (pthreads)":
        warnings.append("pthreads OpenBLAS: its threads contend with torch's OpenMP threads (about 2x slower "
                        "training steps here); the OpenMP flavour (libopenblas0-openmp) is the fair peer")
    core = None
    for path in mapped:
        if "libopenblas" in path:
            try:
                lib = ctypes.CDLL(path)
                lib.openblas_get_corename.restype = ctypes.c_char_p
                core = lib.openblas_get_corename().decode()
            except (OSError, AttributeError):
                pass
    return {"name": name, "build_blas_info": info.group(1) if info else None, "openblas_core": core,
            "openblas_coretype_pin_dropped": os.environ.get("PEER_DROPPED_OPENBLAS_CORETYPE"),
            "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE"),
            "config_lines": [line.strip() for line in config.splitlines()
                             if re.search(r"blas|mkl|lapack", line, re.I) and "CXX_FLAGS" not in line],
            "libraries": mapped, "looks_like_reference_blas": name.startswith("reference") or peak < 5e9,
            "warnings": warnings}


def main():
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    warmup = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    threads = int(sys.argv[3]) if len(sys.argv) > 3 else torch.get_num_threads()
    torch.set_num_threads(threads)
    peak = matmul_peak()
    print(json.dumps({
        "torch": torch.__version__, "python": sys.version.split()[0], "threads": torch.get_num_threads(),
        "attention": "F.scaled_dot_product_attention" if HAVE_SDPA
        else "explicit softmax(QK^T/sqrt(hd) + causal mask)V (this torch has no scaled_dot_product_attention)",
        "train_warmup_seconds": TRAIN_WARMUP_SECONDS, "matmul_peak_flops": float(f"{peak:.4e}"), "matmul_peak_gflops": round(peak / 1e9, 2), "blas": blas(peak),
        "reference": train("small(256)", 4, 128, 4, steps, warmup, peak),
        "larger": train("small(256).withLayers(6).withWidth(256, 8)", 6, 256, 8, steps, warmup, peak),
        "sampling": sampling(),
        "long_generation": long_generation(),
        "bf16": {"reference": train("small(256)", 4, 128, 4, steps, warmup, peak, bf16=True),
                 "larger": train("small(256).withLayers(6).withWidth(256, 8)", 6, 256, 8, steps, warmup, peak,
                                 bf16=True)},
    }))


if __name__ == "__main__":
    main()
