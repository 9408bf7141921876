"""TS 38.211 V17 §7.3.1: the PDSCH transmitter, codewords or transport blocks to resource grid.

Transport block(s) -> DL-SCH coding (TS 38.212 §7.2, optional) -> scrambling (§7.3.1.1, ``q``
per codeword) -> modulation (§7.3.1.2) -> layer mapping (§7.3.1.3, two codewords on 5..8 layers)
-> DM-RS (§7.4.1.1, ``beta_DMRS`` of TS 38.214 Table 4.1-1) and PT-RS (§7.4.1.2) -> antenna port
mapping (§7.3.1.4, ports ``1000 + p``) with an optional precoding matrix -> mapping to physical
resources (§7.3.1.6, frequency first, then symbols; non-interleaved VRB-to-PRB mapping).
"""

from __future__ import annotations

import numpy as np

from opennr.physical_channels._shared_channel import pdsch_c_init, transmit

__all__ = ["pdsch_c_init", "pdsch_transmit"]


def pdsch_transmit(bits, config, carrier, *, target_code_rate=None, rv: int = 0, tbs_lbrm=None,
                   precoding_matrix=None) -> np.ndarray:
    """TS 38.211 §7.3.1 (and TS 38.212 §7.2): PDSCH slot grid per layer or antenna port.

    ``[..., G] -> [..., v, K, L]`` (one codeword; a tuple of two for 5..8 layers), or with a
    precoding matrix ``W [P, v]``: ``-> [..., P, K, L]``.

    Parameters
    ----------
    bits : array_like of uint8, shape [..., G], or a tuple of two
        Codeword bits (``G_q = N_RE Q_m nu_q``), or transport blocks when ``target_code_rate``
        is given.
    config : SharedChannelConfig
        ``direction="downlink"``.
    carrier : opennr.ofdm.CarrierConfig
    target_code_rate : float, optional
        Encode ``bits`` as transport blocks with :func:`opennr.coding.sch.sch_encode`.
    rv : int, default 0
    tbs_lbrm : int, optional
    precoding_matrix : array_like of complex, shape [P, v], optional
        Applied to data and DM-RS alike (§7.3.1.5 leaves it to the implementation); None keeps the
        ``v`` DM-RS ports ``1000 + p`` as output planes.

    Returns
    -------
    numpy.ndarray of complex64, shape [..., v or P, K, L]

    Examples
    --------
    >>> from opennr.ofdm import CarrierConfig
    >>> from opennr.physical_channels.config import SharedChannelConfig
    >>> from opennr.physical_channels._shared_channel import shared_channel_indices
    >>> carrier = CarrierConfig(n_size_grid=4)
    >>> cfg = SharedChannelConfig(num_layers=2)
    >>> g = shared_channel_indices(cfg, carrier).size * 2 * 2
    >>> pdsch_transmit(np.zeros(g, np.uint8), cfg, carrier).shape
    (2, 48, 14)
    """
    from opennr.physical_channels.config import SharedChannelConfig

    if not isinstance(config, SharedChannelConfig):
        raise TypeError(f"config must be a SharedChannelConfig, got {type(config).__name__}")
    if config.direction != "downlink":
        raise ValueError(
            f"config.direction must be 'downlink' for the PDSCH, got {config.direction!r} "
            "(TS 38.211 §7.3.1)"
        )
    if precoding_matrix is not None:
        w = np.asarray(precoding_matrix)
        if w.ndim != 2 or w.shape[1] != config.num_layers:
            raise ValueError(
                f"precoding_matrix must be [P, v] with v = num_layers = {config.num_layers}, got "
                f"shape {w.shape} (TS 38.211 §7.3.1.5)"
            )
    return transmit(bits, config, carrier, target_code_rate=target_code_rate, rv=rv,
                    tbs_lbrm=tbs_lbrm, precoding_matrix=precoding_matrix)
