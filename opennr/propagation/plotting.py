"""TR 38.901 V17 §7.7: pictures of a channel's power-delay profile and Doppler spectrum.

Both functions take any channel object with the shared TDL/CDL interface (``path_delays``,
``path_gains(times)``; optionally ``path_powers`` and ``max_doppler`` / ``max_doppler_shift``)
and draw on a matplotlib Agg canvas (no display needed). They return the figure and, if ``path``
is given, write it (PNG by extension).
"""

from __future__ import annotations

import numpy as np

from opennr._validation import check_int

__all__ = ["doppler_spectrum", "plot_doppler_spectrum", "plot_power_delay_profile"]


def _figure(dpi: int):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.4, 4.0), dpi=dpi)
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot(1, 1, 1)


def _max_doppler(channel) -> float | None:
    for name in ("max_doppler", "max_doppler_shift"):
        value = getattr(channel, name, None)
        if value is not None:
            return float(value)
    return None


def _check_channel(channel) -> None:
    if not (hasattr(channel, "path_delays") and callable(getattr(channel, "path_gains", None))):
        raise TypeError("channel must have path_delays and path_gains(times) (TdlChannel, "
                        f"CdlChannel), got {type(channel).__name__}")


def plot_power_delay_profile(channel, path=None, *, num_times: int = 16, spacing: float = 0.05,
                             title: str | None = None, dpi: int = 100):
    """TR 38.901 §7.7.2: mean power of every path against its delay (dB, stems).

    The measured powers average ``|a_p|^2`` over the batch, every link and ``num_times``
    instants ``spacing`` seconds apart; a channel with ``path_powers`` (TDL) also shows the
    table's values as crosses.

    Parameters
    ----------
    channel : TdlChannel or CdlChannel
    path : str or pathlib.Path, optional
    num_times : int, default 16
    spacing : float, default 0.05
        Seconds between the instants averaged.
    title : str, optional
    dpi : int, default 100

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from opennr.propagation.tdl import TdlChannel
    >>> fig = plot_power_delay_profile(TdlChannel("TDL-C", delay_spread=300e-9, seed=1))
    >>> fig.axes[0].get_xlabel()
    'delay (ns)'
    """
    _check_channel(channel)
    n = check_int(num_times, "num_times", low=1)
    delays = np.asarray(channel.path_delays, dtype=np.float64)
    g = np.asarray(channel.path_gains(np.arange(n) * float(spacing)))
    measured = np.mean(np.abs(g.astype(np.complex128)) ** 2, axis=tuple(range(g.ndim - 2)) + (-1,))
    fig, ax = _figure(dpi)
    floor = 10 * np.log10(max(float(measured.max()), 1e-30)) - 40
    m_db = 10 * np.log10(np.maximum(measured, 1e-30))
    ax.vlines(delays * 1e9, floor, m_db, colors="C0")
    ax.plot(delays * 1e9, m_db, "o", color="C0", label="measured (mean |a|^2)")
    table = getattr(channel, "path_powers", None)
    if table is not None:
        ax.plot(delays * 1e9, 10 * np.log10(np.asarray(table)), "x", color="C3", label="table")
    ax.set_xlabel("delay (ns)")
    ax.set_ylabel("power (dB)")
    ax.set_ylim(bottom=floor)
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper right")
    profile = getattr(channel, "profile", "")
    name = getattr(profile, "name", profile)
    ax.set_title(title or f"power-delay profile {name}".rstrip())
    if path is not None:
        fig.savefig(path)
    return fig


def doppler_spectrum(channel, *, path_index: int = 0, sample_rate: float | None = None,
                     num_samples: int = 8192, nperseg: int = 1024):
    """TR 38.901 §7.7.2: Welch estimate of a path's Doppler power spectrum, ``(f [F], S [F])``.

    The gains of path ``path_index`` (every batch entry and link) are sampled at
    ``sample_rate`` (default ``8 f_D``) for ``num_samples`` instants; the two-sided spectrum is
    normalised to unit area.

    Examples
    --------
    >>> from opennr.propagation.tdl import TdlChannel
    >>> f, s = doppler_spectrum(TdlChannel("TDLA30", max_doppler=100.0, seed=2))
    >>> bool(np.all(np.abs(f[s > 0.01 * s.max()]) < 110))    # energy within |f| <= f_D
    True
    """
    from scipy.signal import welch

    _check_channel(channel)
    fd = _max_doppler(channel)
    if sample_rate is None:
        if not fd:
            raise ValueError("sample_rate is required when the channel has no (non-zero) "
                             "maximum Doppler shift")
        sample_rate = 8.0 * fd
    fs = float(sample_rate)
    if not np.isfinite(fs) or fs <= 0:
        raise ValueError(f"sample_rate must be a positive number of Hz, got {sample_rate!r}")
    n = check_int(num_samples, "num_samples", low=16)
    p = check_int(path_index, "path_index", low=0, high=len(channel.path_delays) - 1)
    g = np.asarray(channel.path_gains(np.arange(n) / fs))[..., p, :]
    g = g.reshape(-1, n).astype(np.complex128)
    f, s = welch(g, fs=fs, nperseg=min(int(nperseg), n), return_onesided=False, axis=-1,
                 detrend=False)
    s = s.mean(axis=0)
    order = np.argsort(f)
    f, s = f[order], s[order]
    s = s / (np.sum(s) * (f[1] - f[0]))
    return f, s


def plot_doppler_spectrum(channel, path=None, *, path_index: int = 0,
                          sample_rate: float | None = None, num_samples: int = 8192,
                          title: str | None = None, dpi: int = 100):
    """TR 38.901 §7.7.2: Doppler spectrum of one path with the Jakes (Clarke) reference.

    Draws :func:`doppler_spectrum` in dB and, when the channel has a maximum Doppler ``f_D``,
    the classical spectrum ``1 / (pi f_D sqrt(1 - (f / f_D)^2))`` for ``|f| < f_D``.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from opennr.propagation.tdl import TdlChannel
    >>> fig = plot_doppler_spectrum(TdlChannel("TDLA30", max_doppler=50.0, seed=3))
    >>> fig.axes[0].get_xlabel()
    'Doppler frequency (Hz)'
    """
    f, s = doppler_spectrum(channel, path_index=path_index, sample_rate=sample_rate,
                            num_samples=num_samples)
    fig, ax = _figure(dpi)
    ax.plot(f, 10 * np.log10(np.maximum(s, 1e-30)), color="C0", label="measured (Welch)")
    fd = _max_doppler(channel)
    if fd:
        ff = np.linspace(-0.999 * fd, 0.999 * fd, 801)
        jakes = 1.0 / (np.pi * fd * np.sqrt(1.0 - (ff / fd) ** 2))
        ax.plot(ff, 10 * np.log10(jakes), "--", color="C3", label="Jakes")
    top = 10 * np.log10(max(float(s.max()), 1e-30))
    ax.set_ylim(top - 50, top + 5)
    ax.set_xlabel("Doppler frequency (Hz)")
    ax.set_ylabel("power spectral density (dB/Hz)")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper right")
    ax.set_title(title or f"Doppler spectrum, path {path_index}")
    if path is not None:
        fig.savefig(path)
    return fig
