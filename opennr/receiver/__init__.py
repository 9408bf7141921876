"""TS 38.211 §6.4.1.1 / §7.4.1.1 and receiver building blocks of the shared channels (not specified by 3GPP).

Catalogue:

``channel_estimation``
    DM-RS based channel estimation (least squares, CDM despreading, frequency / time
    interpolation, noise-variance estimate): :func:`dmrs_channel_estimate`, :class:`ChannelEstimate`.
``equalization``
    Per-RE MIMO equalisation with post-equalisation noise variance for the demapper:
    :func:`lmmse_equalize`, :func:`zf_equalize`.
"""

from opennr.receiver.channel_estimation import ChannelEstimate, dmrs_channel_estimate
from opennr.receiver.equalization import lmmse_equalize, zf_equalize

__all__ = [
    "ChannelEstimate",
    "dmrs_channel_estimate",
    "lmmse_equalize",
    "zf_equalize",
]
