"""MATLAB 5G Toolbox compatible practical timing estimation: ``nrTimingEstimate`` (TS 38.211 §5.3.1).

The reference waveform is the OFDM modulation (:func:`opennr.matlab.ofdm.nrOFDMModulate`, hence
:func:`opennr.ofdm.ofdm_modulate`) of a reference resource grid, port by port; the received
waveform of each antenna is cross-correlated with it, circularly, through FFTs of the longer of
the two lengths; ``mag`` is the correlation magnitude summed over the reference ports, and
``offset`` the 0-based sample of the peak of ``mag`` summed over the receive antennas: the
number of samples from the start of ``waveform`` to the start of the reference (the first
symbol of slot ``initialNSlot`` / ``carrier.NSlot``), as in MATLAB.

Differences from MATLAB that a user may meet: the sample-rate restrictions of
:mod:`opennr.matlab.ofdm` (no resampling); the default ``Windowing`` of the reference waveform
is that of :func:`~opennr.matlab.ofdm.nrOFDMModulate` (it barely changes a correlation peak).
"""

from __future__ import annotations

import numpy as np
import scipy.fft as sfft

from opennr.matlab.coding import _int_arg
from opennr.matlab.ofdm import _native_carrier, nrCarrierConfig, nrOFDMModulate

__all__ = ["nrTimingEstimate"]

_CLAUSE = "TS 38.211 §5.3.1"


def _waveform_arg(waveform) -> tuple[np.ndarray, bool]:
    w = np.asarray(waveform)
    if not (np.issubdtype(w.dtype, np.complexfloating) or np.issubdtype(w.dtype, np.floating)
            or np.issubdtype(w.dtype, np.integer)) or w.dtype == bool:
        raise TypeError(f"waveform must be a numeric T-by-NR array, got dtype {w.dtype}")
    if w.ndim == 1:
        return w[:, None], True
    if w.ndim != 2:
        raise ValueError(f"waveform must be a T-by-NR matrix (or a T-vector), got shape {w.shape}")
    if w.size and not np.isfinite(w).all():
        raise ValueError("waveform contains NaN or infinite samples")
    return w, False


def _grid_from_indices(refInd, refSym, k: int, symbols_per_slot: int) -> np.ndarray:
    ind = np.asarray(refInd)
    sym = np.asarray(refSym)
    if ind.size != sym.size:
        raise ValueError(f"refInd and refSym must have the same number of elements, got "
                         f"{ind.size} and {sym.size}")
    if ind.size == 0:
        return np.zeros((k, symbols_per_slot, 1), dtype=np.complex64)
    if not np.issubdtype(ind.dtype, np.number) or np.any(ind != np.round(ind)) or ind.min() < 1:
        raise ValueError("refInd must hold 1-based linear indices (positive integers) into a "
                         "K-by-L-by-P grid")
    ind = ind.astype(np.int64).ravel(order="F") - 1
    per_port = k * symbols_per_slot
    ports = int(ind.max() // per_port) + 1
    grid = np.zeros(k * symbols_per_slot * ports, dtype=np.complex64)
    grid[ind] = sym.ravel(order="F")
    return grid.reshape((k, symbols_per_slot, ports), order="F")


def nrTimingEstimate(*args, SampleRate=None, Nfft=None, CarrierFrequency=0, CyclicPrefix=None):
    """TS 38.211 §5.3.1: practical timing estimation by correlation with an OFDM reference, MATLAB ``nrTimingEstimate``.

    MATLAB syntax: ``[offset,mag] = nrTimingEstimate(carrier,waveform,refGrid)``,
    ``[offset,mag] = nrTimingEstimate(carrier,waveform,refInd,refSym)``,
    ``[offset,mag] = nrTimingEstimate(waveform,nrb,scs,initialNSlot,refGrid)``,
    ``[offset,mag] = nrTimingEstimate(waveform,nrb,scs,initialNSlot,refInd,refSym)``,
    ``(___,Name,Value)`` with ``SampleRate``, ``Nfft``, ``CarrierFrequency`` and
    ``CyclicPrefix`` (the ``nrb`` syntaxes).

    Parameters
    ----------
    carrier : nrCarrierConfig
        Numerology, bandwidth and ``NSlot`` (the slot the reference starts in).
    waveform : array, T-by-NR (or a T-vector)
        Received samples, one column per receive antenna.
    refGrid : array, K-by-L-by-P (or K-by-L)
        Reference resource grid, ``K = 12 NSizeGrid``, starting at the first symbol of the slot.
    refInd, refSym : arrays
        1-based linear (column-major) indices into a one-slot K-by-L-by-P grid, and the symbols
        placed there (instead of ``refGrid``).
    nrb, scs, initialNSlot : int
        Resource blocks, subcarrier spacing in kHz and first slot (instead of ``carrier``).

    Returns
    -------
    offset : int
        0-based sample of ``waveform`` where the reference starts (the correlation peak summed
        over receive antennas).
    mag : numpy.ndarray of float32, max(T, T_ref)-by-NR (a vector for a T-vector waveform)
        Correlation magnitude for each receive antenna, summed over the reference ports.

    Notes
    -----
    Native: :func:`opennr.ofdm.ofdm_modulate` for the reference; the cell searcher
    :func:`opennr.receiver.cell_search.cell_search` does its own PSS correlation.

    Examples
    --------
    >>> import numpy as np
    >>> carrier = nrCarrierConfig(NSizeGrid=11)
    >>> grid = np.zeros((132, 14), complex)
    >>> grid[::3, 2] = 1 - 2 * (np.arange(44) % 2)
    >>> ref = nrOFDMModulate(carrier, grid)[0]
    >>> rx = np.concatenate([np.zeros(37), ref, np.zeros(100)])
    >>> offset, mag = nrTimingEstimate(carrier, rx, grid)
    >>> offset, mag.shape
    (37, (3977,))
    """
    opts = {"SampleRate": SampleRate, "Nfft": Nfft, "CarrierFrequency": CarrierFrequency}
    if args and isinstance(args[0], nrCarrierConfig):
        if CyclicPrefix is not None:
            raise TypeError("CyclicPrefix is an option of the (waveform,nrb,scs,initialNSlot,...) "
                            "syntaxes only; set carrier.CyclicPrefix instead")
        if len(args) not in (3, 4):
            raise TypeError("nrTimingEstimate expects (carrier, waveform, refGrid) or "
                            "(carrier, waveform, refInd, refSym)")
        carrier_ml, waveform, ref = args[0], args[1], args[2:]
        carrier = _native_carrier(carrier_ml)
    elif len(args) in (5, 6):
        waveform, nrb, scs, slot, *ref = args
        nrb = _int_arg(nrb, "nrb", low=1, high=275, clause="TS 38.211 §4.4.2")
        scs = _int_arg(scs, "scs", clause="TS 38.211 Table 4.2-1")
        slot = _int_arg(slot, "initialNSlot", low=0, clause="TS 38.211 §4.3.2")
        carrier_ml = nrCarrierConfig(NSizeGrid=nrb, SubcarrierSpacing=scs, NSlot=slot,
                                     CyclicPrefix=CyclicPrefix or "normal")
        carrier = _native_carrier(carrier_ml)
    else:
        raise TypeError("nrTimingEstimate expects (carrier, waveform, refGrid), (carrier, "
                        "waveform, refInd, refSym), (waveform, nrb, scs, initialNSlot, refGrid) "
                        "or (waveform, nrb, scs, initialNSlot, refInd, refSym)")
    w, one_antenna = _waveform_arg(waveform)
    k = carrier.num_subcarriers
    if len(ref) == 1:
        grid = np.asarray(ref[0])
    else:
        grid = _grid_from_indices(ref[0], ref[1], k, carrier.symbols_per_slot)
    if grid.ndim == 2:
        grid = grid[:, :, None]
    refw = nrOFDMModulate(carrier_ml, grid, **opts)[0]  # T_ref x P
    refw = np.asarray(refw).reshape(refw.shape[0], -1)
    n = max(w.shape[0], refw.shape[0])
    wf = sfft.fft(w.astype(np.complex64), n=n, axis=0)
    rf = sfft.fft(refw.astype(np.complex64), n=n, axis=0)
    # corr[t, r, p] = sum_m w[t + m, r] conj(ref[m, p])  (circular)
    corr = sfft.ifft(wf[:, :, None] * rf[:, None, :].conj(), axis=0)
    mag = np.abs(corr).sum(axis=2).astype(np.float32)
    offset = int(np.argmax(mag.sum(axis=1))) if mag.size else 0
    return offset, (mag[:, 0] if one_antenna else mag)
