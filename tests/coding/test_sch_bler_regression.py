"""TS 38.212 §7.2 LDPC transport channel: statistical BLER regression vs 5G-LENA AWGN tables.

Reference: ``5g-lena/sinr_bler_awgn.csv`` (PROVENANCE.md §5): code-block BLER vs SINR of an
undocumented InterDigital NR link simulator, AWGN, no segmentation. Only the QPSK rows of TS 38.214
MCS Table 1 (MCS 0-9) are used.

Our link
--------
One transport block of ``A = cbs_bits`` bits through :func:`opennr.coding.sch.sch_encode` (TB CRC,
one code block, the table's base graph: checked), ``G = Q_m ceil(B / (R Q_m))`` coded bits with
``B = A + L``, rv 0; Gray QPSK ``d = ((1 - 2 b_0) + j (1 - 2 b_1)) / sqrt(2)`` by
:func:`opennr.modulation.modulate` (TS 38.211 §5.1.3); complex AWGN
(:func:`opennr.link.awgn.awgn_complex`) with ``E_s = 1`` and ``E_s/N_0 = SINR`` (``N_0`` per
complex symbol, :func:`opennr.link.awgn.snr_db_to_no`); exact LLRs
(:func:`opennr.modulation.demodulate_soft`, ``method="exact"``, for QPSK
``2 sqrt(2) Re(y) / N_0`` and ``2 sqrt(2) Im(y) / N_0``);
:func:`opennr.coding.sch.sch_decode` with ``algorithm="layered-spa", max_iterations=20``. A block
is in error if its TB CRC fails or any bit differs.

What CBS means. The 5G-LENA ``cbs_bits`` are TS 38.214 §5.1.3.2 transport-block sizes: every value
<= 3824 is in Table 5.1.3.2-1 and every larger one has the quantisation step of that clause (e.g.
4032, a multiple of 64 but not of 128, sits where ``n = 6``). So we take ``A = cbs`` (not ``K``:
24, 32 or 40 are no ``K_b Z_c`` of BG2). Taking ``B = cbs`` instead, or ``G`` from ``A`` instead of
``B``, moves our curves by <= 0.15 dB for ``A >= 1000`` (measured), so the conclusion does not hang
on it.

Finding (measured with ``benchmarks/lena_compare.py``, 2000 blocks per 0.1 dB point)
----------------------------------------------------------------------------------------------
5G-LENA needs 2.7 to 5.4 dB more SINR than we do, and the gap depends on the code rate, so neither
"within +-0.5 dB" nor "a constant SINR-definition offset" holds. SINR at BLER 10 % (dB):

=====  ===  =====  ======  ======  ======  ==========
 BG    MCS   CBS    ours   5G-LENA  diff   QPSK limit
=====  ===  =====  ======  ======  ======  ==========
  2     0   1064   -6.37   -1.06    5.32    -7.53
  2     0   3104   -6.51   -1.11    5.40    -7.53
  2     1   1064   -5.10   -0.50    4.60    -6.25
  2     2   1064   -4.33    0.29    4.62    -5.24
  2     3   1064   -3.00    1.24    4.23    -3.91
  2     4   1064   -1.94    2.00    3.94    -2.82
  2     5   1064   -0.80    2.82    3.62    -1.66
  2     6   1064    0.19    3.57    3.38    -0.65
  2     7   1064    1.19    4.32    3.13     0.37
  2     8   1064    2.11    5.09    2.98     1.32
  2     9   1064    3.03    5.77    2.74     2.26
  2     9   3104    2.90    5.56    2.66     2.26
  1     4   5248   -2.00    2.01    4.01    -2.82
  1     6   5248    0.01    3.52    3.51    -0.65
  1     7   5248    0.98    4.16    3.19     0.37
  1     8   5248    1.93    4.86    2.93     1.32
  1     9   5248    2.87    5.68    2.81     2.26
  1     9   8192    2.83    5.61    2.77     2.26
  2     0    104   -5.78   -1.00    4.78    -7.53
  2     5    104   -0.12    3.20    3.32    -1.66
=====  ===  =====  ======  ======  ======  ==========

(c) The difference is MCS-dependent. Ours sits 0.6-1.2 dB above the Gray-QPSK BICM capacity limit
of the code rate (what a 20-iteration sum-product decoder of a 1000-8000-bit NR code does);
5G-LENA's sits 3.3-6.5 dB above it, which no SINR convention (a fixed factor) explains. An
iteration-starved decoder explains much of it, still not as a constant offset (with 2 layered
sum-product iterations the differences spread from -1.2 to +0.2 dB, with 3 min-sum iterations
from +0.1 to +1.4 dB), so we suspect their receiver (undocumented) rather than the code. What
does agree:

* the order of the MCS requirements (both strictly increasing with MCS at a fixed CBS);
* the waterfall steepness: the SINR step from BLER 10 % to 1 % agrees within 0.06 dB for every
  entry with CBS >= 1000 where the table has both crossings (0.11-0.29 dB);
* the difference is a smooth decreasing function of the target code rate R: for the 18 entries
  with CBS >= 1000, ``d(R) = 2.19 - (10/3) log10(R)`` dB fits ``SINR_LENA - SINR_ours`` at
  BLER 10 % within 0.30 dB (least squares; the largest residual is MCS 1), and at BLER 1 % the
  difference equals the 10 % one within 0.06 dB. This is an empirical fit, not physics. For
  CBS ~ 100 the difference is 0.3-0.6 dB below it (their curves hardly depend on the block size:
  0.1 dB from 104 to 3104 bits at MCS 0, ours 0.7 dB), so small blocks are left out.

The tests
---------
For 10 entries (both base graphs, MCS 0-9, CBS >= 1000), fixed seeds, 2000 blocks per SINR point
on a 0.1 dB grid walked through both crossings (at 10 % the binomial error of the rate is 5 %,
about 0.01 dB; at 1 %, 22 %, about 0.03 dB), crossings by log-linear interpolation, as for the
table. Asserted:

1. ``|SINR10_ours - (SINR10_LENA - d(R))| <= 0.5 dB`` and the same at 1 % where the table crosses
   1 %: fit residual <= 0.30 dB, plus the table's own interpolation between points 0.2-0.6 dB
   apart (~0.1 dB), plus our Monte-Carlo error. A regression of our chain at one MCS/BG, or a
   uniform one beyond 0.5 dB, fails it; it cannot tell a uniform 0.3 dB drift from 5G-LENA noise.
2. The 10 %->1 % step matches the table's within 0.12 dB (0.06 dB measured, + Monte-Carlo error).
3. Strict MCS order of the requirements, ours and theirs, and ``d`` non-increasing with MCS
   within 0.15 dB.
4. Independent of 5G-LENA: ``SINR10_ours`` is 0.4-1.4 dB above the QPSK capacity limit.

Checked to fail: with ``max_iterations=6``, or with the noise 1 dB stronger than the SINR says,
every test of 1. and 4. fails.

Runtime: about 55 s on one core (all ``slow``; a test that is skipped fails in CI, so none is).
"""

from __future__ import annotations

import csv
import itertools
import math

import numpy as np
import pytest

from opennr.coding.sch import sch_decode, sch_encode, sch_info
from opennr.link.awgn import awgn_complex, snr_db_to_no
from opennr.modulation import demodulate_soft, modulate
from opennr.scheduling.mcs import mcs_entry

pytestmark = [pytest.mark.slow, pytest.mark.reference]

#: (base graph, MCS index of TS 38.214 Table 5.1.3.1-1, cbs_bits = TBS A)
ENTRIES = [
    (2, 0, 1064), (2, 1, 1064), (2, 3, 1064), (2, 5, 1064), (2, 7, 1064), (2, 9, 1064),
    (2, 9, 3104), (1, 4, 5248), (1, 6, 5248), (1, 9, 5248),
]  # fmt: skip
#: Entries whose 5G-LENA points bracket BLER 1 % (BG2 MCS 7 CBS 1064 jumps from 2.1 % to 0).
WIDTH_ENTRIES = [e for e in ENTRIES if e != (2, 7, 1064)]
BLOCKS = 2000  # per SINR point
STEP_DB = 0.1  # SINR grid of our curve
TOL_CROSSING_DB = 0.5
TOL_WIDTH_DB = 0.12
SEED = 20261125


def rate_offset_db(rate: float) -> float:
    """Empirical SINR_LENA - SINR_ours at equal BLER (CBS >= 1000), see the module docstring."""
    return 2.19 - 10.0 * math.log10(rate) / 3.0


def crossing(points, target: float) -> float:
    """SINR where the BLER falls through ``target``, log-linear between bracketing points."""
    pts = sorted(points)
    for (s0, b0), (s1, b1) in itertools.pairwise(pts):
        if b0 >= target >= b1 > 0 and b0 > b1:
            t = (math.log(target) - math.log(b0)) / (math.log(b1) - math.log(b0))
            return s0 + t * (s1 - s0)
    return math.nan


def qpsk_limit_db(bits_per_symbol: float) -> float:
    """E_s/N_0 (dB) where Gray-QPSK BICM capacity equals ``bits_per_symbol`` (Gauss-Hermite)."""
    x, w = np.polynomial.hermite_e.hermegauss(80)
    w = w / w.sum()

    def capacity(snr_db: float) -> float:
        snr = 10.0 ** (snr_db / 10.0)  # per QPSK bit: amplitude^2 / noise variance = E_s/N_0
        llr = 2.0 * snr + 2.0 * math.sqrt(snr) * x  # LLR of a 0 bit, x ~ N(0, 1)
        return 2.0 * (1.0 - float(np.sum(w * np.logaddexp(0.0, -llr))) / math.log(2.0))

    lo, hi = -20.0, 20.0
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if capacity(mid) < bits_per_symbol else (lo, mid)
    return 0.5 * (lo + hi)


def _llr(cw: np.ndarray, n0: float, rng: np.random.Generator) -> np.ndarray:
    """Coded bits -> Gray QPSK (§5.1.3) -> complex AWGN of variance ``N_0`` -> exact LLRs."""
    y = awgn_complex(modulate(cw, "QPSK"), n0, rng=rng)
    return demodulate_soft(y, "QPSK", n0, method="exact")


class _Link:
    """One DL-SCH transport block = one code block, QPSK, AWGN at ``E_s/N_0 = SINR``."""

    def __init__(self, bg: int, mcs: int, cbs: int):
        entry = mcs_entry(mcs, "qam64")
        self.qm, self.rate, self.tbs = entry.modulation_order, entry.target_code_rate, cbs
        self.info = sch_info(cbs, self.rate)
        assert self.qm == 2 and self.info.bg == bg and self.info.c == 1, (bg, mcs, cbs)
        self.g = self.qm * math.ceil(self.info.b / (self.rate * self.qm))

    def bler(self, sinr_db: float, blocks: int, rng: np.random.Generator, batch: int = 250):
        n0 = snr_db_to_no(sinr_db)
        errors = 0
        for start in range(0, blocks, batch):
            nb = min(batch, blocks - start)
            tb = rng.integers(0, 2, (nb, self.tbs), dtype=np.uint8)
            cw = sch_encode(tb, target_code_rate=self.rate, modulation_order=self.qm, g=self.g)
            llr = _llr(cw, n0, rng)
            res = sch_decode(
                llr, tbs=self.tbs, target_code_rate=self.rate, modulation_order=self.qm,
                algorithm="layered-spa", max_iterations=20,
            )  # fmt: skip
            errors += int((~res.tb_crc_ok | (res.tb != tb).any(axis=-1)).sum())
        return errors / blocks


def _walk(link: _Link, start_db: float, rng: np.random.Generator) -> list[tuple[float, float]]:
    """Our curve on a 0.1 dB grid: down until BLER > 10 %, then up until BLER < 1 %."""
    points = {}

    def at(s):
        s = round(s, 2)
        if s not in points:
            points[s] = link.bler(s, BLOCKS, rng)
        return points[s]

    s = start_db
    while at(s) <= 0.1 and s > start_db - 1.0:
        s -= 2 * STEP_DB
    while at(s) >= 0.01 and s < start_db + 1.5:
        s += STEP_DB
    return sorted((k, v if v > 0 else 0.5 / BLOCKS) for k, v in points.items())


@pytest.fixture(scope="module")
def lena(reference_dir):
    """{(bg, mcs, cbs): [(sinr_db, code_bler), ...]} of MCS table 1."""
    table: dict[tuple[int, int, int], list[tuple[float, float]]] = {}
    with open(reference_dir / "5g-lena" / "sinr_bler_awgn.csv", newline="") as f:
        for row in csv.DictReader(line for line in f if not line.startswith("#")):
            if row["mcs_table"] == "1":
                key = (int(row["base_graph"]), int(row["mcs"]), int(row["cbs_bits"]))
                table.setdefault(key, []).append((float(row["sinr_db"]), float(row["code_bler"])))
    return table


@pytest.fixture(scope="module")
def measured(lena):
    """Lazily simulated crossings per entry: dict with ours10, ours1, lena10, lena1, rate."""
    cache: dict[tuple[int, int, int], dict[str, float]] = {}

    def get(entry):
        if entry not in cache:
            bg, mcs, cbs = entry
            link = _Link(bg, mcs, cbs)
            theirs = lena[entry]
            lena10 = crossing(theirs, 0.1)
            rng = np.random.default_rng([SEED, bg, mcs, cbs])
            start = round(lena10 - rate_offset_db(link.rate) - 0.2, 1)
            ours = _walk(link, start, rng)
            cache[entry] = {
                "rate": link.rate,
                "ours10": crossing(ours, 0.1),
                "ours1": crossing(ours, 0.01),
                "lena10": lena10,
                "lena1": crossing(theirs, 0.01),
                "curve": ours,
            }
        return cache[entry]

    return get


def test_qpsk_awgn_sinr_convention():
    """Uncoded Gray QPSK at E_s/N_0 = 0 dB: bit error rate Q(sqrt(E_s/N_0)) = Q(1) = 0.1587."""
    rng = np.random.default_rng(SEED)
    bits = rng.integers(0, 2, (50, 4000), dtype=np.uint8)
    llr = _llr(bits, 1.0, rng)
    ber = float(((llr < 0) != bits).mean())
    q1 = 0.5 * math.erfc(1.0 / math.sqrt(2.0))
    assert abs(ber - q1) < 4 * math.sqrt(q1 * (1 - q1) / bits.size)
    # noiseless LLR magnitude: 2 sqrt(2) (1 / sqrt(2)) / N0 = 2 / N0, sign positive for bit 0
    clean = demodulate_soft(
        modulate(np.array([0, 1, 1, 0], dtype=np.uint8), "QPSK"), "QPSK", 0.5, method="exact"
    )
    np.testing.assert_allclose(clean, [4.0, -4.0, -4.0, 4.0], rtol=1e-6)


def test_qpsk_capacity_limit():
    """Capacity helper: Gray QPSK at R = 1/2 needs E_s/N_0 = E_b/N_0 = 0.19 dB (BPSK limit)."""
    assert qpsk_limit_db(1.0) == pytest.approx(0.19, abs=0.02)
    assert qpsk_limit_db(2 * 120 / 1024) == pytest.approx(-7.53, abs=0.02)


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: f"bg{e[0]}-mcs{e[1]}-cbs{e[2]}")
def test_crossings_match_lena_with_rate_offset(entry, measured):
    m = measured(entry)
    d = rate_offset_db(m["rate"])
    assert abs(m["ours10"] - (m["lena10"] - d)) <= TOL_CROSSING_DB, (entry, m)
    if not math.isnan(m["lena1"]):
        assert abs(m["ours1"] - (m["lena1"] - d)) <= TOL_CROSSING_DB, (entry, m)


@pytest.mark.parametrize("entry", WIDTH_ENTRIES, ids=lambda e: f"bg{e[0]}-mcs{e[1]}-cbs{e[2]}")
def test_waterfall_width_matches_lena(entry, measured):
    m = measured(entry)
    ours, theirs = m["ours1"] - m["ours10"], m["lena1"] - m["lena10"]
    assert abs(ours - theirs) <= TOL_WIDTH_DB, (entry, ours, theirs)


@pytest.mark.parametrize("bg, cbs", [(2, 1064), (1, 5248)])
def test_mcs_order_and_monotone_offset(bg, cbs, measured):
    rows = [measured(e) for e in ENTRIES if e[0] == bg and e[2] == cbs]
    ours = [m["ours10"] for m in rows]
    theirs = [m["lena10"] for m in rows]
    assert all(np.diff(ours) > 0) and all(np.diff(theirs) > 0), (ours, theirs)
    diff = np.subtract(theirs, ours)
    assert all(np.diff(diff) <= 0.15), diff


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: f"bg{e[0]}-mcs{e[1]}-cbs{e[2]}")
def test_gap_to_qpsk_capacity(entry, measured):
    m = measured(entry)
    gap = m["ours10"] - qpsk_limit_db(2 * m["rate"])
    assert 0.4 <= gap <= 1.4, (entry, gap)
