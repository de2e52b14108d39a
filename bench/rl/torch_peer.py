#!/usr/bin/env python3
"""bench/rl peer: the rollout phase of RlBench in PyTorch eager — the same tiny GPT (nanoGPT layout, as
bench/train/torch_peer.py), 16 prompts × 16 samples of exactly NEW_TOKENS tokens each, all 256 rows decoded together
with a KV cache as Assay's Rollouts does for prompts of one length, prompts of the Java side's mean length — timed per
step after warm-up (at least WARMUP steps and at least 10 s, the Java side's rule). Prints JSON.
Usage: torch_peer.py VOCAB PROMPT_TOKENS NEW_TOKENS STEPS WARMUP THREADS"""
import json
import pathlib
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "train"))
import torch_peer as peer  # noqa: E402  (re-executes once with the OpenMP OpenBLAS, as bench/train)
import torch  # noqa: E402


WARMUP_SECONDS = 10


@torch.no_grad()
def rollouts(model, prompts, new_tokens, n):
    """n continuations of each prompt (all one length), all rows decoded together with a KV cache, as Assay's
    Rollouts does; temperature 1. Returns the number of new tokens."""
    gen = torch.Generator().manual_seed(3)
    idx = torch.cat([p.repeat(n, 1) for p in prompts])  # (prompts·n, P)
    caches = [dict() for _ in model.blocks]
    fed = 0
    for _ in range(new_tokens):
        logits = model(idx[:, fed:], caches, start=fed)
        fed = idx.shape[1]
        probs = torch.nn.functional.softmax(logits[:, -1, :], dim=-1)
        idx = torch.cat([idx, torch.multinomial(probs, 1, generator=gen)], dim=1)
    return idx.shape[0] * new_tokens


def main():
    vocab, prompt_tokens, new_tokens, steps, warmup, threads = (int(a) for a in sys.argv[1:7])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = peer.Gpt(vocab, 64, 2, 64, 4).eval()  # GptConfig.tiny(vocab)
    gen = torch.Generator().manual_seed(2)
    prompts = [torch.randint(0, vocab, (1, prompt_tokens), generator=gen) for _ in range(16)]
    start, warmed = time.perf_counter(), 0
    while warmed < warmup or time.perf_counter() - start < WARMUP_SECONDS:
        rollouts(model, prompts, new_tokens, 16)
        warmed += 1
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        produced = rollouts(model, prompts, new_tokens, 16)
        times.append(time.perf_counter() - t0)
    per_step = sum(times) / len(times)
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(),
                      "warmup_steps": warmed, "warmup_seconds": WARMUP_SECONDS,
                      "sampling_seconds_per_step": round(per_step, 4),
                      "rollout_tokens_per_sec": round(produced / per_step, 1), "blas": peer.blas(1e12)["name"]}))


if __name__ == "__main__":
    main()
