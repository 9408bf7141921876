"""TS 38.211 V17 §4.4.4: pictures of a resource grid (matplotlib, Agg canvas, no display needed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from opennr._validation import check_int

__all__ = ["plot_resource_grid"]


def plot_resource_grid(
    grid,
    path=None,
    *,
    port: int = 0,
    title: str | None = None,
    db: bool = False,
    subcarrier_spacing: float | None = None,
    dpi: int = 100,
):
    """TS 38.211 §4.4.4: draw ``|grid|`` of one port as an image (subcarriers up, symbols across).

    Parameters
    ----------
    grid : array_like, complex, shape [K, L] or [ports, K, L]
        Resource grid of one slot or more (leading batch axes are not accepted here).
    path : str or pathlib.Path, optional
        Where to write the figure (PNG by extension); if omitted, nothing is written.
    port : int, default 0
        Port to draw from a ``[ports, K, L]`` grid.
    title : str, optional
    db : bool, default False
        Show ``20 log10 |a|`` (empty REs clipped to 60 dB below the peak) instead of ``|a|``.
    subcarrier_spacing : float, optional
        In kHz; if given, the y axis also shows resource block numbers.
    dpi : int, default 100

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import tempfile, pathlib
    >>> g = np.zeros((2, 48, 14), np.complex64); g[1, ::2, 2] = 1
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "grid.png"
    >>> fig = plot_resource_grid(g, out, port=1, title="DM-RS")
    >>> out.exists()
    True
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    arr = np.asarray(grid)
    if not np.issubdtype(arr.dtype, np.number) or arr.dtype == bool:
        raise TypeError(f"grid must be a numeric array, got dtype {arr.dtype}")
    if arr.ndim == 2:
        arr = arr[None]
    if arr.ndim != 3 or arr.shape[-2] < 1 or arr.shape[-1] < 1:
        raise ValueError(
            f"grid must have shape [K, L] or [ports, K, L], got {np.shape(grid)} "
            "(TS 38.211 §4.4.4)"
        )
    port = check_int(port, "port", low=0, high=arr.shape[0] - 1, clause="TS 38.211 §4.4.4")
    mag = np.abs(arr[port]).astype(np.float64)
    label = r"$|a_{k,l}|$"
    if db:
        peak = mag.max() if mag.size and mag.max() > 0 else 1.0
        mag = 20 * np.log10(np.maximum(mag, peak * 1e-3))
        label = r"$20 \log_{10} |a_{k,l}|$ [dB]"

    fig = Figure(figsize=(7.0, 5.0), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    k, n_sym = mag.shape
    im = ax.imshow(mag, origin="lower", aspect="auto", interpolation="nearest",
                   extent=(-0.5, n_sym - 0.5, -0.5, k - 0.5), cmap="viridis")
    fig.colorbar(im, ax=ax, label=label)
    ax.set_xlabel("OFDM symbol l")
    ax.set_ylabel("subcarrier k")
    if subcarrier_spacing is not None:
        sec = ax.secondary_yaxis("right", functions=(lambda y: y / 12.0, lambda r: r * 12.0))
        sec.set_ylabel(f"resource block ({subcarrier_spacing:g} kHz)")
    ax.set_title(title if title else f"resource grid, port {port}")
    if path is not None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=check_int(dpi, "dpi", low=10))
    return fig
