"""NR downlink waveform generation for tests and synthetic recordings (issue 8).

Catalogue
---------
``generator``
    TS 38.211 §5.3.1, §7.4.3, TS 38.213 §4.1: :class:`WaveformConfig`, :class:`SsBurstConfig`,
    :func:`generate_waveform` (carrier grid with an SS burst, optional QPSK or PDSCH fill
    (:class:`PdschFillConfig`, TS 38.211 §7.3.1, TS 38.214 §5.1.4), OFDM modulation,
    impairments) -> :class:`GeneratedWaveform` (samples, ground truth :class:`SsbTransmission`
    list, metadata); :func:`write_waveform` (SigMF); :func:`pdsch_fill_slot` (a PDSCH slot's
    configuration and transport block from the metadata);
    :func:`ssb_subcarrier_position` (k_SSB / offsetToPointA placement);
    :func:`default_ssb_case`.
``impairments``
    Receiver model: :class:`Impairments`, :func:`apply_impairments`, :func:`apply_cfo`,
    :func:`apply_timing_offset`, :func:`add_awgn` (SNR per resource element),
    :func:`fading_available`.
"""

from opennr.waveform.generator import (
    FILL_MODES,
    GeneratedWaveform,
    PdschFillConfig,
    SsbTransmission,
    SsBurstConfig,
    WaveformConfig,
    default_ssb_case,
    generate_waveform,
    pdsch_fill_slot,
    ssb_subcarrier_position,
    write_waveform,
)
from opennr.waveform.impairments import (
    Impairments,
    add_awgn,
    apply_cfo,
    apply_impairments,
    apply_timing_offset,
    fading_available,
)

__all__ = [
    "FILL_MODES",
    "GeneratedWaveform",
    "Impairments",
    "PdschFillConfig",
    "SsBurstConfig",
    "SsbTransmission",
    "WaveformConfig",
    "add_awgn",
    "apply_cfo",
    "apply_impairments",
    "apply_timing_offset",
    "default_ssb_case",
    "fading_available",
    "generate_waveform",
    "pdsch_fill_slot",
    "ssb_subcarrier_position",
    "write_waveform",
]
