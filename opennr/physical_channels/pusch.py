"""TS 38.211 V17 §6.3.1: the PUSCH transmitter, codeword or transport block to resource grid.

Transport block -> UL-SCH coding (TS 38.212 §6.2, optional) -> scrambling (§6.3.1.1) ->
modulation (§6.3.1.2) -> layer mapping (§6.3.1.3) -> transform precoding (§6.3.1.4) -> DM-RS
(§6.4.1.1, scaled by ``beta_DMRS`` of TS 38.214 Table 6.2.2-1) and PT-RS -> precoding (§6.3.1.5,
codebook Tables 6.3.1.5-1..7 or non-codebook ``W = I``) -> mapping to physical resources
(§6.3.1.6: frequency first over the allocated PRBs, then symbols).
"""

from __future__ import annotations

import numpy as np

from opennr.physical_channels._shared_channel import pusch_c_init, transmit
from opennr.physical_channels.precoding import pusch_precoding_matrix

__all__ = ["pusch_c_init", "pusch_precoding_matrix_of", "pusch_transmit"]


def _uplink(config):
    from opennr.physical_channels.config import SharedChannelConfig

    if not isinstance(config, SharedChannelConfig):
        raise TypeError(f"config must be a SharedChannelConfig, got {type(config).__name__}")
    if config.direction != "uplink":
        raise ValueError(
            f"config.direction must be 'uplink' for the PUSCH, got {config.direction!r} "
            "(TS 38.211 §6.3.1)"
        )
    return config


def pusch_precoding_matrix_of(config) -> np.ndarray:
    """TS 38.211 §6.3.1.5: the precoding matrix ``W`` ``[P, v]`` a PUSCH configuration uses.

    Codebook: Tables 6.3.1.5-1..7 for ``config.tpmi`` on ``config.num_antenna_ports`` ports;
    non-codebook: the identity on ``v`` ports.

    Parameters
    ----------
    config : SharedChannelConfig
        ``direction="uplink"``.

    Returns
    -------
    numpy.ndarray of complex64, shape [P, v]

    Examples
    --------
    >>> from opennr.physical_channels.config import SharedChannelConfig
    >>> cfg = SharedChannelConfig(direction="uplink", precoding="codebook", num_antenna_ports=2,
    ...                           tpmi=3)
    >>> (pusch_precoding_matrix_of(cfg)[:, 0] * np.sqrt(2)).real.round(6).tolist()
    [1.0, -1.0]
    """
    config = _uplink(config)
    if config.precoding == "codebook":
        return pusch_precoding_matrix(
            config.num_layers, config.antenna_ports, config.tpmi,
            transform_precoding=bool(config.transform_precoding),
        )
    return np.eye(config.num_layers, dtype=np.complex64)


def pusch_transmit(bits, config, carrier, *, target_code_rate=None, rv: int = 0,
                   tbs_lbrm=None) -> np.ndarray:
    """TS 38.211 §6.3.1 (and TS 38.212 §6.2): PUSCH slot grid per antenna port.

    ``[..., G] -> [..., P, K, L]`` (codeword bits), or ``[..., A] -> [..., P, K, L]`` (a transport
    block, with ``target_code_rate``).

    Parameters
    ----------
    bits : array_like of uint8, shape [..., G] or [..., A]
        The codeword (``G = N_RE Q_m v`` bits, ``N_RE = shared_channel_indices(...).size``), or the
        transport block when ``target_code_rate`` is given.
    config : SharedChannelConfig
        ``direction="uplink"``.
    carrier : opennr.ofdm.CarrierConfig
    target_code_rate : float, optional
        ``R`` (e.g. ``mcs_entry(i).target_code_rate``): encode ``bits`` as a transport block with
        :func:`opennr.coding.sch.sch_encode` (redundancy version ``rv``, ``tbs_lbrm``).
    rv : int, default 0
    tbs_lbrm : int, optional

    Returns
    -------
    numpy.ndarray of complex64, shape [..., P, K, L]
        ``P = num_antenna_ports`` (codebook) or ``v`` (non-codebook); ``K = 12 N_grid^size``,
        ``L`` symbols per slot. Data, DM-RS (``x beta_DMRS``) and PT-RS, precoded.

    Examples
    --------
    >>> from opennr.ofdm import CarrierConfig
    >>> from opennr.physical_channels.config import SharedChannelConfig
    >>> from opennr.physical_channels._shared_channel import shared_channel_indices
    >>> carrier = CarrierConfig(n_size_grid=4)
    >>> cfg = SharedChannelConfig(direction="uplink", modulation="16QAM")
    >>> g = shared_channel_indices(cfg, carrier).size * 4
    >>> pusch_transmit(np.zeros(g, np.uint8), cfg, carrier).shape
    (1, 48, 14)
    """
    config = _uplink(config)
    return transmit(bits, config, carrier, target_code_rate=target_code_rate, rv=rv,
                    tbs_lbrm=tbs_lbrm, precoding_matrix=pusch_precoding_matrix_of(config))
