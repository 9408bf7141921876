"""TS 38.211 V17 §6.4.1.1, §7.4.1.1, §6.4.1.2, §7.4.1.2; TS 38.214 §5.1.2.1, §6.1.2.1: PDSCH / PUSCH configuration.

Three frozen dataclasses, one field per specification / RRC parameter:

* :class:`DmrsConfig`: the DM-RS of a shared channel (``DMRS-DownlinkConfig`` / ``DMRS-UplinkConfig``
  plus the DCI's antenna ports and ``n_SCID``);
* :class:`PtrsConfig`: the PT-RS (``PTRS-DownlinkConfig`` / ``PTRS-UplinkConfig``);
* :class:`SharedChannelConfig`: one PDSCH or PUSCH transmission (allocation, layers, modulation,
  scrambling identities, DM-RS, PT-RS, transform precoding, precoding).

Each validates its own fields when built; :meth:`SharedChannelConfig.validate` checks the cross-field
rules (DM-RS positions Tables 6.4.1.1.3-3/4 and 7.4.1.1.2-3/4, the valid ``S``/``L`` combinations of
TS 38.214 Tables 5.1.2.1-1 / 6.1.2.1-1, ports vs CDM groups Tables 6.4.1.1.3-1/2, 7.4.1.1.2-1/2,
transform precoding) and :meth:`SharedChannelConfig.check_carrier` those that need the carrier (BWP
inside the grid, cyclic prefix). Errors are ``ValueError``/``TypeError`` naming the clause.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cache

import numpy as np

from opennr._data import read_csv_rows
from opennr._validation import check_choice, check_int
from opennr.modulation.mapping import MODULATIONS
from opennr.physical_channels.transform_precoding import (
    is_valid_transform_precoding_mrb,
)

__all__ = [
    "DmrsConfig",
    "PtrsConfig",
    "SharedChannelConfig",
    "dmrs_port_parameters",
    "dmrs_positions",
]

_PKG = "opennr.signals"
_DMRS_UL = "TS 38.211 §6.4.1.1.3"
_DMRS_DL = "TS 38.211 §7.4.1.1.2"


# --------------------------------------------------------------------------------------------------
# Package-data tables
# --------------------------------------------------------------------------------------------------
@cache
def _port_table(config_type: int) -> dict[int, tuple[int, int, tuple[int, int], tuple[int, int]]]:
    rows = read_csv_rows(_PKG, f"dmrs_parameters_type{config_type}.csv")
    return {
        int(r["port"]): (
            int(r["lambda"]),
            int(r["delta"]),
            (int(r["wf0"]), int(r["wf1"])),
            (int(r["wt0"]), int(r["wt1"])),
        )
        for r in rows
    }


def dmrs_port_parameters(config_type: int, port: int) -> tuple[int, int, tuple[int, int], tuple[int, int]]:
    """TS 38.211 Tables 6.4.1.1.3-1/2, 7.4.1.1.2-1/2: ``(lambda, Delta, w_f, w_t)`` of a DM-RS port.

    Parameters
    ----------
    config_type : {1, 2}
        DM-RS configuration type.
    port : int
        Port ``p~`` (PUSCH) or ``p - 1000`` (PDSCH): 0..7 for type 1, 0..11 for type 2.

    Returns
    -------
    tuple
        CDM group ``lambda``, subcarrier offset ``Delta``, ``(w_f(0), w_f(1))`` and
        ``(w_t(0), w_t(1))``.

    Examples
    --------
    >>> dmrs_port_parameters(2, 9)
    (1, 2, (1, -1), (1, -1))
    """
    check_choice(config_type, "config_type", (1, 2), clause=_DMRS_UL)
    table = _port_table(config_type)
    check_int(port, "port", low=0, high=len(table) - 1,
              clause=f"TS 38.211 Table 6.4.1.1.3-{config_type} / 7.4.1.1.2-{config_type}")
    return table[int(port)]


def _parse_cell(cell: str) -> tuple[str | int, ...] | None:
    cell = cell.strip()
    if cell == "-":
        return None
    return tuple("l0" if v == "l0" else int(v) for v in cell.split())


@cache
def _position_table(direction: str, length: int) -> dict[tuple[int, str, int], tuple | None]:
    name = "pusch" if direction == "uplink" else "pdsch"
    kind = "single" if length == 1 else "double"
    rows = read_csv_rows(_PKG, f"{name}_dmrs_positions_{kind}.csv")
    out = {}
    for r in rows:
        l_d = int(r["l_d"])
        for key, cell in r.items():
            if key == "l_d":
                continue
            mapping, pos = key.split("_pos")
            out[(l_d, mapping.upper(), int(pos))] = _parse_cell(cell)
    return out


def _table_name(direction: str, length: int) -> str:
    if direction == "uplink":
        return f"TS 38.211 Table 6.4.1.1.3-{3 if length == 1 else 4}"
    return f"TS 38.211 Table 7.4.1.1.2-{3 if length == 1 else 4}"


def dmrs_positions(
    direction: str, mapping_type: str, l_d: int, additional_position: int, length: int = 1,
    l_0: int = 0,
) -> tuple[int, ...]:
    """TS 38.211 Tables 6.4.1.1.3-3/4, 7.4.1.1.2-3/4: the DM-RS positions ``l-bar``.

    Parameters
    ----------
    direction : {"uplink", "downlink"}
        PUSCH (Tables 6.4.1.1.3-3/4) or PDSCH (Tables 7.4.1.1.2-3/4).
    mapping_type : {"A", "B"}
    l_d : int
        Duration ``l_d`` in symbols (type A: slot start to the last allocated symbol; type B: the
        allocation length).
    additional_position : int
        ``dmrs-AdditionalPosition``, 0..3 (0..1 for double-symbol DM-RS).
    length : {1, 2}
        Single- or double-symbol DM-RS.
    l_0 : int
        ``l_0``: ``dmrs-TypeA-Position`` for type A, 0 for type B.

    Returns
    -------
    tuple of int
        ``l-bar`` values (the first symbol of each DM-RS occasion), relative to the slot start
        (type A) or the allocation start (type B).

    Raises
    ------
    ValueError
        If the table has no entry ("-") for this combination.

    Examples
    --------
    >>> dmrs_positions("downlink", "A", 14, 3, l_0=2)
    (2, 5, 8, 11)
    >>> dmrs_positions("uplink", "B", 10, 1, length=2)
    (0, 7)
    """
    check_choice(direction, "direction", ("downlink", "uplink"), clause="TS 38.211 §6.4.1.1.3, §7.4.1.1.2")
    check_choice(mapping_type, "mapping_type", ("A", "B"), clause="TS 38.211 §6.4.1.1.3, §7.4.1.1.2")
    check_choice(length, "length", (1, 2), clause="TS 38.211 §6.4.1.1.3, §7.4.1.1.2")
    table_name = _table_name(direction, length)
    check_int(additional_position, "additional_position", low=0, high=3 if length == 1 else 1,
              clause=table_name)
    check_int(l_d, "l_d", low=1, high=14, clause=table_name)
    cell = _position_table(direction, length).get((int(l_d), mapping_type, int(additional_position)))
    if cell is None:
        raise ValueError(
            f"{table_name} defines no DM-RS position for mapping type {mapping_type}, "
            f"l_d = {l_d} symbols, dmrs-AdditionalPosition = pos{additional_position}"
            f"{' (double-symbol DM-RS)' if length == 2 else ''}: the allocation is too short or "
            f"too long for this mapping type"
        )
    return tuple(l_0 if v == "l0" else v for v in cell)


# --------------------------------------------------------------------------------------------------
# DM-RS
# --------------------------------------------------------------------------------------------------
def _check_optional_int(value, name, low, high, clause):
    if value is None:
        return None
    return check_int(value, name, low=low, high=high, clause=clause)


def _int_tuple(value, name, clause):
    """``None`` stays ``None``; an int becomes ``(int,)``; a sequence of ints a tuple of ints."""
    if value is None:
        return None
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        return (int(value),)
    if not isinstance(value, tuple | list | range | np.ndarray):
        raise TypeError(f"{name} must be an integer or a sequence of integers, got {value!r} ({clause})")
    out = []
    for v in value:
        if isinstance(v, bool) or not isinstance(v, int | np.integer):
            raise TypeError(f"{name} must hold integers, got {v!r} ({clause})")
        out.append(int(v))
    return tuple(out)


@dataclass(frozen=True)
class DmrsConfig:
    """TS 38.211 §6.4.1.1, §7.4.1.1: DM-RS of a PUSCH or PDSCH (``DMRS-UplinkConfig``/``DownlinkConfig``).

    Parameters
    ----------
    config_type : {1, 2}, default 1
        ``dmrs-Type``: configuration type 1 (comb 2, 2 CDM groups) or 2 (3 CDM groups of 2
        adjacent subcarriers).
    type_a_position : {2, 3}, default 2
        ``dmrs-TypeA-Position``: ``l_0`` for mapping type A.
    additional_position : {0, 1, 2, 3}, default 0
        ``dmrs-AdditionalPosition`` (0 or 1 with double-symbol DM-RS).
    length : {1, 2}, default 1
        Number of symbols of each DM-RS occasion (single/double symbol). This is the *used* length
        (as in MATLAB's ``DMRSLength`` and Sionna's ``length``), at most ``maxLength``.
    n_id : tuple of (int or None), default (None, None)
        ``(N_ID^0, N_ID^1)``: ``scramblingID0/1``, 0..65535; ``None`` takes ``N_ID^cell`` of the
        carrier. A single int sets both.
    n_scid : {0, 1}, default 0
        ``n_SCID``: DM-RS sequence initialisation (DCI).
    num_cdm_groups_without_data : {1, 2, 3}, default 2
        CDM groups without data (DCI antenna-ports tables); 3 only with type 2. Sets the DM-RS
        power ``beta_DMRS`` (TS 38.214 Tables 4.1-1 / 6.2.2-1).
    ports : tuple of int or None, default None
        DM-RS antenna ports ``p~`` (PUSCH) / ``p - 1000`` (PDSCH), one per layer; ``None`` means
        ``0 .. num_layers - 1``.
    c_init_release : {15, 16}, default 16
        Form of the sequence initialisation ``c_init`` (§6.4.1.1.1.1, §7.4.1.1.1). 16 (TS 38.211
        V16+): ``2^17 (N_symb^slot n_s,f + l + 1)(2 N_ID + 1) + 2^17 floor(lambda/2) + 2 N_ID +
        n_SCID``; 15 (V15): without the ``2^17 floor(lambda/2)`` term. They differ only for CDM
        group ``lambda = 2`` (type 2 ports 4, 5, 10, 11). Sionna 2.2 and its reference vectors use
        15.
    dmrs_r16 : bool, default False
        ``dmrs-Downlink-r16`` / ``dmrs-Uplink-r16`` configured: CDM group ``lambda = 1`` uses
        ``n-bar_SCID = 1 - n_SCID`` (and ``N_ID^(1 - n_SCID)``). Needs ``c_init_release=16``.
    n_pusch_identity : int or None, default None
        ``n_ID^PUSCH`` (``nPUSCH-Identity``, 0..1007) for the transform-precoded DM-RS sequence
        group (§6.4.1.1.1.2); ``None`` takes ``N_ID^cell``.
    group_hopping, sequence_hopping : bool, default False
        Group / sequence hopping of the transform-precoded DM-RS (§6.4.1.1.1.2, §5.2.2);
        not both.

    Examples
    --------
    >>> d = DmrsConfig(config_type=2, length=2, ports=(0, 1, 6, 7))
    >>> d.cdm_groups, d.deltas
    ((0, 0, 0, 0), (0, 0, 0, 0))
    >>> DmrsConfig(n_id=10).n_id
    (10, 10)
    """

    config_type: int = 1
    type_a_position: int = 2
    additional_position: int = 0
    length: int = 1
    n_id: tuple = (None, None)
    n_scid: int = 0
    num_cdm_groups_without_data: int = 2
    ports: tuple | None = None
    c_init_release: int = 16
    dmrs_r16: bool = False
    n_pusch_identity: int | None = None
    group_hopping: bool = False
    sequence_hopping: bool = False

    def __post_init__(self) -> None:
        if self.n_id is None or isinstance(self.n_id, int | np.integer):
            object.__setattr__(self, "n_id", (self.n_id, self.n_id))
        else:
            object.__setattr__(self, "n_id", tuple(self.n_id))
        object.__setattr__(self, "ports", _int_tuple(self.ports, "ports", "TS 38.211 §7.4.1.1.2"))
        self.validate()

    def validate(self) -> None:
        """Check every field; raise naming the clause."""
        c = "TS 38.211 §6.4.1.1.3, §7.4.1.1.2"
        check_choice(self.config_type, "config_type", (1, 2), clause=c)
        check_choice(self.type_a_position, "type_a_position", (2, 3), clause=c)
        check_choice(self.length, "length", (1, 2), clause=c)
        check_int(self.additional_position, "additional_position", low=0,
                  high=3 if self.length == 1 else 1,
                  clause="TS 38.211 Tables 6.4.1.1.3-3/4, 7.4.1.1.2-3/4 (0..3 single-symbol, "
                         "0..1 double-symbol)")
        if len(self.n_id) != 2:
            raise ValueError(f"n_id must be (N_ID^0, N_ID^1), got {self.n_id!r} (TS 38.211 §7.4.1.1.1)")
        for i, v in enumerate(self.n_id):
            _check_optional_int(v, f"n_id[{i}]", 0, 65535, "TS 38.211 §6.4.1.1.1.1, §7.4.1.1.1")
        check_choice(self.n_scid, "n_scid", (0, 1), clause="TS 38.211 §7.4.1.1.1")
        max_groups = 2 if self.config_type == 1 else 3
        check_int(self.num_cdm_groups_without_data, "num_cdm_groups_without_data", low=1,
                  high=max_groups,
                  clause=f"TS 38.212 Tables 7.3.1.1.2-6..23 / 7.3.1.2.2-1..4: at most {max_groups} "
                         f"CDM groups for DM-RS configuration type {self.config_type}")
        check_choice(self.c_init_release, "c_init_release", (15, 16), clause="TS 38.211 §7.4.1.1.1")
        if not isinstance(self.dmrs_r16, bool | np.bool_):
            raise TypeError(f"dmrs_r16 must be a bool, got {self.dmrs_r16!r}")
        if self.dmrs_r16 and self.c_init_release != 16:
            raise ValueError("dmrs_r16=True needs c_init_release=16 (TS 38.211 V16 §7.4.1.1.1)")
        _check_optional_int(self.n_pusch_identity, "n_pusch_identity", 0, 1007, "TS 38.211 §6.4.1.1.1.2")
        for name in ("group_hopping", "sequence_hopping"):
            if not isinstance(getattr(self, name), bool | np.bool_):
                raise TypeError(f"{name} must be a bool, got {getattr(self, name)!r}")
        if self.group_hopping and self.sequence_hopping:
            raise ValueError("group_hopping and sequence_hopping cannot both be enabled (TS 38.211 §6.4.1.1.1.2)")
        if self.ports is not None:
            if len(self.ports) == 0:
                raise ValueError("ports must hold at least one DM-RS port (or be None)")
            if len(set(self.ports)) != len(self.ports):
                raise ValueError(f"ports must be distinct, got {self.ports} (TS 38.211 §7.4.1.1.2)")
            self._check_ports(self.ports)

    def _check_ports(self, ports: tuple[int, ...]) -> None:
        max_port = (4 if self.config_type == 1 else 6) * self.length - 1
        tab = f"TS 38.211 Table 6.4.1.1.3-{self.config_type} / 7.4.1.1.2-{self.config_type}"
        for p in ports:
            check_int(p, "ports", low=0, high=max_port,
                      clause=f"{tab}: ports 0..{max_port} for configuration type {self.config_type} "
                             f"with {'single' if self.length == 1 else 'double'}-symbol DM-RS")
        for p in ports:
            lam = _port_table(self.config_type)[p][0]
            if lam >= self.num_cdm_groups_without_data:
                raise ValueError(
                    f"DM-RS port {p} is in CDM group {lam}, but num_cdm_groups_without_data = "
                    f"{self.num_cdm_groups_without_data} leaves only CDM groups 0.."
                    f"{self.num_cdm_groups_without_data - 1} for DM-RS ({tab}; TS 38.212 antenna-port "
                    f"tables 7.3.1.1.2-6..23, 7.3.1.2.2-1..4)"
                )

    def resolved_ports(self, num_layers: int) -> tuple[int, ...]:
        """The DM-RS ports of ``num_layers`` layers: :attr:`ports`, or ``0 .. num_layers - 1``."""
        ports = tuple(range(num_layers)) if self.ports is None else self.ports
        if len(ports) != num_layers:
            raise ValueError(
                f"the number of DM-RS ports ({len(ports)}: {ports}) must equal num_layers = "
                f"{num_layers} (TS 38.211 §6.4.1.1.3 / §7.4.1.1.2: one DM-RS port per layer)"
            )
        self._check_ports(ports)
        return ports

    @property
    def cdm_groups(self) -> tuple[int, ...]:
        """CDM group ``lambda`` of each port in :attr:`ports` (``()`` if ``ports`` is None)."""
        return tuple(_port_table(self.config_type)[p][0] for p in (self.ports or ()))

    @property
    def deltas(self) -> tuple[int, ...]:
        """Subcarrier offset ``Delta`` of each port in :attr:`ports`."""
        return tuple(_port_table(self.config_type)[p][1] for p in (self.ports or ()))

    @property
    def beta(self) -> float:
        """TS 38.214 Tables 4.1-1 / 6.2.2-1: amplitude scaling ``beta_DMRS`` = sqrt(CDM groups without data).

        The tables give the PDSCH/PUSCH-to-DM-RS EPRE ratio 0, -3, -4.77 dB for 1, 2, 3 CDM groups
        without data, i.e. ``10 log10(1/n)``; the amplitude factor is ``sqrt(n)`` exactly (as in
        Sionna). ``1`` for ``n = 1``.
        """
        return float(np.sqrt(self.num_cdm_groups_without_data))

    def replace(self, **changes) -> DmrsConfig:
        """A copy with some fields changed."""
        return replace(self, **changes)


# --------------------------------------------------------------------------------------------------
# PT-RS
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PtrsConfig:
    """TS 38.211 §6.4.1.2, §7.4.1.2: PT-RS of a PUSCH (without transform precoding) or PDSCH.

    Parameters
    ----------
    time_density : {1, 2, 4}, default 1
        ``L_PT-RS``: PT-RS in every 1st, 2nd or 4th symbol (TS 38.214 §5.1.6.3 / §6.2.3.1).
    frequency_density : {2, 4}, default 2
        ``K_PT-RS``: one PT-RS subcarrier every 2 or 4 resource blocks.
    re_offset : {"00", "01", "10", "11"}, default "00"
        ``resourceElementOffset`` (Tables 7.4.1.2.2-1 / 6.4.1.2.2.1-1).
    ports : tuple of int or None, default None
        PT-RS ports, each given by its associated DM-RS port (``p~`` / ``p - 1000``); ``None`` takes
        the lowest DM-RS port. PDSCH: one port; PUSCH: one or two.
    power : {"auto", 0, 1}, default "auto"
        PT-RS power: ``"auto"`` applies ``rho_PTRS`` of TS 38.214 Table 4.1-2 (PDSCH, ``epre-Ratio``
        0: 0, 3, 4.77, 6 dB for 1..4 layers) / Table 6.2.3.1-3 (PUSCH, full coherent: 3Q_p...
        here ``10 log10(num_layers)`` for codebook and non-codebook); ``0``/``1`` force a ratio of
        0 dB (``epre-Ratio`` 1 / PUSCH ``ptrs-Power``).

    num_samples : {2, 4}, default 2
        ``N_samp^group``: samples per PT-RS group, PUSCH with transform precoding
        (TS 38.211 Table 6.4.1.2.2.2-1, MATLAB ``NumPTRSSamples``).
    num_groups : {2, 4, 8}, default 2
        ``N_group^PT-RS``: PT-RS groups per symbol, PUSCH with transform precoding (8 only with 4
        samples; MATLAB ``NumPTRSGroups``).
    n_id : int or None, default None
        ``N_ID`` of the transform-precoded PT-RS sequence (TS 38.211 §6.4.1.2.1.2), 0..1007;
        None: ``nPUSCH-Identity`` of the DM-RS, else ``N_ID^cell`` (MATLAB ``NID``).

    Examples
    --------
    >>> PtrsConfig(time_density=2, frequency_density=4, re_offset="11")
    PtrsConfig(time_density=2, frequency_density=4, re_offset='11', ports=None, power='auto', num_samples=2, num_groups=2, n_id=None)
    """

    time_density: int = 1
    frequency_density: int = 2
    re_offset: str = "00"
    ports: tuple | None = None
    power: str | int = "auto"
    num_samples: int = 2
    num_groups: int = 2
    n_id: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "ports", _int_tuple(self.ports, "ports", "TS 38.211 §7.4.1.2"))
        self.validate()

    def validate(self) -> None:
        """Check every field; raise naming the clause."""
        c = "TS 38.214 §5.1.6.3, §6.2.3.1"
        check_choice(self.time_density, "time_density", (1, 2, 4), clause=c)
        check_choice(self.frequency_density, "frequency_density", (2, 4), clause=c)
        check_choice(self.re_offset, "re_offset", ("00", "01", "10", "11"),
                     clause="TS 38.211 Table 7.4.1.2.2-1")
        check_choice(self.power, "power", ("auto", 0, 1), clause="TS 38.214 Table 4.1-2")
        check_choice(self.num_samples, "num_samples", (2, 4), clause="TS 38.211 Table 6.4.1.2.2.2-1")
        check_choice(self.num_groups, "num_groups", (2, 4, 8), clause="TS 38.211 Table 6.4.1.2.2.2-1")
        if self.num_groups == 8 and self.num_samples != 4:
            raise ValueError("num_groups = 8 needs num_samples = 4 (TS 38.211 Table 6.4.1.2.2.2-1)")
        if self.n_id is not None:
            check_int(self.n_id, "n_id", low=0, high=1007, clause="TS 38.211 §6.4.1.2.1.2")
        if self.ports is not None:
            if not 1 <= len(self.ports) <= 2 or len(set(self.ports)) != len(self.ports):
                raise ValueError(f"ports must hold one or two distinct DM-RS ports, got {self.ports} "
                                 f"(TS 38.211 §6.4.1.2, §7.4.1.2)")
            for p in self.ports:
                check_int(p, "ports", low=0, high=11, clause="TS 38.211 §7.4.1.2.2")


# --------------------------------------------------------------------------------------------------
# Shared channel
# --------------------------------------------------------------------------------------------------
_PUSCH_TPMI_MAX = {(1, 2): 5, (1, 4): 27, (2, 2): 2, (2, 4): 21, (3, 4): 6, (4, 4): 4}


@dataclass(frozen=True)
class SharedChannelConfig:
    """TS 38.211 §6.3.1, §7.3.1; TS 38.214 §5.1.2, §6.1.2: one PDSCH or PUSCH transmission.

    Parameters
    ----------
    direction : {"downlink", "uplink"}, default "downlink"
        PDSCH or PUSCH.
    prb_set : tuple of int or None, default None
        Allocated PRBs, relative to the BWP start (0 .. ``n_size_bwp`` - 1); ``None`` = the whole
        BWP. Stored sorted.
    symbol_allocation : (int, int), default (0, 14)
        ``(S, L)``: first symbol in the slot and number of symbols (TS 38.214 Tables 5.1.2.1-1 /
        6.1.2.1-1).
    mapping_type : {"A", "B"}, default "A"
    n_size_bwp, n_start_bwp : int or None, default None
        ``N_BWP^size`` (1..275) and ``N_BWP^start`` (CRB index, 0..2473); ``None`` = the carrier
        grid.
    num_layers : int, default 1
        ``upsilon``: 1..8 (PDSCH), 1..4 (PUSCH; 1 with transform precoding).
    modulation : str, default "QPSK"
        One of ``opennr.modulation.MODULATIONS`` ("pi/2-BPSK" only for PUSCH with transform
        precoding).
    rnti : int, default 1
        ``n_RNTI``, 0..65535 (scrambling; PT-RS offset ``k_ref^RB``).
    n_id : int or None, default None
        Data scrambling identity ``n_ID`` (``dataScramblingIdentityPDSCH/PUSCH``), 0..1023;
        ``None`` = ``N_ID^cell``.
    dmrs : DmrsConfig, default DmrsConfig()
    ptrs : PtrsConfig or None, default None
        ``None`` = no PT-RS.
    transform_precoding : bool, default False
        PUSCH DFT-s-OFDM (§6.3.1.4): one layer, ``M_RB = 2^a 3^b 5^c``, DM-RS configuration type 1.
    precoding : {"non-codebook", "codebook"}, default "non-codebook"
        PUSCH precoding (§6.3.1.5); ignored for the PDSCH.
    tpmi : int, default 0
        PUSCH TPMI (Tables 6.3.1.5-1..7), used with ``precoding="codebook"``.
    num_antenna_ports : int or None, default None
        PUSCH codebook antenna ports (1, 2 or 4); ``None`` = ``num_layers``.
    reserved_prbs : tuple of int, default ()
        BWP-relative PRBs not available for data (e.g. ``ReservedPRB``), whole allocated symbols.
    reserved_res : tuple of int, default ()
        Carrier-grid REs not available for data, as flat 0-based indices ``k + K l`` (``K = 12
        N_grid^size``).

    Examples
    --------
    >>> cfg = SharedChannelConfig(symbol_allocation=(0, 14), dmrs=DmrsConfig(additional_position=2))
    >>> cfg.dmrs_symbol_indices, cfg.dmrs_ports, cfg.dmrs_cdm_groups
    ((2, 7, 11), (0,), (0,))
    >>> SharedChannelConfig(direction="uplink", mapping_type="B", symbol_allocation=(2, 10),
    ...                     dmrs=DmrsConfig(length=2, additional_position=1)).dmrs_symbol_indices
    (2, 3, 9, 10)
    """

    direction: str = "downlink"
    prb_set: tuple | None = None
    symbol_allocation: tuple = (0, 14)
    mapping_type: str = "A"
    n_size_bwp: int | None = None
    n_start_bwp: int | None = None
    num_layers: int = 1
    modulation: str = "QPSK"
    rnti: int = 1
    n_id: int | None = None
    dmrs: DmrsConfig = field(default_factory=DmrsConfig)
    ptrs: PtrsConfig | None = None
    transform_precoding: bool = False
    precoding: str = "non-codebook"
    tpmi: int = 0
    num_antenna_ports: int | None = None
    reserved_prbs: tuple = ()
    reserved_res: tuple = ()

    def __post_init__(self) -> None:
        if self.prb_set is not None:
            prbs = np.asarray(self.prb_set).ravel()
            if prbs.size and not np.issubdtype(prbs.dtype, np.integer):
                raise TypeError(f"prb_set must hold integers, got dtype {prbs.dtype} (TS 38.214 §5.1.2.2)")
            object.__setattr__(self, "prb_set", tuple(sorted(int(p) for p in prbs)))
        object.__setattr__(self, "symbol_allocation", tuple(int(v) for v in self.symbol_allocation)
                           if isinstance(self.symbol_allocation, tuple | list | np.ndarray)
                           else self.symbol_allocation)
        object.__setattr__(self, "reserved_prbs", tuple(int(p) for p in self.reserved_prbs))
        object.__setattr__(self, "reserved_res", tuple(int(p) for p in self.reserved_res))
        self.validate()

    # ---------------------------------------------------------------------------------------- checks
    def validate(self) -> None:
        """Check the fields and the cross-field rules that need no carrier; raise naming the clause."""
        check_choice(self.direction, "direction", ("downlink", "uplink"), clause="TS 38.211 §6.3, §7.3")
        ul = self.direction == "uplink"
        ch = "PUSCH" if ul else "PDSCH"
        sl_clause = "TS 38.214 Table 6.1.2.1-1" if ul else "TS 38.214 Table 5.1.2.1-1"
        check_choice(self.mapping_type, "mapping_type", ("A", "B"), clause=sl_clause)
        if not isinstance(self.dmrs, DmrsConfig):
            raise TypeError(f"dmrs must be a DmrsConfig, got {type(self.dmrs).__name__}")
        if self.ptrs is not None and not isinstance(self.ptrs, PtrsConfig):
            raise TypeError(f"ptrs must be a PtrsConfig or None, got {type(self.ptrs).__name__}")
        if not isinstance(self.symbol_allocation, tuple) or len(self.symbol_allocation) != 2:
            raise ValueError(f"symbol_allocation must be (S, L), got {self.symbol_allocation!r} ({sl_clause})")
        s, n = self.symbol_allocation
        check_int(s, "symbol_allocation[0] (S)", low=0, high=13, clause=sl_clause)
        check_int(n, "symbol_allocation[1] (L)", low=1, high=14, clause=sl_clause)
        if s + n > 14:
            raise ValueError(f"symbol_allocation S + L = {s + n} exceeds the 14 symbols of a slot ({sl_clause})")
        self._check_s_and_l(s, n, 14, sl_clause)

        _check_optional_int(self.n_size_bwp, "n_size_bwp", 1, 275, "TS 38.211 §4.4.5")
        _check_optional_int(self.n_start_bwp, "n_start_bwp", 0, 2473, "TS 38.211 §4.4.5")
        if self.prb_set is not None:
            if len(self.prb_set) == 0:
                raise ValueError("prb_set must hold at least one PRB (TS 38.214 §5.1.2.2 / §6.1.2.2)")
            if len(set(self.prb_set)) != len(self.prb_set):
                raise ValueError(f"prb_set must hold distinct PRBs, got {self.prb_set} (TS 38.214 §5.1.2.2)")
            hi = 274 if self.n_size_bwp is None else self.n_size_bwp - 1
            if self.prb_set[0] < 0 or self.prb_set[-1] > hi:
                raise ValueError(
                    f"prb_set must lie inside the BWP, PRBs 0..{hi}; got PRBs {self.prb_set[0]}.."
                    f"{self.prb_set[-1]} (TS 38.214 §5.1.2.2 / §6.1.2.2; TS 38.211 §4.4.5)"
                )

        max_layers = 4 if ul else 8
        check_int(self.num_layers, "num_layers", low=1, high=max_layers,
                  clause=f"TS 38.211 Table {'6.3.1.3-1' if ul else '7.3.1.3-1'}: 1..{max_layers} layers for the {ch}")
        check_choice(self.modulation, "modulation",
                     MODULATIONS if ul else tuple(m for m in MODULATIONS if "BPSK" not in m),
                     clause="TS 38.211 Table 6.3.1.2-1 / 7.3.1.2-1")
        if self.modulation in ("pi/2-BPSK", "BPSK") and not (ul and self.transform_precoding):
            raise ValueError(f"modulation {self.modulation!r} needs PUSCH transform precoding "
                             f"(TS 38.211 Table 6.3.1.2-1)")
        check_int(self.rnti, "rnti", low=0, high=65535, clause="TS 38.211 §6.3.1.1 / §7.3.1.1")
        _check_optional_int(self.n_id, "n_id", 0, 1023, "TS 38.211 §6.3.1.1 / §7.3.1.1")
        if not isinstance(self.transform_precoding, bool | np.bool_):
            raise TypeError(f"transform_precoding must be a bool, got {self.transform_precoding!r}")
        check_choice(self.precoding, "precoding", ("non-codebook", "codebook"), clause="TS 38.211 §6.3.1.5")

        # DM-RS positions and ports
        _ = self.dmrs_symbol_indices  # raises if the table has no entry
        d = self.dmrs
        # TS 38.211 §6.4.1.1.3 / §7.4.1.1.2 note that pos3 "is only supported" with
        # dmrs-TypeA-Position pos2 (a UE-support rule); MATLAB generates it anyway (PROVENANCE 1.10
        # uses pos3 with typeA pos3: DM-RS at 3, 5, 8, 11), so it is accepted here.
        if not ul and self.mapping_type == "A" and self.l_d in (3, 4) and d.type_a_position != 2:
            raise ValueError("l_d = 3 or 4 symbols is only applicable with dmrs-TypeA-Position pos2 "
                             "(TS 38.211 §7.4.1.1.2)")
        first, last = self.symbols[0], self.symbols[-1]
        outside = [x for x in self.dmrs_symbol_indices if not first <= x <= last]
        if outside:
            raise ValueError(
                f"DM-RS symbols {outside} fall outside the allocated symbols {first}..{last}: with "
                f"mapping type A the allocation must cover l_0 = {d.type_a_position} (and l_0 + 1 for "
                f"double-symbol DM-RS) ({'TS 38.211 §6.4.1.1.3' if ul else 'TS 38.211 §7.4.1.1.2'})"
            )
        ports = d.resolved_ports(self.num_layers)

        if self.transform_precoding:
            if not ul:
                raise ValueError("transform_precoding applies to the PUSCH only (TS 38.211 §6.3.1.4)")
            if self.num_layers != 1:
                raise ValueError(f"transform precoding supports a single layer, got num_layers = "
                                 f"{self.num_layers} (TS 38.211 §6.3.1.4)")
            if d.config_type != 1:
                raise ValueError("with transform precoding the DM-RS must be configuration type 1 "
                                 "(TS 38.211 §6.4.1.1.3)")
            if d.num_cdm_groups_without_data != 2:
                raise ValueError("with transform precoding num_cdm_groups_without_data must be 2 "
                                 "(TS 38.214 §6.2.2)")
            if ports[0] not in (0, 4) and d.length == 2 or ports[0] != 0 and d.length == 1:
                raise ValueError(f"with transform precoding the DM-RS port must be 0 (or 4 with "
                                 f"double-symbol DM-RS), got {ports[0]} (TS 38.211 §6.4.1.1.3)")
            if self.prb_set is not None and not is_valid_transform_precoding_mrb(len(self.prb_set)):
                raise ValueError(
                    f"with transform precoding the number of PRBs M_RB must be 2^a 3^b 5^c, got "
                    f"{len(self.prb_set)} (TS 38.211 §6.3.1.4)"
                )
            if self.ptrs is not None and self.ptrs.ports not in (None, (ports[0],)):
                raise ValueError("with transform precoding the PT-RS port is the DM-RS port "
                                 "(TS 38.211 §6.4.1.2.2.2)")

        if ul:
            if self.num_antenna_ports is not None:
                check_choice(self.num_antenna_ports, "num_antenna_ports", (1, 2, 4), clause="TS 38.211 §6.3.1.5")
            n_ap = self.antenna_ports
            if self.precoding == "codebook":
                if n_ap < self.num_layers:
                    raise ValueError(f"num_antenna_ports = {n_ap} must be >= num_layers = {self.num_layers} "
                                     f"(TS 38.211 §6.3.1.5)")
                if n_ap > 1:
                    hi = _PUSCH_TPMI_MAX[(self.num_layers, n_ap)]
                    check_int(self.tpmi, "tpmi", low=0, high=hi,
                              clause=f"TS 38.211 Tables 6.3.1.5-1..7 ({self.num_layers} layer(s), "
                                     f"{n_ap} antenna ports)")
            elif n_ap != self.num_layers:
                raise ValueError(f"non-codebook precoding needs num_antenna_ports == num_layers, got "
                                 f"{n_ap} and {self.num_layers} (TS 38.211 §6.3.1.5)")
        elif self.num_antenna_ports is not None and self.num_antenna_ports != self.num_layers:
            raise ValueError("num_antenna_ports is a PUSCH parameter; for the PDSCH leave it None or "
                             "equal to num_layers (TS 38.211 §7.3.1.5)")

        if self.ptrs is not None:
            pp = self.ptrs.ports if self.ptrs.ports is not None else (min(ports),)
            if not ul and len(pp) != 1:
                raise ValueError("the PDSCH has one PT-RS port (TS 38.211 §7.4.1.2)")
            for p in pp:
                if p not in ports:
                    raise ValueError(f"PT-RS port {p} must be one of the DM-RS ports {ports} "
                                     f"(TS 38.211 §6.4.1.2.2, §7.4.1.2.2)")

        for p in self.reserved_prbs:
            check_int(p, "reserved_prbs", low=0, high=274, clause="TS 38.214 §5.1.4")
        for r in self.reserved_res:
            check_int(r, "reserved_res", low=0, high=12 * 275 * 14 - 1, clause="TS 38.214 §5.1.4")

    def _check_s_and_l(self, s: int, n: int, n_symb: int, clause: str) -> None:
        ul = self.direction == "uplink"
        normal = n_symb == 14
        if self.mapping_type == "A":
            l0 = self.dmrs.type_a_position
            if ul:
                if s != 0 or not 4 <= n <= n_symb:
                    raise ValueError(
                        f"PUSCH mapping type A needs S = 0 and L in 4..{n_symb}, got (S, L) = ({s}, {n}) ({clause})"
                    )
            else:
                if s > l0:
                    raise ValueError(
                        f"PDSCH mapping type A: the allocation must start at or before the DM-RS "
                        f"symbol l_0 = dmrs-TypeA-Position = {l0}, got S = {s} ({clause}; TS 38.211 §7.4.1.1.2)"
                    )
                if not 3 <= n <= n_symb or not 3 <= s + n <= n_symb:
                    raise ValueError(
                        f"PDSCH mapping type A needs L in 3..{n_symb} and S + L in 3..{n_symb}, got "
                        f"(S, L) = ({s}, {n}) ({clause})"
                    )
        else:
            if ul:
                if s + n > n_symb:
                    raise ValueError(f"PUSCH mapping type B needs S + L <= {n_symb}, got {s + n} ({clause})")
            else:
                lmax = 13 if normal else 6
                if not 2 <= n <= lmax or s + n > n_symb or s > n_symb - 2:
                    raise ValueError(
                        f"PDSCH mapping type B needs L in 2..{lmax}, S in 0..{n_symb - 2} and S + L <= "
                        f"{n_symb}, got (S, L) = ({s}, {n}) ({clause})"
                    )

    def check_carrier(self, carrier) -> None:
        """Check the rules that involve the carrier: BWP inside the grid, extended cyclic prefix.

        Raises ``ValueError`` naming TS 38.211 §4.4.5 / TS 38.214 Tables 5.1.2.1-1, 6.1.2.1-1.
        """
        from opennr.ofdm.carrier import CarrierConfig

        if not isinstance(carrier, CarrierConfig):
            raise TypeError(f"carrier must be a CarrierConfig, got {type(carrier).__name__}")
        start, size = self.bwp(carrier)
        if start < carrier.n_start_grid or start + size > carrier.n_start_grid + carrier.n_size_grid:
            raise ValueError(
                f"the BWP (CRBs {start}..{start + size - 1}) must lie inside the carrier grid (CRBs "
                f"{carrier.n_start_grid}..{carrier.n_start_grid + carrier.n_size_grid - 1}) (TS 38.211 §4.4.5)"
            )
        prbs = self.prb_indices(carrier)
        if prbs.size == 0 or prbs[-1] >= size:
            raise ValueError(
                f"prb_set must lie inside the BWP of {size} PRBs, got PRBs up to {prbs[-1] if prbs.size else None} "
                f"(TS 38.214 §5.1.2.2 / §6.1.2.2)"
            )
        if self.transform_precoding and not is_valid_transform_precoding_mrb(int(prbs.size)):
            raise ValueError(
                f"with transform precoding the number of PRBs M_RB must be 2^a 3^b 5^c, got "
                f"{prbs.size} (TS 38.211 §6.3.1.4)"
            )
        n_symb = carrier.symbols_per_slot
        s, n = self.symbol_allocation
        clause = "TS 38.214 Table 6.1.2.1-1" if self.direction == "uplink" else "TS 38.214 Table 5.1.2.1-1"
        if s + n > n_symb:
            raise ValueError(f"symbol_allocation S + L = {s + n} exceeds the {n_symb} symbols of a slot ({clause})")
        self._check_s_and_l(s, n, n_symb, clause)

    # ------------------------------------------------------------------------------ derived values
    @property
    def is_uplink(self) -> bool:
        """True for the PUSCH."""
        return self.direction == "uplink"

    @property
    def antenna_ports(self) -> int:
        """Number of PUSCH antenna ports (``num_antenna_ports`` or ``num_layers``)."""
        return self.num_layers if self.num_antenna_ports is None else int(self.num_antenna_ports)

    @property
    def l_0(self) -> int:
        """``l_0``: ``dmrs-TypeA-Position`` (mapping type A) or 0 (type B, relative to ``S``)."""
        return self.dmrs.type_a_position if self.mapping_type == "A" else 0

    @property
    def l_d(self) -> int:
        """Duration ``l_d``: ``S + L`` (type A, from the slot start) or ``L`` (type B)."""
        s, n = self.symbol_allocation
        return s + n if self.mapping_type == "A" else n

    @property
    def l_ref(self) -> int:
        """Symbol to which the ``l-bar`` positions are relative: 0 (type A) or ``S`` (type B)."""
        return 0 if self.mapping_type == "A" else self.symbol_allocation[0]

    @property
    def dmrs_l_bar(self) -> tuple[int, ...]:
        """``l-bar`` of each DM-RS occasion, relative to :attr:`l_ref` (Tables 6.4.1.1.3-3/4, 7.4.1.1.2-3/4)."""
        return dmrs_positions(self.direction, self.mapping_type, self.l_d, self.dmrs.additional_position,
                              self.dmrs.length, self.l_0)

    @property
    def dmrs_symbol_indices(self) -> tuple[int, ...]:
        """Symbols of the slot carrying DM-RS, ``l_ref + l-bar + l'`` (``l' = 0`` or ``0, 1``), ascending."""
        out = [self.l_ref + lb + lp for lb in self.dmrs_l_bar for lp in range(self.dmrs.length)]
        return tuple(out)

    @property
    def symbols(self) -> tuple[int, ...]:
        """The allocated symbols ``S .. S + L - 1``."""
        s, n = self.symbol_allocation
        return tuple(range(s, s + n))

    @property
    def dmrs_ports(self) -> tuple[int, ...]:
        """DM-RS ports ``p~`` (PUSCH) / ``p - 1000`` (PDSCH), one per layer."""
        return self.dmrs.resolved_ports(self.num_layers)

    @property
    def dmrs_antenna_ports(self) -> tuple[int, ...]:
        """Antenna port numbers: ``p~`` (PUSCH, 0..11) or ``1000 + p`` (PDSCH)."""
        return tuple(p if self.is_uplink else 1000 + p for p in self.dmrs_ports)

    @property
    def dmrs_cdm_groups(self) -> tuple[int, ...]:
        """CDM group ``lambda`` of each DM-RS port."""
        return tuple(_port_table(self.dmrs.config_type)[p][0] for p in self.dmrs_ports)

    @property
    def cdm_groups_without_data(self) -> tuple[int, ...]:
        """CDM groups ``0 .. num_cdm_groups_without_data - 1``: no data on their REs of DM-RS symbols."""
        return tuple(range(self.dmrs.num_cdm_groups_without_data))

    @property
    def beta_dmrs(self) -> float:
        """DM-RS amplitude scaling ``beta_DMRS`` (TS 38.214 Tables 4.1-1 / 6.2.2-1), see :attr:`DmrsConfig.beta`."""
        return self.dmrs.beta

    def bwp(self, carrier) -> tuple[int, int]:
        """``(N_BWP^start, N_BWP^size)``; ``None`` fields take the carrier grid's values."""
        start = carrier.n_start_grid if self.n_start_bwp is None else self.n_start_bwp
        size = carrier.n_size_grid if self.n_size_bwp is None else self.n_size_bwp
        return int(start), int(size)

    def prb_indices(self, carrier) -> np.ndarray:
        """Allocated PRBs relative to the BWP start, ascending (int64 ``[N_PRB]``)."""
        if self.prb_set is None:
            return np.arange(self.bwp(carrier)[1], dtype=np.int64)
        return np.asarray(self.prb_set, dtype=np.int64)

    def replace(self, **changes) -> SharedChannelConfig:
        """A copy with some fields changed (``dataclasses.replace``)."""
        return replace(self, **changes)
