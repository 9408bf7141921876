"""Benchmark: LDPC encoding + rate matching (TS 38.212 §5.3.2, §5.4.2), one thread.

Workloads (information bits per code block K'):
  W1: BG1, K' = K = 8448, Z = 384, E = 25344, Qm = 2 (rv 0, no LBRM)
  W2: BG2, K' = 1000 (+40 fillers, Z = 104), E = 2000, Qm = 2

Prints OpenNR's throughput (Mbit/s of information bits), Sionna's LDPC5GEncoder on the same
workload in the same run (if importable) and the ratio. Run: python benchmarks/bench_ldpc_encoder.py
"""

from __future__ import annotations

import _common  # noqa: F401  (first: one thread everywhere)

import argparse  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from opennr.coding.ldpc.encoder import ldpc_encode  # noqa: E402
from opennr.coding.ldpc.rate_matching import ldpc_encode_rate_match, ldpc_rate_match  # noqa: E402
from opennr.coding.segmentation import segmentation_info  # noqa: E402

WORKLOADS = {
    "W1": dict(bg=1, k_prime=8448, e=25344, qm=2, batch=256),
    "W2": dict(bg=2, k_prime=1000, e=2000, qm=2, batch=2048),
}


def _best_time(fn, repeats: int) -> float:
    fn()  # warm-up (JIT compile, caches)
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def bench_opennr(bg, k_prime, e, qm, batch, repeats, rng):
    info = segmentation_info(k_prime, bg)
    c = np.zeros((batch, info.k), dtype=np.uint8)
    c[:, :k_prime] = rng.integers(0, 2, (batch, k_prime), dtype=np.uint8)

    def two_steps():
        d = ldpc_encode(c, bg, info.z_c)
        return ldpc_rate_match(d, e, 0, qm, bg=bg, z=info.z_c, n_filler=info.n_filler)

    def fused():
        return ldpc_encode_rate_match(c, e, 0, qm, bg=bg, z=info.z_c, n_filler=info.n_filler)

    bits = batch * k_prime
    return bits / _best_time(two_steps, repeats) / 1e6, bits / _best_time(fused, repeats) / 1e6


def bench_sionna(bg, k_prime, e, qm, batch, repeats, rng):
    try:
        import torch

        torch.set_num_threads(1)
        from sionna.phy.fec.ldpc import LDPC5GEncoder
    except Exception as exc:  # noqa: BLE001
        print(f"  Sionna not available: {exc!r}")
        return None
    enc = LDPC5GEncoder(k_prime, e, num_bits_per_symbol=qm, bg=f"bg{bg}", check_input=False)
    u = torch.from_numpy(rng.integers(0, 2, (batch, k_prime)).astype(np.float32))
    with torch.no_grad():
        return batch * k_prime / _best_time(lambda: enc(u), repeats) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--no-sionna", action="store_true")
    args = parser.parse_args()
    rng = np.random.default_rng(1)
    for name, w in WORKLOADS.items():
        ours, fused = bench_opennr(**w, repeats=args.repeats, rng=rng)
        print(f"{name} (BG{w['bg']}, K'={w['k_prime']}, E={w['e']}, Qm={w['qm']}, "
              f"batch {w['batch']}):")
        print(f"  OpenNR encode+rate-match: {ours:8.1f} Mbit/s (information bits, 1 thread)")
        print(f"  OpenNR fused (ldpc_encode_rate_match): {fused:8.1f} Mbit/s")
        theirs = None if args.no_sionna else bench_sionna(**w, repeats=args.repeats, rng=rng)
        if theirs:
            print(f"  Sionna LDPC5GEncoder:     {theirs:8.1f} Mbit/s (torch CPU, 1 thread)")
            print(f"  ratio OpenNR / Sionna:    {ours / theirs:8.2f} (fused: {fused / theirs:.2f})")


if __name__ == "__main__":
    main()
