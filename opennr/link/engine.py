"""Link-level simulation engine (no 3GPP clause): Monte-Carlo BLER sweep over SNR points.

The engine knows nothing about the physical layer. A *batch function*
``simulate_batch(snr_db, batch_size, rng) -> BatchCounts`` simulates ``batch_size`` independent
blocks at one SNR and counts errors; :func:`run_sweep` calls it batch after batch:

* point ``i`` runs *batches* ``b = 0, 1, ...`` of ``batch_size`` blocks (the last one shortened
  so that no point exceeds ``max_blocks``); batch ``b`` of point ``i`` draws all its randomness
  from its own generator :func:`batch_rng` ``(seed, i, b)`` =
  ``default_rng(SeedSequence(seed, spawn_key=(i, b)))``, the ``b``-th child of the point's
  sequence ``SeedSequence(seed, spawn_key=(i,))`` (:func:`point_rng`). A batch's counts are thus
  a function of ``(batch function, seed, i, b)`` only, whichever process computes it and in
  whichever order batches finish;
* a point's result is the shortest *prefix* of its batches ``0..B-1`` whose accumulated counts
  reach ``target_block_errors`` block errors or ``max_blocks`` blocks. Batches computed beyond
  ``B`` (speculatively, by parallel workers) are discarded;
* the sweep stops after the first point whose BLER is below ``bler_floor`` (points are expected in
  increasing SNR order, so further points would cost ``max_blocks`` each and show no error);
* ``workers > 1`` runs batches in a local process pool (:class:`concurrent.futures.ProcessPoolExecutor`
  with the ``forkserver`` start method, ``spawn`` where it is missing), ``dask=`` on a
  ``dask.distributed`` cluster; both keep up to two batches per worker in flight and give exactly
  the result of one process;
* ``KeyboardInterrupt`` (Ctrl-C) ends the sweep cleanly: the points finished so far are returned
  with ``interrupted=True``.

Results per point: :class:`PointResult` (``bler`` with its Wilson 95 % interval ``bler_ci``, the
exact Clopper-Pearson interval ``bler_ci_exact``, ``ber``, ``throughput``). A batch function may
also count HARQ statistics (``BatchCounts.transmissions``, ``first_tx_errors``): the point then
gives the residual BLER (``bler``), ``first_tx_bler``, ``mean_transmissions`` and a throughput
per transmission (delivered bits per slot used); without them every block is one transmission. The campaign layer
(:mod:`opennr.link.campaign`: results store, resume) drives the same scheduler.

Examples
--------
>>> import numpy as np
>>> def coin(snr_db, n, rng):  # a block fails with probability 10^(-snr_db)
...     errors = int((rng.random(n) < 10.0 ** -snr_db).sum())
...     return BatchCounts(blocks=n, block_errors=errors, bits=8 * n, bit_errors=errors)
>>> res = run_sweep(coin, [0.5, 1.0, 4.0], SweepSettings(target_block_errors=50, max_blocks=1000))
>>> [p.snr_db for p in res.points], res.stop_reason
([0.5, 1.0, 4.0], 'completed')
>>> res.points[0].block_errors >= 50, res.points[2].blocks
(True, 1000)
>>> res.blocks.tolist()[2], res.bler.shape
(1000, (3,))
"""

from __future__ import annotations

import csv
import math
import multiprocessing
import pickle
import queue
import signal
import time
from collections.abc import Callable, Sequence
from concurrent import futures as _cf
from dataclasses import asdict, dataclass, field
from pathlib import Path
from statistics import NormalDist
from typing import Protocol

import numpy as np

from opennr._validation import check_int

__all__ = [
    "BatchCounts",
    "SweepSettings",
    "PointResult",
    "SweepResult",
    "SweepObserver",
    "BatchFunction",
    "wilson_interval",
    "clopper_pearson_interval",
    "point_rng",
    "batch_rng",
    "batch_sizes",
    "run_point",
    "run_sweep",
]

_WHERE = "OpenNR link engine"
@dataclass(frozen=True)
class BatchCounts:
    """Link engine: what one batch of blocks produced at one SNR point.

    Attributes
    ----------
    blocks : int
        Blocks (transport blocks) simulated.
    block_errors : int
        Blocks received in error (decoded bits differ from the sent ones, or the CRC failed);
        with HARQ, the *residual* errors after the last transmission.
    bits : int
        Information bits sent (``blocks * TBS``; each block's bits counted once, whatever its
        number of transmissions).
    bit_errors : int
        Information bits received in error (after the last transmission).
    transmissions : int or None, default None
        HARQ statistics: transmissions used by the ``blocks`` blocks (``>= blocks``; a block
        acknowledged at its first transmission uses 1). None: no HARQ (one transmission each).
    first_tx_errors : int or None, default None
        HARQ statistics: blocks whose first transmission failed (``block_errors <=
        first_tx_errors <= blocks``). Given together with ``transmissions``.

    Notes
    -----
    Counts add up (``+``); a sum with one HARQ operand counts a batch without HARQ statistics as
    one transmission per block and its block errors as first-transmission errors.

    Examples
    --------
    >>> BatchCounts(10, 1, 80, 3) + BatchCounts(5, 0, 40, 0)
    BatchCounts(blocks=15, block_errors=1, bits=120, bit_errors=3)
    >>> BatchCounts(10, 1, 80, 3, transmissions=14, first_tx_errors=3).harq
    True
    """

    blocks: int
    block_errors: int
    bits: int
    bit_errors: int
    transmissions: int | None = None
    first_tx_errors: int | None = None

    def __post_init__(self):
        for name in ("blocks", "block_errors", "bits", "bit_errors"):
            check_int(getattr(self, name), name, low=0, clause=_WHERE)
        if self.block_errors > self.blocks:
            raise ValueError(
                f"block_errors ({self.block_errors}) must not exceed blocks ({self.blocks})"
            )
        if self.bit_errors > self.bits:
            raise ValueError(f"bit_errors ({self.bit_errors}) must not exceed bits ({self.bits})")
        if (self.transmissions is None) != (self.first_tx_errors is None):
            raise ValueError(
                "transmissions and first_tx_errors (HARQ statistics) must be given together, got "
                f"transmissions={self.transmissions!r}, first_tx_errors={self.first_tx_errors!r}"
            )
        if self.transmissions is not None:
            check_int(self.transmissions, "transmissions", low=self.blocks, clause=_WHERE)
            check_int(self.first_tx_errors, "first_tx_errors", low=self.block_errors,
                      high=self.blocks, clause=_WHERE)

    @property
    def harq(self) -> bool:
        """Whether the batch carries HARQ statistics (``transmissions``, ``first_tx_errors``)."""
        return self.transmissions is not None

    def __repr__(self) -> str:
        text = (f"BatchCounts(blocks={self.blocks}, block_errors={self.block_errors}, "
                f"bits={self.bits}, bit_errors={self.bit_errors}")
        if self.harq:
            text += f", transmissions={self.transmissions}, first_tx_errors={self.first_tx_errors}"
        return text + ")"

    def __add__(self, other: BatchCounts) -> BatchCounts:
        if not isinstance(other, BatchCounts):
            return NotImplemented
        tx = first = None
        if self.harq or other.harq:
            tx = _harq_value(self.transmissions, self.blocks) + _harq_value(
                other.transmissions, other.blocks)
            first = _harq_value(self.first_tx_errors, self.block_errors) + _harq_value(
                other.first_tx_errors, other.block_errors)
        return BatchCounts(
            self.blocks + other.blocks,
            self.block_errors + other.block_errors,
            self.bits + other.bits,
            self.bit_errors + other.bit_errors,
            tx,
            first,
        )


def _harq_value(value: int | None, default: int) -> int:
    return default if value is None else value


#: ``simulate_batch(snr_db, batch_size, rng) -> BatchCounts``.
BatchFunction = Callable[[float, int, np.random.Generator], BatchCounts]


@dataclass(frozen=True)
class SweepSettings:
    """Link engine: stopping rules and seeding of a sweep.

    Attributes
    ----------
    target_block_errors : int, default 100
        A point stops once this many block errors are counted (>= 1).
    max_blocks : int, default 2000
        A point stops after this many blocks at the latest (>= 1).
    batch_size : int, default 100
        Blocks per call of the batch function (the last batch of a point is shortened so that no
        point exceeds ``max_blocks``).
    bler_floor : float, default 1e-3
        The sweep stops after the first point whose BLER is below this value; 0 disables.
    seed : int, default 1
        Root of the per-point seed sequences (>= 0).

    Examples
    --------
    >>> SweepSettings(max_blocks=500).batch_size
    100
    """

    target_block_errors: int = 100
    max_blocks: int = 2000
    batch_size: int = 100
    bler_floor: float = 1e-3
    seed: int = 1

    def __post_init__(self):
        check_int(self.target_block_errors, "target_block_errors", low=1, clause=_WHERE)
        check_int(self.max_blocks, "max_blocks", low=1, clause=_WHERE)
        check_int(self.batch_size, "batch_size", low=1, clause=_WHERE)
        check_int(self.seed, "seed", low=0, clause=_WHERE)
        floor = self.bler_floor
        if isinstance(floor, bool) or not isinstance(floor, int | float | np.floating):
            raise TypeError(f"bler_floor must be a number in [0, 1), got {floor!r}")
        if not 0.0 <= float(floor) < 1.0:
            raise ValueError(f"bler_floor must be in [0, 1) (0 disables the floor), got {floor!r}")




@dataclass(frozen=True)
class PointResult:
    """Link engine: the result of one SNR point.

    Attributes
    ----------
    snr_db : float
        The SNR of the point (Eb/N0 in dB for the AWGN presets).
    blocks, block_errors, bits, bit_errors : int
        Accumulated counts of the point's counted batches, see :class:`BatchCounts`.
    elapsed : float
        Seconds spent in the batch function on the counted batches (summed over workers: with one
        worker, the point's wall-clock time up to the engine's overhead).
    stop_reason : str
        ``"target-errors"`` or ``"max-blocks"`` (``"running"`` in progress reports).
    transmissions, first_tx_errors : int or None, default None
        HARQ statistics (see :class:`BatchCounts`); None for a point simulated without HARQ.
        With them, ``bler`` is the *residual* BLER after HARQ, ``first_tx_bler`` the BLER of the
        first transmissions, and the throughput counts the slots of the retransmissions.

    Examples
    --------
    >>> p = PointResult(1.0, blocks=200, block_errors=50, bits=200 * 100, bit_errors=700)
    >>> p.bler, p.ber, p.throughput, p.throughput_percent
    (0.25, 0.035, 75.0, 75.0)
    >>> [round(v, 4) for v in p.bler_ci]
    [0.1951, 0.3143]
    >>> [round(v, 4) for v in p.bler_ci_exact]
    [0.1916, 0.316]
    >>> h = PointResult(1.0, 200, 10, 200 * 100, 70, transmissions=300, first_tx_errors=80)
    >>> h.bler, h.first_tx_bler, h.mean_transmissions, h.throughput, h.throughput_percent
    (0.05, 0.4, 1.5, 63.333333333333336, 63.333333333333336)
    """

    snr_db: float
    blocks: int
    block_errors: int
    bits: int
    bit_errors: int
    elapsed: float = 0.0
    stop_reason: str = "max-blocks"
    transmissions: int | None = None
    first_tx_errors: int | None = None

    @classmethod
    def from_counts(cls, snr_db: float, counts: BatchCounts, elapsed: float = 0.0,
                    stop_reason: str = "max-blocks") -> PointResult:
        """The point of accumulated :class:`BatchCounts` (HARQ statistics included).

        Examples
        --------
        >>> PointResult.from_counts(2.0, BatchCounts(10, 1, 80, 3, 12, 2)).mean_transmissions
        1.2
        """
        return cls(float(snr_db), counts.blocks, counts.block_errors, counts.bits,
                   counts.bit_errors, elapsed, stop_reason, counts.transmissions,
                   counts.first_tx_errors)

    @property
    def harq(self) -> bool:
        """Whether the point carries HARQ statistics."""
        return self.transmissions is not None

    @property
    def residual_bler(self) -> float:
        """BLER after HARQ (the last transmission of each block); equal to :attr:`bler`."""
        return self.bler

    @property
    def first_tx_bler(self) -> float:
        """BLER of the first transmissions ``first_tx_errors / blocks`` (without HARQ: ``bler``)."""
        if not self.harq:
            return self.bler
        return self.first_tx_errors / self.blocks if self.blocks else math.nan

    @property
    def first_tx_bler_ci(self) -> tuple[float, float]:
        """Wilson 95 % confidence interval of :attr:`first_tx_bler`."""
        errors = self.block_errors if not self.harq else self.first_tx_errors
        return wilson_interval(errors, self.blocks)

    @property
    def mean_transmissions(self) -> float:
        """Mean transmissions per block ``transmissions / blocks`` (1 without HARQ)."""
        if not self.blocks:
            return math.nan
        return 1.0 if not self.harq else self.transmissions / self.blocks

    @property
    def bler(self) -> float:
        """Block error rate ``block_errors / blocks`` (NaN when no block ran)."""
        return self.block_errors / self.blocks if self.blocks else math.nan

    @property
    def bler_ci(self) -> tuple[float, float]:
        """Wilson 95 % confidence interval ``(low, high)`` of the BLER."""
        return wilson_interval(self.block_errors, self.blocks)

    @property
    def bler_ci_exact(self) -> tuple[float, float]:
        """Clopper-Pearson ("exact") 95 % confidence interval ``(low, high)`` of the BLER."""
        return clopper_pearson_interval(self.block_errors, self.blocks)

    @property
    def ber(self) -> float:
        """Bit error rate of the information bits ``bit_errors / bits``."""
        return self.bit_errors / self.bits if self.bits else math.nan

    @property
    def throughput(self) -> float:
        """Information bits delivered per block time: ``(1 - BLER) * TBS``.

        A block counts only when it is received without error, so this is the number of
        transport-block bits delivered per block time (per slot for one TB per slot). With HARQ,
        per transmission (slot used): ``(blocks - block_errors) * TBS / transmissions``.
        """
        if not self.blocks:
            return math.nan
        if self.harq:
            return (self.blocks - self.block_errors) * (self.bits / self.blocks) / self.transmissions
        return (1.0 - self.bler) * (self.bits / self.blocks)

    @property
    def throughput_percent(self) -> float:
        """Throughput in % of the maximum (every block delivered at its first transmission):
        ``100 (1 - BLER)``; with HARQ ``100 (blocks - block_errors) / transmissions``."""
        if not self.blocks:
            return math.nan
        if self.harq:
            return 100.0 * (self.blocks - self.block_errors) / self.transmissions
        return 100.0 * (1.0 - self.bler)

    def to_dict(self) -> dict:
        """A JSON-ready dict: the fields plus ``bler``, ``bler_ci`` (Wilson), ``bler_ci_exact``
        (Clopper-Pearson), ``ber``, ``throughput`` and ``throughput_percent``; with HARQ
        statistics also ``transmissions``, ``first_tx_errors``, ``residual_bler`` (= ``bler``),
        ``first_tx_bler``, ``first_tx_bler_ci`` and ``mean_transmissions`` (absent without)."""
        d = asdict(self)
        if not self.harq:
            del d["transmissions"], d["first_tx_errors"]
        d.update(
            bler=self.bler,
            bler_ci=list(self.bler_ci),
            bler_ci_exact=list(self.bler_ci_exact),
            ber=self.ber,
            throughput=self.throughput,
            throughput_percent=self.throughput_percent,
        )
        if self.harq:
            d.update(
                residual_bler=self.bler,
                first_tx_bler=self.first_tx_bler,
                first_tx_bler_ci=list(self.first_tx_bler_ci),
                mean_transmissions=self.mean_transmissions,
            )
        return d


def _slot_throughput(point: PointResult, slot_duration: float | None) -> dict:
    """``throughput_bps``, ``throughput_max_bps`` (``TBS / T_slot``) and ``throughput_percent``
    of a point; empty without a slot duration or blocks."""
    if slot_duration is None or not point.blocks:
        return {}
    return {
        "throughput_bps": point.throughput / slot_duration,
        "throughput_max_bps": point.bits / point.blocks / slot_duration,
        "throughput_percent": point.throughput_percent,
    }


#: Columns of :meth:`SweepResult.to_csv`, in order.
CSV_COLUMNS = (
    "snr_db",
    "blocks",
    "block_errors",
    "bler",
    "bler_ci_low",
    "bler_ci_high",
    "bler_ci_exact_low",
    "bler_ci_exact_high",
    "bits",
    "bit_errors",
    "ber",
    "throughput",
    "throughput_percent",
    "elapsed",
    "stop_reason",
)
#: Columns appended by :meth:`SweepResult.to_csv` when a point carries HARQ statistics.
HARQ_CSV_COLUMNS = (
    "transmissions",
    "first_tx_errors",
    "first_tx_bler",
    "mean_transmissions",
)


def _column(attr: str, dtype, doc: str, *, width: int = 1) -> property:
    """A :class:`SweepResult` property: ``attr`` of each point, ``[P]`` or ``[P, width]``."""

    def get(self) -> np.ndarray:
        values = self._array(attr, dtype)
        return values if width == 1 else values.reshape(-1, width)

    get.__name__ = get.__qualname__ = attr
    get.__doc__ = doc
    return property(get)


@dataclass(frozen=True)
class SweepResult:
    """Link engine: the points of a sweep and why it ended, with NumPy accessors.

    Attributes
    ----------
    points : tuple of PointResult
        The finished points in sweep order.
    stop_reason : str
        ``"completed"`` (all points ran), ``"bler-floor"`` (a point fell below the floor) or
        ``"interrupted"`` (Ctrl-C; the unfinished point is dropped) or ``"incomplete"`` (a stored
        campaign read back before it finished, :func:`opennr.link.campaign.load_campaign`).
    name : str, default ""
        Campaign name (set by :func:`opennr.link.campaign.run_campaign`).
    config_hash : str, default ""
        Campaign configuration hash (set by :func:`opennr.link.campaign.run_campaign`).
    snr_label : str, default "Eb/N0 [dB]"
        Axis label of the SNR, used by :meth:`plot`.
    slot_duration : float or None, default None
        Seconds per block for slot-based presets (set by the campaign runner): gives
        ``throughput_bps`` and a throughput axis in Mbit/s in :meth:`plot`.

    The per-point values are available as arrays: ``snr_db``, ``blocks``, ``block_errors``,
    ``bits``, ``bit_errors``, ``bler``, ``ber``, ``throughput``, ``throughput_percent``,
    ``elapsed`` (shape ``[P]``) and ``bler_ci``, ``bler_ci_exact`` (shape ``[P, 2]``); HARQ
    statistics as ``residual_bler``, ``first_tx_bler``, ``mean_transmissions``, ``transmissions``.

    Examples
    --------
    >>> SweepResult((), "completed").interrupted
    False
    >>> r = SweepResult((PointResult(0.0, 100, 10, 800, 20), PointResult(1.0, 100, 1, 800, 1)))
    >>> r.snr_db, r.bler, r.bler_ci.shape
    (array([0., 1.]), array([0.1 , 0.01]), (2, 2))
    """

    points: tuple[PointResult, ...] = field(default_factory=tuple)
    stop_reason: str = "completed"
    name: str = ""
    config_hash: str = ""
    snr_label: str = "Eb/N0 [dB]"
    slot_duration: float | None = None

    @property
    def interrupted(self) -> bool:
        """True when the sweep was cut short by Ctrl-C."""
        return self.stop_reason == "interrupted"

    def _array(self, attr: str, dtype) -> np.ndarray:
        return np.array([getattr(p, attr) for p in self.points], dtype=dtype)

    snr_db = _column("snr_db", np.float64, "``[P]`` float64: the SNR of each point.")
    blocks = _column("blocks", np.int64, "``[P]`` int64: blocks counted per point.")
    block_errors = _column("block_errors", np.int64,
                           "``[P]`` int64: block errors counted per point.")
    bits = _column("bits", np.int64, "``[P]`` int64: information bits sent per point.")
    bit_errors = _column("bit_errors", np.int64, "``[P]`` int64: information bit errors per point.")
    bler = _column("bler", np.float64, "``[P]`` float64: BLER per point.")
    bler_ci = _column("bler_ci", np.float64,
                      "``[P, 2]`` float64: Wilson 95 % interval (low, high) per point.", width=2)
    bler_ci_exact = _column(
        "bler_ci_exact", np.float64,
        "``[P, 2]`` float64: Clopper-Pearson 95 % interval (low, high) per point.", width=2,
    )
    ber = _column("ber", np.float64, "``[P]`` float64: BER per point.")
    throughput = _column("throughput", np.float64,
                         "``[P]`` float64: information bits delivered per block.")
    throughput_percent = _column("throughput_percent", np.float64,
                                 "``[P]`` float64: throughput in % of the maximum.")

    @property
    def throughput_bps(self) -> np.ndarray:
        """``[P]`` float64: throughput in bit/s, ``throughput / slot_duration`` (NaN if unknown)."""
        if self.slot_duration is None:
            return np.full(len(self.points), np.nan)
        return self.throughput / float(self.slot_duration)

    elapsed = _column("elapsed", np.float64, "``[P]`` float64: seconds of batch work per point.")

    @property
    def harq(self) -> bool:
        """Whether any point carries HARQ statistics."""
        return any(p.harq for p in self.points)

    @property
    def residual_bler(self) -> np.ndarray:
        """``[P]`` float64: BLER after HARQ (equal to :attr:`bler`)."""
        return self.bler

    first_tx_bler = _column(
        "first_tx_bler", np.float64,
        "``[P]`` float64: BLER of the first transmissions (``bler`` for points without HARQ).",
    )
    mean_transmissions = _column(
        "mean_transmissions", np.float64,
        "``[P]`` float64: mean transmissions per block (1 for points without HARQ).",
    )

    @property
    def transmissions(self) -> np.ndarray:
        """``[P]`` int64: transmissions used per point (``blocks`` for points without HARQ)."""
        return np.array([p.blocks if p.transmissions is None else p.transmissions
                         for p in self.points], dtype=np.int64)

    def to_dicts(self) -> list[dict]:
        """One :meth:`PointResult.to_dict` per point (JSON-ready), plus ``throughput_bps`` when
        ``slot_duration`` is known."""
        rows = [p.to_dict() for p in self.points]
        if self.slot_duration is not None:
            for row, bps in zip(rows, self.throughput_bps.tolist(), strict=True):
                row["throughput_bps"] = bps
        return rows

    def to_csv(self, path: str | Path) -> Path:
        """Write one row per point with the columns :data:`CSV_COLUMNS` (and
        :data:`HARQ_CSV_COLUMNS` when a point carries HARQ statistics); returns the path.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> out = pathlib.Path(tempfile.mkdtemp()) / "r.csv"
        >>> SweepResult((PointResult(0.0, 100, 10, 800, 20),)).to_csv(out).read_text().split()[0]
        'snr_db,blocks,block_errors,bler,bler_ci_low,bler_ci_high,bler_ci_exact_low,bler_ci_exact_high,bits,bit_errors,ber,throughput,throughput_percent,elapsed,stop_reason'
        """
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        harq = self.harq
        with path.open("w", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(CSV_COLUMNS + (HARQ_CSV_COLUMNS if harq else ()))
            for p in self.points:
                lo, hi = p.bler_ci
                elo, ehi = p.bler_ci_exact
                extra = []
                if harq:
                    extra = [p.transmissions, p.first_tx_errors, repr(p.first_tx_bler),
                             repr(p.mean_transmissions)] if p.harq else ["", "", "", ""]
                writer.writerow(
                    [
                        repr(p.snr_db),
                        p.blocks,
                        p.block_errors,
                        repr(p.bler),
                        repr(lo),
                        repr(hi),
                        repr(elo),
                        repr(ehi),
                        p.bits,
                        p.bit_errors,
                        repr(p.ber),
                        repr(p.throughput),
                        repr(p.throughput_percent),
                        f"{p.elapsed:.6f}",
                        p.stop_reason,
                    ]
                    + extra
                )
        return path

    def plot(self, path: str | Path, *, title: str | None = None, dpi: int = 120) -> Path:
        """BLER (log, Wilson bars) and throughput versus SNR as a PNG, via
        :func:`opennr.link.plotting.plot_sweep`; the title defaults to the campaign name."""
        from opennr.link.plotting import plot_sweep

        if title is None:
            title = self.name
        kwargs = {} if self.slot_duration is None else {"slot_duration": self.slot_duration}
        return plot_sweep(
            self.points, path, title=title, snr_label=self.snr_label, dpi=dpi, **kwargs
        )


class SweepObserver(Protocol):
    """Link engine: receives progress events (a progress bar, a logger). All methods optional.

    Events come in sweep order whatever the number of workers: ``point_started(i)``, then
    ``batch_done(i, partial)`` each time the counted prefix of point ``i`` grows (batches found in
    a results store are replayed the same way), then ``point_done(i, result)``, then point
    ``i + 1``. The engine calls a method only if the observer has it.
    """

    def point_started(self, index: int, snr_db: float, settings: SweepSettings) -> None: ...

    def batch_done(self, index: int, partial: PointResult, settings: SweepSettings) -> None: ...

    def point_done(self, index: int, result: PointResult) -> None: ...


def _check_binomial(errors, trials, confidence) -> tuple[int, int]:
    """The validated ``(errors, trials)`` of a confidence interval (``confidence`` in (0, 1))."""
    k = check_int(errors, "errors", low=0, clause=_WHERE)
    n = check_int(trials, "trials", low=0, clause=_WHERE)
    if k > n:
        raise ValueError(f"errors ({k}) must not exceed trials ({n})")
    if not 0.0 < float(confidence) < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence!r}")
    return k, n


def wilson_interval(errors: int, trials: int, confidence: float = 0.95) -> tuple[float, float]:
    """Link engine (Wilson 1927): score confidence interval of a binomial proportion.

    ``(low, high)`` around ``errors / trials``; for ``trials = 0`` the uninformative ``(0, 1)``.

    Parameters
    ----------
    errors : int
        Successes of the binomial (block errors), ``0 <= errors <= trials``.
    trials : int
        Trials (blocks).
    confidence : float, default 0.95
        Two-sided confidence level in (0, 1).

    Notes
    -----
    With ``p = k / n`` and ``z`` the ``(1 + confidence) / 2`` normal quantile,
    ``(p + z^2/(2n) +- z sqrt(p (1-p)/n + z^2/(4 n^2))) / (1 + z^2/n)``. Unlike the normal
    ("Wald") interval it stays inside [0, 1] and is informative at ``k = 0``.

    Examples
    --------
    >>> [round(v, 4) for v in wilson_interval(0, 100)]
    [0.0, 0.037]
    >>> [round(v, 4) for v in wilson_interval(10, 100)]
    [0.0552, 0.1744]
    """
    k, n = _check_binomial(errors, trials, confidence)
    if n == 0:
        return (0.0, 1.0)
    z = NormalDist().inv_cdf(0.5 + float(confidence) / 2.0)
    p = k / n
    z2n = z * z / n
    center = (p + z2n / 2.0) / (1.0 + z2n)
    half = z / (1.0 + z2n) * math.sqrt(p * (1.0 - p) / n + z2n / (4.0 * n))
    low = 0.0 if k == 0 else max(0.0, center - half)
    high = 1.0 if k == n else min(1.0, center + half)
    return (low, high)


def point_rng(seed: int, index: int) -> np.random.Generator:
    """Link engine: the generator of point ``index``, ``SeedSequence(seed).spawn(...)[index]``.

    Examples
    --------
    >>> a = point_rng(7, 2).integers(0, 1000, 3)
    >>> b = np.random.default_rng(np.random.SeedSequence(7).spawn(3)[2]).integers(0, 1000, 3)
    >>> bool((a == b).all())
    True
    """
    seed = check_int(seed, "seed", low=0, clause=_WHERE)
    index = check_int(index, "index", low=0, clause=_WHERE)
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(index,)))




def clopper_pearson_interval(
    errors: int, trials: int, confidence: float = 0.95
) -> tuple[float, float]:
    """Link engine (Clopper & Pearson 1934): "exact" confidence interval of a binomial proportion.

    ``(low, high)`` from the beta quantiles; for ``trials = 0`` the uninformative ``(0, 1)``.

    Parameters
    ----------
    errors : int
        Successes of the binomial (block errors), ``0 <= errors <= trials``.
    trials : int
        Trials (blocks).
    confidence : float, default 0.95
        Two-sided confidence level in (0, 1).

    Notes
    -----
    With ``a = 1 - confidence``: ``low = B(a/2; k, n-k+1)`` (0 for ``k = 0``) and
    ``high = B(1-a/2; k+1, n-k)`` (1 for ``k = n``), ``B(q; x, y)`` the beta quantile. Its coverage
    is at least ``confidence`` for every true rate (conservative), unlike Wilson's (on average).
    It equals ``scipy.stats.binomtest(k, n).proportion_ci(confidence, method="exact")``.

    Examples
    --------
    >>> [round(v, 4) for v in clopper_pearson_interval(0, 100)]
    [0.0, 0.0362]
    >>> [round(v, 4) for v in clopper_pearson_interval(10, 100)]
    [0.049, 0.1762]
    """
    from scipy.stats import beta  # lazy: scipy.stats is slow to import

    k, n = _check_binomial(errors, trials, confidence)
    if n == 0:
        return (0.0, 1.0)
    alpha = 1.0 - float(confidence)
    low = 0.0 if k == 0 else float(beta.ppf(alpha / 2.0, k, n - k + 1))
    high = 1.0 if k == n else float(beta.ppf(1.0 - alpha / 2.0, k + 1, n - k))
    return (low, high)


def batch_rng(seed: int, point: int, batch: int) -> np.random.Generator:
    """Link engine: the generator of batch ``batch`` of point ``point``.

    ``default_rng(SeedSequence(seed, spawn_key=(point, batch)))``: the ``batch``-th child of the
    point's sequence ``SeedSequence(seed, spawn_key=(point,))`` (see :func:`point_rng`).

    Examples
    --------
    >>> a = batch_rng(7, 2, 5).integers(0, 1000, 3)
    >>> child = np.random.SeedSequence(7).spawn(3)[2].spawn(6)[5]
    >>> bool((a == np.random.default_rng(child).integers(0, 1000, 3)).all())
    True
    """
    seed = check_int(seed, "seed", low=0, clause=_WHERE)
    point = check_int(point, "point", low=0, clause=_WHERE)
    batch = check_int(batch, "batch", low=0, clause=_WHERE)
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(point, batch)))


def batch_sizes(settings: SweepSettings) -> tuple[int, ...]:
    """Link engine: the blocks of each batch of a point, ``batch_size`` except a shorter last one.

    Their sum is ``max_blocks``: a point that never reaches its target errors runs them all.

    Examples
    --------
    >>> batch_sizes(SweepSettings(max_blocks=250, batch_size=100))
    (100, 100, 50)
    """
    _check_settings(settings)
    bs, total = settings.batch_size, settings.max_blocks
    return tuple(min(bs, total - start) for start in range(0, total, bs))


def _check_settings(settings) -> None:
    if not isinstance(settings, SweepSettings):
        raise TypeError(f"settings must be a SweepSettings, got {type(settings).__name__}")


def _notify(observer, method: str, *args) -> None:
    if observer is not None and hasattr(observer, method):
        getattr(observer, method)(*args)


def _batch_rng_factory(rng: np.random.Generator) -> Callable[[int], np.random.Generator]:
    """Batch ``b``'s generator: the ``b``-th child of ``rng``'s seed sequence (see run_point)."""
    ss = getattr(rng.bit_generator, "seed_seq", None)
    if not isinstance(ss, np.random.SeedSequence):  # a generator built without a SeedSequence
        ss = np.random.SeedSequence(rng.integers(0, 2**63, size=4).tolist())
    entropy, key, pool = ss.entropy, tuple(ss.spawn_key), ss.pool_size

    def make(b: int) -> np.random.Generator:
        return np.random.default_rng(
            np.random.SeedSequence(entropy, spawn_key=key + (b,), pool_size=pool)
        )

    return make


def _check_counts(counts, n: int) -> BatchCounts:
    if not isinstance(counts, BatchCounts):
        raise TypeError(f"simulate_batch must return BatchCounts, got {type(counts).__name__}")
    if counts.blocks != n:
        raise ValueError(f"simulate_batch was asked for {n} blocks but reported {counts.blocks}")
    return counts


def _add_harq(tx, first, blocks_before: int, errors_before: int, counts: BatchCounts):
    """Accumulated HARQ counters ``(transmissions, first_tx_errors)`` after adding ``counts``
    to a point that had ``blocks_before`` blocks and ``errors_before`` errors (None: no HARQ)."""
    if tx is None and not counts.harq:
        return None, None
    if tx is None:  # earlier batches without HARQ statistics: one transmission per block
        tx, first = blocks_before, errors_before
    if counts.harq:
        return tx + counts.transmissions, first + counts.first_tx_errors
    return tx + counts.blocks, first + counts.block_errors


def _stop_reason(errors: int, blocks: int, settings: SweepSettings) -> str:
    if errors >= settings.target_block_errors:
        return "target-errors"
    if blocks >= settings.max_blocks:
        return "max-blocks"
    return ""


def run_point(
    simulate_batch: BatchFunction,
    snr_db: float,
    settings: SweepSettings,
    rng: np.random.Generator,
    *,
    index: int = 0,
    observer: SweepObserver | None = None,
) -> PointResult:
    """Link engine: simulate batches at one SNR until the target errors or the block budget.

    Batch ``b`` gets the generator of the ``b``-th child of ``rng``'s seed sequence, so
    ``run_point(..., rng=point_rng(seed, i))`` equals point ``i`` of :func:`run_sweep`.

    Parameters
    ----------
    simulate_batch : callable
        ``simulate_batch(snr_db, batch_size, rng) -> BatchCounts``.
    snr_db : float
        The SNR of the point.
    settings : SweepSettings
        Stopping rules (``target_block_errors``, ``max_blocks``, ``batch_size``).
    rng : numpy.random.Generator
        The point's generator; its seed sequence's children seed the batches (a generator without
        a seed sequence gives one draw to make one).
    index : int, default 0
        The point's index, only reported to ``observer``.
    observer : SweepObserver, optional
        Progress events.

    Returns
    -------
    PointResult

    Examples
    --------
    >>> def always_wrong(snr_db, n, rng):
    ...     return BatchCounts(n, n, 4 * n, 2 * n)
    >>> p = run_point(always_wrong, 0.0, SweepSettings(target_block_errors=30, batch_size=20),
    ...               np.random.default_rng(0))
    >>> p.blocks, p.block_errors, p.stop_reason
    (40, 40, 'target-errors')
    """
    _check_settings(settings)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    snr_db = float(snr_db)
    make_rng = _batch_rng_factory(rng)
    _notify(observer, "point_started", index, snr_db, settings)
    state = _PointState()
    for b, n in enumerate(batch_sizes(settings)):
        start = time.perf_counter()
        counts = _check_counts(simulate_batch(snr_db, n, make_rng(b)), n)
        reason = state.add(counts, time.perf_counter() - start, settings)
        partial = state.result(snr_db, reason or "running")
        if reason:
            _notify(observer, "point_done", index, partial)
            return partial
        _notify(observer, "batch_done", index, partial, settings)
    raise AssertionError("unreachable: the batches sum to max_blocks")  # pragma: no cover


def _check_snrs(snr_dbs: Sequence[float]) -> tuple[float, ...]:
    try:
        snrs = tuple(float(s) for s in snr_dbs)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"snr_dbs must be a sequence of numbers, got {snr_dbs!r}") from exc
    if not snrs:
        raise ValueError("snr_dbs must hold at least one SNR point")
    if not all(math.isfinite(s) for s in snrs):
        raise ValueError(f"snr_dbs must be finite, got {snrs}")
    if any(b <= a for a, b in zip(snrs, snrs[1:], strict=False)):
        raise ValueError(f"snr_dbs must be strictly increasing, got {snrs}")
    return snrs


# --------------------------------------------------------------------------------------------
# Batch execution: in process, local process pool, Dask
# --------------------------------------------------------------------------------------------


def _run_batch(simulate_batch, snr_db: float, n: int, seed: int, point: int, batch: int):
    """Worker side: one batch with its own generator; ``(counts, seconds)``."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(point, batch)))
    start = time.perf_counter()
    counts = simulate_batch(snr_db, n, rng)
    return counts, time.perf_counter() - start


def _ignore_sigint() -> None:  # pool worker initializer: Ctrl-C is the parent's business
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class _InlineBackend:
    """Runs each batch in this process when it is waited for (no speculation: capacity 1)."""

    capacity = 1

    def __init__(self):
        self._tasks: dict[int, tuple] = {}
        self._next = 0

    def submit(self, fn, *args):
        self._next += 1
        self._tasks[self._next] = (fn, args)
        return self._next

    def wait(self, handles):
        h = handles[0]
        fn, args = self._tasks.pop(h)
        return [(h, fn(*args))]

    def close(self, *, wait: bool = True) -> None:
        self._tasks.clear()


class _PoolBackend:
    """A local process pool (forkserver, or spawn where missing); two batches per worker queued."""

    def __init__(self, workers: int):
        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        self.capacity = 2 * workers
        self._pool = _cf.ProcessPoolExecutor(
            max_workers=workers, mp_context=ctx, initializer=_ignore_sigint
        )

    def submit(self, fn, *args):
        return self._pool.submit(fn, *args)

    def wait(self, handles):
        done, _ = _cf.wait(handles, return_when=_cf.FIRST_COMPLETED)
        return [(h, h.result()) for h in done]

    def close(self, *, wait: bool = True) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=True)


class _DaskBackend:
    """Batches as ``dask.distributed`` tasks on a scheduler, or on a fresh local cluster."""

    def __init__(self, address: str, workers: int, timeout: float):
        import logging

        from distributed import Client, LocalCluster

        self._cluster = None
        self._finished: queue.SimpleQueue = queue.SimpleQueue()
        if address == "local":
            self._cluster = LocalCluster(
                n_workers=max(2, workers),
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=":0",
                silence_logs=logging.ERROR,
            )
            self._client = Client(self._cluster)
        else:
            try:
                self._client = Client(address, timeout=timeout)
            except (OSError, TimeoutError, ValueError) as exc:
                raise ConnectionError(
                    f"cannot reach the Dask scheduler at {address!r} within {timeout:g} s "
                    f"({type(exc).__name__}: {exc}); start one with `dask scheduler` and "
                    f"`dask worker {address}`, or use dask='local'"
                ) from None
        threads = sum(self._client.nthreads().values())
        self.capacity = 2 * max(1, threads)

    def submit(self, fn, *args):
        future = self._client.submit(fn, *args, pure=False)
        future.add_done_callback(self._finished.put)  # called from a Dask thread
        return future

    def wait(self, handles):
        # a queue fed by done-callbacks, not distributed.wait(): that one uses the default client,
        # which may be another client of the calling program on another event loop
        wanted = set(handles)
        done = [self._finished.get()]
        while True:
            try:
                done.append(self._finished.get_nowait())
            except queue.Empty:
                break
        return [(h, h.result()) for h in done if h in wanted]

    def close(self, *, wait: bool = True) -> None:
        try:
            self._client.close()
        finally:
            if self._cluster is not None:
                self._cluster.close()


def _make_backend_factory(simulate_batch, workers, dask, dask_timeout) -> Callable[[], object]:
    workers = check_int(workers, "workers", low=1, clause=_WHERE)
    if dask is not None:
        if not isinstance(dask, str) or not dask.strip():
            raise TypeError(
                f"dask must be a scheduler address such as 'tcp://host:8786' or 'local', "
                f"got {dask!r}"
            )
        return lambda: _DaskBackend(dask.strip(), workers, float(dask_timeout))
    if workers == 1:
        return _InlineBackend
    try:
        pickle.dumps(simulate_batch)
    except Exception as exc:
        raise TypeError(
            f"simulate_batch must be picklable for workers > 1 (a module-level function, a "
            f"functools.partial of one, or an instance of a module-level class): {exc}"
        ) from None
    return lambda: _PoolBackend(workers)


class _PointState:
    __slots__ = (
        "started",
        "next_prefix",
        "blocks",
        "errors",
        "bits",
        "bit_errors",
        "tx",
        "first",
        "elapsed",
        "reason",
        "next_submit",
        "inflight",
        "done_blocks",
        "done_errors",
    )

    def __init__(self):
        self.started = False
        self.next_prefix = self.next_submit = self.inflight = 0
        self.blocks = self.errors = self.bits = self.bit_errors = 0
        self.tx = self.first = None
        self.done_blocks = self.done_errors = 0
        self.elapsed = 0.0
        self.reason = ""

    def add(self, counts: BatchCounts, seconds: float, settings: SweepSettings) -> str:
        """Count the next batch of the point's prefix; the stop reason ('' while it runs)."""
        self.tx, self.first = _add_harq(self.tx, self.first, self.blocks, self.errors, counts)
        self.blocks += counts.blocks
        self.errors += counts.block_errors
        self.bits += counts.bits
        self.bit_errors += counts.bit_errors
        self.elapsed += seconds
        return _stop_reason(self.errors, self.blocks, settings)

    def result(self, snr_db: float, stop_reason: str) -> PointResult:
        return PointResult(snr_db, self.blocks, self.errors, self.bits, self.bit_errors,
                           self.elapsed, stop_reason, self.tx, self.first)


def _execute(
    simulate_batch,
    snrs: tuple[float, ...],
    settings: SweepSettings,
    *,
    backend_factory: Callable[[], object] | None,
    observer=None,
    done: dict | None = None,
    on_batch: Callable | None = None,
) -> SweepResult:
    """The scheduler shared by :func:`run_sweep` and the campaign runner.

    ``done`` maps ``(point, batch)`` to ``(BatchCounts, seconds)`` of batches already finished
    (from a results store) and receives the new ones; ``on_batch(point, batch, snr_db, counts,
    seconds)`` is called once per newly finished batch (to commit it).
    """
    done = {} if done is None else done
    sizes = batch_sizes(settings)
    n_batches, n_points = len(sizes), len(snrs)
    states = [_PointState() for _ in snrs]
    for (i, b), (counts, _) in done.items():
        if i < n_points and b < n_batches:
            states[i].done_blocks += counts.blocks
            states[i].done_errors += counts.block_errors
    points: list[PointResult] = []
    frontier = 0
    inflight: dict = {}
    backend = None
    capacity = 1

    def advance() -> str:
        """Grow the frontier point's counted prefix; emit events; '' while it runs."""
        nonlocal frontier
        while frontier < n_points:
            i, s = frontier, states[frontier]
            if not s.started:
                s.started = True
                _notify(observer, "point_started", i, snrs[i], settings)
            while not s.reason and (i, s.next_prefix) in done:
                counts, seconds = done[(i, s.next_prefix)]
                s.next_prefix += 1
                s.reason = s.add(counts, seconds, settings)
                if not s.reason and observer is not None:
                    _notify(observer, "batch_done", i, s.result(snrs[i], "running"), settings)
            if not s.reason:
                return ""
            result = s.result(snrs[i], s.reason)
            points.append(result)
            _notify(observer, "point_done", i, result)
            frontier += 1
            if result.bler < settings.bler_floor and frontier < n_points:
                return "bler-floor"
        return "completed"

    def choose():
        """The next batch worth computing: the frontier point's, then (speculatively) later ones."""
        for j in range(frontier, n_points):
            s = states[j]
            while s.next_submit < n_batches and (
                (j, s.next_submit) in done or (j, s.next_submit) in inflight_keys
            ):
                s.next_submit += 1
            if s.next_submit < n_batches:
                if s.done_blocks == 0:
                    limit = max(1, capacity // 2)
                else:  # batches expected to reach the target errors at the observed BLER
                    rate = max(s.done_errors, 1) / s.done_blocks
                    limit = math.ceil(settings.target_block_errors / rate / settings.batch_size)
                if s.next_submit < limit or (j == frontier and s.inflight == 0):
                    return j, s.next_submit
            if s.done_blocks and s.done_errors / s.done_blocks < settings.bler_floor:
                return None  # the sweep likely stops at point j: no speculation beyond it
        return None

    inflight_keys: set = set()
    stop = ""
    try:
        while True:
            stop = advance()
            if stop:
                break
            if backend is None:
                if backend_factory is None:  # only read what is done (a stored campaign)
                    stop = "incomplete"
                    break
                backend = backend_factory()
                capacity = backend.capacity
            while len(inflight) < capacity:
                task = choose()
                if task is None:
                    break
                i, b = task
                handle = backend.submit(
                    _run_batch, simulate_batch, snrs[i], sizes[b], settings.seed, i, b
                )
                inflight[handle] = task
                inflight_keys.add(task)
                states[i].inflight += 1
            if not inflight:  # pragma: no cover - choose() always feeds the frontier point
                raise RuntimeError("link engine: no batch to run for an unfinished point")
            for handle, (counts, seconds) in backend.wait(list(inflight)):
                i, b = inflight.pop(handle)
                inflight_keys.discard((i, b))
                states[i].inflight -= 1
                _check_counts(counts, sizes[b])
                if (i, b) in done:  # recomputed (a Dask retry): keep the first
                    continue
                if on_batch is not None:
                    on_batch(i, b, snrs[i], counts, seconds)
                done[(i, b)] = (counts, seconds)
                states[i].done_blocks += counts.blocks
                states[i].done_errors += counts.block_errors
    except KeyboardInterrupt:
        stop = "interrupted"
    finally:
        if backend is not None:
            backend.close(wait=stop not in ("interrupted", ""))
    return SweepResult(tuple(points), stop)


def run_sweep(
    simulate_batch: BatchFunction,
    snr_dbs: Sequence[float],
    settings: SweepSettings | None = None,
    *,
    observer: SweepObserver | None = None,
    workers: int = 1,
    dask: str | None = None,
    dask_timeout: float = 10.0,
) -> SweepResult:
    """Link engine: BLER sweep over increasing SNR points (see the module docstring for the rules).

    Parameters
    ----------
    simulate_batch : callable
        ``simulate_batch(snr_db, batch_size, rng) -> BatchCounts``; picklable when
        ``workers > 1`` or ``dask`` is given (a module-level function or class instance, or a
        :func:`functools.partial` of one, such as ``Preset.batch_function()``).
    snr_dbs : sequence of float
        Strictly increasing SNR points.
    settings : SweepSettings, optional
        Stopping rules and seed; defaults to ``SweepSettings()``.
    observer : SweepObserver, optional
        Receives progress events, in sweep order.
    workers : int, default 1
        1 runs the batches in this process, one after another; ``N > 1`` in a local pool of ``N``
        processes (the calling script needs an ``if __name__ == "__main__":`` guard, and a
        function defined in a notebook cannot be sent: put it in a module, or use ``dask``,
        which pickles it by value).
    dask : str, optional
        Run the batches on a ``dask.distributed`` cluster: a scheduler address
        (``"tcp://host:8786"``) or ``"local"`` for a fresh ``LocalCluster`` of
        ``max(2, workers)`` single-threaded worker processes on 127.0.0.1.
    dask_timeout : float, default 10
        Seconds to wait for the scheduler; an unreachable one raises ``ConnectionError``.

    Returns
    -------
    SweepResult
        The finished points, identical for any ``workers`` and ``dask``; ``stop_reason`` says
        why the sweep ended. Ctrl-C is caught and ends the sweep with
        ``stop_reason="interrupted"``.

    Examples
    --------
    >>> def perfect(snr_db, n, rng):
    ...     return BatchCounts(n, 0, 10 * n, 0)
    >>> res = run_sweep(perfect, [0.0, 1.0], SweepSettings(max_blocks=300))
    >>> len(res.points), res.stop_reason, res.points[0].bler_ci[1] < 0.013
    (1, 'bler-floor', True)
    """
    settings = SweepSettings() if settings is None else settings
    _check_settings(settings)
    snrs = _check_snrs(snr_dbs)
    factory = _make_backend_factory(simulate_batch, workers, dask, dask_timeout)
    return _execute(simulate_batch, snrs, settings, backend_factory=factory, observer=observer)
