"""OpenNR's LDPC transport channel (TS 38.212 §7.2) against the 5G-LENA AWGN code-BLER tables.

For QPSK rows of TS 38.214 MCS Table 1 (MCS 0-9, both LDPC base graphs) this prints, per
(base graph, MCS, CBS) entry, the SINR at which our simulated code-block error rate crosses 10 %
and 1 % next to the SINR at which 5G-LENA's table crosses them (log-linear interpolation between
table points), their difference, and the QPSK (BICM) capacity limit of the code rate.

Our link (no 3GPP clause for the channel): one code block, ``A = cbs_bits`` (the 5G-LENA CBS
values are TS 38.214 §5.1.3.2 transport-block sizes), TB CRC (§7.2.1), base graph forced to the
table's, ``G = Q_m ceil(B / (R Q_m))`` bits, rv 0, Gray QPSK (TS 38.211 §5.1.3,
:func:`opennr.modulation.modulate`), complex AWGN with ``E_s = 1`` and ``E_s/N_0 = SINR``
(:func:`opennr.link.awgn.awgn_complex`), exact LLRs (:func:`opennr.modulation.demodulate_soft`),
layered sum-product decoding, 20 iterations at most. Reference: ``../shared/reference/5g-lena/sinr_bler_awgn.csv`` (PROVENANCE.md §5).

    python benchmarks/lena_compare.py                 # default entries, 1000 blocks per point
    python benchmarks/lena_compare.py --blocks 2000     # the table in the test's docstring
"""

from __future__ import annotations

import os

os.environ["NUMBA_NUM_THREADS"] = "1"
os.environ["OMP_NUM_THREADS"] = "1"

import argparse  # noqa: E402
import collections  # noqa: E402
import csv  # noqa: E402
import itertools  # noqa: E402
import math  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from opennr.coding.crc import crc_attach  # noqa: E402
from opennr.coding.ldpc.decoder import ldpc_decode  # noqa: E402
from opennr.coding.ldpc.rate_matching import (  # noqa: E402
    ldpc_encode_rate_match,
    ldpc_rate_recover,
)
from opennr.coding.segmentation import desegment, segment, segmentation_info  # noqa: E402
from opennr.link.awgn import awgn_complex, snr_db_to_no  # noqa: E402
from opennr.modulation import demodulate_soft, modulate  # noqa: E402
from opennr.scheduling.mcs import mcs_entry  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
DEFAULT_ENTRIES = [
    # (base graph, MCS of Table 1, cbs_bits)
    (2, 0, 104), (2, 0, 1064), (2, 0, 3104), (2, 1, 1064), (2, 2, 1064), (2, 3, 1064),
    (2, 4, 1064), (2, 5, 104), (2, 5, 1064), (2, 6, 1064), (2, 7, 1064), (2, 8, 1064),
    (2, 9, 1064), (2, 9, 3104),
    (1, 4, 5248), (1, 5, 5248), (1, 6, 5248), (1, 7, 5248), (1, 8, 5248), (1, 9, 5248),
    (1, 9, 8192),
]  # fmt: skip


def lena_table(path: Path) -> dict[tuple[int, int, int], list[tuple[float, float]]]:
    """{(bg, mcs, cbs): [(sinr_db, bler), ...]} for MCS table 1."""
    table = collections.defaultdict(list)
    with open(path, newline="") as f:
        for row in csv.DictReader(line for line in f if not line.startswith("#")):
            if row["mcs_table"] == "1":
                key = (int(row["base_graph"]), int(row["mcs"]), int(row["cbs_bits"]))
                table[key].append((float(row["sinr_db"]), float(row["code_bler"])))
    return {k: sorted(v) for k, v in table.items()}


def crossing(points, target: float) -> float:
    """SINR where BLER falls through ``target``, log-linear between the bracketing points."""
    pts = sorted(points)
    for (s0, b0), (s1, b1) in itertools.pairwise(pts):
        if b0 >= target >= b1 > 0 and b0 > b1:
            return s0 + (math.log(target) - math.log(b0)) * (s1 - s0) / (
                math.log(b1) - math.log(b0)
            )
    return math.nan


def qpsk_limit_db(bits_per_symbol: float) -> float:
    """E_s/N_0 (dB) at which Gray-QPSK BICM capacity equals ``bits_per_symbol``."""
    x, w = np.polynomial.hermite_e.hermegauss(80)
    w = w / w.sum()

    def capacity(snr_db):
        snr = 10 ** (snr_db / 10)  # per-bit BPSK amplitude^2 / noise variance
        llr = 2 * snr + 2 * math.sqrt(snr) * x  # LLR of a bit sent as 0, noise over x
        return 2 * (1 - np.sum(w * np.logaddexp(0, -llr)) / math.log(2))

    lo, hi = -20.0, 20.0
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if capacity(mid) < bits_per_symbol else (lo, mid)
    return (lo + hi) / 2


class Link:
    """One code block of ``A = cbs`` bits through TB CRC, LDPC, rate matching, QPSK and AWGN."""

    def __init__(self, bg: int, mcs: int, cbs: int):
        entry = mcs_entry(mcs, "qam64")
        self.qm, self.rate = entry.modulation_order, entry.target_code_rate
        assert self.qm == 2, "QPSK rows only"
        self.bg, self.a = bg, cbs
        self.crc = "24A" if cbs > 3824 else "16"
        self.b = cbs + (24 if self.crc == "24A" else 16)
        self.seg = segmentation_info(self.b, bg)
        assert self.seg.c == 1
        self.g = self.qm * math.ceil(self.b / (self.rate * self.qm))

    def bler(self, sinr_db: float, blocks: int, rng: np.random.Generator, batch: int = 250):
        seg, n0 = self.seg, snr_db_to_no(sinr_db)
        errors = done = 0
        while done < blocks:
            nb = min(batch, blocks - done)
            tb = rng.integers(0, 2, (nb, self.a), dtype=np.uint8)
            cb = segment(crc_attach(tb, self.crc), self.bg)[:, 0, :]
            cw = ldpc_encode_rate_match(
                cb, self.g, 0, 2, bg=self.bg, z=seg.z_c, n_filler=seg.n_filler
            )
            y = awgn_complex(modulate(cw, "QPSK"), n0, rng=rng)  # TS 38.211 §5.1.3
            llr = demodulate_soft(y, "QPSK", n0, method="exact")
            buf = ldpc_rate_recover(llr, 0, 2, bg=self.bg, z=seg.z_c, n_filler=seg.n_filler)
            dec = ldpc_decode(buf, self.bg, seg.z_c, algorithm="layered-spa", max_iterations=20)
            bits, _ = desegment(dec.bits[:, None, :], self.b, self.bg)
            errors += int((bits[:, : self.a] != tb).any(axis=1).sum())
            done += nb
        return errors / done

    def curve(self, blocks: int, rng: np.random.Generator, step: float = 0.1):
        """Coarse search from the capacity limit, then a fine grid through 10 % and 1 %."""
        start = math.floor(qpsk_limit_db(2 * self.rate) * 4) / 4
        s = start
        while self.bler(s, 200, rng) > 0.5:
            s += 0.25
        points, s = [], s - 0.25
        while True:
            p = self.bler(s, blocks, rng)
            points.append((s, p if p > 0 else 0.5 / blocks))
            if p < 0.004 or len(points) > 40:
                return points
            s = round(s + step, 4)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blocks", type=int, default=1000, help="blocks per fine SINR point")
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument(
        "--csv",
        type=Path,
        default=Path(os.environ.get("OPENNR_REFERENCE", REPO.parent / "shared" / "reference"))
        / "5g-lena" / "sinr_bler_awgn.csv",
    )
    args = parser.parse_args(argv)
    table = lena_table(args.csv)
    print(
        f"{'BG':>2} {'MCS':>3} {'CBS':>5} {'R':>6} {'G':>6} {'limit':>6} | {'ours10':>6} "
        f"{'lena10':>6} {'diff':>5} | {'ours1':>6} {'lena1':>6} {'diff':>5} | "
        f"{'w_ours':>6} {'w_lena':>6} | s"
    )
    for bg, mcs, cbs in DEFAULT_ENTRIES:
        t0 = time.perf_counter()
        link = Link(bg, mcs, cbs)
        rng = np.random.default_rng([args.seed, bg, mcs, cbs])
        ours = link.curve(args.blocks, rng)
        theirs = table[(bg, mcs, cbs)]
        o10, l10 = crossing(ours, 0.1), crossing(theirs, 0.1)
        o1, l1 = crossing(ours, 0.01), crossing(theirs, 0.01)
        print(
            f"{bg:>2} {mcs:>3} {cbs:>5} {link.rate:6.3f} {link.g:>6} "
            f"{qpsk_limit_db(2 * link.rate):6.2f} | {o10:6.2f} {l10:6.2f} {l10 - o10:5.2f} | "
            f"{o1:6.2f} {l1:6.2f} {l1 - o1:5.2f} | {o1 - o10:6.2f} {l1 - l10:6.2f} | "
            f"{time.perf_counter() - t0:.0f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
