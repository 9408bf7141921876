"""TS 38.211 §6.4.1.1 / §7.4.1.1 and receiver building blocks of the shared channels (not specified by 3GPP).

Catalogue:

``channel_estimation``
    DM-RS based channel estimation (least squares, CDM despreading, frequency / time
    interpolation, noise-variance estimate): :func:`dmrs_channel_estimate`, :class:`ChannelEstimate`.
``equalization``
    Per-RE MIMO equalisation with post-equalisation noise variance for the demapper:
    :func:`lmmse_equalize`, :func:`zf_equalize`.
``shared_channel_receiver``
    TS 38.211 §6.3.1 / §7.3.1 in reverse: :func:`shared_channel_receive` (data REs -> LMMSE ->
    transform deprecoding -> layer demapping -> soft demapping -> descrambling -> DL-SCH / UL-SCH
    decoding with HARQ), :class:`SharedChannelReceiveResult`.
``harq``
    HARQ process state with the redundancy-version order 0, 2, 3, 1 and soft combining:
    :data:`RV_SEQUENCE`, :class:`HarqState`, :func:`harq_start`, :func:`harq_next_rv`,
    :func:`harq_update`, :func:`run_harq`.
"""

from opennr.receiver.channel_estimation import ChannelEstimate, dmrs_channel_estimate
from opennr.receiver.equalization import lmmse_equalize, zf_equalize
from opennr.receiver.harq import (
    RV_SEQUENCE,
    HarqRunResult,
    HarqState,
    harq_next_rv,
    harq_start,
    harq_update,
    run_harq,
)
from opennr.receiver.shared_channel_receiver import (
    SharedChannelReceiveResult,
    shared_channel_receive,
)

__all__ = [
    "ChannelEstimate",
    "dmrs_channel_estimate",
    "lmmse_equalize",
    "zf_equalize",
    "SharedChannelReceiveResult",
    "shared_channel_receive",
    "RV_SEQUENCE",
    "HarqState",
    "HarqRunResult",
    "harq_start",
    "harq_next_rv",
    "harq_update",
    "run_harq",
]
