"""TS 38.211 V17 §6.3.1 / §7.3.1 (inverse) and TS 38.212 §6.2 / §7.2: PUSCH/PDSCH receive chain.

Received resource grid -> data REs (§6.3.1.6 / §7.3.1.6, :func:`shared_channel_indices`) ->
per-RE linear MMSE equalisation of the layers, given the channel -> transform deprecoding (PUSCH
with transform precoding, §6.3.1.4, per-symbol IDFT) -> layer demapping (§7.3.1.3 / §6.3.1.3) ->
soft demapping (§5.1) with the post-equalisation noise variance -> descrambling (§6.3.1.1 /
§7.3.1.1, ``c_init`` per codeword) -> UL-SCH / DL-SCH decoding (TS 38.212 §6.2 / §7.2, with the
HARQ soft buffer passed through).

The channel is given (perfect channel state information); a practical DM-RS channel estimate of
the same shape plugs into the same ``channel`` argument. ``phase_tracking=True`` removes the
common phase error of each OFDM symbol measured on the PT-RS (TS 38.211 §7.4.1.2 / §6.4.1.2,
:mod:`opennr.receiver.phase_tracking`); the PUSCH's pre-DFT PT-RS samples (§6.4.1.2.2.2) are
removed after transform deprecoding.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from opennr._validation import check_choice
from opennr.coding.sch import SchDecodeResult, sch_decode
from opennr.modulation import demodulate_soft
from opennr.modulation.mapping import bits_per_symbol
from opennr.physical_channels import (
    SharedChannelConfig,
    codeword_layers,
    descramble_llr,
    layer_demap,
    pdsch_c_init,
    pusch_c_init,
    shared_channel_indices,
    transform_deprecode,
)
from opennr.receiver.equalization import lmmse_equalize

__all__ = ["SharedChannelReceiveResult", "shared_channel_receive"]

_CLAUSE = "TS 38.211 §6.3.1 / §7.3.1"
#: Floor of the post-equalisation noise variance, so that a noiseless channel still gives finite
#: LLRs (the demapper needs N0 > 0).
_MIN_NOISE_VAR = 1e-9


@dataclass(frozen=True)
class SharedChannelReceiveResult:
    """TS 38.211 §6.3.1 / §7.3.1 (inverse): outcome of :func:`shared_channel_receive`.

    With two codewords (PDSCH on 5..8 layers) ``tb``, ``tb_crc_ok``, ``cb_crc_ok``, ``llr`` and
    ``soft_buffer`` are tuples of two, one entry per codeword ``q``.

    Attributes
    ----------
    tb : numpy.ndarray of uint8, shape [..., A]
        Decoded transport block(s).
    tb_crc_ok : numpy.ndarray of bool, shape [...]
        Transport-block CRC passed.
    cb_crc_ok : numpy.ndarray of bool, shape [..., C]
        Code-block CRCs passed.
    llr : numpy.ndarray of float32, shape [..., G]
        Descrambled codeword LLRs ``ln P(0)/P(1)`` fed to the decoder.
    soft_buffer : numpy.ndarray of float32, shape [..., C, N]
        Combined HARQ soft buffer: pass it to the next transmission's call.
    symbols : numpy.ndarray of complex64, shape [..., v, N_RE]
        Equalised (and transform-deprecoded) layer symbols.
    noise_var_eff : numpy.ndarray of float32, shape [..., v, N_RE]
        Noise variance of ``symbols`` used by the demapper.
    decoded : tuple of SchDecodeResult
        The decoder output of each codeword.
    """

    tb: object
    tb_crc_ok: object
    cb_crc_ok: object
    llr: object
    soft_buffer: object
    symbols: np.ndarray
    noise_var_eff: np.ndarray
    decoded: tuple[SchDecodeResult, ...]


def _per_codeword(value, n_cw: int, name: str):
    if isinstance(value, (tuple, list)):
        if len(value) != n_cw:
            raise ValueError(
                f"{name} must give one value per codeword ({n_cw}), got {len(value)} "
                "(TS 38.211 Table 7.3.1.3-1)"
            )
        return tuple(value)
    return (value,) * n_cw


def _check_noise_var(noise_var, batch):
    nv = np.asarray(noise_var)
    if nv.dtype == bool or not (np.issubdtype(nv.dtype, np.floating)
                                or np.issubdtype(nv.dtype, np.integer)):
        raise TypeError(f"noise_var must be a real number or array, got dtype {nv.dtype}")
    nv = nv.astype(np.float64)
    if nv.size == 0 or not (np.isfinite(nv).all() and (nv > 0).all()):
        raise ValueError(
            "noise_var must be finite and > 0 (complex noise variance E|w|^2 per RE) "
            "(TS 38.211 §5.1 demapping)"
        )
    try:
        return np.broadcast_to(nv, batch)
    except ValueError:
        raise ValueError(
            f"noise_var must be a scalar or broadcastable to the batch shape {batch}, got shape "
            f"{nv.shape}"
        ) from None


def _effective_channel(channel, rx, config, num_ports, w, includes_precoding):
    """Per-layer channel at the data REs: ``[..., R, v, N_RE]`` from ``[..., R, P or v, K, L]``."""
    v = config.num_layers
    r, k_total, l_total = rx.shape[-3:]
    if channel is None:
        if r != num_ports:
            raise ValueError(
                f"channel=None (identity: AWGN only) needs as many receive antennas as transmitted "
                f"ports, R = {num_ports}; got R = {r} ({_CLAUSE})"
            )
        h = np.broadcast_to(np.eye(r, dtype=np.complex64)[:, :, None, None],
                            (r, r, k_total, l_total))
        if w is not None:
            h = np.einsum("rpkl,pv->rvkl", h, w)
        return h
    h = np.asarray(channel)
    if not np.issubdtype(h.dtype, np.number) or h.dtype == bool:
        raise TypeError(f"channel must be a complex array, got dtype {h.dtype}")
    width = v if (includes_precoding or w is None) else num_ports
    if h.ndim < 4 or h.shape[-4] != r or h.shape[-3] != width or h.shape[-2:] != (k_total, l_total):
        what = "v" if width == v else "P"
        raise ValueError(
            f"channel must have shape [..., R, {what}, K, L] = [..., {r}, {width}, {k_total}, "
            f"{l_total}], got {h.shape} ({_CLAUSE})"
        )
    if not np.isfinite(h).all():
        raise ValueError("channel contains NaN or infinite values")
    if w is not None and not includes_precoding:
        h = np.einsum("...rpkl,pv->...rvkl", h, w)
    return h


def shared_channel_receive(
    rx_grid,
    config: SharedChannelConfig,
    carrier,
    *,
    tbs,
    target_code_rate,
    noise_var,
    channel=None,
    channel_includes_precoding: bool = False,
    precoding_matrix=None,
    rv=0,
    soft_buffer=None,
    tbs_lbrm=None,
    demapping_method: str = "max-log",
    algorithm: str = "layered-spa",
    max_iterations: int = 20,
    early_termination: bool = True,
    phase_tracking: bool = False,
) -> SharedChannelReceiveResult:
    """TS 38.211 §6.3.1 / §7.3.1 (inverse): PUSCH/PDSCH resource grid to transport block(s).

    ``[..., R, K, L] -> SharedChannelReceiveResult`` (``tb`` ``[..., A]``).

    Parameters
    ----------
    rx_grid : array_like of complex, shape [..., R, K, L]
        Received carrier grid per receive antenna (``K = 12 N_grid^size``, ``L`` symbols).
    config : SharedChannelConfig
        The PUSCH (``direction="uplink"``) or PDSCH (``"downlink"``) configuration the transmitter
        used.
    carrier : opennr.ofdm.CarrierConfig
    tbs : int or (int, int)
        Transport-block size ``A`` (per codeword).
    target_code_rate : float or (float, float)
        Target code rate ``R`` (per codeword), as given to the transmitter.
    noise_var : float or array_like, broadcastable to [...]
        Complex noise variance ``N0 = E|w|^2`` per received RE (> 0; use a small value such as
        ``1e-6`` for a noiseless grid).
    channel : array_like of complex, shape [..., R, P, K, L] or [..., R, v, K, L], optional
        Channel from each transmitted grid plane (antenna port ``P``, what
        :func:`~opennr.physical_channels.pusch_transmit` / ``pdsch_transmit`` return) to each
        receive antenna; the precoding matrix (PUSCH: ``config``'s codebook, PDSCH:
        ``precoding_matrix``) is applied here. With ``channel_includes_precoding=True`` it is the
        effective per-layer channel ``[..., R, v, K, L]``. None: identity (AWGN only, ``R = P``).
    channel_includes_precoding : bool, default False
    precoding_matrix : array_like of complex, shape [P, v], optional
        PDSCH only: the matrix given to ``pdsch_transmit`` (None: ports are the layers).
    rv : int or (int, int), default 0
        Redundancy version of this transmission.
    soft_buffer : array_like of float32, shape [..., C, N], or a tuple of two, optional
        HARQ soft buffer(s) of earlier transmissions of the same transport block(s).
    tbs_lbrm : int, optional
        Limited-buffer rate matching size, as for the transmitter.
    demapping_method : {"max-log", "exact"}, default "max-log"
    algorithm, max_iterations, early_termination
        LDPC decoder settings, see :func:`opennr.coding.sch.sch_decode`.
    phase_tracking : bool, default False
        Estimate the common phase error of each OFDM symbol from the PT-RS (``config.ptrs``
        required) and rotate it out before equalisation
        (:func:`opennr.receiver.phase_tracking.common_phase_error`; with transform precoding on
        the deprecoded samples, :func:`~opennr.receiver.phase_tracking.transform_precoded_common_phase_error`).

    Returns
    -------
    SharedChannelReceiveResult

    Notes
    -----
    Equalisation is :func:`opennr.receiver.lmmse_equalize`, a per-RE unbiased linear MMSE over
    the ``v`` layers (post-equalisation noise variance ``(1 - g) / g``). With transform precoding the equalised symbols of each OFDM symbol
    are IDFT-ed and their noise variance is averaged over the symbol. PT-RS REs are skipped; with
    ``phase_tracking=True`` they give the common phase error of each symbol (TS 38.211 §7.4.1.2 /
    §6.4.1.2), relative to the phase of ``channel`` on that symbol.

    Examples
    --------
    >>> from opennr.ofdm import CarrierConfig
    >>> from opennr.physical_channels import SharedChannelConfig, pusch_transmit
    >>> carrier = CarrierConfig(n_size_grid=4)
    >>> cfg = SharedChannelConfig(direction="uplink", modulation="16QAM")
    >>> tb = np.random.default_rng(0).integers(0, 2, 1000, dtype=np.uint8)
    >>> grid = pusch_transmit(tb, cfg, carrier, target_code_rate=0.5)
    >>> res = shared_channel_receive(grid, cfg, carrier, tbs=1000, target_code_rate=0.5,
    ...                              noise_var=1e-3)
    >>> bool(res.tb_crc_ok), bool((res.tb == tb).all())
    (True, True)
    """
    from opennr.ofdm.carrier import CarrierConfig

    if not isinstance(config, SharedChannelConfig):
        raise TypeError(f"config must be a SharedChannelConfig, got {type(config).__name__}")
    if not isinstance(carrier, CarrierConfig):
        raise TypeError(f"carrier must be a CarrierConfig, got {type(carrier).__name__}")
    demapping_method = check_choice(demapping_method, "demapping_method", ("max-log", "exact"),
                                    clause="TS 38.211 §5.1")
    uplink = config.direction == "uplink"
    v = config.num_layers
    nus = codeword_layers(v)
    n_cw = len(nus)
    mods = (config.modulation,) * n_cw if isinstance(config.modulation, str) else tuple(
        config.modulation)
    tbss = _per_codeword(tbs, n_cw, "tbs")
    rates = _per_codeword(target_code_rate, n_cw, "target_code_rate")
    rvs = _per_codeword(rv, n_cw, "rv")
    buffers = (soft_buffer,) * n_cw if soft_buffer is None else _per_codeword(
        soft_buffer if n_cw == 2 else (soft_buffer,), n_cw, "soft_buffer")

    # precoding matrix W [P, v] of the transmitter
    if uplink:
        if precoding_matrix is not None:
            raise ValueError(
                "precoding_matrix is for the PDSCH; the PUSCH takes W from config.precoding / "
                "config.tpmi (TS 38.211 §6.3.1.5)"
            )
        from opennr.physical_channels import pusch_precoding_matrix_of

        w = None if config.precoding == "non-codebook" else pusch_precoding_matrix_of(config)
    else:
        w = None if precoding_matrix is None else np.asarray(precoding_matrix, np.complex64)
        if w is not None and (w.ndim != 2 or w.shape[1] != v):
            raise ValueError(
                f"precoding_matrix must be [P, v] with v = {v}, got shape {w.shape} "
                "(TS 38.211 §7.3.1.5)"
            )
    num_ports = v if w is None else w.shape[0]

    rx = np.asarray(rx_grid)
    if not (np.issubdtype(rx.dtype, np.complexfloating) or np.issubdtype(rx.dtype, np.floating)):
        raise TypeError(f"rx_grid must be a complex array, got dtype {rx.dtype}")
    k_total, l_total = carrier.num_subcarriers, carrier.symbols_per_slot
    if rx.ndim < 3 or rx.shape[-2:] != (k_total, l_total):
        raise ValueError(
            f"rx_grid must have shape [..., R, K, L] = [..., R, {k_total}, {l_total}] for this "
            f"carrier, got {rx.shape} (TS 38.211 §4.4.4)"
        )
    if not np.isfinite(rx).all():
        raise ValueError("rx_grid contains NaN or infinite values")
    batch = rx.shape[:-3]
    nv = _check_noise_var(noise_var, batch)

    idx = shared_channel_indices(config, carrier)  # flat k + K l, mapping order
    k_idx, l_idx = idx % k_total, idx // k_total
    h = _effective_channel(channel, rx, config, num_ports, w, channel_includes_precoding)
    if not isinstance(phase_tracking, bool | np.bool_):
        raise TypeError(f"phase_tracking must be a bool, got {phase_tracking!r}")
    tp = uplink and bool(config.transform_precoding)
    if phase_tracking and config.ptrs is None:
        raise ValueError("phase_tracking=True needs PT-RS: config.ptrs is None (TS 38.211 §7.4.1.2 / "
                         "§6.4.1.2)")
    if phase_tracking and not tp:
        from opennr.receiver.phase_tracking import (
            common_phase_error,
            correct_common_phase_error,
        )

        rx = correct_common_phase_error(rx, common_phase_error(rx, h, config, carrier))
    y = rx[..., k_idx, l_idx]  # [..., R, N_RE]
    h_re = h[..., k_idx, l_idx]  # [..., R, v, N_RE]
    batch = np.broadcast_shapes(batch, h_re.shape[:-3])
    h_re = np.broadcast_to(h_re, batch + h_re.shape[-3:])
    y = np.broadcast_to(y, batch + y.shape[-2:])
    nv = np.broadcast_to(nv, batch)
    x_hat, nv_eff = lmmse_equalize(y, h_re, nv[..., None])
    x_hat = np.asarray(x_hat, np.complex64)
    nv_eff = np.broadcast_to(np.asarray(nv_eff, np.float32), x_hat.shape)

    if uplink and config.transform_precoding:
        m_rb = int(config.prb_indices(carrier).size)
        m_sc = 12 * m_rb
        if v != 1 or idx.size % m_sc:
            raise ValueError(
                f"transform precoding needs one layer and whole symbols of M_sc = {m_sc} data REs "
                f"(TS 38.211 §6.3.1.4), got {v} layer(s) and {idx.size} REs"
            )
        x_hat = transform_deprecode(x_hat, m_rb).astype(np.complex64)
        per_symbol = nv_eff.reshape(*nv_eff.shape[:-1], -1, m_sc).mean(axis=-1, keepdims=True)
        nv_eff = np.broadcast_to(per_symbol, (*per_symbol.shape[:-1], m_sc)).reshape(x_hat.shape)
        if config.ptrs is not None:  # pre-DFT PT-RS samples (TS 38.211 §6.4.1.2.2.2)
            from opennr.signals.ptrs import transform_precoded_ptrs

            lay = transform_precoded_ptrs(config, carrier)
            blocks = x_hat.reshape(*x_hat.shape[:-1], -1, m_sc)  # [..., 1, N_sym, M_sc]
            if phase_tracking:
                from opennr.receiver.phase_tracking import (
                    transform_precoded_common_phase_error,
                )

                theta = transform_precoded_common_phase_error(blocks, 1.0, config, carrier)
                blocks = blocks * np.exp(-1j * theta)[..., None].astype(np.complex64)
            keep = np.ones(blocks.shape[-2:], dtype=bool)
            keep[np.ix_(lay.ptrs_rows, lay.positions)] = False
            keep = keep.ravel()
            x_hat = blocks.reshape(x_hat.shape)[..., keep]
            nv_eff = nv_eff[..., keep]
    nv_eff = np.maximum(nv_eff, _MIN_NOISE_VAR).astype(np.float32)

    sym_cw = layer_demap(x_hat)
    nv_cw = layer_demap(nv_eff)
    if n_cw == 1:
        sym_cw, nv_cw = (sym_cw,), (nv_cw,)
    n_id = carrier.n_cell_id if config.n_id is None else config.n_id
    decoded, llrs = [], []
    for q in range(n_cw):
        llr = demodulate_soft(sym_cw[q], mods[q], nv_cw[q], method=demapping_method)
        c_init = pusch_c_init(config.rnti, n_id) if uplink else pdsch_c_init(config.rnti, n_id, q)
        llr = descramble_llr(llr, c_init)
        llrs.append(llr)
        decoded.append(sch_decode(
            llr, tbs=tbss[q], target_code_rate=rates[q], modulation_order=bits_per_symbol(mods[q]),
            num_layers=nus[q], rv=rvs[q], tbs_lbrm=tbs_lbrm, soft_buffer=buffers[q],
            algorithm=algorithm, max_iterations=max_iterations,
            early_termination=early_termination,
        ))

    def pick(values):
        return values[0] if n_cw == 1 else tuple(values)

    return SharedChannelReceiveResult(
        tb=pick([d.tb for d in decoded]),
        tb_crc_ok=pick([d.tb_crc_ok for d in decoded]),
        cb_crc_ok=pick([d.cb_crc_ok for d in decoded]),
        llr=pick(llrs),
        soft_buffer=pick([d.soft_buffer for d in decoded]),
        symbols=x_hat,
        noise_var_eff=nv_eff,
        decoded=tuple(decoded),
    )
