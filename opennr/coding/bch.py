"""TS 38.212 V17 §7.1: the broadcast channel (BCH) chain, MIB to the 864 PBCH coded bits and back.

Transmit chain (:func:`bch_encode`, the same cut as MATLAB's ``nrBCH``: it stops before the
TS 38.211 §7.3.3.1 PBCH scrambling):

1. §7.1.1 payload generation (:func:`pbch_payload`): the 24-bit BCH transport block
   ``a_0 ... a_23`` (BCCH-BCH-Message: the CHOICE bit and the 23 MIB bits of TS 38.331, see
   :class:`Mib`) gets 8 timing bits (4 SFN LSBs, the half-frame bit, the k_SSB MSB or the SSB
   index MSBs), ``Abar = 32``, and is interleaved by ``G(j)`` of Table 7.1.1-1;
2. §7.1.2 scrambling (:func:`bch_scrambling`) with the Gold sequence ``c(n)`` of TS 38.211
   §5.2.1, ``c_init = N_ID^cell``, at offset ``v M`` where ``v`` is given by the 3rd and 2nd
   LSBs of the SFN; the bits that carry those two SFN bits, the half-frame bit and (``L_max =
   64``) the SSB index bits are left unscrambled;
3. §7.1.3 CRC24C (``K = 56``); 4. §7.1.4 polar encoding with ``n_max = 9`` and the input
   interleaver (``I_IL = 1``), ``N = 512``; 5. §7.1.5 rate matching to ``E = 864`` (repetition,
   no coded-bit interleaving).

The receiver (:func:`bch_decode`) undoes the chain with a CRC-aided SCL polar decoder, reads
``v`` from the unscrambled SFN bits, descrambles, de-interleaves and returns the transport block,
the full 10-bit SFN, the half-frame bit, the k_SSB MSB / SSB index MSBs and the decoded
:class:`Mib`, like MATLAB's ``nrBCHDecode``.

``L_max`` (the number of candidate SS/PBCH blocks in a half frame, TS 38.213 §4.1) is 4, 8 or 64
as in Release 15 (MATLAB's ``lssb``); the Release 16/17 values 10 and 20 (shared spectrum,
FR2-2) are not supported.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cache

import numpy as np

from opennr._data import read_csv_rows
from opennr._validation import (
    as_bits,
    as_llrs,
    check_choice,
    check_int,
    check_last_axis,
)
from opennr.coding.crc import crc_attach, crc_check
from opennr.coding.polar.construction import polar_construct
from opennr.coding.polar.decoder import polar_decode
from opennr.coding.polar.encoder import polar_encode
from opennr.coding.polar.rate_matching import polar_rate_match, polar_rate_recover
from opennr.sequences.gold import gold_sequence

__all__ = [
    "BCH_E",
    "BCH_TB_SIZE",
    "L_MAX_VALUES",
    "PBCH_PAYLOAD_SIZE",
    "BchDecodeResult",
    "Mib",
    "bch_decode",
    "bch_encode",
    "bch_scrambling",
    "bch_scrambling_sequence",
    "bits_to_mib",
    "mib_to_bits",
    "pbch_payload",
    "pbch_payload_deinterleave",
]

_PKG = "opennr.coding"
#: Size ``A`` of the BCH transport block (BCCH-BCH-Message: CHOICE bit + 23 MIB bits).
BCH_TB_SIZE: int = 24
#: Size ``Abar = A + 8`` of the PBCH payload (TS 38.212 §7.1.1).
PBCH_PAYLOAD_SIZE: int = 32
#: Bits entering the polar encoder ``K = Abar + 24`` (payload + CRC24C, §7.1.3).
BCH_K: int = 56
#: Rate-matching output length ``E = 864`` (TS 38.212 §7.1.5).
BCH_E: int = 864
#: ``n_max`` of the BCH polar code (§7.1.4).
BCH_N_MAX: int = 9
#: Supported numbers of candidate SS/PBCH blocks per half frame ``L_max`` (TS 38.213 §4.1).
L_MAX_VALUES: tuple[int, ...] = (4, 8, 64)

_C711 = "TS 38.212 §7.1.1"
_C712 = "TS 38.212 §7.1.2"
_C71 = "TS 38.212 §7.1"


# --------------------------------------------------------------------------------------------
# MIB (TS 38.331 §6.2.2)
# --------------------------------------------------------------------------------------------
_ENUMS: dict[str, tuple[str, str]] = {
    "sub_carrier_spacing_common": ("scs15or60", "scs30or120"),
    "dmrs_type_a_position": ("pos2", "pos3"),
    "cell_barred": ("barred", "notBarred"),
    "intra_freq_reselection": ("allowed", "notAllowed"),
}
# (field, number of bits) in the order of the MIB ASN.1 definition (TS 38.331 §6.2.2).
_MIB_LAYOUT: tuple[tuple[str, int], ...] = (
    ("system_frame_number", 6),
    ("sub_carrier_spacing_common", 1),
    ("ssb_subcarrier_offset", 4),
    ("dmrs_type_a_position", 1),
    ("control_resource_set_zero", 4),
    ("search_space_zero", 4),
    ("cell_barred", 1),
    ("intra_freq_reselection", 1),
    ("spare", 1),
)


@dataclass(frozen=True)
class Mib:
    """TS 38.331 §6.2.2: the master information block, field by field.

    The BCH transport block is the BCCH-BCH-Message: a CHOICE bit (0 = ``mib``) followed by the
    23 MIB bits, in the order of the attributes below (unaligned PER: integers MSB first,
    two-valued ENUMERATEDs as one bit, 0 = the first value). ENUMERATED fields hold the ASN.1
    value names.

    Attributes
    ----------
    system_frame_number : int
        ``systemFrameNumber``: the **6 MSBs** of the 10-bit SFN, 0..63 (the 4 LSBs travel in the
        PBCH payload, TS 38.212 §7.1.1). :meth:`from_sfn` builds it from a full SFN.
    sub_carrier_spacing_common : {'scs15or60', 'scs30or120'}
        ``subCarrierSpacingCommon`` (15/30 kHz in FR1, 60/120 kHz in FR2).
    ssb_subcarrier_offset : int
        ``ssb-SubcarrierOffset``: the 4 LSBs of ``k_SSB``, 0..15 (TS 38.211 §7.4.3.1).
    dmrs_type_a_position : {'pos2', 'pos3'}
        ``dmrs-TypeA-Position``.
    control_resource_set_zero, search_space_zero : int
        ``pdcch-ConfigSIB1``: ``controlResourceSetZero`` and ``searchSpaceZero``, 0..15 each.
    cell_barred : {'barred', 'notBarred'}
        ``cellBarred``.
    intra_freq_reselection : {'allowed', 'notAllowed'}
        ``intraFreqReselection``.
    spare : int
        ``spare``, 0 or 1.

    Examples
    --------
    >>> mib = Mib.from_sfn(598, sub_carrier_spacing_common="scs30or120",
    ...                    ssb_subcarrier_offset=2, control_resource_set_zero=10,
    ...                    search_space_zero=4)
    >>> mib.system_frame_number, mib.pdcch_config_sib1
    (37, 164)
    >>> Mib.from_bits(mib.to_bits()) == mib
    True
    """

    system_frame_number: int = 0
    sub_carrier_spacing_common: str = "scs15or60"
    ssb_subcarrier_offset: int = 0
    dmrs_type_a_position: str = "pos2"
    control_resource_set_zero: int = 0
    search_space_zero: int = 0
    cell_barred: str = "notBarred"
    intra_freq_reselection: str = "allowed"
    spare: int = 0

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Check every field against its TS 38.331 range; raise ``ValueError``/``TypeError``."""
        where = "TS 38.331 §6.2.2 MIB"
        for name, nbits in _MIB_LAYOUT:
            value = getattr(self, name)
            if name in _ENUMS:
                check_choice(value, name, _ENUMS[name], clause=where)
            else:
                check_int(value, name, low=0, high=(1 << nbits) - 1, clause=where)

    @classmethod
    def from_sfn(cls, sfn: int, **kwargs) -> Mib:
        """TS 38.331 §6.2.2: a MIB whose ``systemFrameNumber`` holds the 6 MSBs of ``sfn``.

        >>> Mib.from_sfn(1023).system_frame_number
        63
        """
        sfn = check_int(sfn, "sfn", low=0, high=1023, clause="TS 38.331 §6.2.2")
        return cls(system_frame_number=sfn >> 4, **kwargs)

    @property
    def pdcch_config_sib1(self) -> int:
        """``pdcch-ConfigSIB1`` as its 8-bit value ``16 controlResourceSetZero + searchSpaceZero``."""
        return 16 * self.control_resource_set_zero + self.search_space_zero

    def to_bits(self) -> np.ndarray:
        """TS 38.331 §6.2.1: the 24-bit BCH transport block (CHOICE bit 0, then the MIB)."""
        return mib_to_bits(self)

    @classmethod
    def from_bits(cls, bits) -> Mib:
        """TS 38.331 §6.2.1: parse a 24-bit BCH transport block (see :func:`bits_to_mib`)."""
        return bits_to_mib(bits)


def mib_to_bits(mib: Mib) -> np.ndarray:
    """TS 38.331 §6.2.1/§6.2.2: encode a :class:`Mib` as the 24-bit BCH transport block.

    Parameters
    ----------
    mib : Mib
        The master information block.

    Returns
    -------
    numpy.ndarray of uint8, shape [24]
        ``a_0 ... a_23``: the BCCH-BCH-Message CHOICE bit (0, ``mib``) and the 23 MIB bits.

    Examples
    --------
    >>> mib_to_bits(Mib(system_frame_number=1, spare=1))
    array([0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
           0, 1], dtype=uint8)
    """
    if not isinstance(mib, Mib):
        raise TypeError(f"mib must be a Mib, got {type(mib).__name__}")
    bits = [0]  # CHOICE: mib
    for name, nbits in _MIB_LAYOUT:
        value = getattr(mib, name)
        if name in _ENUMS:
            value = _ENUMS[name].index(value)
        bits.extend((value >> (nbits - 1 - k)) & 1 for k in range(nbits))
    return np.array(bits, dtype=np.uint8)


def bits_to_mib(bits) -> Mib:
    """TS 38.331 §6.2.1/§6.2.2: decode a 24-bit BCH transport block into a :class:`Mib`.

    Parameters
    ----------
    bits : array_like of 0/1, shape [24]
        ``a_0 ... a_23`` as returned by :func:`bch_decode` (``trblk``).

    Returns
    -------
    Mib

    Raises
    ------
    ValueError
        If the shape is wrong or the CHOICE bit is 1 (``messageClassExtension``: no MIB).

    Examples
    --------
    >>> bits_to_mib(mib_to_bits(Mib(ssb_subcarrier_offset=6))).ssb_subcarrier_offset
    6
    """
    bits = as_bits(bits, "bits", "TS 38.331 §6.2.1")
    if bits.shape != (BCH_TB_SIZE,):
        raise ValueError(f"bits must have shape (24,) (BCCH-BCH-Message, TS 38.331 §6.2.1), "
                         f"got {bits.shape}")
    if bits[0]:
        raise ValueError("bits carries a BCCH-BCH-Message messageClassExtension (CHOICE bit 1), "
                         "not a MIB (TS 38.331 §6.2.1)")
    values = {}
    pos = 1
    for name, nbits in _MIB_LAYOUT:
        value = 0
        for b in bits[pos : pos + nbits]:
            value = 2 * value + int(b)
        pos += nbits
        values[name] = _ENUMS[name][value] if name in _ENUMS else value
    return Mib(**values)


# --------------------------------------------------------------------------------------------
# §7.1.1 payload generation and interleaving
# --------------------------------------------------------------------------------------------
@cache
def _g_pattern() -> np.ndarray:
    rows = read_csv_rows(_PKG, "pbch_payload_interleaver.csv")
    g = np.empty(len(rows), dtype=np.int64)
    for r in rows:
        g[int(r["j"])] = int(r["g"])
    g.setflags(write=False)
    return g


@cache
def _payload_destinations() -> np.ndarray:
    """``dest[i]``: position in ``a'`` of payload bit ``abar_i`` (§7.1.1 loop over i)."""
    g = _g_pattern()
    a = BCH_TB_SIZE
    j_sfn, j_hrf, j_ssb, j_other = 0, 10, 11, 14
    dest = np.empty(PBCH_PAYLOAD_SIZE, dtype=np.int64)
    for i in range(PBCH_PAYLOAD_SIZE):
        if 1 <= i <= 6 or a <= i <= a + 3:  # SFN bits: 6 MSBs in the MIB, 4 LSBs appended
            dest[i] = g[j_sfn]
            j_sfn += 1
        elif i == a + 4:  # half radio frame bit
            dest[i] = g[j_hrf]
        elif a + 5 <= i <= a + 7:  # k_SSB MSB / SSB index bits / reserved
            dest[i] = g[j_ssb]
            j_ssb += 1
        else:
            dest[i] = g[j_other]
            j_other += 1
    dest.setflags(write=False)
    return dest


def _check_l_max(l_max) -> int:
    return int(check_choice(l_max, "l_max", L_MAX_VALUES, clause=f"{_C711}, TS 38.213 §4.1"))


def _timing_bits(sfn: int, half_frame: int, l_max: int, ssb_index: int, k_ssb: int) -> list[int]:
    bits = [(sfn >> s) & 1 for s in (3, 2, 1, 0)] + [half_frame]
    if l_max == 64:
        bits += [(ssb_index >> s) & 1 for s in (5, 4, 3)]
    else:
        bits += [(k_ssb >> 4) & 1, 0, 0]
    return bits


def pbch_payload(trblk, *, sfn: int, half_frame: int, l_max: int, ssb_index: int = 0,
                 k_ssb: int = 0) -> np.ndarray:
    """TS 38.212 §7.1.1: PBCH payload generation and interleaving, ``[..., 24] -> [..., 32]``.

    The payload ``abar`` is the transport block followed by the 4th, 3rd, 2nd and 1st LSBs of the
    SFN, the half-frame bit and, for ``L_max = 64``, the 6th, 5th and 4th bits of the SS/PBCH
    block index, else the MSB of ``k_SSB`` and two reserved (0) bits. It is interleaved as
    ``a'_G(j) = abar_i`` with ``j`` counting SFN bits (``j = 0..9``; the 6 MSBs are MIB bits
    ``a_1 ... a_6``), the half-frame bit (``j = 10``), the last three timing bits
    (``j = 11..13``) and the other bits (``j = 14..31``) separately (Table 7.1.1-1).

    Parameters
    ----------
    trblk : array_like of 0/1, shape [..., 24]
        BCH transport blocks ``a_0 ... a_23`` (:func:`mib_to_bits`).
    sfn : int
        System frame number, 0..1023.
    half_frame : int
        Half-frame bit ``n_hf``, 0 or 1.
    l_max : {4, 8, 64}
        Number of candidate SS/PBCH blocks in a half frame (TS 38.213 §4.1).
    ssb_index : int, optional
        Candidate SS/PBCH block index, 0..L_max-1; its three MSBs are sent for ``L_max = 64``
        (ignored otherwise). Default 0.
    k_ssb : int, optional
        Subcarrier offset ``k_SSB`` (TS 38.211 §7.4.3.1), 0..23; only its MSB (bit 4) is sent,
        for ``L_max`` = 4 or 8 (the 4 LSBs are the MIB's ``ssb-SubcarrierOffset``). Default 0.

    Returns
    -------
    numpy.ndarray of uint8, shape [..., 32]
        The interleaved payload ``a'_0 ... a'_31``.

    Examples
    --------
    >>> import numpy as np
    >>> p = pbch_payload(np.zeros(24, np.uint8), sfn=1, half_frame=1, l_max=8)
    >>> np.flatnonzero(p).tolist()  # the SFN LSB goes to G(9) = 7, the half-frame bit to G(10) = 0
    [0, 7]
    """
    trblk = as_bits(trblk, "trblk", _C711)
    check_last_axis(trblk, "trblk", BCH_TB_SIZE, _C711)
    sfn = check_int(sfn, "sfn", low=0, high=1023, clause=_C711)
    half_frame = check_int(half_frame, "half_frame", low=0, high=1, clause=_C711)
    l_max = _check_l_max(l_max)
    ssb_index = check_int(ssb_index, "ssb_index", low=0, high=l_max - 1,
                          clause=f"{_C711}, TS 38.213 §4.1")
    k_ssb = check_int(k_ssb, "k_ssb", low=0, high=23, clause=f"{_C711}, TS 38.211 §7.4.3.1")
    abar = np.empty((*trblk.shape[:-1], PBCH_PAYLOAD_SIZE), dtype=np.uint8)
    abar[..., :BCH_TB_SIZE] = trblk
    abar[..., BCH_TB_SIZE:] = _timing_bits(sfn, half_frame, l_max, ssb_index, k_ssb)
    out = np.empty_like(abar)
    out[..., _payload_destinations()] = abar
    return out


def pbch_payload_deinterleave(payload) -> np.ndarray:
    """TS 38.212 §7.1.1: undo the ``G(j)`` interleaving, ``a' [..., 32] -> abar [..., 32]``.

    ``abar[..., :24]`` is the transport block, ``abar[..., 24:28]`` the 4 SFN LSBs (MSB first),
    ``abar[..., 28]`` the half-frame bit and ``abar[..., 29:32]`` the k_SSB MSB / SSB index bits.

    Examples
    --------
    >>> import numpy as np
    >>> tb = np.arange(24) % 2
    >>> p = pbch_payload(tb, sfn=5, half_frame=0, l_max=4)
    >>> pbch_payload_deinterleave(p)[24:].tolist()
    [0, 1, 0, 1, 0, 0, 0, 0]
    """
    payload = as_bits(payload, "payload", _C711)
    check_last_axis(payload, "payload", PBCH_PAYLOAD_SIZE, _C711)
    return payload[..., _payload_destinations()]


# --------------------------------------------------------------------------------------------
# §7.1.2 scrambling
# --------------------------------------------------------------------------------------------
@cache
def _unscrambled_positions(l_max: int) -> tuple[int, ...]:
    """Positions in ``a'`` of the SFN 3rd/2nd LSBs, the half-frame bit (and SSB index bits)."""
    dest = _payload_destinations()
    a = BCH_TB_SIZE
    held = [a + 1, a + 2, a + 4] + ([a + 5, a + 6, a + 7] if l_max == 64 else [])
    return tuple(sorted(int(dest[i]) for i in held))


@cache
def _scrambling_sequences(n_cell_id: int, l_max: int) -> np.ndarray:
    """``s`` for ``v = 0..3``, shape [4, 32], read-only."""
    keep = _unscrambled_positions(l_max)
    m = PBCH_PAYLOAD_SIZE - len(keep)  # M = Abar - 3 (L_max 4, 8) or Abar - 6 (L_max 64)
    c = gold_sequence(n_cell_id, 4 * m)
    s = np.zeros((4, PBCH_PAYLOAD_SIZE), dtype=np.uint8)
    scrambled = [i for i in range(PBCH_PAYLOAD_SIZE) if i not in keep]
    for v in range(4):
        s[v, scrambled] = c[v * m : v * m + m]
    s.setflags(write=False)
    return s


def _check_cell_id(n_cell_id) -> int:
    return check_int(n_cell_id, "n_cell_id", low=0, high=1007, clause=f"{_C712}, TS 38.211 §7.4.2.1")


def bch_scrambling_sequence(n_cell_id: int, v: int, l_max: int) -> np.ndarray:
    """TS 38.212 §7.1.2: the payload scrambling sequence ``s_0 ... s_31``.

    ``s_i = 0`` at the positions of ``a'`` that carry the 3rd and 2nd LSBs of the SFN, the
    half-frame bit and, for ``L_max = 64``, the three SSB index bits; the other positions take
    ``c(j + v M)``, ``j = 0, 1, ...`` in order, with ``c`` the Gold sequence of TS 38.211 §5.2.1
    initialised with ``c_init = N_ID^cell`` and ``M = Abar - 3`` (``L_max`` = 4, 8) or
    ``Abar - 6`` (``L_max`` = 64).

    Parameters
    ----------
    n_cell_id : int
        Physical cell identity ``N_ID^cell``, 0..1007.
    v : int
        ``2 x (3rd LSB of SFN) + (2nd LSB of SFN)``, i.e. ``(sfn >> 1) & 3``, 0..3.
    l_max : {4, 8, 64}
        Number of candidate SS/PBCH blocks in a half frame.

    Returns
    -------
    numpy.ndarray of uint8, shape [32]

    Examples
    --------
    >>> s = bch_scrambling_sequence(321, 1, 8)
    >>> int(s[[0, 6, 24]].sum())  # half-frame bit and SFN bits 3, 2 are never scrambled
    0
    """
    n_cell_id = _check_cell_id(n_cell_id)
    v = check_int(v, "v", low=0, high=3, clause=_C712)
    return _scrambling_sequences(n_cell_id, _check_l_max(l_max))[v].copy()


def bch_scrambling(payload, *, sfn: int, l_max: int, n_cell_id: int) -> np.ndarray:
    """TS 38.212 §7.1.2: scramble the interleaved PBCH payload, ``[..., 32] -> [..., 32]``.

    ``a''_i = (a'_i + s_i) mod 2`` with :func:`bch_scrambling_sequence` and
    ``v = (sfn >> 1) & 3``. Scrambling is its own inverse: the same call descrambles.

    Parameters
    ----------
    payload : array_like of 0/1, shape [..., 32]
        ``a'`` (:func:`pbch_payload`).
    sfn : int
        System frame number 0..1023 (only its 3rd and 2nd LSBs matter).
    l_max : {4, 8, 64}
        Number of candidate SS/PBCH blocks in a half frame.
    n_cell_id : int
        Physical cell identity, 0..1007.

    Returns
    -------
    numpy.ndarray of uint8, shape [..., 32]

    Examples
    --------
    >>> import numpy as np
    >>> p = np.ones(32, np.uint8)
    >>> q = bch_scrambling(p, sfn=10, l_max=8, n_cell_id=321)
    >>> bool((bch_scrambling(q, sfn=10, l_max=8, n_cell_id=321) == p).all())
    True
    """
    payload = as_bits(payload, "payload", _C712)
    check_last_axis(payload, "payload", PBCH_PAYLOAD_SIZE, _C712)
    sfn = check_int(sfn, "sfn", low=0, high=1023, clause=_C712)
    s = _scrambling_sequences(_check_cell_id(n_cell_id), _check_l_max(l_max))[(sfn >> 1) & 3]
    return payload ^ s


# --------------------------------------------------------------------------------------------
# §7.1.3-§7.1.5: CRC, polar code, rate matching
# --------------------------------------------------------------------------------------------
@cache
def _bch_code():
    return polar_construct(BCH_K, BCH_E, n_max=BCH_N_MAX)


def bch_encode(trblk, *, sfn: int, half_frame: int, l_max: int, ssb_index: int = 0,
               k_ssb: int = 0, n_cell_id: int) -> np.ndarray:
    """TS 38.212 §7.1: BCH transport block to the 864 PBCH coded bits, ``[..., 24] -> [..., 864]``.

    Payload generation and interleaving (§7.1.1), scrambling (§7.1.2), CRC24C attachment
    (§7.1.3), polar encoding with ``n_max = 9`` and input interleaving (§7.1.4) and rate matching
    to ``E = 864`` (§7.1.5). Same output as MATLAB ``nrBCH(trblk, sfn, hrf, lssb, idxoffset,
    ncellid)``; the TS 38.211 §7.3.3.1 PBCH scrambling comes after.

    Parameters
    ----------
    trblk : array_like of 0/1, shape [..., 24]
        BCH transport blocks (:func:`mib_to_bits`).
    sfn : int
        System frame number 0..1023 (the full SFN; its 6 MSBs should equal the MIB's).
    half_frame : int
        Half-frame bit, 0 or 1.
    l_max : {4, 8, 64}
        Number of candidate SS/PBCH blocks in a half frame (TS 38.213 §4.1).
    ssb_index : int, optional
        SS/PBCH block index 0..L_max-1 (its 3 MSBs are sent when ``L_max = 64``). Default 0.
    k_ssb : int, optional
        Subcarrier offset ``k_SSB`` 0..23 (its MSB is sent when ``L_max`` = 4 or 8). Default 0.
    n_cell_id : int
        Physical cell identity ``N_ID^cell``, 0..1007.

    Returns
    -------
    numpy.ndarray of uint8, shape [..., 864]
        The rate-matched coded bits ``f_0 ... f_863``.

    Examples
    --------
    >>> import numpy as np
    >>> tb = Mib.from_sfn(10).to_bits()
    >>> bch_encode(tb, sfn=10, half_frame=1, l_max=8, n_cell_id=321).shape
    (864,)
    """
    payload = pbch_payload(trblk, sfn=sfn, half_frame=half_frame, l_max=l_max,
                           ssb_index=ssb_index, k_ssb=k_ssb)
    scrambled = bch_scrambling(payload, sfn=sfn, l_max=l_max, n_cell_id=n_cell_id)
    c = crc_attach(scrambled, "24C")
    code = _bch_code()
    d = polar_encode(c, code, input_interleaving=True)
    return polar_rate_match(d, code)


@dataclass(frozen=True)
class BchDecodeResult:
    """TS 38.212 §7.1: what :func:`bch_decode` recovers from the PBCH soft bits.

    Attributes
    ----------
    trblk : numpy.ndarray of uint8, shape [..., 24]
        The descrambled BCH transport block (BCCH-BCH-Message).
    crc_ok : numpy.ndarray of bool, shape [...]
        True where the CRC24C of the decoded block passes.
    sfn : numpy.ndarray of int64, shape [...]
        The full 10-bit SFN: the 6 MIB MSBs and the 4 payload LSBs.
    half_frame : numpy.ndarray of uint8, shape [...]
        The half-frame bit.
    k_ssb_msb : numpy.ndarray of uint8, shape [...]
        MSB of ``k_SSB`` (``L_max`` = 4, 8; 0 for ``L_max = 64``).
    ssb_index_msbs : numpy.ndarray of int64, shape [...]
        The 6th, 5th, 4th bits of the SS/PBCH block index as a number 0..7, i.e.
        ``ssb_index >> 3`` (``L_max = 64``; 0 otherwise).
    scrambled_payload : numpy.ndarray of uint8, shape [..., 32]
        ``a''``, the decoded payload before descrambling (MATLAB's ``scrblk``).
    mib : Mib or None, or nested lists of them
        The parsed MIB (None where the CRC fails or the CHOICE bit is 1); a nested list with
        the batch shape for batched input.
    """

    trblk: np.ndarray
    crc_ok: np.ndarray
    sfn: np.ndarray
    half_frame: np.ndarray
    k_ssb_msb: np.ndarray
    ssb_index_msbs: np.ndarray
    scrambled_payload: np.ndarray
    mib: object

    def __iter__(self):
        return (getattr(self, f.name) for f in fields(self))


def _bit_value(bits: np.ndarray) -> np.ndarray:
    """MSB-first bits [..., n] -> int64 [...]."""
    weights = 1 << np.arange(bits.shape[-1] - 1, -1, -1, dtype=np.int64)
    return bits.astype(np.int64) @ weights


def bch_decode(llr, *, l_max: int, n_cell_id: int, list_size: int = 8) -> BchDecodeResult:
    """TS 38.212 §7.1: decode the 864 PBCH soft bits back to the MIB, ``[..., 864] -> [..., 24]``.

    Rate recovery (repetitions combined), CRC-aided SCL polar decoding with input
    de-interleaving, CRC24C check, descrambling (``v`` read off the unscrambled SFN bits) and
    payload de-interleaving. The inverse of :func:`bch_encode`; like MATLAB ``nrBCHDecode(
    softbits, L, lssb, ncellid)``.

    Parameters
    ----------
    llr : array_like of float, shape [..., 864]
        PBCH soft bits after PBCH descrambling (TS 38.211 §7.3.3.1), LLR = ln P(0)/P(1).
    l_max : {4, 8, 64}
        Number of candidate SS/PBCH blocks in a half frame.
    n_cell_id : int
        Physical cell identity, 0..1007.
    list_size : int, optional
        SCL list size (a power of two), default 8.

    Returns
    -------
    BchDecodeResult

    Raises
    ------
    ValueError
        For a last axis other than 864, NaN/inf LLRs, or out-of-range parameters.

    Examples
    --------
    >>> import numpy as np
    >>> mib = Mib.from_sfn(598, ssb_subcarrier_offset=2)
    >>> bits = bch_encode(mib.to_bits(), sfn=598, half_frame=0, l_max=8, k_ssb=18,
    ...                   n_cell_id=967)
    >>> res = bch_decode(4.0 * (1.0 - 2.0 * bits), l_max=8, n_cell_id=967)
    >>> bool(res.crc_ok), int(res.sfn), int(res.k_ssb_msb), res.mib == mib
    (True, 598, 1, True)
    """
    llr = as_llrs(llr, "llr", _C71)
    check_last_axis(llr, "llr", BCH_E, "TS 38.212 §7.1.5")
    l_max = _check_l_max(l_max)
    n_cell_id = _check_cell_id(n_cell_id)
    list_size = check_int(list_size, "list_size", low=1, clause="TS 38.212 §7.1.4")
    code = _bch_code()
    batch = llr.shape[:-1]

    def crc_ok_of(cand: np.ndarray) -> np.ndarray:
        return np.asarray(crc_check(cand, "24C"), dtype=bool)

    dec = polar_decode(polar_rate_recover(llr, code), code, list_size=list_size,
                       crc_check=crc_ok_of, input_interleaving=True)
    c = np.asarray(dec.bits, dtype=np.uint8).reshape(*batch, BCH_K)
    crc_ok = crc_ok_of(c).reshape(batch)
    scrambled = c[..., :PBCH_PAYLOAD_SIZE]
    dest = _payload_destinations()
    a = BCH_TB_SIZE
    v = 2 * scrambled[..., dest[a + 1]].astype(np.int64) + scrambled[..., dest[a + 2]]
    s = _scrambling_sequences(n_cell_id, l_max)[v]
    abar = (scrambled ^ s)[..., dest]
    trblk = np.ascontiguousarray(abar[..., :a])
    sfn = 16 * _bit_value(abar[..., 1:7]) + _bit_value(abar[..., a : a + 4])
    half_frame = abar[..., a + 4].copy()
    if l_max == 64:
        ssb_msbs = _bit_value(abar[..., a + 5 : a + 8])
        k_msb = np.zeros(batch, dtype=np.uint8)
    else:
        ssb_msbs = np.zeros(batch, dtype=np.int64)
        k_msb = abar[..., a + 5].copy()

    def parse(tb: np.ndarray, ok: bool):
        if not ok or tb[0]:
            return None
        try:
            return bits_to_mib(tb)
        except ValueError:  # pragma: no cover - every 23-bit pattern is a valid MIB
            return None

    if batch == ():
        mib = parse(trblk, bool(crc_ok))
    else:
        flat = [parse(t, bool(o)) for t, o in zip(trblk.reshape(-1, a), crc_ok.reshape(-1))]
        objs = np.empty(len(flat), dtype=object)
        objs[:] = flat
        mib = objs.reshape(batch).tolist()
    return BchDecodeResult(
        trblk=trblk,
        crc_ok=crc_ok,
        sfn=sfn,
        half_frame=half_frame,
        k_ssb_msb=k_msb,
        ssb_index_msbs=ssb_msbs,
        scrambled_payload=np.ascontiguousarray(scrambled),
        mib=mib,
    )
