"""Benchmark of the TS 38.212 §5.3.2 LDPC decoders against Sionna 2.2, one CPU thread.

W1: BG1, K' = 8448 (Z = 384), E = N = 25344 (rate 1/3, no rate matching).
W2: BG2, K' = 1000 (Z = 104, 40 filler bits), E = 2000 (rate 1/2, rv 0).

Information throughput = K' * blocks / decode time (fixed iterations, no early termination;
best of three timing rounds).

    python benchmarks/bench_ldpc_decoder.py            # throughput table
    python benchmarks/bench_ldpc_decoder.py --bler     # BLER at a few Eb/N0 points
"""

from __future__ import annotations

import _common  # noqa: F401  (first: one thread everywhere)

import argparse  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from opennr.coding.ldpc.base_graph import base_graph  # noqa: E402
from opennr.coding.ldpc.decoder import ldpc_decode  # noqa: E402

FILLER_LLR = 1.0e4
WORKLOADS = {
    # name: (K', E, bg, z, Eb/N0 for the timing run, blocks for ours, blocks for Sionna)
    "W1": (8448, 25344, 1, 384, 0.8, 32, 16),
    "W2": (1000, 2000, 2, 104, 1.5, 512, 256),
}


_sionna = _common.load_sionna


def _positions(kp, bg, z, e):
    g = base_graph(bg, z)
    d = np.arange(g.n)
    filler = (d >= kp - 2 * z) & (d < g.k - 2 * z)
    return d[~filler][:e], filler


def make_workload(name, blocks, ebno_db, rng, sp=None, torch=None):
    """Info bits u [B, K'], channel LLRs [B, E] (our sign) and decoder input [B, N]."""
    kp, e, bg, z = WORKLOADS[name][:4]
    g = base_graph(bg, z)
    u = rng.integers(0, 2, (blocks, kp)).astype(np.uint8)
    if sp is not None:
        enc = sp.fec.ldpc.LDPC5GEncoder(kp, e)
        cw = enc(torch.tensor(u.astype(np.float32))).numpy().astype(np.uint8)
    else:
        from opennr.coding.ldpc.encoder import ldpc_encode

        c = np.zeros((blocks, g.k), np.uint8)
        c[:, :kp] = u
        pos, _ = _positions(kp, bg, z, e)
        cw = ldpc_encode(c, bg, z)[:, pos]
    sigma2 = 1.0 / (2.0 * (kp / e) * 10 ** (ebno_db / 10))
    y = (1.0 - 2.0 * cw) + np.sqrt(sigma2) * rng.standard_normal(cw.shape)
    llr_e = (2.0 * y / sigma2).astype(np.float32)
    pos, filler = _positions(kp, bg, z, e)
    full = np.zeros((blocks, g.n), np.float32)
    full[:, pos] = llr_e
    full[:, filler] = FILLER_LLR
    return u, llr_e, full


def _time(fn, min_time=1.0, repeats=3):
    """Seconds per call: best of ``repeats`` rounds of at least ``min_time / repeats`` each
    (the best round is the least disturbed by other work on a shared machine)."""
    fn()
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        n = 0
        while True:
            fn()
            n += 1
            dt = time.perf_counter() - t0
            if dt >= min_time / repeats:
                break
        best = min(best, dt / n)
    return best


def throughput(sp, torch, min_time):
    rng = np.random.default_rng(1)
    rows = []
    cases = [(a, 20) for a in ("layered-spa", "layered-nms", "layered-oms", "flooding-spa")]
    cases.append(("layered-oms", 10))
    for name, (kp, e, bg, z, ebno, blocks, sblocks) in WORKLOADS.items():
        u, llr_e, full = make_workload(name, blocks, ebno, rng, sp, torch)
        sion = None
        if sp is not None:
            enc = sp.fec.ldpc.LDPC5GEncoder(kp, e)
            dec = sp.fec.ldpc.LDPC5GDecoder(enc, num_iter=20, cn_update="boxplus",
                                            return_infobits=True, hard_out=True)
            x = torch.tensor(-llr_e[:sblocks])
            with torch.no_grad():
                t = _time(lambda: dec(x), min_time)
            sion = kp * sblocks / t / 1e6
            rows.append((name, "Sionna boxplus flooding", 20, sion, None))
        for algorithm, iters in cases:
            def run():
                ldpc_decode(full, bg, z, algorithm=algorithm, max_iterations=iters,
                            early_termination=False)

            t = _time(run, min_time)
            mbps = kp * blocks / t / 1e6
            rows.append((name, algorithm, iters, mbps, None if sion is None else mbps / sion))
    print(f"{'wl':<4}{'decoder':<26}{'iter':>5}{'Mbit/s':>10}{'x Sionna':>10}")
    for name, alg, it, mbps, ratio in rows:
        r = "" if ratio is None else f"{ratio:10.0f}"
        print(f"{name:<4}{alg:<26}{it:>5}{mbps:>10.3f}{r}")


def bler(sp, torch, blocks):
    rng = np.random.default_rng(2)
    points = {"W1": (0.4, 0.6, 0.8), "W2": (1.0, 1.5, 2.0)}
    print(f"{'wl':<4}{'Eb/N0':>6}  {'decoder':<26}{'BLER':>8}{'avg it':>8}")
    for name, ebnos in points.items():
        kp, e, bg, z = WORKLOADS[name][:4]
        nb = blocks if name == "W2" else max(blocks // 8, 50)
        for eb in ebnos:
            u, llr_e, full = make_workload(name, nb, eb, rng, sp, torch)
            if sp is not None:
                enc = sp.fec.ldpc.LDPC5GEncoder(kp, e)
                dec = sp.fec.ldpc.LDPC5GDecoder(enc, num_iter=20, cn_update="boxplus",
                                                return_infobits=True, hard_out=True)
                with torch.no_grad():
                    ref = np.concatenate([
                        dec(torch.tensor(-llr_e[i : i + 64])).numpy() for i in range(0, nb, 64)
                    ]).astype(np.uint8)
                print(f"{name:<4}{eb:>6.2f}  {'Sionna boxplus flooding':<26}"
                      f"{(ref != u).any(1).mean():>8.4f}{20:>8}")
            for algorithm in ("flooding-spa", "layered-spa", "layered-nms", "layered-oms"):
                res = ldpc_decode(full, bg, z, algorithm=algorithm, max_iterations=20)
                b = (res.bits[:, :kp] != u).any(1).mean()
                print(f"{name:<4}{eb:>6.2f}  {algorithm:<26}{b:>8.4f}"
                      f"{res.iterations.mean():>8.2f}")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bler", action="store_true", help="measure BLER instead of throughput")
    p.add_argument("--blocks", type=int, default=2000, help="blocks per BLER point (W2)")
    p.add_argument("--min-time", type=float, default=1.0, help="seconds per timing")
    p.add_argument("--no-sionna", action="store_true")
    a = p.parse_args()
    sp, torch = (None, None) if a.no_sionna else _sionna()
    if a.bler:
        bler(sp, torch, a.blocks)
    else:
        throughput(sp, torch, a.min_time)


if __name__ == "__main__":
    main()
