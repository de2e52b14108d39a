#!/usr/bin/env python3
"""bench/evals peer: pass@k over the same (n, c, k) triples with numpy and scipy, timed.
Two reference implementations: Chen et al. 2021's own numpy code (human-eval, `estimate_pass_at_k`: a Python loop
over problems with `1 - np.prod(1 - k / np.arange(n - c + 1, n + 1))`), and a vectorised scipy form
`1 - exp(gammaln(n-c+1) + gammaln(n-k+1) - gammaln(n+1) - gammaln(n-c-k+1))`.
Usage: numpy_peer.py TRIPLES ASSAY_RESULTS REPEATS; prints JSON."""
import json
import sys
import time

import numpy as np
import scipy
from scipy.special import gammaln


def chen_et_al(n, c, k):
    """human-eval's estimator, per problem (numerically stable product form)."""
    if n - c < k:
        return 1.0
    return 1.0 - np.prod(1.0 - k / np.arange(n - c + 1, n + 1))


def vectorised(n, c, k):
    out = np.ones(n.shape, dtype=np.float64)
    ok = (n - c) >= k
    n, c, k = n[ok].astype(np.float64), c[ok].astype(np.float64), k[ok].astype(np.float64)
    out[ok] = 1.0 - np.exp(gammaln(n - c + 1) + gammaln(n - k + 1) - gammaln(n + 1) - gammaln(n - c - k + 1))
    return out


def main():
    triples = np.fromfile(sys.argv[1], dtype="<i4").reshape(-1, 3)
    assay = np.fromfile(sys.argv[2], dtype="<f8")
    repeats = int(sys.argv[3])
    n, c, k = triples[:, 0], triples[:, 1], triples[:, 2]
    best_vec = float("inf")
    for _ in range(repeats + 1):
        t0 = time.perf_counter()
        vec = vectorised(n, c, k)
        best_vec = min(best_vec, time.perf_counter() - t0)
    nl, cl, kl = n.tolist(), c.tolist(), k.tolist()
    t0 = time.perf_counter()
    loop = np.array([chen_et_al(a, b, d) for a, b, d in zip(nl, cl, kl)])
    loop_s = time.perf_counter() - t0
    print(json.dumps({
        "numpy": np.__version__, "scipy": scipy.__version__,
        "chen_et_al_loop": {"seconds": round(loop_s, 4), "triples_per_sec": round(len(n) / loop_s)},
        "scipy_vectorised": {"seconds_best_of_%d" % repeats: round(best_vec, 4),
                             "triples_per_sec": round(len(n) / best_vec)},
        "max_abs_difference": {"assay_vs_chen_et_al": float(np.max(np.abs(assay - loop))),
                               "assay_vs_scipy_vectorised": float(np.max(np.abs(assay - vec)))},
    }))


if __name__ == "__main__":
    main()
