"""An independent reference for Hugging Face checkpoints, for lib's PretrainedTest: no Assay code, no transformers.

  make   DIR --type gpt2|llama|qwen2 [--dtype F32|BF16] [--shards N] [--no-prefix] [--untied] [--seed S]
         [--vocab V] [--context T]
         writes a random tiny model in transformers' layout (config.json, safetensors written here by hand)
  logits DIR --tokens 1,2,3/4,5,6 [--rope interleaved] --out FILE
         reads DIR's config.json and safetensors with its own parser and writes the float64 logits (B, T, V) as JSON

The forward passes follow transformers' modeling_gpt2 and modeling_llama/modeling_qwen2 (rotate-half RoPE), in
float64 with Debian's torch. `--rope interleaved` computes Meta's original pairing instead, so a test can show that
the two layouts differ by far on these weights.
"""
import argparse
import json
import math
import os
import struct
import sys

import torch

DTYPES = {"F32": torch.float32, "BF16": torch.bfloat16, "F16": torch.float16}


def write_safetensors(path, tensors, dtype):
    header, blobs, at = {"__metadata__": {"format": "pt"}}, [], 0
    for name in sorted(tensors):
        t = tensors[name].to(DTYPES[dtype]).contiguous()
        raw = t.view(torch.uint8).numpy().tobytes() if t.numel() else b""
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [at, at + len(raw)]}
        blobs.append(raw)
        at += len(raw)
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        b, end = e["data_offsets"]
        raw = bytearray(data[8 + n + b: 8 + n + end])
        t = torch.frombuffer(raw, dtype=DTYPES[e["dtype"]]) if raw else torch.zeros(0, dtype=DTYPES[e["dtype"]])
        out[name] = t.reshape(e["shape"]).to(torch.float64)
    return out


def read_model(folder):
    with open(os.path.join(folder, "config.json")) as f:
        cfg = json.load(f)
    index = os.path.join(folder, "model.safetensors.index.json")
    if os.path.exists(index):
        with open(index) as f:
            files = sorted(set(json.load(f)["weight_map"].values()))
    else:
        files = ["model.safetensors"]
    weights = {}
    for name in files:
        weights.update(read_safetensors(os.path.join(folder, name)))
    return cfg, weights


def make(folder, kind, dtype, shards, prefix, tied, seed, vocab=61, ctx=16):
    g = torch.Generator().manual_seed(seed)
    layers, d, heads = 2, 32, 4
    kv = heads if kind == "gpt2" else 2
    hd = d // heads
    inner = 40

    def randn(*shape, std=1.0):
        return torch.randn(*shape, generator=g, dtype=torch.float64) * std

    qk = 2 / math.sqrt(d)  # sharp attention: scores of std ~4, so a wrong RoPE or a transposed weight shows
    w = {}
    if kind == "gpt2":
        p = "transformer." if prefix else ""
        cfg = {"model_type": "gpt2", "architectures": ["GPT2LMHeadModel"], "vocab_size": vocab, "n_positions": ctx,
               "n_embd": d, "n_layer": layers, "n_head": heads, "n_inner": inner,
               "activation_function": "gelu_new", "layer_norm_epsilon": 1e-5, "tie_word_embeddings": tied}
        w[p + "wte.weight"] = randn(vocab, d)
        w[p + "wpe.weight"] = randn(ctx, d)
        for l in range(layers):
            h = f"{p}h.{l}."
            for ln in ("ln_1", "ln_2"):
                w[h + ln + ".weight"] = 1 + randn(d, std=0.1)
                w[h + ln + ".bias"] = randn(d, std=0.1)
            c_attn = randn(d, 3 * d, std=1 / math.sqrt(d))  # Conv1D: (in, out)
            c_attn[:, :2 * d] *= qk * math.sqrt(d)
            w[h + "attn.c_attn.weight"] = c_attn
            w[h + "attn.c_attn.bias"] = randn(3 * d, std=0.1)
            w[h + "attn.c_proj.weight"] = randn(d, d, std=1 / math.sqrt(d))
            w[h + "attn.c_proj.bias"] = randn(d, std=0.1)
            w[h + "mlp.c_fc.weight"] = randn(d, inner, std=1 / math.sqrt(d))
            w[h + "mlp.c_fc.bias"] = randn(inner, std=0.1)
            w[h + "mlp.c_proj.weight"] = randn(inner, d, std=1 / math.sqrt(inner))
            w[h + "mlp.c_proj.bias"] = randn(d, std=0.1)
            w[h + "attn.bias"] = torch.tril(torch.ones(ctx, ctx, dtype=torch.float64)).view(1, 1, ctx, ctx)
        w[p + "ln_f.weight"] = 1 + randn(d, std=0.1)
        w[p + "ln_f.bias"] = randn(d, std=0.1)
    else:
        p = "model." if prefix else ""
        cfg = {"model_type": kind, "architectures": ["LlamaForCausalLM" if kind == "llama" else "Qwen2ForCausalLM"],
               "vocab_size": vocab, "max_position_embeddings": ctx, "hidden_size": d, "intermediate_size": inner,
               "num_hidden_layers": layers, "num_attention_heads": heads, "num_key_value_heads": kv,
               "hidden_act": "silu", "rms_norm_eps": 1e-6, "rope_theta": 10000.0 if kind == "llama" else 1e6,
               "tie_word_embeddings": tied}
        qkv_bias = kind == "qwen2"
        if kind == "llama":
            cfg["attention_bias"] = False
            cfg["mlp_bias"] = False
        w[p + "embed_tokens.weight"] = randn(vocab, d)
        for l in range(layers):
            h = f"{p}layers.{l}."
            w[h + "input_layernorm.weight"] = 1 + randn(d, std=0.1)
            w[h + "post_attention_layernorm.weight"] = 1 + randn(d, std=0.1)
            for name, out, std in (("q_proj", heads * hd, qk), ("k_proj", kv * hd, qk),
                                   ("v_proj", kv * hd, 1 / math.sqrt(d)), ("o_proj", d, 1 / math.sqrt(d))):
                w[h + "self_attn." + name + ".weight"] = randn(out, d, std=std)
                if qkv_bias and name != "o_proj":
                    w[h + "self_attn." + name + ".bias"] = randn(out, std=0.1)
            w[h + "mlp.gate_proj.weight"] = randn(inner, d, std=1 / math.sqrt(d))
            w[h + "mlp.up_proj.weight"] = randn(inner, d, std=1 / math.sqrt(d))
            w[h + "mlp.down_proj.weight"] = randn(d, inner, std=1 / math.sqrt(inner))
        w[p + "norm.weight"] = 1 + randn(d, std=0.1)
    if not tied:
        w["lm_head.weight"] = randn(vocab, d, std=1 / math.sqrt(d))
    cfg["torch_dtype"] = "bfloat16" if dtype == "BF16" else "float32"
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    names = sorted(w)
    if shards <= 1:
        write_safetensors(os.path.join(folder, "model.safetensors"), w, dtype)
        return
    weight_map = {}
    for i in range(shards):
        part = names[i::shards]
        file = f"model-{i + 1:05d}-of-{shards:05d}.safetensors"
        write_safetensors(os.path.join(folder, file), {n: w[n] for n in part}, dtype)
        weight_map.update({n: file for n in part})
    with open(os.path.join(folder, "model.safetensors.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": 0}, "weight_map": weight_map}, f, indent=2)


def layer_norm(x, w, b, eps):
    mu = x.mean(-1, keepdim=True)
    var = ((x - mu) ** 2).mean(-1, keepdim=True)
    return (x - mu) / torch.sqrt(var + eps) * w + b


def attention(q, k, v):
    t, s = q.shape[-2], k.shape[-2]
    scores = q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1])
    scores = scores.masked_fill(torch.ones(t, s, dtype=torch.bool).triu(s - t + 1), float("-inf"))
    return scores.softmax(-1) @ v


def gpt2_logits(cfg, w, ids):
    p = "transformer." if any(k.startswith("transformer.") for k in w) else ""
    g = lambda n: w[p + n]
    d, heads = cfg["n_embd"], cfg["n_head"]
    eps = cfg.get("layer_norm_epsilon", 1e-5)
    act = cfg.get("activation_function", "gelu_new")
    b, t = ids.shape

    def gelu(x):
        if act == "gelu":
            return 0.5 * x * (1 + torch.erf(x / math.sqrt(2)))
        return 0.5 * x * (1 + torch.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))

    def heads_of(x):
        return x.view(b, t, heads, d // heads).transpose(1, 2)

    x = g("wte.weight")[ids] + g("wpe.weight")[torch.arange(t)]
    for l in range(cfg["n_layer"]):
        h = f"h.{l}."
        a = layer_norm(x, g(h + "ln_1.weight"), g(h + "ln_1.bias"), eps)
        q, k, v = (a @ g(h + "attn.c_attn.weight") + g(h + "attn.c_attn.bias")).split(d, dim=-1)
        y = attention(heads_of(q), heads_of(k), heads_of(v)).transpose(1, 2).reshape(b, t, d)
        x = x + y @ g(h + "attn.c_proj.weight") + g(h + "attn.c_proj.bias")
        m = layer_norm(x, g(h + "ln_2.weight"), g(h + "ln_2.bias"), eps)
        hidden = gelu(m @ g(h + "mlp.c_fc.weight") + g(h + "mlp.c_fc.bias"))
        x = x + hidden @ g(h + "mlp.c_proj.weight") + g(h + "mlp.c_proj.bias")
    x = layer_norm(x, g("ln_f.weight"), g("ln_f.bias"), eps)
    head = g("wte.weight") if cfg.get("tie_word_embeddings", True) else w["lm_head.weight"]
    return x @ head.T


def llama_logits(cfg, w, ids, rope_layout):
    p = "model." if any(k.startswith("model.") for k in w) else ""
    d, heads = cfg["hidden_size"], cfg["num_attention_heads"]
    kv = cfg.get("num_key_value_heads") or heads
    hd = cfg.get("head_dim") or d // heads
    eps, theta = cfg.get("rms_norm_eps", 1e-6), cfg.get("rope_theta", 10000.0)
    b, t = ids.shape
    inv = 1.0 / theta ** (torch.arange(0, hd, 2, dtype=torch.float64) / hd)
    angles = torch.arange(t, dtype=torch.float64)[:, None] * inv[None, :]  # (T, hd/2)

    def rope(x):
        if rope_layout == "interleaved":  # Meta's original code: pairs (2i, 2i+1)
            x1, x2 = x[..., 0::2], x[..., 1::2]
            cos, sin = angles.cos(), angles.sin()
            return torch.stack((x1 * cos - x2 * sin, x1 * sin + x2 * cos), dim=-1).flatten(-2)
        cos, sin = torch.cat((angles, angles), -1).cos(), torch.cat((angles, angles), -1).sin()
        rotated = torch.cat((-x[..., hd // 2:], x[..., :hd // 2]), -1)
        return x * cos + rotated * sin

    def rms(x, weight):
        return x / torch.sqrt((x * x).mean(-1, keepdim=True) + eps) * weight

    def linear(x, name):
        y = x @ w[name + ".weight"].T
        return y + w[name + ".bias"] if name + ".bias" in w else y

    x = w[p + "embed_tokens.weight"][ids]
    for l in range(cfg["num_hidden_layers"]):
        h = f"{p}layers.{l}."
        a = rms(x, w[h + "input_layernorm.weight"])
        q = linear(a, h + "self_attn.q_proj").view(b, t, heads, hd).transpose(1, 2)
        k = linear(a, h + "self_attn.k_proj").view(b, t, kv, hd).transpose(1, 2)
        v = linear(a, h + "self_attn.v_proj").view(b, t, kv, hd).transpose(1, 2)
        q, k = rope(q), rope(k)
        k, v = k.repeat_interleave(heads // kv, dim=1), v.repeat_interleave(heads // kv, dim=1)
        y = attention(q, k, v).transpose(1, 2).reshape(b, t, heads * hd)
        x = x + linear(y, h + "self_attn.o_proj")
        m = rms(x, w[h + "post_attention_layernorm.weight"])
        gate = linear(m, h + "mlp.gate_proj")
        x = x + linear(gate * torch.sigmoid(gate) * linear(m, h + "mlp.up_proj"), h + "mlp.down_proj")
    x = rms(x, w[p + "norm.weight"])
    tied = cfg.get("tie_word_embeddings", False)
    head = w[p + "embed_tokens.weight"] if tied else w["lm_head.weight"]
    return x @ head.T


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("command", choices=["make", "logits"])
    ap.add_argument("dir")
    ap.add_argument("--type", default="gpt2")
    ap.add_argument("--dtype", default="F32")
    ap.add_argument("--shards", type=int, default=1)
    ap.add_argument("--no-prefix", action="store_true")
    ap.add_argument("--untied", action="store_true")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--vocab", type=int, default=61)
    ap.add_argument("--context", type=int, default=16)
    ap.add_argument("--tokens")
    ap.add_argument("--rope", default="rotate-half")
    ap.add_argument("--out")
    a = ap.parse_args()
    if a.command == "make":
        make(a.dir, a.type, a.dtype, a.shards, not a.no_prefix, not a.untied, a.seed, a.vocab, a.context)
        return
    cfg, w = read_model(a.dir)
    ids = torch.tensor([[int(x) for x in row.split(",")] for row in a.tokens.split("/")])
    with torch.no_grad():
        if cfg["model_type"] == "gpt2":
            logits = gpt2_logits(cfg, w, ids)
        else:
            logits = llama_logits(cfg, w, ids, a.rope)
    with open(a.out, "w") as f:
        json.dump({"shape": list(logits.shape), "logits": logits.flatten().tolist()}, f)


if __name__ == "__main__":
    sys.exit(main())
