"""Benchmark of the TS 38.211 §5.1 soft demapper against Sionna 2.2's Demapper, one CPU thread.

Workloads: 256QAM and 1024QAM, max-log and exact (log-MAP; Sionna "app"), random symbols at
SNR ~ 20 dB with one noise variance per symbol. Throughput in million symbols per second (best
of three rounds; Sionna on fewer symbols, its cost is linear in the count).

    python benchmarks/bench_demapper.py
    python benchmarks/bench_demapper.py --symbols 4000000 --sionna-symbols 50000
"""

from __future__ import annotations

import _common  # noqa: F401  (first: one thread everywhere)

import argparse
import time

import numpy as np

from opennr.modulation import bits_per_symbol, demodulate_soft, modulate


_sionna = _common.load_sionna


def _best(fn, rounds=3):
    fn()  # warm-up (Numba compilation / torch caches)
    best = np.inf
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def workload(modulation, n, rng):
    qm = bits_per_symbol(modulation)
    d = modulate(rng.integers(0, 2, n * qm), modulation)
    nv = rng.uniform(0.005, 0.02, n).astype(np.float32)
    w = np.sqrt(nv / 2) * (rng.normal(size=n) + 1j * rng.normal(size=n))
    return (d + w).astype(np.complex64), nv


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--symbols", type=int, default=2_000_000)
    ap.add_argument("--sionna-symbols", type=int, default=20_000)
    args = ap.parse_args()
    rng = np.random.default_rng(7)
    sp, torch = _sionna()
    print(f"{'workload':<18}{'OpenNR Msym/s':>15}{'Sionna Msym/s':>15}{'ratio':>9}")
    for modulation in ("256QAM", "1024QAM"):
        y, nv = workload(modulation, args.symbols, rng)
        for ours, theirs in (("max-log", "maxlog"), ("exact", "app")):
            t = _best(lambda y=y, nv=nv, m=ours, mod=modulation:
                      demodulate_soft(y, mod, nv, method=m))
            ours_rate = args.symbols / t / 1e6
            s_rate = float("nan")
            if sp is not None:
                ns = args.sionna_symbols
                dm = sp.mapping.Demapper(theirs, "qam", bits_per_symbol(modulation))
                ys, ns_t = torch.tensor(y[:ns]), torch.tensor(nv[:ns])
                with torch.no_grad():
                    ts = _best(lambda dm=dm, ys=ys, ns_t=ns_t: dm(ys, ns_t))
                s_rate = ns / ts / 1e6
            print(f"{modulation + ' ' + ours:<18}{ours_rate:>15.2f}{s_rate:>15.4f}"
                  f"{ours_rate / s_rate:>8.0f}x")


if __name__ == "__main__":
    main()
