"""TS 38.211 §6.4.1.1 / §7.4.1.1 and receiver building blocks of the shared channels (not specified by 3GPP).

Catalogue:

``channel_estimation``
    DM-RS based channel estimation (least squares, CDM despreading, frequency / time
    interpolation (linear, nearest, or Wiener/LMMSE with a delay-spread and Doppler prior:
    :func:`frequency_correlation`, :func:`time_correlation`), noise-variance estimate):
    :func:`dmrs_channel_estimate`, :class:`ChannelEstimate`; the same from reference REs given by
    position (MATLAB ``nrChannelEstimate``): :func:`reference_channel_estimate`.
``phase_tracking``
    TS 38.211 §7.4.1.2 / §6.4.1.2: PT-RS common-phase-error estimation and correction (CP-OFDM and
    pre-DFT PT-RS of a transform-precoded PUSCH): :func:`common_phase_error`,
    :func:`correct_common_phase_error`, :func:`transform_precoded_common_phase_error`.
``equalization``
    Per-RE MIMO equalisation with post-equalisation noise variance for the demapper:
    :func:`lmmse_equalize`, :func:`zf_equalize`.
``shared_channel_receiver``
    TS 38.211 §6.3.1 / §7.3.1 in reverse: :func:`shared_channel_receive` (data REs -> LMMSE ->
    transform deprecoding -> layer demapping -> soft demapping -> descrambling -> DL-SCH / UL-SCH
    decoding with HARQ), :class:`SharedChannelReceiveResult`.
``cell_search``
    TS 38.211 §7.4.2-§7.4.3, TS 38.212 §7.1, TS 38.213 §4.1: cell search on IQ samples (PSS over a
    CFO grid, SSS -> PCI, PBCH DM-RS -> SSB index and half frame, DM-RS channel estimation, PBCH /
    BCH decoding -> MIB, SNR / RSRP / CFO / timing; optional GSCN raster search):
    :func:`cell_search`, :class:`SsbDetection`, :func:`mib_to_dict`, :func:`search_frequencies`,
    :func:`frame_start_offset` (frame start from case, SSB index and half frame).
``harq``
    HARQ process state with the redundancy-version order 0, 2, 3, 1 and soft combining:
    :data:`RV_SEQUENCE`, :class:`HarqState`, :func:`harq_start`, :func:`harq_next_rv`,
    :func:`harq_update`, :func:`run_harq`; one reception through the receiver: :func:`harq_receive`.
"""

from opennr.receiver.cell_search import (
    SsbDetection,
    cell_search,
    frame_start_offset,
    mib_to_dict,
    search_frequencies,
)
from opennr.receiver.channel_estimation import (
    ChannelEstimate,
    dmrs_channel_estimate,
    frequency_correlation,
    reference_channel_estimate,
    time_correlation,
)
from opennr.receiver.equalization import lmmse_equalize, zf_equalize
from opennr.receiver.harq import (
    RV_SEQUENCE,
    HarqRunResult,
    HarqState,
    harq_next_rv,
    harq_receive,
    harq_start,
    harq_update,
    run_harq,
)
from opennr.receiver.phase_tracking import (
    common_phase_error,
    correct_common_phase_error,
    transform_precoded_common_phase_error,
)
from opennr.receiver.shared_channel_receiver import (
    SharedChannelReceiveResult,
    shared_channel_receive,
)

__all__ = [
    "cell_search",
    "SsbDetection",
    "mib_to_dict",
    "frame_start_offset",
    "search_frequencies",
    "ChannelEstimate",
    "dmrs_channel_estimate",
    "reference_channel_estimate",
    "frequency_correlation",
    "time_correlation",
    "common_phase_error",
    "correct_common_phase_error",
    "transform_precoded_common_phase_error",
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
    "harq_receive",
    "run_harq",
]
