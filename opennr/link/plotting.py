"""Link-level simulation plots (no 3GPP clause): BLER and throughput versus SNR, as PNG files.

One campaign (:func:`plot_sweep`) or several overlaid for comparison (:func:`plot_campaigns`):
top panel the BLER on a log scale with its 95 % confidence interval as error bars (points without
any block error drawn at their upper bound as downward triangles), bottom panel the throughput,
in Mbit/s when every curve is slot-based (``slot_duration`` known) and in information bits per
block otherwise. :func:`render_png` returns the PNG bytes (for an HTML report).

Uses Matplotlib's non-interactive ``Agg`` backend through an explicit ``Figure`` (no pyplot
state, no display needed).

Examples
--------
>>> import tempfile, pathlib
>>> from opennr.link.engine import PointResult
>>> pts = [PointResult(0.0, 1000, 500, 8000, 900), PointResult(1.0, 1000, 20, 8000, 30)]
>>> out = pathlib.Path(tempfile.mkdtemp()) / "bler.png"
>>> plot_sweep(pts, out, title="demo").read_bytes()[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
True
>>> two = [Curve("a", pts), Curve("b", pts[:1])]
>>> plot_campaigns(two, out.with_name("both.png")).stat().st_size > 1000
True
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from opennr.link.engine import PointResult

__all__ = ["Curve", "plot_campaigns", "plot_sweep", "render_png"]


@dataclass(frozen=True)
class Curve:
    """Link simulation plot: one campaign's points with its legend label.

    Attributes
    ----------
    label : str
        Legend entry.
    points : sequence of PointResult
        The campaign's points in SNR order.
    slot_duration : float or None, default None
        Seconds per block for slot-based presets: the throughput is then drawn in Mbit/s.

    Examples
    --------
    >>> Curve("ldpc", [PointResult(1.0, 10, 1, 100, 2)]).label
    'ldpc'
    """

    label: str
    points: Sequence[PointResult]
    slot_duration: float | None = None

    def __post_init__(self):
        if not isinstance(self.label, str):
            raise TypeError(f"label must be a str, got {type(self.label).__name__}")
        pts = tuple(self.points)
        for p in pts:
            if not isinstance(p, PointResult):
                raise TypeError(f"points must hold PointResult objects, got {type(p).__name__}")
        object.__setattr__(self, "points", pts)
        d = self.slot_duration
        if d is not None and (isinstance(d, bool) or not isinstance(d, int | float) or d <= 0):
            raise ValueError(f"slot_duration must be a positive number of seconds, got {d!r}")


def _instances(items, cls: type, name: str) -> list:
    """``items`` (one ``cls`` object or an iterable of them) as a list; TypeError otherwise."""
    if isinstance(items, cls):
        return [items]
    out = list(items)
    for item in out:
        if not isinstance(item, cls):
            raise TypeError(f"{name} must hold {cls.__name__} objects, got {type(item).__name__}")
    return out


def _curves(curves) -> list[Curve]:
    return _instances(curves, Curve, "curves")


def _figure(curves: list[Curve], *, title: str, snr_label: str):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.0, 7.0), layout="constrained")
    FigureCanvasAgg(fig)
    ax_bler, ax_tp = fig.subplots(2, 1, sharex=True, height_ratios=(2, 1))
    in_bps = bool(curves) and all(c.slot_duration is not None for c in curves)
    several = len(curves) > 1
    lows = [1e-1]
    for i, curve in enumerate(curves):
        color = f"C{i % 10}"
        pts = curve.points
        snr = np.array([p.snr_db for p in pts], dtype=float)
        bler = np.array([p.bler for p in pts], dtype=float)
        ci = np.array([p.bler_ci for p in pts], dtype=float).reshape(-1, 2)
        lows += [v for v in ci[:, 0] if v > 0] + [v for v in ci[:, 1] if v > 0]
        measured = bler > 0
        name = curve.label if several else "BLER (95 % CI)"
        if measured.any():
            yerr = np.vstack([bler - ci[:, 0], ci[:, 1] - bler])[:, measured]
            ax_bler.errorbar(snr[measured], bler[measured], yerr=yerr, fmt="o-", capsize=3,
                             color=color, label=name)
        if (~measured).any():
            ax_bler.plot(snr[~measured], ci[~measured, 1], "v", color=color if several else
                         "tab:gray", alpha=0.7,
                         label=None if several else "no block error (95 % upper bound)")
        if len(pts):
            tput = np.array([p.throughput for p in pts], dtype=float)
            # with HARQ statistics the delivered TBs are shared by the slots used (transmissions)
            share = np.array([p.blocks / p.transmissions if getattr(p, "transmissions", None)
                              else 1.0 for p in pts])
            if in_bps:
                tput = tput / curve.slot_duration / 1e6
                # the BLER interval carries over: throughput = (1 - BLER) TBS / T_slot
                tbs = share * np.array([p.bits / p.blocks if p.blocks else np.nan for p in pts])
                hi = (1.0 - ci[:, 0]) * tbs / curve.slot_duration / 1e6
                lo = (1.0 - ci[:, 1]) * tbs / curve.slot_duration / 1e6
            else:
                tbs = share * np.array([p.bits / p.blocks if p.blocks else np.nan for p in pts])
                hi, lo = (1.0 - ci[:, 0]) * tbs, (1.0 - ci[:, 1]) * tbs
            ax_tp.errorbar(snr, tput, yerr=np.vstack([tput - lo, hi - tput]), fmt="s-",
                           capsize=2, color=color if several else "tab:green",
                           label=curve.label if several else None)
    ax_bler.set_yscale("log")
    low = min(lows)
    ax_bler.set_ylim(10 ** math.floor(math.log10(low)), 1.5)
    ax_bler.set_ylabel("BLER")
    ax_bler.grid(True, which="both", alpha=0.3)
    if any(len(c.points) for c in curves):
        ax_bler.legend(loc="lower left")
    ax_tp.set_ylabel("throughput\n[Mbit/s]" if in_bps else "throughput\n[info bits / block]")
    ax_tp.set_xlabel(snr_label)
    ax_tp.set_ylim(bottom=0)
    ax_tp.grid(True, alpha=0.3)
    if title:
        fig.suptitle(title)
    return fig


def plot_campaigns(
    curves,
    path: str | Path,
    *,
    title: str = "",
    snr_label: str = "SNR [dB]",
    dpi: int = 120,
) -> Path:
    """Link simulation plot: several campaigns overlaid, BLER (log, 95 % bars) and throughput.

    Parameters
    ----------
    curves : Curve or sequence of Curve
        One entry per campaign (may be empty: the axes are drawn without data).
    path : str or pathlib.Path
        Output file; the format follows the suffix (``.png`` normally). Parent folders are made.
    title : str, optional
        Figure title.
    snr_label : str, default "SNR [dB]"
        Label of the SNR axis.
    dpi : int, default 120
        Resolution.

    Returns
    -------
    pathlib.Path
        ``path``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "cmp.png"
    >>> a = Curve("MCS 10", [PointResult(3.0, 100, 50, 460800, 900)], slot_duration=0.5e-3)
    >>> plot_campaigns([a], out).exists()
    True
    """
    path = Path(path)
    fig = _figure(_curves(curves), title=title, snr_label=snr_label)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi)
    return path


def render_png(curves, *, title: str = "", snr_label: str = "SNR [dB]", dpi: int = 100) -> bytes:
    """Link simulation plot: the figure of :func:`plot_campaigns` as PNG bytes.

    Examples
    --------
    >>> render_png([])[:4]
    b'\\x89PNG'
    """
    fig = _figure(_curves(curves), title=title, snr_label=snr_label)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def plot_sweep(
    points: Sequence[PointResult],
    path: str | Path,
    *,
    title: str = "",
    snr_label: str = "Eb/N0 [dB]",
    dpi: int = 120,
    slot_duration: float | None = None,
) -> Path:
    """Link simulation plot: BLER (log scale, Wilson 95 % bars) and throughput versus SNR.

    Two panels sharing the SNR axis: top, the BLER with its confidence interval as error bars
    (points with no block error are drawn at their upper bound as downward triangles); bottom, the
    throughput ``(1 - BLER) * TBS`` in information bits per block (or in Mbit/s given
    ``slot_duration``), with the BLER interval carried over.

    Parameters
    ----------
    points : sequence of PointResult
        The sweep's points (may be empty: the axes are drawn without data).
    path : str or pathlib.Path
        Output file; the format follows the suffix (``.png`` normally).
    title : str, optional
        Figure title.
    snr_label : str, default "Eb/N0 [dB]"
        Label of the SNR axis.
    dpi : int, default 120
        Resolution.
    slot_duration : float, optional
        Seconds per block (slot-based presets): throughput in Mbit/s.

    Returns
    -------
    pathlib.Path
        ``path``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "empty.png"
    >>> plot_sweep([], out).exists()
    True
    """
    curve = Curve(title or "BLER", points, slot_duration=slot_duration)
    return plot_campaigns([curve], path, title=title, snr_label=snr_label, dpi=dpi)
