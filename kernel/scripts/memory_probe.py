"""Where a kernel's memory goes as cells accumulate: runs N small cells in a fresh kernel and, at checkpoints, forces
a GC and prints the RSS, `jcmd GC.heap_info`, the total of `jcmd GC.class_histogram` and (when the kernel was
installed with ASSAY_JAVA_OPTS=-XX:NativeMemoryTracking=summary) `jcmd VM.native_memory summary`, each written to
OUT-TAG-*.txt for diffing. IDLE=S waits S seconds after the last cell and prints the RSS again.

    JUPYTER_PATH=kernel/target/jupyter python3 kernel/scripts/memory_probe.py 300 100,300 /tmp/mem/run

The kernelspec "assay" must be installed there first (./assay install --data-dir kernel/target/jupyter --no-cds).
A measurement, not a test: keep N modest on a small machine (300 cells take about a minute on 2 cores).
"""
import os
import subprocess
import sys
import time

import jupyter_client

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests"))
from conftest import execute  # noqa: E402

N = int(sys.argv[1]) if len(sys.argv) > 1 else 300
CHECK = [int(x) for x in (sys.argv[2].split(",") if len(sys.argv) > 2 else [])] or [N]
OUT = sys.argv[3] if len(sys.argv) > 3 else "/tmp/assay-memory"

km = jupyter_client.KernelManager(kernel_name="assay")
km.start_kernel()
kc = km.client()
kc.start_channels()
kc.wait_for_ready(timeout=60)
pid = km.provisioner.process.pid

def rss():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) // 1024

def snap(tag):
    subprocess.run(["jcmd", str(pid), "GC.run"], capture_output=True)
    heap = subprocess.run(["jcmd", str(pid), "GC.heap_info"], capture_output=True, text=True).stdout
    hist = subprocess.run(["jcmd", str(pid), "GC.class_histogram"], capture_output=True, text=True).stdout
    nmt = subprocess.run(["jcmd", str(pid), "VM.native_memory", "summary"], capture_output=True, text=True).stdout
    if "Native Memory Tracking:" in nmt:
        open(f"{OUT}-{tag}-nmt.txt", "w").write(nmt)
    open(f"{OUT}-{tag}-histo.txt", "w").write(hist)
    open(f"{OUT}-{tag}-heap.txt", "w").write(heap)
    total = [l for l in hist.splitlines() if l.startswith("Total")]
    print(f"[{tag}] RSS {rss()} MB; histogram {total}; heap: {' | '.join(l.strip() for l in heap.splitlines()[1:4])}",
          flush=True)

def cell(i):
    """Five kinds in turn: a declaration, an expression, a print, an array, two snippets in one cell."""
    k = i % 5
    if k == 0:
        return f"int v{i} = {i};"
    if k == 1:
        return f"v{i-1} * 2 + {i}"
    if k == 2:
        return f'System.out.println("line " + {i});'
    if k == 3:
        return f"double[] a{i} = new double[100]; java.util.Arrays.fill(a{i}, {i}); a{i}.length"
    return f"String s{i} = \"x\".repeat(50);\ns{i}.length() + v{i-4}"

execute(kc, "1 + 1")
snap("0")
t0 = time.monotonic()
for n in range(1, N + 1):
    i = n - 1
    reply, _, _ = execute(kc, cell(i))
    assert reply["status"] == "ok", (i, reply)
    if n in CHECK:
        print(f"{n} cells in {time.monotonic() - t0:.0f} s", flush=True)
        snap(str(n))
idle = int(os.environ.get("IDLE", "0"))
if idle:
    print(f"[idle-before] RSS {rss()} MB", flush=True)
    time.sleep(idle)
    print(f"[idle {idle} s] RSS {rss()} MB (no forced GC)", flush=True)
kc.stop_channels()
km.shutdown_kernel(now=True)
