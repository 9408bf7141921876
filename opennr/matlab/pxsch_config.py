"""MATLAB 5G Toolbox compatible PDSCH / PUSCH configuration objects (TS 38.211 §6.3, §6.4.1, §7.3, §7.4.1).

Mutable dataclasses with MathWorks' property names (``pdsch.DMRS.DMRSAdditionalPosition = 1``),
checked when used (:meth:`to_native` builds the frozen
:class:`~opennr.physical_channels.config.SharedChannelConfig`). Empty MATLAB values (``[]``) are
``None``. Differences from MATLAB: no ``CustomSymbolSet``, ``DMRSReferencePoint`` is always
``'CRB0'``, no VRB-to-PRB interleaving, no frequency hopping, ``ReservedPRB``/``ReservedRE`` are
not modelled here; the DM-RS ``c_init`` uses the Rel-16 form (``DmrsConfig.c_init_release=16``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from opennr.matlab.coding import _choice_arg, _int_arg
from opennr.physical_channels.config import DmrsConfig, PtrsConfig, SharedChannelConfig

__all__ = [
    "nrPDSCHConfig",
    "nrPDSCHDMRSConfig",
    "nrPDSCHPTRSConfig",
    "nrPUSCHConfig",
    "nrPUSCHPTRSConfig",
    "nrPUSCHDMRSConfig",
]

_MODS = ("pi/2-BPSK", "BPSK", "QPSK", "16QAM", "64QAM", "256QAM", "1024QAM")


def _opt_int(value, name, low, high, clause):
    if value is None or (isinstance(value, list | tuple | np.ndarray) and len(value) == 0):
        return None
    return _int_arg(value, name, low=low, high=high, clause=clause)


def _ports(value):
    if value is None:
        return None
    arr = np.atleast_1d(np.asarray(value))
    if arr.size == 0:
        return None
    if not np.all(np.mod(arr, 1) == 0):
        raise ValueError(f"DMRSPortSet must hold integers, got {value!r}")
    return tuple(int(v) for v in arr.ravel())


@dataclass
class nrPDSCHDMRSConfig:
    """TS 38.211 §7.4.1.1: PDSCH DM-RS configuration, MATLAB ``nrPDSCHDMRSConfig``.

    MATLAB syntax: ``dmrs = nrPDSCHDMRSConfig('DMRSAdditionalPosition',1)``, here
    ``nrPDSCHDMRSConfig(DMRSAdditionalPosition=1)``.

    Parameters
    ----------
    DMRSConfigurationType : {1, 2}, default 1
    DMRSTypeAPosition : {2, 3}, default 2
    DMRSAdditionalPosition : {0, 1, 2, 3}, default 0
    DMRSLength : {1, 2}, default 1
    DMRSPortSet : list of int or None, default None
        ``[]``/None = ports ``0 .. NumLayers - 1``.
    NIDNSCID : int or None, default None
        ``N_ID^nSCID`` (0..65535); None = ``NCellID``.
    NSCID : {0, 1}, default 0
    NumCDMGroupsWithoutData : {1, 2, 3}, default 2
    DMRSDownlinkR16 : bool, default False

    Examples
    --------
    >>> d = nrPDSCHDMRSConfig(DMRSConfigurationType=2, DMRSPortSet=[0, 2])
    >>> d.CDMGroups, d.DeltaShifts
    ([0, 1], [0, 2])
    """

    DMRSConfigurationType: int = 1
    DMRSTypeAPosition: int = 2
    DMRSAdditionalPosition: int = 0
    DMRSLength: int = 1
    DMRSPortSet: list | None = None
    NIDNSCID: int | None = None
    NSCID: int = 0
    NumCDMGroupsWithoutData: int = 2
    DMRSDownlinkR16: bool = False

    def __post_init__(self) -> None:
        self.to_native()

    def to_native(self, num_layers: int | None = None) -> DmrsConfig:
        """The equivalent :class:`~opennr.physical_channels.config.DmrsConfig`."""
        c = "TS 38.211 §7.4.1.1"
        n_id = _opt_int(self.NIDNSCID, "NIDNSCID", 0, 65535, c)
        return DmrsConfig(
            config_type=_int_arg(self.DMRSConfigurationType, "DMRSConfigurationType", low=1, high=2, clause=c),
            type_a_position=_int_arg(self.DMRSTypeAPosition, "DMRSTypeAPosition", low=2, high=3, clause=c),
            additional_position=_int_arg(self.DMRSAdditionalPosition, "DMRSAdditionalPosition", low=0,
                                         high=3, clause=c),
            length=_int_arg(self.DMRSLength, "DMRSLength", low=1, high=2, clause=c),
            n_id=(n_id, n_id), n_scid=_int_arg(self.NSCID, "NSCID", low=0, high=1, clause=c),
            num_cdm_groups_without_data=_int_arg(self.NumCDMGroupsWithoutData, "NumCDMGroupsWithoutData",
                                                 low=1, high=3, clause=c),
            ports=_ports(self.DMRSPortSet), c_init_release=16, dmrs_r16=bool(self.DMRSDownlinkR16),
        )

    @property
    def CDMGroups(self) -> list[int]:
        """CDM group of each port of ``DMRSPortSet`` (read-only)."""
        return list(self.to_native().cdm_groups)

    @property
    def DeltaShifts(self) -> list[int]:
        """Subcarrier offset ``Delta`` of each port (read-only)."""
        return list(self.to_native().deltas)


@dataclass
class nrPUSCHDMRSConfig(nrPDSCHDMRSConfig):
    """TS 38.211 §6.4.1.1: PUSCH DM-RS configuration, MATLAB ``nrPUSCHDMRSConfig``.

    MATLAB syntax: ``dmrs = nrPUSCHDMRSConfig('DMRSConfigurationType',2)``.

    As :class:`nrPDSCHDMRSConfig` (``DMRSUplinkR16`` instead of ``DMRSDownlinkR16``), plus the
    transform-precoding fields ``GroupHopping``, ``SequenceHopping`` and ``NRSID``
    (``n_ID^PUSCH``, None = ``NCellID``).

    Examples
    --------
    >>> nrPUSCHDMRSConfig(DMRSLength=2, DMRSAdditionalPosition=1).to_native().length
    2
    """

    DMRSDownlinkR16: bool = False
    DMRSUplinkR16: bool = False
    GroupHopping: bool = False
    SequenceHopping: bool = False
    NRSID: int | None = None

    def to_native(self, num_layers: int | None = None) -> DmrsConfig:
        """The equivalent :class:`~opennr.physical_channels.config.DmrsConfig`."""
        d = super().to_native()
        return d.replace(dmrs_r16=bool(self.DMRSUplinkR16),
                         n_pusch_identity=_opt_int(self.NRSID, "NRSID", 0, 1007, "TS 38.211 §6.4.1.1.1.2"),
                         group_hopping=bool(self.GroupHopping), sequence_hopping=bool(self.SequenceHopping))


@dataclass
class nrPDSCHPTRSConfig:
    """TS 38.211 §7.4.1.2: PT-RS configuration, MATLAB ``nrPDSCHPTRSConfig`` (also used for the PUSCH).

    MATLAB syntax: ``ptrs = nrPDSCHPTRSConfig('TimeDensity',2,'FrequencyDensity',4)``.

    Parameters
    ----------
    TimeDensity : {1, 2, 4}, default 1
    FrequencyDensity : {2, 4}, default 2
    REOffset : {'00', '01', '10', '11'}, default '00'
    PTRSPortSet : list of int or None, default None

    Examples
    --------
    >>> nrPDSCHPTRSConfig(TimeDensity=2).to_native().time_density
    2
    """

    TimeDensity: int = 1
    FrequencyDensity: int = 2
    REOffset: str = "00"
    PTRSPortSet: list | None = None

    def __post_init__(self) -> None:
        self.to_native()

    def to_native(self) -> PtrsConfig:
        """The equivalent :class:`~opennr.physical_channels.config.PtrsConfig`."""
        c = "TS 38.214 §5.1.6.3"
        return PtrsConfig(
            time_density=_int_arg(self.TimeDensity, "TimeDensity", low=1, high=4, clause=c),
            frequency_density=_int_arg(self.FrequencyDensity, "FrequencyDensity", low=2, high=4, clause=c),
            re_offset=_choice_arg(self.REOffset, "REOffset", ("00", "01", "10", "11"), clause=c),
            ports=_ports(self.PTRSPortSet), power=1,
        )


@dataclass
class nrPUSCHPTRSConfig(nrPDSCHPTRSConfig):
    """TS 38.211 §6.4.1.2: PUSCH PT-RS configuration, MATLAB ``nrPUSCHPTRSConfig``.

    MATLAB syntax: ``ptrs = nrPUSCHPTRSConfig('NumPTRSSamples',4,'NumPTRSGroups',8)``.

    As :class:`nrPDSCHPTRSConfig` plus the transform-precoding parameters of TS 38.211
    Table 6.4.1.2.2.2-1: ``NumPTRSSamples`` (2 or 4, default 2), ``NumPTRSGroups`` (2, 4 or 8,
    default 2) and ``NID`` (``N_ID`` of §6.4.1.2.1.2, 0..1007, or None for the DM-RS/cell
    identity; default None).

    Examples
    --------
    >>> ptrs = nrPUSCHPTRSConfig(NumPTRSSamples=4, NumPTRSGroups=8).to_native()
    >>> ptrs.num_samples, ptrs.num_groups
    (4, 8)
    """

    NumPTRSSamples: int = 2
    NumPTRSGroups: int = 2
    NID: int | None = None

    def to_native(self) -> PtrsConfig:
        """The equivalent :class:`~opennr.physical_channels.config.PtrsConfig`."""
        base = super().to_native()
        c = "TS 38.211 Table 6.4.1.2.2.2-1"
        return replace(
            base,
            num_samples=_int_arg(self.NumPTRSSamples, "NumPTRSSamples", low=2, high=4, clause=c),
            num_groups=_int_arg(self.NumPTRSGroups, "NumPTRSGroups", low=2, high=8, clause=c),
            n_id=None if self.NID is None else _int_arg(self.NID, "NID", low=0, high=1007,
                                                         clause="TS 38.211 §6.4.1.2.1.2"),
        )


def _prbs(value):
    arr = np.atleast_1d(np.asarray(value))
    if arr.size and not np.all(np.mod(arr, 1) == 0):
        raise ValueError(f"PRBSet must hold integers, got {value!r}")
    return tuple(int(v) for v in arr.ravel())


def _alloc(value):
    arr = np.atleast_1d(np.asarray(value)).ravel()
    if arr.size != 2:
        raise ValueError(f"SymbolAllocation must be [S L], got {value!r} (TS 38.214 Table 5.1.2.1-1)")
    return (int(arr[0]), int(arr[1]))


@dataclass
class nrPDSCHConfig:
    """TS 38.211 §7.3, §7.4.1: PDSCH configuration, MATLAB ``nrPDSCHConfig``.

    MATLAB syntax: ``pdsch = nrPDSCHConfig('PRBSet',0:23)``; ``pdsch.DMRS.DMRSAdditionalPosition = 1``.

    Parameters
    ----------
    NSizeBWP, NStartBWP : int or None, default None
        None (``[]``) = the carrier grid.
    Modulation : str, default 'QPSK'
    NumLayers : int, default 1
    MappingType : {'A', 'B'}, default 'A'
    SymbolAllocation : [S, L], default [0, 14]
    PRBSet : sequence of int, default 0:51
    NID : int or None, default None
    RNTI : int, default 1
    DMRS : nrPDSCHDMRSConfig
    EnablePTRS : bool, default False
    PTRS : nrPDSCHPTRSConfig

    Examples
    --------
    >>> pdsch = nrPDSCHConfig(PRBSet=list(range(10)))
    >>> pdsch.DMRS.DMRSAdditionalPosition = 2
    >>> pdsch.to_native().dmrs_symbol_indices
    (2, 7, 11)
    """

    NSizeBWP: int | None = None
    NStartBWP: int | None = None
    Modulation: str = "QPSK"
    NumLayers: int = 1
    MappingType: str = "A"
    SymbolAllocation: list = field(default_factory=lambda: [0, 14])
    PRBSet: list = field(default_factory=lambda: list(range(52)))
    NID: int | None = None
    RNTI: int = 1
    DMRS: nrPDSCHDMRSConfig = field(default_factory=nrPDSCHDMRSConfig)
    EnablePTRS: bool = False
    PTRS: nrPDSCHPTRSConfig = field(default_factory=nrPDSCHPTRSConfig)

    _direction = "downlink"

    def __post_init__(self) -> None:
        self.to_native()

    def _common(self) -> dict:
        c = "TS 38.211 §7.3" if self._direction == "downlink" else "TS 38.211 §6.3"
        return {
            "direction": self._direction,
            "prb_set": _prbs(self.PRBSet),
            "symbol_allocation": _alloc(self.SymbolAllocation),
            "mapping_type": _choice_arg(self.MappingType, "MappingType", ("A", "B"), clause=c),
            "n_size_bwp": _opt_int(self.NSizeBWP, "NSizeBWP", 1, 275, "TS 38.211 §4.4.5"),
            "n_start_bwp": _opt_int(self.NStartBWP, "NStartBWP", 0, 2473, "TS 38.211 §4.4.5"),
            "num_layers": _int_arg(self.NumLayers, "NumLayers", low=1, high=8, clause=c),
            "modulation": _choice_arg(self.Modulation, "Modulation", _MODS, clause=c),
            "rnti": _int_arg(self.RNTI, "RNTI", low=0, high=65535, clause=c),
            "n_id": _opt_int(self.NID, "NID", 0, 1023, c),
            "dmrs": self.DMRS.to_native(),
            "ptrs": self.PTRS.to_native() if self.EnablePTRS else None,
        }

    def to_native(self) -> SharedChannelConfig:
        """The equivalent :class:`~opennr.physical_channels.config.SharedChannelConfig` (validates)."""
        return SharedChannelConfig(**self._common())


@dataclass
class nrPUSCHConfig(nrPDSCHConfig):
    """TS 38.211 §6.3, §6.4.1: PUSCH configuration, MATLAB ``nrPUSCHConfig``.

    MATLAB syntax: ``pusch = nrPUSCHConfig('PRBSet',0:3,'TransformPrecoding',true)``.

    As :class:`nrPDSCHConfig` plus ``TransformPrecoding`` (default False), ``TransmissionScheme``
    ('nonCodebook' | 'codebook', default 'nonCodebook'), ``NumAntennaPorts`` (default 1) and
    ``TPMI`` (default 0); ``DMRS`` is a :class:`nrPUSCHDMRSConfig`, ``PTRS`` a
    :class:`nrPUSCHPTRSConfig`.

    Examples
    --------
    >>> pusch = nrPUSCHConfig(MappingType='B', SymbolAllocation=[2, 10])
    >>> pusch.to_native().dmrs_symbol_indices
    (2,)
    """

    DMRS: nrPUSCHDMRSConfig = field(default_factory=nrPUSCHDMRSConfig)
    PTRS: nrPUSCHPTRSConfig = field(default_factory=nrPUSCHPTRSConfig)
    TransformPrecoding: bool = False
    TransmissionScheme: str = "nonCodebook"
    NumAntennaPorts: int = 1
    TPMI: int = 0

    _direction = "uplink"

    def to_native(self) -> SharedChannelConfig:
        """The equivalent :class:`~opennr.physical_channels.config.SharedChannelConfig` (validates)."""
        c = "TS 38.211 §6.3.1.5"
        scheme = _choice_arg(self.TransmissionScheme, "TransmissionScheme", ("nonCodebook", "codebook"),
                             clause=c)
        n_ap = _int_arg(self.NumAntennaPorts, "NumAntennaPorts", low=1, high=4, clause=c)
        kw = self._common()
        if scheme == "nonCodebook" and n_ap != kw["num_layers"]:
            n_ap = kw["num_layers"]  # MATLAB: NumAntennaPorts only matters for codebook
        return SharedChannelConfig(
            **kw, transform_precoding=bool(self.TransformPrecoding),
            precoding="codebook" if scheme == "codebook" else "non-codebook",
            tpmi=_int_arg(self.TPMI, "TPMI", low=0, high=27, clause=c), num_antenna_ports=n_ap,
        )
