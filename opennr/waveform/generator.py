"""TS 38.211 V17 §5.3.1, §7.4.3, TS 38.213 §4.1: an NR downlink carrier with an SS burst, as samples.

The generator builds the resource grid of ``num_subframes`` ms of one carrier
(:class:`~opennr.ofdm.CarrierConfig`, from slot 0 of frame ``n_frame``), maps the SS/PBCH blocks
of the SS burst (:class:`SsBurstConfig`: case A-G, ``L_max``, ``ssb-PositionsInBurst``,
periodicity, MIB) with their per-frame SFN, optionally fills the other resource elements with
random QPSK (a stand-in for PDSCH traffic, rate-matched around the SS/PBCH block's resource
blocks) or with real PDSCH slots (``fill='pdsch'``, :class:`PdschFillConfig`: one PDSCH a slot,
random transport blocks through the DL-SCH chain and
:func:`~opennr.physical_channels.pdsch.pdsch_transmit`, DM-RS, around the SS/PBCH blocks as
TS 38.214 §5.1.4 asks), OFDM-modulates (:func:`~opennr.ofdm.ofdm_modulate`, unitary normalisation: a resource
element of energy 1 gives energy 1 per FFT bin) at the requested sample rate, and applies the
receiver impairments of :mod:`opennr.waveform.impairments`.

SS/PBCH block placement (TS 38.211 §7.4.3.1, TS 38.213 §4.1): subcarrier 0 of the block lies
``12 N_CRB^SSB + k_SSB`` subcarriers above point A, where ``N_CRB^SSB`` is
``offsetToPointA`` (in resource blocks of 15 kHz for FR1, 60 kHz for FR2) and ``k_SSB`` counts
subcarriers of 15 kHz (FR1) or of ``subCarrierSpacingCommon`` (FR2). A placement that is not a
whole number of carrier subcarriers (e.g. odd ``k_SSB`` with 30 kHz) is generated exactly: the
block's symbols are modulated on their own half-subcarrier-shifted grid (§5.3.1 with a
non-integer subcarrier position). The recording's centre frequency is the carrier centre
(subcarrier ``K/2`` at DC, §5.3.1).

:func:`write_waveform` stores the samples as SigMF through :func:`opennr.io.sigmf.write_sigmf`,
with the whole configuration and the ground truth (every SS/PBCH block's SFN, half frame,
index and first sample; every PDSCH slot's allocation, transport block size and payload seed)
in the ``opennr:`` metadata; :func:`pdsch_fill_slot` rebuilds a slot's PDSCH configuration and
transport block from it.

PDSCH fill (TS 38.214 §5.1.4: the PRBs holding SS/PBCH block resources are not available for
the PDSCH in the block's OFDM symbols): in a slot without SS/PBCH block every PRB of the carrier
carries the PDSCH; in a slot with one, the block's PRBs in its symbols are the configuration's
reserved resource elements (``SharedChannelConfig.reserved_res``: the DL-SCH is rate-matched
around them), unless a PDSCH DM-RS symbol falls in the block's symbols (the DM-RS are not
rate-matched) or the remaining resource elements would push the code rate of the TS 38.214
§5.1.3.2 transport block size (which does not count reserved resource elements) above 0.93:
then the block's PRBs are left out of the slot's allocation (``prb_set``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from numbers import Real
from pathlib import Path

import numpy as np

from opennr._validation import check_choice, check_int
from opennr.coding.bch import Mib
from opennr.ofdm.carrier import CarrierConfig
from opennr.ofdm.modulator import ofdm_modulate
from opennr.ofdm.ofdm_info import ofdm_info
from opennr.physical_channels.ssb import SSB_NUM_SUBCARRIERS, SSB_NUM_SYMBOLS, ssb_block
from opennr.scheduling.ssb_burst import (
    SSB_CASE_SCS,
    SSB_PERIODICITIES_MS,
    gscn_from_frequency,
    ssb_burst_blocks,
    ssb_candidate_symbols,
    ssb_l_max,
    ssb_position_bitmap,
)
from opennr.waveform.impairments import Impairments, apply_impairments

__all__ = [
    "FILL_MODES",
    "GeneratedWaveform",
    "PdschFillConfig",
    "SsBurstConfig",
    "SsbTransmission",
    "WaveformConfig",
    "default_ssb_case",
    "generate_waveform",
    "pdsch_fill_slot",
    "ssb_subcarrier_position",
    "write_waveform",
]

_C7431 = "TS 38.211 §7.4.3.1"
_C41 = "TS 38.213 §4.1"
#: Accepted ``WaveformConfig.fill`` values.
FILL_MODES: tuple[str, ...] = ("none", "qpsk", "pdsch")
_DEFAULT_CASE = {15: "A", 30: "C", 120: "D", 240: "E", 480: "F", 960: "G"}


def default_ssb_case(subcarrier_spacing: int) -> str:
    """TS 38.213 §4.1: the usual SS/PBCH block case of a subcarrier spacing (kHz).

    15 -> A, 30 -> C (case B is the other 30 kHz pattern), 120 -> D, 240 -> E, 480 -> F,
    960 -> G.

    Examples
    --------
    >>> default_ssb_case(30)
    'C'
    """
    scs = check_choice(subcarrier_spacing, "subcarrier_spacing", tuple(_DEFAULT_CASE), clause=_C41)
    return _DEFAULT_CASE[scs]


@dataclass(frozen=True)
class SsBurstConfig:
    """TS 38.213 §4.1, TS 38.331 ``ServingCellConfigCommon``: an SS burst and its MIB.

    Attributes
    ----------
    case : {'A', 'B', 'C', 'D', 'E', 'F', 'G'} or None
        Block pattern; None: :func:`default_ssb_case` of the carrier's subcarrier spacing (the
        SS/PBCH blocks use the carrier's numerology).
    l_max : {4, 8, 64} or None
        Candidate blocks per half frame; None: :func:`~opennr.scheduling.ssb_burst.ssb_l_max`
        of the case and the centre frequency.
    positions : str, int, sequence of 0/1, or None
        ``ssb-PositionsInBurst`` (leftmost bit = block 0); None: the first block only.
    periodicity : {5, 10, 20, 40, 80, 160}
        ``ssb-periodicityServingCell`` in ms (default 20). Bursts are sent in the frames with
        ``(10 SFN + 5 half_frame) mod periodicity = 0``.
    half_frame : {0, 1}
        Half frame of the burst for periodicities of 10 ms and more (default 0).
    k_ssb : int or None
        ``k_SSB`` (0..23 FR1, 0..11 FR2); None together with ``offset_to_point_a`` = None puts the
        block as near the carrier centre as the raster of ``k_SSB`` allows.
    offset_to_point_a : int or None
        ``offsetToPointA`` = ``N_CRB^SSB`` in resource blocks of 15 kHz (FR1) / 60 kHz (FR2).
    mib : Mib
        MIB template; its ``system_frame_number`` is replaced per frame and its
        ``ssb_subcarrier_offset`` by ``k_SSB mod 16``.
    paired : bool
        Paired spectrum (FDD) for the ``L_max`` rule of case C (default True).
    power_db : float
        Energy per resource element of the SS/PBCH block in dB (``beta``, default 0).
    """

    case: str | None = None
    l_max: int | None = None
    positions: object = None
    periodicity: int = 20
    half_frame: int = 0
    k_ssb: int | None = None
    offset_to_point_a: int | None = None
    mib: Mib = field(default_factory=Mib)
    paired: bool = True
    power_db: float = 0.0

    def __post_init__(self) -> None:
        if self.case is not None:
            if not isinstance(self.case, str):
                raise TypeError(f"case must be a string 'A'..'G' or None, got {self.case!r}")
            object.__setattr__(self, "case", self.case.upper())
            check_choice(self.case, "case", tuple(SSB_CASE_SCS), clause=_C41)
        if self.l_max is not None:
            check_choice(self.l_max, "l_max", (4, 8, 64), clause=_C41)
        check_choice(self.periodicity, "periodicity", SSB_PERIODICITIES_MS,
                     clause=f"{_C41} (ssb-periodicityServingCell)")
        check_int(self.half_frame, "half_frame", low=0, high=1, clause=_C41)
        if self.k_ssb is not None:
            check_int(self.k_ssb, "k_ssb", low=0, high=23, clause=_C7431)
        if self.offset_to_point_a is not None:
            check_int(self.offset_to_point_a, "offset_to_point_a", low=0, high=2199,
                      clause="TS 38.211 §4.4.4.2, TS 38.331 offsetToPointA")
        if not isinstance(self.mib, Mib):
            raise TypeError(f"mib must be an opennr.coding.bch.Mib, got {type(self.mib).__name__}")
        if not isinstance(self.paired, bool):
            raise TypeError(f"paired must be a bool, got {self.paired!r}")
        if isinstance(self.power_db, bool) or not isinstance(self.power_db, Real):
            raise TypeError(f"power_db must be a real number (dB), got {self.power_db!r}")


@dataclass(frozen=True)
class PdschFillConfig:
    """TS 38.214 §5.1, TS 38.211 §7.3.1: the PDSCH of ``fill='pdsch'``, one in every slot.

    Each slot carries one single-layer PDSCH (mapping type A, DM-RS configuration type 1 with two
    CDM groups without data, ``dmrs-TypeA-Position`` from the MIB) on every PRB of the carrier
    not taken by an SS/PBCH block (see the module docstring), with a random transport block of
    the TS 38.214 §5.1.3.2 size for the MCS.

    Attributes
    ----------
    mcs : int
        MCS index ``I_MCS`` of ``mcs_table`` (TS 38.214 §5.1.3.1), default 4 (QPSK, R = 308/1024).
    mcs_table : str
        'qam64' (default), 'qam256', 'qam64LowSE' or 'qam1024'.
    rnti : int
        ``n_RNTI`` of the scrambling (0..65535, default 0x4601).
    n_id : int or None
        Data scrambling identity (0..1023); None: ``N_ID^cell``.
    symbol_allocation : (int, int)
        ``(S, L)`` in every slot (mapping type A: S 0..3, default (0, 14)).
    dmrs_additional_position : {0, 1, 2, 3}
        ``dmrs-AdditionalPosition`` (default 1).

    Examples
    --------
    >>> PdschFillConfig(mcs=9).modulation_and_rate()
    ('QPSK', 0.6630859375)
    """

    mcs: int = 4
    mcs_table: str = "qam64"
    rnti: int = 0x4601
    n_id: int | None = None
    symbol_allocation: tuple = (0, 14)
    dmrs_additional_position: int = 1

    def __post_init__(self) -> None:
        check_choice(self.mcs_table, "mcs_table", ("qam64", "qam256", "qam64LowSE", "qam1024"),
                     clause="TS 38.214 §5.1.3.1")
        check_int(self.rnti, "rnti", low=0, high=65535, clause="TS 38.211 §7.3.1.1")
        if self.n_id is not None:
            check_int(self.n_id, "n_id", low=0, high=1023, clause="TS 38.211 §7.3.1.1")
        if not isinstance(self.symbol_allocation, tuple | list) or len(self.symbol_allocation) != 2:
            raise TypeError(f"symbol_allocation must be a pair (S, L), got {self.symbol_allocation!r}")
        object.__setattr__(self, "symbol_allocation", tuple(int(v) for v in self.symbol_allocation))
        check_choice(self.dmrs_additional_position, "dmrs_additional_position", (0, 1, 2, 3),
                     clause="TS 38.211 §7.4.1.1.2")
        self.modulation_and_rate()  # checks the MCS index
        self.shared_channel_config()  # checks (S, L) and the DM-RS

    def modulation_and_rate(self) -> tuple[str, float]:
        """(modulation name, target code rate) of the MCS (TS 38.214 Tables 5.1.3.1-1..4)."""
        from opennr.scheduling.mcs import mcs_entry

        e = mcs_entry(self.mcs, self.mcs_table)
        names = {2: "QPSK", 4: "16QAM", 6: "64QAM", 8: "256QAM", 10: "1024QAM"}
        return names[e.modulation_order], float(e.target_code_rate)

    def shared_channel_config(self, *, type_a_position: int = 2, n_cell_id: int | None = None,
                              prb_set=None, reserved_res=()):
        """The :class:`~opennr.physical_channels.config.SharedChannelConfig` of one slot."""
        from opennr.physical_channels.config import DmrsConfig, SharedChannelConfig

        return SharedChannelConfig(
            direction="downlink", prb_set=prb_set, symbol_allocation=self.symbol_allocation,
            mapping_type="A", num_layers=1, modulation=self.modulation_and_rate()[0],
            rnti=self.rnti, n_id=self.n_id if self.n_id is not None else n_cell_id,
            dmrs=DmrsConfig(type_a_position=type_a_position,
                            additional_position=self.dmrs_additional_position),
            reserved_res=tuple(reserved_res))

    def to_dict(self) -> dict:
        """JSON-ready description (the ``pdsch`` metadata key, without the slots)."""
        mod, rate = self.modulation_and_rate()
        return {"mcs": self.mcs, "mcs_table": self.mcs_table, "modulation": mod,
                "target_code_rate": rate, "rnti": self.rnti, "n_id": self.n_id,
                "symbol_allocation": list(self.symbol_allocation), "mapping_type": "A",
                "num_layers": 1, "dmrs_config_type": 1, "dmrs_num_cdm_groups_without_data": 2,
                "dmrs_additional_position": self.dmrs_additional_position}


@dataclass(frozen=True)
class WaveformConfig:
    """TS 38.211 §4.4, §5.3.1: what :func:`generate_waveform` produces.

    Attributes
    ----------
    carrier : CarrierConfig
        Numerology, bandwidth (``n_size_grid`` PRBs), ``n_start_grid``, PCI (``n_cell_id``) and
        the first frame's SFN (``n_frame``); the waveform starts at slot 0 of that frame.
    ss_burst : SsBurstConfig or None
        The SS burst (None: no SS/PBCH blocks).
    num_subframes : int
        Duration in ms (default 10: one frame).
    sample_rate : float or None
        Sample rate in Hz (``N_fft * Delta f`` for a multiple-of-128 ``N_fft`` of at least the
        grid's ``K`` subcarriers); None: MATLAB's default FFT size.
    center_frequency : float
        Carrier centre frequency in Hz (default 0: baseband only). Sets ``L_max`` when
        ``ss_burst.l_max`` is None (3 GHz if 0), the SigMF ``core:frequency`` and the absolute
        SS_REF / GSCN in the metadata.
    fill : {'none', 'qpsk', 'pdsch'}
        Other resource elements: empty, random QPSK of energy ``fill_power_db``, or one PDSCH a
        slot (``pdsch``; data resource elements of energy ``fill_power_db``, DM-RS 3 dB above).
    fill_power_db : float
        Energy per filled resource element in dB (default 0).
    pdsch : PdschFillConfig
        The PDSCH of ``fill='pdsch'`` (default :class:`PdschFillConfig`).
    upconversion_phase : bool
        Apply the §5.4 symbol phases for ``center_frequency`` (default False).
    """

    carrier: CarrierConfig = field(default_factory=CarrierConfig)
    ss_burst: SsBurstConfig | None = field(default_factory=SsBurstConfig)
    num_subframes: int = 10
    sample_rate: float | None = None
    center_frequency: float = 0.0
    fill: str = "none"
    fill_power_db: float = 0.0
    upconversion_phase: bool = False
    pdsch: PdschFillConfig = field(default_factory=PdschFillConfig)

    def __post_init__(self) -> None:
        if not isinstance(self.carrier, CarrierConfig):
            raise TypeError(f"carrier must be a CarrierConfig, got {type(self.carrier).__name__}")
        if self.ss_burst is not None and not isinstance(self.ss_burst, SsBurstConfig):
            raise TypeError(f"ss_burst must be an SsBurstConfig or None, got "
                            f"{type(self.ss_burst).__name__}")
        check_int(self.num_subframes, "num_subframes", low=1, high=10240,
                  clause="TS 38.211 §4.3.1")
        check_choice(self.fill, "fill", FILL_MODES)
        for name in ("center_frequency", "fill_power_db"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, Real) or not np.isfinite(float(v)):
                raise TypeError(f"{name} must be a finite real number, got {v!r}")
        if float(self.center_frequency) < 0:
            raise ValueError(f"center_frequency must be >= 0 Hz, got {self.center_frequency}")
        if not isinstance(self.upconversion_phase, bool):
            raise TypeError(f"upconversion_phase must be a bool, got {self.upconversion_phase!r}")
        if not isinstance(self.pdsch, PdschFillConfig):
            raise TypeError(f"pdsch must be a PdschFillConfig, got {type(self.pdsch).__name__}")


@dataclass(frozen=True)
class SsbTransmission:
    """One transmitted SS/PBCH block of a generated waveform (ground truth).

    Attributes
    ----------
    sfn : int
        System frame number of the block's frame.
    half_frame : int
        Half frame ``n_hf``.
    ssb_index : int
        Candidate block index ``i_SSB``.
    symbol : int
        First OFDM symbol of the block, counted from the first symbol of the waveform.
    sample_offset : int
        First sample (start of the cyclic prefix) of the block's first symbol (the PSS) in the
        returned samples, after the timing offset.
    """

    sfn: int
    half_frame: int
    ssb_index: int
    symbol: int
    sample_offset: int


@dataclass(frozen=True)
class GeneratedWaveform:
    """What :func:`generate_waveform` returns.

    Attributes
    ----------
    samples : numpy.ndarray of complex64, shape [S]
        The waveform (unitary OFDM scaling, impairments applied).
    sample_rate : float
        Hz.
    nfft : int
        FFT size ``N_fft``.
    grid : numpy.ndarray of complex64, shape [K, L]
        The carrier resource grid (without the SS/PBCH blocks when they are placed off the
        carrier's subcarrier grid).
    ssb_first_subcarrier : float
        Carrier-grid subcarrier of SS/PBCH block subcarrier 0 (a half-integer when off-grid).
    ssb_frequency_offset : float
        SS_REF (block subcarrier 120) minus the centre frequency, in Hz.
    l_max : int or None
    case : str or None
    blocks : tuple of SsbTransmission
    metadata : dict
        JSON-serialisable configuration and ground truth (SigMF ``opennr:`` keys).
    """

    samples: np.ndarray
    sample_rate: float
    nfft: int
    grid: np.ndarray
    ssb_first_subcarrier: float
    ssb_frequency_offset: float
    l_max: int | None
    case: str | None
    blocks: tuple[SsbTransmission, ...]
    metadata: dict


def _fr2(scs: int) -> bool:
    return scs >= 120


def ssb_subcarrier_position(carrier: CarrierConfig, *, k_ssb: int, offset_to_point_a: int,
                            scs_common: int | None = None) -> float:
    """TS 38.211 §7.4.3.1: subcarrier 0 of the SS/PBCH block in the carrier grid.

    ``(12 N_CRB^SSB Delta f_RB + k_SSB Delta f_k) / Delta f - 12 N_grid^start`` with
    ``Delta f_RB`` = 15 kHz (FR1) / 60 kHz (FR2), ``Delta f_k`` = 15 kHz (FR1) /
    ``subCarrierSpacingCommon`` (FR2), ``Delta f`` the carrier's (= the block's) spacing.

    Parameters
    ----------
    carrier : CarrierConfig
        The carrier (its subcarrier spacing is the SS/PBCH block's).
    k_ssb : int
        ``k_SSB``, 0..23 (FR1) or 0..11 (FR2).
    offset_to_point_a : int
        ``offsetToPointA`` (``N_CRB^SSB``).
    scs_common : int, optional
        ``subCarrierSpacingCommon`` in kHz for FR2 (60 or 120; default 120).

    Returns
    -------
    float
        Carrier subcarrier index (may end in .5 when ``k_SSB`` is odd and the spacing 30 kHz).

    Examples
    --------
    >>> c = CarrierConfig(subcarrier_spacing=30, n_size_grid=106)
    >>> ssb_subcarrier_position(c, k_ssb=4, offset_to_point_a=40), \
ssb_subcarrier_position(c, k_ssb=5, offset_to_point_a=40)
    (242.0, 242.5)
    """
    if not isinstance(carrier, CarrierConfig):
        raise TypeError(f"carrier must be a CarrierConfig, got {type(carrier).__name__}")
    scs = carrier.subcarrier_spacing
    fr2 = _fr2(scs)
    k_ssb = check_int(k_ssb, "k_ssb", low=0, high=11 if fr2 else 23, clause=_C7431)
    offset_to_point_a = check_int(offset_to_point_a, "offset_to_point_a", low=0, high=2199,
                                  clause="TS 38.331 offsetToPointA")
    rb_scs = 60 if fr2 else 15
    if fr2:
        k_scs = 120 if scs_common is None else check_choice(
            scs_common, "scs_common", (60, 120), clause=_C7431)
    else:
        k_scs = 15
    khz = 12 * offset_to_point_a * rb_scs + k_ssb * k_scs
    return khz / scs - 12 * carrier.n_start_grid


def _centred_placement(carrier: CarrierConfig, scs_common: int) -> tuple[int, int]:
    """``(k_ssb, offset_to_point_a)`` putting the block nearest to the carrier centre."""
    scs = carrier.subcarrier_spacing
    fr2 = _fr2(scs)
    target_khz = (12 * carrier.n_start_grid + carrier.num_subcarriers // 2 - 120) * scs
    rb_khz = 12 * (60 if fr2 else 15)
    k_unit = scs_common if fr2 else 15
    off = target_khz // rb_khz
    rem = target_khz - off * rb_khz
    k = rem // k_unit
    return int(k), int(off)


def _scs_common_khz(mib: Mib, scs: int) -> int:
    fr2 = _fr2(scs)
    if mib.sub_carrier_spacing_common == "scs15or60":
        return 60 if fr2 else 15
    return 120 if fr2 else 30


def _burst_frames(burst: SsBurstConfig, sfn: int) -> list[int]:
    """Half frames of frame ``sfn`` that carry the burst (TS 38.213 §4.1 periodicity)."""
    if burst.periodicity == 5:
        return [0, 1]
    return [burst.half_frame] if (10 * sfn) % burst.periodicity == 0 else []


def _fill_mask(k_total: int, num_symbols: int, ssb_regions: list[tuple[int, int]], k_lo: float
               ) -> np.ndarray:
    """Resource elements free for the fill: all, less the RBs touched by the SS/PBCH blocks."""
    mask = np.ones((k_total, num_symbols), dtype=bool)
    rb_lo = int(np.floor(k_lo)) // 12
    rb_hi = (int(np.ceil(k_lo + SSB_NUM_SUBCARRIERS)) - 1) // 12
    for l0, _ in ssb_regions:
        mask[12 * rb_lo : 12 * (rb_hi + 1), l0 : l0 + SSB_NUM_SYMBOLS] = False
    return mask


def _ssb_prb_range(k_lo: float) -> tuple[int, int]:
    """First and last carrier PRB touched by an SS/PBCH block starting at subcarrier ``k_lo``."""
    return int(np.floor(k_lo)) // 12, (int(np.ceil(k_lo + SSB_NUM_SUBCARRIERS)) - 1) // 12


def _pdsch_slot_resources(n_size_grid: int, dmrs_symbols, ssb_symbols, prbs: tuple[int, int]):
    """(prb_set or None, reserved_res) of a slot whose SS/PBCH block symbols are ``ssb_symbols``."""
    if not ssb_symbols:
        return None, ()
    lo, hi = prbs
    if set(ssb_symbols) & set(dmrs_symbols):
        return tuple(p for p in range(n_size_grid) if not lo <= p <= hi), ()
    k = np.arange(12 * lo, 12 * (hi + 1))
    k_total = 12 * n_size_grid
    return None, tuple(int(v) for v in (k[None, :] + k_total * np.asarray(ssb_symbols)[:, None])
                       .reshape(-1))


def _pdsch_tb(seed: int, tbs: int) -> np.ndarray:
    """The transport block of a PDSCH fill slot: ``tbs`` bits from ``default_rng(seed)``."""
    return np.random.default_rng(seed).integers(0, 2, tbs, dtype=np.uint8)


def _pdsch_tbs(cfg, n_prb: int, rate: float) -> int:
    from opennr.modulation import bits_per_symbol
    from opennr.scheduling.tbs import transport_block_size

    n_dmrs = 6 * cfg.dmrs.num_cdm_groups_without_data * len(cfg.dmrs_symbol_indices)
    return transport_block_size(bits_per_symbol(cfg.modulation), 1, n_prb,
                                12 * cfg.symbol_allocation[1] - n_dmrs, rate)


#: Highest code rate (TB + CRC bits over coded bits) accepted for a slot rate-matched around an
#: SS/PBCH block before the block's PRBs are left out instead.
_MAX_RATE = 0.93


def _pdsch_bits(cfg, carrier: CarrierConfig) -> int:
    """Coded bits ``G`` of a slot's PDSCH (data REs x Q_m, one layer)."""
    from opennr.modulation import bits_per_symbol
    from opennr.physical_channels import shared_channel_indices

    return int(np.asarray(shared_channel_indices(cfg, carrier)).size) * bits_per_symbol(cfg.modulation)


def _pdsch_fill(grid: np.ndarray, config: WaveformConfig, carrier: CarrierConfig,
                block_symbols: list[int], k_lo: float, burst: SsBurstConfig | None,
                rng: np.random.Generator) -> dict:
    """Add one PDSCH a slot to ``grid`` (in place); the ``pdsch`` metadata."""
    from opennr.physical_channels.pdsch import pdsch_transmit

    pdsch = config.pdsch
    tap = 2 if burst is None else int(burst.mib.dmrs_type_a_position[-1])
    _, rate = pdsch.modulation_and_rate()
    n_symb = carrier.symbols_per_slot
    prbs = _ssb_prb_range(k_lo)
    amp = np.float32(10.0 ** (float(config.fill_power_db) / 20.0))
    occupied: dict[int, set[int]] = {}
    for l0 in block_symbols:
        for l in range(l0, l0 + SSB_NUM_SYMBOLS):
            occupied.setdefault(l // n_symb, set()).add(l % n_symb)
    base = pdsch.shared_channel_config(type_a_position=tap, n_cell_id=carrier.n_cell_id)
    slots = []
    for n in range(grid.shape[1] // n_symb):
        ssb_syms = sorted(occupied.get(n, ()))
        prb_set, reserved = _pdsch_slot_resources(carrier.n_size_grid, base.dmrs_symbol_indices,
                                                  ssb_syms, prbs)
        if prb_set is not None and not prb_set:
            continue  # the SS/PBCH block takes the whole carrier in this slot
        cfg = pdsch.shared_channel_config(type_a_position=tap, n_cell_id=carrier.n_cell_id,
                                          prb_set=prb_set, reserved_res=reserved)
        tbs = _pdsch_tbs(cfg, carrier.n_size_grid if prb_set is None else len(prb_set), rate)
        if reserved and (tbs + 24) > _MAX_RATE * _pdsch_bits(cfg, carrier):
            # the reserved REs leave too few bits for the TS 38.214 transport block size (which
            # ignores them): leave the block's PRBs out of the slot instead
            prb_set = tuple(p for p in range(carrier.n_size_grid)
                            if not prbs[0] <= p <= prbs[1])
            reserved = ()
            if not prb_set:
                continue
            cfg = pdsch.shared_channel_config(type_a_position=tap, n_cell_id=carrier.n_cell_id,
                                              prb_set=prb_set)
            tbs = _pdsch_tbs(cfg, len(prb_set), rate)
        seed = int(rng.integers(0, 2**31))
        car = carrier.replace(n_slot=n % carrier.slots_per_frame,
                              n_frame=(carrier.n_frame + n // carrier.slots_per_frame) % 1024)
        slot_grid = pdsch_transmit(_pdsch_tb(seed, tbs), cfg, car, target_code_rate=rate)
        grid[:, n * n_symb : (n + 1) * n_symb] += amp * slot_grid[0]
        slots.append({"slot": n, "n_frame": car.n_frame, "n_slot": car.n_slot,
                      "prb_set": None if prb_set is None else list(prb_set),
                      "ssb_symbols": ssb_syms if prb_set is None and ssb_syms else [],
                      "tbs": int(tbs), "seed": seed})
    return {**pdsch.to_dict(), "dmrs_type_a_position": tap, "power_db": float(config.fill_power_db),
            "n_id_used": int(base.n_id) if base.n_id is not None else int(carrier.n_cell_id),
            "ssb_prbs": list(prbs) if block_symbols else None,
            "tb_rule": "tb = numpy.random.default_rng(seed).integers(0, 2, tbs, dtype=numpy.uint8)",
            "clause": "TS 38.211 §7.3.1, TS 38.212 §7.2, TS 38.214 §5.1.3, §5.1.4",
            "slots": slots}


def pdsch_fill_slot(metadata: dict, slot: int):
    """TS 38.211 §7.3.1, TS 38.214 §5.1.4: a PDSCH fill slot of a generated waveform, rebuilt.

    From the metadata of :func:`generate_waveform` (``GeneratedWaveform.metadata``) or of the
    SigMF recording :func:`write_waveform` wrote (its ``global`` object, ``opennr:`` keys), the
    configuration and transport block of the PDSCH in waveform slot ``slot``.

    Parameters
    ----------
    metadata : dict
    slot : int
        Slot index counted from the first slot of the waveform.

    Returns
    -------
    config : SharedChannelConfig
    carrier : CarrierConfig
        The carrier with the slot's ``n_slot`` and ``n_frame``.
    tb : numpy.ndarray of uint8, shape [A]
        The transport block sent (``A = tbs``).
    target_code_rate : float

    Raises
    ------
    ValueError
        If the waveform has no PDSCH fill or no PDSCH in that slot.

    Examples
    --------
    >>> from opennr.ofdm import CarrierConfig
    >>> cfg = WaveformConfig(CarrierConfig(subcarrier_spacing=30, n_size_grid=24), num_subframes=1,
    ...                      fill="pdsch")
    >>> w = generate_waveform(cfg, rng=np.random.default_rng(0))
    >>> c, car, tb, r = pdsch_fill_slot(w.metadata, 0)
    >>> c.prb_set[:3], car.n_slot, tb.size, r
    ((0, 1, 22), 0, 352, 0.30078125)
    """
    if not isinstance(metadata, dict):
        raise TypeError(f"metadata must be a dict, got {type(metadata).__name__}")
    meta = {k.removeprefix("opennr:"): v for k, v in metadata.items()}
    pd = meta.get("pdsch")
    if pd is None:
        raise ValueError("the waveform has no PDSCH fill (no 'pdsch' metadata; fill='pdsch')")
    slot = check_int(slot, "slot", low=0)
    entry = next((e for e in pd["slots"] if e["slot"] == slot), None)
    if entry is None:
        raise ValueError(f"no PDSCH in slot {slot} of the waveform (slots "
                         f"{[e['slot'] for e in pd['slots']]})")
    c = meta["carrier"]
    carrier = CarrierConfig(subcarrier_spacing=c["subcarrier_spacing_khz"],
                            cyclic_prefix=c["cyclic_prefix"], n_size_grid=c["n_size_grid"],
                            n_start_grid=c["n_start_grid"], n_cell_id=c["n_cell_id"],
                            n_slot=entry["n_slot"], n_frame=entry["n_frame"])
    fill = PdschFillConfig(mcs=pd["mcs"], mcs_table=pd["mcs_table"], rnti=pd["rnti"],
                           n_id=pd["n_id"], symbol_allocation=tuple(pd["symbol_allocation"]),
                           dmrs_additional_position=pd["dmrs_additional_position"])
    reserved = ()
    if entry["ssb_symbols"]:
        _, reserved = _pdsch_slot_resources(carrier.n_size_grid, (), entry["ssb_symbols"],
                                            tuple(pd["ssb_prbs"]))
    cfg = fill.shared_channel_config(type_a_position=pd["dmrs_type_a_position"],
                                     n_cell_id=carrier.n_cell_id, prb_set=entry["prb_set"],
                                     reserved_res=reserved)
    return cfg, carrier, _pdsch_tb(entry["seed"], entry["tbs"]), float(pd["target_code_rate"])


def generate_waveform(config: WaveformConfig, *, impairments: Impairments | None = None,
                      rng: np.random.Generator | None = None) -> GeneratedWaveform:
    """TS 38.211 §5.3.1, §7.4.3: samples of an NR downlink carrier with an SS burst.

    Parameters
    ----------
    config : WaveformConfig
    impairments : Impairments, optional, keyword-only
        Receiver model (CFO, timing offset, noise, fading); None: an ideal recording.
    rng : numpy.random.Generator, optional, keyword-only
        Source of the fill data and the noise; required for ``fill='qpsk'`` or ``'pdsch'``,
        noise or fading.

    Returns
    -------
    GeneratedWaveform
        ``samples [S]`` with ``S = num_subframes * sample_rate / 1000``, the grid, the block
        placement and the ground truth.

    Raises
    ------
    ValueError
        If the block does not fit in the carrier, the sample rate is not ``N_fft Delta f``, the
        case does not match the carrier's subcarrier spacing, and similar configuration errors.

    Examples
    --------
    >>> from opennr.ofdm import CarrierConfig
    >>> cfg = WaveformConfig(CarrierConfig(subcarrier_spacing=30, n_size_grid=24, n_cell_id=500),
    ...                      SsBurstConfig(positions="10000000"), sample_rate=15.36e6,
    ...                      center_frequency=3.5e9)
    >>> w = generate_waveform(cfg)
    >>> w.samples.shape, w.case, w.l_max, [(b.ssb_index, b.sample_offset) for b in w.blocks]
    ((153600,), 'C', 8, [(0, 1104)])
    """
    if not isinstance(config, WaveformConfig):
        raise TypeError(f"config must be a WaveformConfig, got {type(config).__name__}")
    if rng is not None and not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    if impairments is None:
        impairments = Impairments()
    if not isinstance(impairments, Impairments):
        raise TypeError(f"impairments must be an Impairments, got {type(impairments).__name__}")
    if config.fill != "none" and rng is None:
        raise TypeError(f"rng must be a numpy.random.Generator when fill={config.fill!r}")
    carrier = config.carrier.replace(n_slot=0)
    scs = carrier.subcarrier_spacing
    nfft = None
    if config.sample_rate is not None:
        ratio = float(config.sample_rate) / (scs * 1e3)
        if ratio == int(ratio) and int(ratio) > 0:
            nfft = int(ratio)  # the FFT size the sample rate implies (checked by ofdm_info)
    info = ofdm_info(carrier, nfft=nfft, sample_rate=config.sample_rate)
    k_total = carrier.num_subcarriers
    symbols_per_subframe = carrier.symbols_per_slot * carrier.slots_per_subframe
    num_symbols = config.num_subframes * symbols_per_subframe
    grid = np.zeros((k_total, num_symbols), dtype=np.complex64)
    ssb_grid = np.zeros_like(grid)
    burst = config.ss_burst
    f_centre = float(config.center_frequency)
    blocks: list[tuple[int, int, int, int]] = []  # (sfn, hf, index, symbol)
    k_pos = float("nan")
    case = l_max = None
    meta_burst: dict | None = None
    if burst is not None:
        if carrier.cyclic_prefix != "normal":
            raise ValueError("SS/PBCH blocks use the normal cyclic prefix (TS 38.211 §7.4.3.1); "
                             "the carrier has an extended CP")
        case = burst.case or default_ssb_case(scs)
        if SSB_CASE_SCS[case] != scs:
            raise ValueError(f"case {case} uses {SSB_CASE_SCS[case]} kHz but the carrier has "
                             f"{scs} kHz; the generator sends the SS/PBCH blocks in the carrier's "
                             f"numerology ({_C41})")
        l_max = burst.l_max or ssb_l_max(case, f_centre if f_centre > 0 else 3e9,
                                         paired=burst.paired)
        ssb_candidate_symbols(case, l_max)  # checks the (case, L_max) pair
        bitmap = ssb_position_bitmap("1" + "0" * (l_max - 1) if burst.positions is None
                                     else burst.positions, l_max)
        scs_common = _scs_common_khz(burst.mib, scs)
        if (burst.k_ssb is None) != (burst.offset_to_point_a is None):
            raise ValueError("give both k_ssb and offset_to_point_a, or neither (centred block) "
                             f"({_C7431})")
        if burst.k_ssb is None:
            k_ssb, off_a = _centred_placement(carrier, scs_common)
        else:
            k_ssb, off_a = burst.k_ssb, burst.offset_to_point_a
        if l_max == 64 and k_ssb > 11:
            raise ValueError(f"k_ssb must be in [0, 11] in FR2 (L_max = 64), got {k_ssb} "
                             f"({_C7431})")
        k_pos = ssb_subcarrier_position(carrier, k_ssb=k_ssb, offset_to_point_a=off_a,
                                        scs_common=scs_common if _fr2(scs) else None)
        frac = k_pos - np.floor(k_pos)
        if frac not in (0.0, 0.5):
            raise ValueError(f"the SS/PBCH block lands at carrier subcarrier {k_pos}, neither on "
                             f"the carrier grid nor half-way between ({_C7431})")
        if k_pos < 0 or k_pos + SSB_NUM_SUBCARRIERS > k_total:
            raise ValueError(
                f"the SS/PBCH block (240 subcarriers from carrier subcarrier {k_pos}) does not fit "
                f"in the {k_total}-subcarrier carrier; k_ssb = {k_ssb}, offset_to_point_a = "
                f"{off_a}, n_start_grid = {carrier.n_start_grid} ({_C7431})")
        k_int = int(np.floor(k_pos))
        mib0 = dataclasses.replace(burst.mib, ssb_subcarrier_offset=k_ssb & 15)
        beta = np.float32(10.0 ** (float(burst.power_db) / 20.0))
        for f in range(-(-config.num_subframes // 10)):
            sfn = (carrier.n_frame + f) % 1024
            hfs = _burst_frames(burst, sfn)
            if not hfs:
                continue
            mib = dataclasses.replace(mib0, system_frame_number=sfn >> 4)
            frame_symbol0 = f * 10 * symbols_per_subframe
            for b in ssb_burst_blocks(case, l_max, bitmap, half_frames=hfs):
                l0 = frame_symbol0 + b.first_symbol
                if l0 + SSB_NUM_SYMBOLS > num_symbols:
                    continue
                blk = ssb_block(mib, n_cell_id=carrier.n_cell_id, ssb_index=b.ssb_index, sfn=sfn,
                                half_frame=b.half_frame, l_max=l_max, k_ssb=k_ssb)
                ssb_grid[k_int : k_int + SSB_NUM_SUBCARRIERS, l0 : l0 + SSB_NUM_SYMBOLS] = beta * blk
                blocks.append((sfn, b.half_frame, b.ssb_index, l0))
        meta_burst = {
            "case": case, "l_max": l_max, "positions": "".join("1" if x else "0" for x in bitmap),
            "periodicity_ms": burst.periodicity, "half_frame": burst.half_frame,
            "k_ssb": int(k_ssb), "offset_to_point_a": int(off_a), "power_db": float(burst.power_db),
            "paired": burst.paired, "scs_common_khz": scs_common,
            "mib": {f.name: getattr(mib0, f.name) for f in dataclasses.fields(Mib)},
        }
    if config.fill == "qpsk":
        regions = [(b[3], 0) for b in blocks]
        mask = _fill_mask(k_total, num_symbols, regions, k_pos if blocks else 0.0)
        if not blocks:
            mask[:] = True
        n = int(mask.sum())
        amp = np.float32(10.0 ** (float(config.fill_power_db) / 20.0) / np.sqrt(2.0))
        bits = rng.integers(0, 2, (2, n), dtype=np.int8)
        grid[mask] = amp * ((1 - 2 * bits[0]) + 1j * (1 - 2 * bits[1])).astype(np.complex64)
    meta_pdsch = None
    if config.fill == "pdsch":
        meta_pdsch = _pdsch_fill(grid, config, carrier, [b[3] for b in blocks],
                                 k_pos if blocks else 0.0, burst, rng)
    f0 = f_centre if config.upconversion_phase else 0.0
    kw = {"nfft": info.nfft, "carrier_frequency": f0, "normalization": "ortho"}
    frac = 0.0 if not blocks else k_pos - np.floor(k_pos)
    if blocks and frac == 0.0:
        grid = grid + ssb_grid
        samples = ofdm_modulate(grid, carrier, **kw)
    else:
        samples = ofdm_modulate(grid, carrier, **kw)
        if blocks:
            samples = samples + _half_shifted(ssb_grid, carrier, info, kw)
    samples = np.asarray(samples, dtype=np.complex64).reshape(-1)
    cp = info.symbol_cp_lengths(0, num_symbols)
    sym_start = np.concatenate(([0], np.cumsum(cp + info.nfft)[:-1]))
    total = samples.size
    re_energy = 1.0 if burst is None else 10.0 ** (float(burst.power_db) / 10.0)
    samples = apply_impairments(samples, impairments, info.sample_rate, rng, re_energy=re_energy)
    d = impairments.timing_offset
    tx = tuple(SsbTransmission(int(s), int(h), int(i), int(l), int((sym_start[l] + d) % total))
               for s, h, i, l in blocks)
    ssb_offset_hz = (k_pos + 120 - k_total // 2) * scs * 1e3 if burst is not None else float("nan")
    meta = {
        "generator": "opennr.waveform.generate_waveform",
        "pci": int(carrier.n_cell_id),
        "carrier": {"subcarrier_spacing_khz": scs, "cyclic_prefix": carrier.cyclic_prefix,
                    "n_size_grid": carrier.n_size_grid, "n_start_grid": carrier.n_start_grid,
                    "n_cell_id": carrier.n_cell_id, "n_frame": carrier.n_frame},
        "num_subframes": config.num_subframes,
        "nfft": info.nfft,
        "normalization": "ortho",
        "fill": config.fill,
        "fill_power_db": float(config.fill_power_db),
        **({"pdsch": meta_pdsch} if meta_pdsch is not None else {}),
        "upconversion_phase": config.upconversion_phase,
        "impairments": impairments.to_dict(),
        "snr_definition": "E_RE/N0 per resource element of the SS/PBCH block (unitary OFDM)",
    }
    if burst is not None:
        meta["ss_burst"] = meta_burst
        meta["ssb_first_subcarrier"] = float(k_pos)
        meta["ssb_frequency_offset_hz"] = float(ssb_offset_hz)
        if f_centre > 0:
            ss_ref = f_centre + ssb_offset_hz
            meta["ss_ref_hz"] = float(ss_ref)
            try:
                meta["gscn"] = gscn_from_frequency(ss_ref)
            except ValueError:
                meta["gscn"] = None
        meta["ssb_blocks"] = [dataclasses.asdict(b) for b in tx]
    return GeneratedWaveform(
        samples=samples, sample_rate=info.sample_rate, nfft=info.nfft, grid=grid,
        ssb_first_subcarrier=float(k_pos), ssb_frequency_offset=float(ssb_offset_hz),
        l_max=l_max, case=case, blocks=tx, metadata=meta)


def _half_shifted(ssb_grid: np.ndarray, carrier: CarrierConfig, info, kw) -> np.ndarray:
    """§5.3.1 with subcarrier positions ``k + 1/2``: modulate, then rotate each symbol by
    ``exp(j 2 pi (t - t_useful,l) Delta f / 2)`` (phase 0 at the start of its useful part)."""
    x = np.asarray(ofdm_modulate(ssb_grid, carrier, **kw)).reshape(-1)
    num_symbols = ssb_grid.shape[-1]
    cp = info.symbol_cp_lengths(0, num_symbols)
    n = info.nfft
    out = np.empty_like(x)
    pos = 0
    for c in cp.tolist():
        t = np.arange(-c, n, dtype=np.float64)
        out[pos : pos + c + n] = x[pos : pos + c + n] * np.exp(1j * np.pi * t / n)
        pos += c + n
    return out


def write_waveform(path, waveform: GeneratedWaveform, *, center_frequency: float = 0.0,
                   datatype: str = "cf32_le", description: str = "", peak: float = 0.7) -> Path:
    """SigMF: write a :class:`GeneratedWaveform` with its configuration in the metadata.

    For fixed-point datatypes the samples are scaled so that the largest real/imaginary part is
    ``peak`` (the factor is stored as ``opennr:scale``); floating-point data is written as is.

    Parameters
    ----------
    path : str or os.PathLike
        Base name (``.sigmf-meta`` / ``.sigmf-data`` are added).
    waveform : GeneratedWaveform
    center_frequency : float, optional, keyword-only
        ``core:frequency`` in Hz (default 0).
    datatype : {'cf32_le', 'ci16_le', 'ci32_le', 'cf64_le'}, optional, keyword-only
    description : str, optional, keyword-only
    peak : float, optional, keyword-only
        Full-scale fraction for fixed-point output (0 < peak <= 1, default 0.7).

    Returns
    -------
    pathlib.Path
        The ``.sigmf-meta`` path.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from opennr.ofdm import CarrierConfig
    >>> w = generate_waveform(WaveformConfig(CarrierConfig(n_size_grid=20), num_subframes=1))
    >>> p = write_waveform(pathlib.Path(tempfile.mkdtemp()) / "ssb", w, datatype="ci16_le")
    >>> p.name
    'ssb.sigmf-meta'
    """
    from opennr.io.sigmf import write_sigmf

    if not isinstance(waveform, GeneratedWaveform):
        raise TypeError(f"waveform must be a GeneratedWaveform, got {type(waveform).__name__}")
    if isinstance(peak, bool) or not isinstance(peak, Real) or not 0 < float(peak) <= 1:
        raise ValueError(f"peak must be in (0, 1], got {peak!r}")
    if not isinstance(datatype, str):
        raise TypeError(f"datatype must be a SigMF datatype name such as 'cf32_le', got {datatype!r}")
    x = waveform.samples
    scale = 1.0
    if datatype.startswith("ci"):
        m = float(max(np.abs(x.real).max(initial=0.0), np.abs(x.imag).max(initial=0.0)))
        scale = float(peak) / m if m > 0 else 1.0
        x = (x * np.float32(scale)).astype(np.complex64)
    extra = dict(waveform.metadata)
    extra["scale"] = scale
    if not description:
        m = waveform.metadata
        description = (f"OpenNR synthetic NR downlink: PCI {m['pci']}, "
                       f"{m['carrier']['subcarrier_spacing_khz']} kHz, "
                       f"{m['carrier']['n_size_grid']} PRB, {m['num_subframes']} ms")
    return write_sigmf(path, x, waveform.sample_rate, center_frequency=center_frequency,
                       datatype=datatype, description=description, extra=extra)
