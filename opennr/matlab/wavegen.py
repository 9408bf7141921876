"""MATLAB 5G Toolbox compatible ``nrWaveformGenerator`` for an SS-burst-only downlink carrier.

TS 38.211 §5.3.1, §7.4.3 and TS 38.213 §4.1 through :func:`opennr.waveform.generate_waveform`.
Supported: one SCS carrier (:class:`nrSCSCarrierConfig`) carrying the SS burst
(:class:`nrWavegenSSBurstConfig`, its numerology must be the carrier's), MIB payload
(``DataSource='MIB'``), ``NumSubframes`` from a frame boundary (``InitialNSubframe`` a multiple
of 10), ``SampleRate``, ``CarrierFrequency`` (§5.4 phases). Not supported (``ValueError``):
CORESETs, PDCCH, PDSCH, CSI-RS, several carriers, windowing.

Differences from MATLAB, stated: no windowing (MATLAB's default ``WindowingPercent`` windows the
symbols); ``NCRBSSB = []`` puts the block as near the carrier centre as the ``k_SSB`` raster
allows. The waveform has MATLAB's ``ifft`` scaling (``1/N_fft``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from numbers import Real

import numpy as np

from opennr.coding.bch import Mib
from opennr.matlab._struct import MatlabStruct
from opennr.matlab.coding import _choice_arg, _int_arg
from opennr.ofdm.carrier import CarrierConfig
from opennr.ofdm.ofdm_info import ofdm_info
from opennr.waveform.generator import SsBurstConfig, WaveformConfig, generate_waveform

__all__ = ["nrDLCarrierConfig", "nrSCSCarrierConfig", "nrWaveformGenerator",
           "nrWavegenSSBurstConfig"]

_C = "TS 38.211 §7.4.3.1, TS 38.213 §4.1"
_CASES = tuple(f"Case {c}" for c in "ABCDEFG")
_CASE_SCS = {"A": 15, "B": 30, "C": 30, "D": 120, "E": 240, "F": 480, "G": 960}


@dataclass
class nrSCSCarrierConfig:
    """TS 38.211 §4.4.2: one SCS carrier of a waveform, MATLAB ``nrSCSCarrierConfig``.

    MATLAB syntax: ``carrier = nrSCSCarrierConfig('SubcarrierSpacing',30,'NSizeGrid',51)``.

    Parameters
    ----------
    SubcarrierSpacing : {15, 30, 60, 120, 240, 480, 960}, default 15
    NSizeGrid : int, default 52
    NStartGrid : int, default 0

    Examples
    --------
    >>> nrSCSCarrierConfig(SubcarrierSpacing=30, NSizeGrid=51).NSizeGrid
    51
    """

    SubcarrierSpacing: int = 15
    NSizeGrid: int = 52
    NStartGrid: int = 0

    def __post_init__(self) -> None:
        self.to_native(1)

    def to_native(self, ncellid: int = 1, nframe: int = 0) -> CarrierConfig:
        """The :class:`opennr.ofdm.CarrierConfig` of this carrier."""
        scs = _int_arg(self.SubcarrierSpacing, "SubcarrierSpacing", clause="TS 38.211 §4.2")
        return CarrierConfig(
            subcarrier_spacing=scs,
            n_size_grid=_int_arg(self.NSizeGrid, "NSizeGrid", low=1, high=275,
                                 clause="TS 38.211 §4.4.2"),
            n_start_grid=_int_arg(self.NStartGrid, "NStartGrid", low=0, high=2199,
                                  clause="TS 38.211 §4.4.2"),
            n_cell_id=ncellid, n_frame=nframe)


@dataclass
class nrWavegenSSBurstConfig:
    """TS 38.213 §4.1: SS burst of a waveform, MATLAB ``nrWavegenSSBurstConfig``.

    MATLAB syntax: ``ssb = nrWavegenSSBurstConfig('BlockPattern','Case B','Period',10)``.

    Parameters
    ----------
    Enable : bool, default True
    Power : float, default 0
        Power scaling of the blocks in dB.
    BlockPattern : {'Case A', ..., 'Case G'}, default 'Case A'
    TransmittedBlocks : sequence of 0/1, default [1, 1, 1, 1]
        ``ssb-PositionsInBurst``; its length is ``L_max`` (4, 8 or 64).
    Period : {5, 10, 20, 40, 80, 160}, default 20
        ms.
    NCRBSSB : int or None, default None
        ``offsetToPointA`` (15 kHz RBs for cases A-C, 60 kHz for D-G); None (MATLAB's ``[]``):
        centred block.
    KSSB : int or None, default None
        ``k_SSB``; None (MATLAB's ``[]``) is 0 when ``NCRBSSB`` is given, and ignored with a
        centred block.
    DataSource : {'MIB'}, default 'MIB'
    DMRSTypeAPosition : {2, 3}, default 2
    CellBarred : bool, default False
    IntraFreqReselection : bool, default False
    SubcarrierSpacingCommon : {15, 30, 60, 120}, default 30
    PDCCHConfigSIB1 : int, default 0
        ``16 controlResourceSetZero + searchSpaceZero``, 0..255.

    Examples
    --------
    >>> nrWavegenSSBurstConfig(BlockPattern='Case C', TransmittedBlocks=[1, 0, 0, 0]).Period
    20
    """

    Enable: bool = True
    Power: float = 0.0
    BlockPattern: str = "Case A"
    TransmittedBlocks: object = field(default_factory=lambda: [1, 1, 1, 1])
    Period: int = 20
    NCRBSSB: int | None = None
    KSSB: int | None = None
    DataSource: str = "MIB"
    DMRSTypeAPosition: int = 2
    CellBarred: bool = False
    IntraFreqReselection: bool = False
    SubcarrierSpacingCommon: int = 30
    PDCCHConfigSIB1: int = 0

    def __post_init__(self) -> None:
        self.to_native()

    @property
    def case(self) -> str:
        """The pattern letter 'A'..'G'."""
        return _choice_arg(self.BlockPattern, "BlockPattern", _CASES, _C)[-1]

    def to_native(self) -> SsBurstConfig:
        """The :class:`opennr.waveform.SsBurstConfig` (validates every property)."""
        case = self.case
        bits = np.asarray(self.TransmittedBlocks).ravel()
        if bits.dtype == bool:
            bits = bits.astype(int)
        _choice_arg(int(bits.size), "numel(TransmittedBlocks)", (4, 8, 64), _C)
        _choice_arg(self.DataSource, "DataSource", ("MIB",), "TS 38.331 §6.2.2")
        scs_common = _choice_arg(self.SubcarrierSpacingCommon, "SubcarrierSpacingCommon",
                                 (15, 30, 60, 120), "TS 38.331 §6.2.2")
        pdcch = _int_arg(self.PDCCHConfigSIB1, "PDCCHConfigSIB1", low=0, high=255,
                         clause="TS 38.331 §6.2.2")
        mib = Mib(sub_carrier_spacing_common="scs15or60" if scs_common in (15, 60) else "scs30or120",
                  dmrs_type_a_position="pos" + str(_choice_arg(self.DMRSTypeAPosition,
                                                               "DMRSTypeAPosition", (2, 3))),
                  control_resource_set_zero=pdcch // 16, search_space_zero=pdcch % 16,
                  cell_barred="barred" if bool(self.CellBarred) else "notBarred",
                  intra_freq_reselection="notAllowed" if bool(self.IntraFreqReselection)
                  else "allowed")
        if isinstance(self.Power, bool) or not isinstance(self.Power, Real):
            raise TypeError(f"Power must be a real scalar (dB), got {self.Power!r}")
        ncrb = None if self.NCRBSSB is None else _int_arg(self.NCRBSSB, "NCRBSSB", low=0,
                                                          high=2199, clause=_C)
        kssb = 0 if self.KSSB is None else _int_arg(self.KSSB, "KSSB", low=0, high=23, clause=_C)
        return SsBurstConfig(
            case=case, l_max=int(bits.size),
            positions=[int(b) for b in bits],
            periodicity=_int_arg(self.Period, "Period", clause=_C),
            k_ssb=None if ncrb is None else kssb, offset_to_point_a=ncrb,
            mib=mib, power_db=float(self.Power))


@dataclass
class nrDLCarrierConfig:
    """TS 38.211 §4.4, §5.3.1: downlink waveform configuration, MATLAB ``nrDLCarrierConfig``.

    Only the SS-burst part is modelled. MATLAB syntax: ``cfg = nrDLCarrierConfig('NCellID',500)``.

    Parameters
    ----------
    NCellID : int, default 1
    NumSubframes : int, default 10
    InitialNSubframe : int, default 0
        A multiple of 10 (the waveform starts at a frame boundary; SFN = InitialNSubframe / 10).
    SampleRate : float or None, default None
    CarrierFrequency : float, default 0
        Applies the TS 38.211 §5.4 symbol phases (as MATLAB).
    FrequencyRange : {'FR1', 'FR2'}, default 'FR1'
    SCSCarriers : list of nrSCSCarrierConfig, default [nrSCSCarrierConfig()]
    SSBurst : nrWavegenSSBurstConfig

    Examples
    --------
    >>> cfg = nrDLCarrierConfig(NCellID=500, NumSubframes=5)
    >>> cfg.SSBurst.BlockPattern
    'Case A'
    """

    NCellID: int = 1
    NumSubframes: int = 10
    InitialNSubframe: int = 0
    SampleRate: float | None = None
    CarrierFrequency: float = 0.0
    FrequencyRange: str = "FR1"
    SCSCarriers: list = field(default_factory=lambda: [nrSCSCarrierConfig()])
    SSBurst: nrWavegenSSBurstConfig = field(default_factory=nrWavegenSSBurstConfig)

    def to_native(self) -> WaveformConfig:
        """The :class:`opennr.waveform.WaveformConfig` (validates every property)."""
        ncellid = _int_arg(self.NCellID, "NCellID", low=0, high=1007, clause="TS 38.211 §7.4.2")
        nsf = _int_arg(self.NumSubframes, "NumSubframes", low=1, clause="TS 38.211 §4.3.1")
        init = _int_arg(self.InitialNSubframe, "InitialNSubframe", low=0, clause="TS 38.211 §4.3.1")
        if init % 10:
            raise ValueError(f"InitialNSubframe must be a multiple of 10 here (the waveform starts at "
                             f"a frame boundary), got {init}")
        _choice_arg(self.FrequencyRange, "FrequencyRange", ("FR1", "FR2"))
        if not isinstance(self.SSBurst, nrWavegenSSBurstConfig):
            raise TypeError(f"SSBurst must be an nrWavegenSSBurstConfig, got "
                            f"{type(self.SSBurst).__name__}")
        carriers = list(self.SCSCarriers) if isinstance(self.SCSCarriers, list | tuple) else [
            self.SCSCarriers]
        if not carriers or not all(isinstance(c, nrSCSCarrierConfig) for c in carriers):
            raise TypeError("SCSCarriers must be a list of nrSCSCarrierConfig")
        burst = self.SSBurst.to_native()
        scs = _CASE_SCS[self.SSBurst.case]
        match = [c for c in carriers if int(c.SubcarrierSpacing) == scs]
        if len(carriers) != 1 or not match:
            raise ValueError(f"nrWaveformGenerator here supports one SCS carrier with the SS burst's "
                             f"subcarrier spacing ({scs} kHz for {self.SSBurst.BlockPattern}); got "
                             f"{[c.SubcarrierSpacing for c in carriers]}")
        if isinstance(self.CarrierFrequency, bool) or not isinstance(self.CarrierFrequency, Real):
            raise TypeError(f"CarrierFrequency must be a real scalar, got {self.CarrierFrequency!r}")
        return WaveformConfig(
            match[0].to_native(ncellid, (init // 10) % 1024),
            burst if bool(self.SSBurst.Enable) else None,
            num_subframes=nsf, sample_rate=self.SampleRate,
            center_frequency=float(self.CarrierFrequency),
            upconversion_phase=float(self.CarrierFrequency) != 0.0)


def nrWaveformGenerator(cfg):
    """TS 38.211 §5.3.1, §7.4.3: SS-burst-only NR downlink waveform, MATLAB ``nrWaveformGenerator``.

    MATLAB syntax: ``[waveform,info] = nrWaveformGenerator(cfg)``.

    Parameters
    ----------
    cfg : nrDLCarrierConfig

    Returns
    -------
    waveform : numpy.ndarray of complex64, shape [T]
        One antenna's samples (MATLAB's ``T x 1``), ``ifft`` scaling ``1/N_fft``.
    info : MatlabStruct
        ``ResourceGrids`` (a list with one struct: ``ResourceGridInCarrier`` ``K x L``, ``Info``
        the OFDM dimensions) and ``WaveformResources`` (``SSBurst``: the transmitted blocks'
        ``NFrame``, ``HalfFrame``, ``BlockIndex``, ``FirstSymbol``, ``SampleOffset``).

    Examples
    --------
    >>> cfg = nrDLCarrierConfig(NCellID=17, NumSubframes=5)
    >>> wave, info = nrWaveformGenerator(cfg)
    >>> wave.shape, info.ResourceGrids[0].Info.Nfft, info.WaveformResources.SSBurst.BlockIndex
    ((76800,), 1024, [0, 1, 2, 3])
    """
    if not isinstance(cfg, nrDLCarrierConfig):
        raise TypeError(f"cfg must be an nrDLCarrierConfig, got {type(cfg).__name__}")
    native = cfg.to_native()
    w = generate_waveform(native)
    waveform = (w.samples / np.float32(np.sqrt(w.nfft))).astype(np.complex64)
    info = ofdm_info(native.carrier, nfft=w.nfft)
    grids = [MatlabStruct(
        ResourceGridInCarrier=w.grid,
        Info=MatlabStruct(Nfft=w.nfft, SampleRate=w.sample_rate,
                          CyclicPrefixLengths=np.array(info.cp_lengths),
                          SymbolLengths=np.array(info.symbol_lengths)))]
    blocks = MatlabStruct(
        NFrame=[b.sfn for b in w.blocks], HalfFrame=[b.half_frame for b in w.blocks],
        BlockIndex=[b.ssb_index for b in w.blocks], FirstSymbol=[b.symbol for b in w.blocks],
        SampleOffset=[b.sample_offset for b in w.blocks])
    return waveform, MatlabStruct(ResourceGrids=grids,
                                  WaveformResources=MatlabStruct(SSBurst=blocks))
