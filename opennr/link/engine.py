"""Link-level simulation engine (no 3GPP clause): Monte-Carlo BLER sweep over SNR points.

The engine knows nothing about the physical layer. A *batch function*
``simulate_batch(snr_db, batch_size, rng) -> BatchCounts`` simulates ``batch_size`` independent
blocks at one SNR and counts errors; :func:`run_sweep` calls it, point after point:

* at each SNR point, batches run until ``target_block_errors`` block errors are counted or
  ``max_blocks`` blocks are simulated, whichever comes first;
* the sweep stops after the first point whose BLER is below ``bler_floor`` (points are expected in
  increasing SNR order, so further points would cost ``max_blocks`` each and show no error);
* point ``i`` draws all its randomness from ``numpy.random.default_rng(SeedSequence(seed,
  spawn_key=(i,)))`` (the ``i``-th child of ``SeedSequence(seed)``): a seeded run is reproducible
  and each point's result does not depend on the other points;
* ``KeyboardInterrupt`` (Ctrl-C) ends the sweep cleanly: the points finished so far are returned
  with ``interrupted=True``.

Results per point: :class:`PointResult` (``bler`` with its Wilson 95 % interval, ``ber``,
``throughput``). A later campaign tool (results store, resume, distributed batches) reuses
:func:`run_point` unchanged.

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
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
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
    "point_rng",
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
        Blocks received in error (decoded bits differ from the sent ones, or the CRC failed).
    bits : int
        Information bits sent (``blocks * TBS``).
    bit_errors : int
        Information bits received in error.

    Examples
    --------
    >>> BatchCounts(10, 1, 80, 3) + BatchCounts(5, 0, 40, 0)
    BatchCounts(blocks=15, block_errors=1, bits=120, bit_errors=3)
    """

    blocks: int
    block_errors: int
    bits: int
    bit_errors: int

    def __post_init__(self):
        for name in ("blocks", "block_errors", "bits", "bit_errors"):
            check_int(getattr(self, name), name, low=0, clause=_WHERE)
        if self.block_errors > self.blocks:
            raise ValueError(
                f"block_errors ({self.block_errors}) must not exceed blocks ({self.blocks})"
            )
        if self.bit_errors > self.bits:
            raise ValueError(f"bit_errors ({self.bit_errors}) must not exceed bits ({self.bits})")

    def __add__(self, other: BatchCounts) -> BatchCounts:
        return BatchCounts(
            self.blocks + other.blocks,
            self.block_errors + other.block_errors,
            self.bits + other.bits,
            self.bit_errors + other.bit_errors,
        )


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
        Accumulated counts, see :class:`BatchCounts`.
    elapsed : float
        Wall-clock seconds spent on the point.
    stop_reason : str
        ``"target-errors"`` or ``"max-blocks"``.

    Examples
    --------
    >>> p = PointResult(1.0, blocks=200, block_errors=50, bits=200 * 100, bit_errors=700)
    >>> p.bler, p.ber, p.throughput
    (0.25, 0.035, 75.0)
    >>> [round(v, 4) for v in p.bler_ci]
    [0.1951, 0.3143]
    """

    snr_db: float
    blocks: int
    block_errors: int
    bits: int
    bit_errors: int
    elapsed: float = 0.0
    stop_reason: str = "max-blocks"

    @property
    def bler(self) -> float:
        """Block error rate ``block_errors / blocks`` (NaN when no block ran)."""
        return self.block_errors / self.blocks if self.blocks else math.nan

    @property
    def bler_ci(self) -> tuple[float, float]:
        """Wilson 95 % confidence interval ``(low, high)`` of the BLER."""
        return wilson_interval(self.block_errors, self.blocks)

    @property
    def ber(self) -> float:
        """Bit error rate of the information bits ``bit_errors / bits``."""
        return self.bit_errors / self.bits if self.bits else math.nan

    @property
    def throughput(self) -> float:
        """Information bits delivered per block: ``(1 - BLER) * TBS``.

        A block counts only when it is received without error, so this is the number of
        transport-block bits delivered per block time (per slot for one TB per slot).
        """
        if not self.blocks:
            return math.nan
        return (1.0 - self.bler) * (self.bits / self.blocks)

    def to_dict(self) -> dict:
        """A JSON-ready dict: the fields plus ``bler``, ``bler_ci``, ``ber`` and ``throughput``."""
        d = asdict(self)
        d.update(
            bler=self.bler, bler_ci=list(self.bler_ci), ber=self.ber, throughput=self.throughput
        )
        return d


@dataclass(frozen=True)
class SweepResult:
    """Link engine: the points of a sweep and why it ended.

    Attributes
    ----------
    points : tuple of PointResult
        The finished points in sweep order.
    stop_reason : str
        ``"completed"`` (all points ran), ``"bler-floor"`` (a point fell below the floor) or
        ``"interrupted"`` (Ctrl-C; the unfinished point is dropped).

    Examples
    --------
    >>> SweepResult((), "completed").interrupted
    False
    """

    points: tuple[PointResult, ...] = field(default_factory=tuple)
    stop_reason: str = "completed"

    @property
    def interrupted(self) -> bool:
        """True when the sweep was cut short by Ctrl-C."""
        return self.stop_reason == "interrupted"

    def to_dicts(self) -> list[dict]:
        """One :meth:`PointResult.to_dict` per point."""
        return [p.to_dict() for p in self.points]


class SweepObserver(Protocol):
    """Link engine: receives progress events (a progress bar, a logger). All methods optional."""

    def point_started(self, index: int, snr_db: float, settings: SweepSettings) -> None: ...

    def batch_done(self, index: int, partial: PointResult, settings: SweepSettings) -> None: ...

    def point_done(self, index: int, result: PointResult) -> None: ...


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
    k = check_int(errors, "errors", low=0, clause=_WHERE)
    n = check_int(trials, "trials", low=0, clause=_WHERE)
    if k > n:
        raise ValueError(f"errors ({k}) must not exceed trials ({n})")
    if not 0.0 < float(confidence) < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence!r}")
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


def _notify(observer, method: str, *args) -> None:
    if observer is not None and hasattr(observer, method):
        getattr(observer, method)(*args)


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

    Parameters
    ----------
    simulate_batch : callable
        ``simulate_batch(snr_db, batch_size, rng) -> BatchCounts``.
    snr_db : float
        The SNR of the point.
    settings : SweepSettings
        Stopping rules (``target_block_errors``, ``max_blocks``, ``batch_size``).
    rng : numpy.random.Generator
        The point's generator, passed to every batch.
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
    if not isinstance(settings, SweepSettings):
        raise TypeError(f"settings must be a SweepSettings, got {type(settings).__name__}")
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    snr_db = float(snr_db)
    _notify(observer, "point_started", index, snr_db, settings)
    total = BatchCounts(0, 0, 0, 0)
    start = time.perf_counter()
    while True:
        n = min(settings.batch_size, settings.max_blocks - total.blocks)
        counts = simulate_batch(snr_db, n, rng)
        if not isinstance(counts, BatchCounts):
            raise TypeError(f"simulate_batch must return BatchCounts, got {type(counts).__name__}")
        if counts.blocks != n:
            raise ValueError(
                f"simulate_batch was asked for {n} blocks but reported {counts.blocks}"
            )
        total = total + counts
        if total.block_errors >= settings.target_block_errors:
            reason = "target-errors"
        elif total.blocks >= settings.max_blocks:
            reason = "max-blocks"
        else:
            reason = ""
        partial = PointResult(
            snr_db,
            total.blocks,
            total.block_errors,
            total.bits,
            total.bit_errors,
            elapsed=time.perf_counter() - start,
            stop_reason=reason or "running",
        )
        if reason:
            _notify(observer, "point_done", index, partial)
            return partial
        _notify(observer, "batch_done", index, partial, settings)


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


def run_sweep(
    simulate_batch: BatchFunction,
    snr_dbs: Sequence[float],
    settings: SweepSettings | None = None,
    *,
    observer: SweepObserver | None = None,
) -> SweepResult:
    """Link engine: BLER sweep over increasing SNR points (see the module docstring for the rules).

    Parameters
    ----------
    simulate_batch : callable
        ``simulate_batch(snr_db, batch_size, rng) -> BatchCounts``.
    snr_dbs : sequence of float
        Strictly increasing SNR points.
    settings : SweepSettings, optional
        Stopping rules and seed; defaults to ``SweepSettings()``.
    observer : SweepObserver, optional
        Receives progress events.

    Returns
    -------
    SweepResult
        The finished points; ``stop_reason`` says why the sweep ended. Ctrl-C is caught and
        ends the sweep with ``stop_reason="interrupted"``.

    Examples
    --------
    >>> def perfect(snr_db, n, rng):
    ...     return BatchCounts(n, 0, 10 * n, 0)
    >>> res = run_sweep(perfect, [0.0, 1.0], SweepSettings(max_blocks=300))
    >>> len(res.points), res.stop_reason, res.points[0].bler_ci[1] < 0.013
    (1, 'bler-floor', True)
    """
    settings = SweepSettings() if settings is None else settings
    if not isinstance(settings, SweepSettings):
        raise TypeError(f"settings must be a SweepSettings, got {type(settings).__name__}")
    snrs = _check_snrs(snr_dbs)
    points: list[PointResult] = []
    try:
        for i, snr in enumerate(snrs):
            rng = point_rng(settings.seed, i)
            point = run_point(simulate_batch, snr, settings, rng, index=i, observer=observer)
            points.append(point)
            if point.bler < settings.bler_floor and i + 1 < len(snrs):
                return SweepResult(tuple(points), "bler-floor")
    except KeyboardInterrupt:
        return SweepResult(tuple(points), "interrupted")
    return SweepResult(tuple(points), "completed")
