#!/usr/bin/env python3
"""scipy side of bench/scaling: the same Chinchilla Approach-3 objective, grid and L-BFGS-B (scipy defaults),
written here for the comparison (Hoffmann et al. 2022, Appendix D.2), then the same bootstrap work: RESAMPLES
resamples (numpy's own), each refitted from the given warm starts.
Usage: scipy_peer.py DATA.csv [RESAMPLES WARM_STARTS_JSON]"""
import itertools
import json
import sys
import time

import numpy as np
from scipy.optimize import minimize
from scipy.special import logsumexp

DELTA = 1e-3


def load(path):
    data = np.loadtxt(path, delimiter=",", skiprows=1)
    return np.log(data[:, 0]), np.log(data[:, 1]), np.log(data[:, 2])


def objective(p, log_n, log_d, log_l):
    a, b, e, alpha, beta = p
    u = np.stack([a - alpha * log_n, b - beta * log_d, np.full_like(log_n, e)])
    lse = logsumexp(u, axis=0)
    r = lse - log_l
    small = np.abs(r) <= DELTA
    value = np.where(small, 0.5 * r * r, DELTA * (np.abs(r) - 0.5 * DELTA)).sum()
    dr = np.where(small, r, DELTA * np.sign(r))
    w = np.exp(u - lse)
    grad = np.array([(dr * w[0]).sum(), (dr * w[1]).sum(), (dr * w[2]).sum(),
                     -(dr * w[0] * log_n).sum(), -(dr * w[1] * log_d).sum()])
    return value, grad


def main():
    log_n, log_d, log_l = load(sys.argv[1])
    grid = itertools.product(np.arange(0, 2.01, 0.5), np.arange(0, 2.01, 0.5), np.arange(-1, 1.01, 0.5),
                             np.arange(0, 25.1, 5), np.arange(0, 25.1, 5))
    t0 = time.perf_counter()
    best, starts, converged = None, 0, 0
    for alpha, beta, e, a, b in grid:
        res = minimize(objective, np.array([a, b, e, alpha, beta]), args=(log_n, log_d, log_l), jac=True,
                       method="L-BFGS-B")
        starts += 1
        converged += bool(res.success)
        if best is None or res.fun < best.fun:
            best = res
    elapsed = time.perf_counter() - t0
    a, b, e, alpha, beta = best.x
    out = {"points": len(log_n), "starts": starts, "fit_s": round(elapsed, 3),
           "objective": float(best.fun), "converged": converged, "E": float(np.exp(e)),
           "A": float(np.exp(a)), "B": float(np.exp(b)), "alpha": float(alpha), "beta": float(beta)}
    if len(sys.argv) > 3:
        resamples, warm = int(sys.argv[2]), [np.array(s) for s in json.loads(sys.argv[3])]
        rng = np.random.default_rng(2022)
        t0 = time.perf_counter()
        alphas, betas, es = [], [], []
        for _ in range(resamples):
            idx = rng.integers(0, len(log_n), len(log_n))
            fits = [minimize(objective, s, args=(log_n[idx], log_d[idx], log_l[idx]), jac=True, method="L-BFGS-B")
                    for s in warm]
            bx = min(fits, key=lambda r: r.fun).x
            alphas.append(bx[3]); betas.append(bx[4]); es.append(np.exp(bx[2]))
        out["bootstrap"] = {"resamples": resamples, "warm_starts": len(warm),
                            "seconds": round(time.perf_counter() - t0, 3),
                            "ci95": {k: [float(np.percentile(v, 2.5)), float(np.percentile(v, 97.5))]
                                     for k, v in (("alpha", alphas), ("beta", betas), ("E", es))}}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
