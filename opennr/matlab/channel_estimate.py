"""MATLAB-compatible ``nrChannelEstimate`` over :func:`opennr.receiver.channel_estimation.reference_channel_estimate`.

MATLAB's layout: the received grid is ``K x L x R`` (subcarriers, symbols, receive antennas), the
reference REs are 1-based column-major linear indices into a ``K x L x P`` grid (the plane ``p`` of
an index is its port), and the estimate is ``K x L x R x P``.
"""

from __future__ import annotations

import numpy as np

from opennr.matlab._struct import MatlabStruct

__all__ = ["nrChannelEstimate"]

_CLAUSE = "TS 38.211 §7.4.1.1 / §6.4.1.1"


def _as_grid(x, name: str) -> np.ndarray:
    g = np.asarray(x)
    if not np.issubdtype(g.dtype, np.number) or g.dtype == bool:
        raise TypeError(f"{name} must be a numeric K x L x R array, got dtype {g.dtype} ({_CLAUSE})")
    if g.ndim == 2:
        g = g[:, :, None]
    if g.ndim != 3:
        raise ValueError(f"{name} must be K x L (x R), got shape {g.shape} ({_CLAUSE})")
    return g


def _window(value, name: str) -> tuple[int, int]:
    arr = np.asarray(value).reshape(-1)
    if arr.size != 2 or not np.issubdtype(arr.dtype, np.number) or (arr != np.round(arr)).any():
        raise TypeError(f"{name} must be two integers [F T], got {value!r} ({_CLAUSE})")
    return int(arr[0]), int(arr[1])


def nrChannelEstimate(*args, CDMLengths=(1, 1), AveragingWindow=(0, 0), Interpolation="linear"):
    """TS 38.211 §7.4.1.1 / §6.4.1.1 (reference signals): practical channel estimation, MATLAB ``nrChannelEstimate``.

    MATLAB syntax: ``[H,nVar,info] = nrChannelEstimate(carrier,rxGrid,refInd,refSym)``, also
    ``nrChannelEstimate(rxGrid,refInd,refSym)``, ``nrChannelEstimate(rxGrid,refGrid)`` and
    ``nrChannelEstimate(carrier,rxGrid,refGrid)``, with the name-value arguments ``CDMLengths``,
    ``AveragingWindow`` and ``Interpolation`` (keyword arguments here).

    Least squares at the reference REs, CDM despreading over ``CDMLengths = [F T]``, a moving
    average over ``AveragingWindow = [F T]`` estimates, interpolation in frequency and time over
    the whole grid, noise variance from the despread estimates (see
    :func:`opennr.receiver.channel_estimation.reference_channel_estimate`).

    Parameters
    ----------
    carrier : nrCarrierConfig or CarrierConfig, optional
        Only its size is checked against ``rxGrid`` (MATLAB uses only its cyclic prefix).
    rxGrid : array_like of complex
        ``K x L x R`` received grid (``K x L`` for one antenna).
    refInd : array_like of int
        1-based linear indices of the reference REs in a ``K x L x P`` grid (any shape, e.g. the
        ``N x P`` output of ``nrPDSCHDMRSIndices``); the plane of an index is its port.
    refSym : array_like of complex
        The reference values, same number of elements as ``refInd``, in the same order.
    refGrid : array_like of complex
        ``K x L x P`` grid holding the reference values (nonzero) and zeros elsewhere.
    CDMLengths : [F T], default [1 1]
        CDM lengths in frequency and time (``[2 1]`` for a single-symbol NR DM-RS, ``[2 2]``
        double-symbol).
    AveragingWindow : [F T], default [0 0]
        Odd moving-average lengths in frequency and time; 0 (MATLAB: chosen adaptively from the
        SNR) is taken as 1, no averaging.
    Interpolation : {"linear", "nearest"}, default "linear"

    Returns
    -------
    H : numpy.ndarray of complex128
        ``K x L x R x P`` channel estimate.
    nVar : float
        Noise variance estimate per RE.
    info : MatlabStruct
        ``AveragingWindow``: the ``[F T]`` used.

    Notes
    -----
    OpenNR's estimator, not a copy of MATLAB's (whose adaptive averaging window and edge
    handling are not documented): estimates agree with MATLAB's on noiseless channels that are
    linear across the reference REs, not bit for bit on noisy grids. It has not been compared
    with MATLAB output.

    Examples
    --------
    >>> k = np.arange(0, 24, 2); refInd = 1 + k + 24 * 3           # symbol 4 (1-based), every 2nd SC
    >>> refSym = np.exp(1j * np.pi / 2 * np.arange(12))
    >>> rxGrid = np.zeros((24, 14), complex); rxGrid[k, 3] = (1 - 2j) * refSym
    >>> H, nVar, info = nrChannelEstimate(rxGrid, refInd, refSym)
    >>> H.shape, bool(np.allclose(H, 1 - 2j)), round(float(nVar), 6), info.AveragingWindow.tolist()
    ((24, 14, 1, 1), True, 0.0, [1, 1])
    """
    from opennr.ofdm.carrier import CarrierConfig
    from opennr.receiver.channel_estimation import reference_channel_estimate

    args = list(args)
    carrier = None
    if args and isinstance(args[0], CarrierConfig):
        carrier = args.pop(0)
    elif args and callable(getattr(args[0], "to_native", None)):  # nrCarrierConfig
        carrier = args.pop(0).to_native()
        if not isinstance(carrier, CarrierConfig):
            raise TypeError(f"the first argument must be a carrier (nrCarrierConfig) or rxGrid ({_CLAUSE})")
    if len(args) not in (2, 3):
        raise TypeError("nrChannelEstimate takes ([carrier,] rxGrid, refInd, refSym) or ([carrier,] "
                        f"rxGrid, refGrid), got {len(args)} array argument(s)")
    rx = _as_grid(args[0], "rxGrid")
    k_total, l_total, _ = rx.shape
    if carrier is not None and (carrier.num_subcarriers, carrier.symbols_per_slot) != (k_total, l_total):
        raise ValueError(f"rxGrid is {k_total} x {l_total}, the carrier needs "
                         f"{carrier.num_subcarriers} x {carrier.symbols_per_slot} ({_CLAUSE})")
    plane = k_total * l_total
    if len(args) == 2:
        ref = _as_grid(args[1], "refGrid")
        if ref.shape[:2] != (k_total, l_total):
            raise ValueError(f"refGrid must be {k_total} x {l_total} x P, got {ref.shape} ({_CLAUSE})")
        flat = np.transpose(ref, (2, 1, 0)).reshape(-1)  # column-major K x L x P -> p, l, k
        idx0 = np.flatnonzero(flat)
        sym = flat[idx0]
    else:
        ind = np.asarray(args[1])
        if ind.dtype == bool or not np.issubdtype(ind.dtype, np.number) or (ind != np.round(ind)).any():
            raise TypeError(f"refInd must be integer linear indices (1-based), got {args[1]!r:.60} ({_CLAUSE})")
        sym = np.asarray(args[2]).reshape(-1)
        idx0 = ind.reshape(-1, order="F").astype(np.int64) - 1 if ind.ndim > 1 else ind.astype(np.int64) - 1
        sym = np.asarray(args[2]).reshape(-1, order="F") if np.asarray(args[2]).ndim > 1 else sym
        if idx0.size != sym.size:
            raise ValueError(f"refInd and refSym must have the same number of elements, got {idx0.size} "
                             f"and {sym.size} ({_CLAUSE})")
        if idx0.size == 0 or idx0.min() < 0:
            raise ValueError(f"refInd must hold 1-based indices >= 1 ({_CLAUSE})")
    if idx0.size == 0:
        raise ValueError(f"no reference symbols given ({_CLAUSE})")
    ports = idx0 // plane
    num_p = int(ports.max()) + 1
    counts = np.bincount(ports, minlength=num_p)
    if (counts == 0).any():
        raise ValueError(f"every port plane 1..{num_p} of refInd/refGrid needs reference REs ({_CLAUSE})")
    cdm = _window(CDMLengths, "CDMLengths")
    win = tuple(max(v, 1) for v in _window(AveragingWindow, "AveragingWindow"))
    if any(v < 0 for v in _window(AveragingWindow, "AveragingWindow")):
        raise ValueError(f"AveragingWindow entries must be >= 0, got {AveragingWindow!r} ({_CLAUSE})")
    y = np.transpose(rx, (2, 0, 1))  # [R, K, L]
    h = np.zeros((k_total, l_total, rx.shape[2], num_p), dtype=np.complex128)
    energy, gain = 0.0, 0.0
    for p in range(num_p):
        sel = ports == p
        local = idx0[sel] % plane  # column-major K x L: k + K l
        est = reference_channel_estimate(y, local, sym[sel], cdm_lengths=cdm,
                                         averaging_window=win, interpolation=Interpolation)
        h[..., p] = np.transpose(est.h[:, 0], (1, 2, 0))
        n = float(sel.sum())
        energy += float(est.noise_var) * n
        gain += n
    return h, float(energy / gain), MatlabStruct(AveragingWindow=np.array(win, dtype=np.int64))
