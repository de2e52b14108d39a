#!/usr/bin/env python3
"""The peer of bench/models: Debian's torch reading the same safetensors file into float32 tensors, as
transformers' loading does (the file mapped, each tensor viewed in place and copied into its own float32 storage), in
a process of its own. Prints load seconds and resident memory (VmRSS, VmHWM) as one JSON object.
Usage: torch_peer.py DIR THREADS"""
import json
import mmap
import os
import struct
import sys
import time

import torch

DTYPES = {"F32": torch.float32, "BF16": torch.bfloat16, "F16": torch.float16}


def status(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise SystemExit(f"no {field} in /proc/self/status")


def load(path):
    tensors = {}
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
        n = struct.unpack("<Q", m[:8])[0]
        header = json.loads(m[8:8 + n])
        for name, e in header.items():
            if name == "__metadata__":
                continue
            begin, end = e["data_offsets"]
            view = torch.frombuffer(memoryview(m)[8 + n + begin:8 + n + end], dtype=DTYPES[e["dtype"]])
            tensors[name] = view.reshape(e["shape"]).to(torch.float32, copy=True)
            del view
    return tensors


def main():
    folder, threads = sys.argv[1], int(sys.argv[2])
    torch.set_num_threads(threads)
    torch.zeros(1)  # the library is loaded and initialised before the clock starts, as on the Java side
    before = status("VmRSS")
    t0 = time.perf_counter()
    tensors = load(os.path.join(folder, "model.safetensors"))
    seconds = time.perf_counter() - t0
    print(json.dumps({"torch": torch.__version__, "load_seconds": round(seconds, 3),
                      "rss_before_load_mb": round(before / 1024, 1), "rss_after_load_mb": round(status("VmRSS") / 1024, 1),
                      "peak_rss_mb": round(status("VmHWM") / 1024, 1),
                      "parameters_stored": sum(t.numel() for t in tensors.values()), "threads": threads}))


if __name__ == "__main__":
    main()
