"""Link-level simulation plots (no 3GPP clause): BLER and throughput versus SNR, as a PNG file.

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
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from opennr.link.engine import PointResult

__all__ = ["plot_sweep"]


def plot_sweep(
    points: Sequence[PointResult],
    path: str | Path,
    *,
    title: str = "",
    snr_label: str = "Eb/N0 [dB]",
    dpi: int = 120,
) -> Path:
    """Link simulation plot: BLER (log scale, Wilson 95 % bars) and throughput versus SNR.

    Two panels sharing the SNR axis: top, the BLER with its confidence interval as error bars
    (points with no block error are drawn at their upper bound as downward triangles); bottom, the
    throughput ``(1 - BLER) * TBS`` in information bits per block.

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
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    path = Path(path)
    points = list(points)
    for p in points:
        if not isinstance(p, PointResult):
            raise TypeError(f"points must hold PointResult objects, got {type(p).__name__}")

    fig = Figure(figsize=(7.0, 7.0), layout="constrained")
    FigureCanvasAgg(fig)
    ax_bler, ax_tp = fig.subplots(2, 1, sharex=True, height_ratios=(2, 1))

    snr = np.array([p.snr_db for p in points], dtype=float)
    bler = np.array([p.bler for p in points], dtype=float)
    ci = np.array([p.bler_ci for p in points], dtype=float).reshape(-1, 2)
    measured = bler > 0
    if measured.any():
        yerr = np.vstack([bler - ci[:, 0], ci[:, 1] - bler])[:, measured]
        ax_bler.errorbar(
            snr[measured],
            bler[measured],
            yerr=yerr,
            fmt="o-",
            capsize=3,
            label="BLER (Wilson 95 % CI)",
        )
    if (~measured).any():
        ax_bler.plot(
            snr[~measured],
            ci[~measured, 1],
            "v",
            color="tab:gray",
            label="no block error (95 % upper bound)",
        )
    ax_bler.set_yscale("log")
    low = min([v for v in ci[:, 0] if v > 0] + [c for c in ci[:, 1] if c > 0] + [1e-1])
    ax_bler.set_ylim(10 ** math.floor(math.log10(low)), 1.5)
    ax_bler.set_ylabel("BLER")
    ax_bler.grid(True, which="both", alpha=0.3)
    if points:
        ax_bler.legend(loc="lower left")

    tput = np.array([p.throughput for p in points], dtype=float)
    ax_tp.plot(snr, tput, "s-", color="tab:green")
    ax_tp.set_ylabel("throughput\n[info bits / block]")
    ax_tp.set_xlabel(snr_label)
    ax_tp.set_ylim(bottom=0)
    ax_tp.grid(True, alpha=0.3)
    if title:
        fig.suptitle(title)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi)
    return path
