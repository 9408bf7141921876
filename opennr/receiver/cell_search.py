"""TS 38.211 V17 §7.4.2-§7.4.3 / TS 38.213 V17 §4.1 in reverse: cell search and MIB decoding of IQ samples.

The receiver finds every SS/PBCH block in a recording and decodes its MIB, in the order a UE does
(the procedure itself is not specified by 3GPP; the signals are):

1. **Channelisation.** One FFT of the whole recording; for each searched SSB centre frequency
   (the recording centre, explicit offsets in Hz, or GSCN raster points, TS 38.104 §5.4.3.1) the
   bins around it are cut out and brought back to the time domain at ``256 x SCS`` samples per
   second, so that a 256-point FFT holds the 240 subcarriers of the block (a brick-wall
   filter-and-resample in one step; any recording sample rate works).
2. **PSS detection** (§7.4.2.2): correlation with the three PSS over a grid of frequency offsets
   (every half subcarrier spacing up to ``max_cfo`` = 2.5 SCS by default); the metric is the
   correlation energy normalised by the template and the signal energy (0..1). Peaks above
   ``pss_threshold`` give coarse timing, ``N_ID^(2)`` and the integer CFO; the fractional CFO
   comes from the phase between the two halves of the PSS (and later the SSS) correlation.
3. **SSS detection** (§7.4.2.3): the SSS symbol is equalised with the (smoothed) channel seen on
   the PSS and correlated with the 336 SSS of that ``N_ID^(2)`` -> ``N_ID^cell``; a strong
   second SSS is followed too (synchronised cells with the same ``N_ID^(2)`` share a PSS peak).
4. **PBCH DM-RS** (§7.4.1.4.1): the 8 candidate sequences ``i_SSB_bar`` are correlated in
   blocks of 12 DM-RS -> the 3 LSBs of the SSB index (``L_max`` = 8, 64) or the SSB index and
   the half frame (``L_max = 4``).
5. **Channel estimation and equalisation:** least squares on the 144 DM-RS, per-symbol common
   phase and a shared frequency response (delay slope removed, smoothed over neighbouring DM-RS),
   linear interpolation to the PBCH subcarriers, zero forcing; the noise variance is measured on
   the block's empty subcarriers (§7.4.3.1: set to zero).
6. **PBCH and BCH** (TS 38.211 §7.3.3, TS 38.212 §7.1): soft QPSK demapping and descrambling
   (:func:`opennr.physical_channels.pbch.pbch_llrs`), CRC-aided SCL polar decoding
   (:func:`opennr.coding.bch.bch_decode`) -> MIB, full SFN, half frame, ``k_SSB``. The CRC is
   the final arbiter: by default only blocks whose CRC passes are reported, so a recording with
   no cell gives an empty list.
7. **Measurements:** SS-RSRP (linear average over the SSS resource elements, TS 38.215 §5.1.1;
   dB relative to a full-scale tone, the recording being uncalibrated), SNR per resource element
   (SSS power over the noise on the empty subcarriers), CFO and the block's first sample.
8. **Frame timing** (TS 38.213 §4.1, TS 38.211 §5.3.1): the block's candidate symbol (its case,
   its SSB index) and its half frame place the start of its radio frame (the SFN boundary):
   ``frame_start = sample_offset - fs (5 ms n_hf + t_l)``, ``t_l`` the duration of the OFDM
   symbols before the candidate symbol in the half frame (normal CP, the long cyclic prefix
   every 0.5 ms included). 30 kHz blocks have two patterns: case C (the default; unpaired bands
   such as n77/n78 and most 30 kHz deployments) or case B (``ssb_case='B'``, e.g. n5, n66).

Several channels (receive antennas sharing one clock) are combined: PSS and SSS correlation
energies add, the PBCH is maximum-ratio combined. Limits: a block cut by either end of the
recording is not reported; the whole recording is transformed at once (memory grows with its
length); the CFO range is +-``max_cfo`` SSB subcarrier spacings around each searched frequency.

``L_max`` (TS 38.213 §4.1) is taken from the caller or inferred: for ``i_SSB_bar < 4`` the
hypotheses 4 and 8 decode identically; for ``i_SSB_bar >= 4`` both are tried (``L_max = 4``
first below 3 GHz when the centre frequency is known) and the CRC and the half-frame bit decide.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache, lru_cache
from numbers import Real

import numpy as np
import scipy.fft as sfft

from opennr._validation import check_choice, check_int
from opennr.coding.bch import Mib, bch_decode, bch_encode
from opennr.physical_channels.pbch import pbch_llrs, pbch_symbols
from opennr.physical_channels.ssb import (
    SSB_NUM_SUBCARRIERS,
    pbch_dmrs_positions,
    pbch_positions,
)
from opennr.scheduling.ssb_burst import SSB_CASE_SCS, ssb_candidate_symbols
from opennr.signals.pbch_dmrs import pbch_dmrs
from opennr.signals.sync import pss, sss

__all__ = [
    "SSB_SCS_KHZ",
    "SsbDetection",
    "cell_search",
    "frame_start_offset",
    "mib_to_dict",
    "search_frequencies",
]

_C = "TS 38.211 §7.4.3"
_C_RASTER = "TS 38.104 §5.4.3.1"
#: SS/PBCH block subcarrier spacings in kHz the search accepts (TS 38.213 §4.1 cases A-E).
SSB_SCS_KHZ: tuple[int, ...] = (15, 30, 120, 240)
#: Case assumed for the frame timing of each SS/PBCH block subcarrier spacing (kHz).
_DEFAULT_CASE = {15: "A", 30: "C", 120: "D", 240: "E"}

_N = 256  # FFT size at the working rate 256 x SCS
_CP = 18  # normal cyclic prefix at N = 256 (144 x 256 / 2048); no long CP inside a block
_SYM = _N + _CP
_BACKOFF = 6  # FFT window placed this many samples into the cyclic prefix
_PSS_OFFSETS = np.arange(56, 183) - 120  # PSS/SSS subcarriers relative to block subcarrier 120
_BLOCK_BINS = (np.arange(SSB_NUM_SUBCARRIERS) - 120) % _N
# empty resource elements of the block (TS 38.211 Table 7.4.3.1-1: "set to 0")
_NULL_K0 = np.r_[0:56, 183:240]
_NULL_K2 = np.r_[48:56, 183:192]


# --------------------------------------------------------------------------------------------
# results
# --------------------------------------------------------------------------------------------
def mib_to_dict(mib: Mib | None) -> dict | None:
    """TS 38.331 §6.2.2: a :class:`~opennr.coding.bch.Mib` as a dict keyed by the ASN.1 field names.

    Parameters
    ----------
    mib : Mib or None

    Returns
    -------
    dict or None
        ``systemFrameNumber`` (the 6-bit MIB field, i.e. SFN >> 4), ``subCarrierSpacingCommon``,
        ``ssb-SubcarrierOffset``, ``dmrs-TypeA-Position``, ``pdcch-ConfigSIB1``
        (``controlResourceSetZero``, ``searchSpaceZero``), ``cellBarred``,
        ``intraFreqReselection``, ``spare``; None for None.

    Examples
    --------
    >>> d = mib_to_dict(Mib.from_sfn(598, control_resource_set_zero=6))
    >>> d["systemFrameNumber"], d["pdcch-ConfigSIB1"]
    (37, {'controlResourceSetZero': 6, 'searchSpaceZero': 0})
    """
    if mib is None:
        return None
    return {
        "systemFrameNumber": int(mib.system_frame_number),
        "subCarrierSpacingCommon": mib.sub_carrier_spacing_common,
        "ssb-SubcarrierOffset": int(mib.ssb_subcarrier_offset),
        "dmrs-TypeA-Position": mib.dmrs_type_a_position,
        "pdcch-ConfigSIB1": {
            "controlResourceSetZero": int(mib.control_resource_set_zero),
            "searchSpaceZero": int(mib.search_space_zero),
        },
        "cellBarred": mib.cell_barred,
        "intraFreqReselection": mib.intra_freq_reselection,
        "spare": int(mib.spare),
    }


def _num(x, digits: int = 3):
    if x is None:
        return None
    x = float(x)
    return round(x, digits) if math.isfinite(x) else None


@dataclass(frozen=True)
class SsbDetection:
    """TS 38.211 §7.4.3 / TS 38.212 §7.1: one detected SS/PBCH block and its decoded MIB.

    Attributes
    ----------
    pci : int
        Physical cell identity ``N_ID^cell = 3 N_ID^(1) + N_ID^(2)`` (0..1007).
    ssb_index : int or None
        Candidate SS/PBCH block index ``i_SSB`` (DM-RS, plus the PBCH payload MSBs for
        ``L_max = 64``); None if the CRC failed and ``L_max`` is ambiguous.
    half_frame : int or None
        Half-frame bit ``n_hf`` (PBCH payload; DM-RS for ``L_max = 4``).
    k_ssb : int or None
        Subcarrier offset ``k_SSB``: ``ssb-SubcarrierOffset`` + 16 x the payload MSB (FR1;
        ``ssb-SubcarrierOffset`` alone in FR2). Values above 23 (FR1) / 11 (FR2) mean that no
        Type0-PDCCH CSS is associated with the block (TS 38.213 §13).
    sfn : int or None
        Full 10-bit system frame number (6 MIB MSBs + 4 payload LSBs).
    crc_ok : bool
        True when the BCH CRC24C passes.
    snr_db : float
        SNR per resource element: SSS power over the noise on the block's empty subcarriers.
    rsrp_dbfs : float
        SS-RSRP over the SSS resource elements, dB relative to a full-scale complex tone.
    cfo_hz : float
        Carrier frequency offset of the block relative to the searched SSB centre frequency.
    sample_offset : int
        First sample of the block (start of the PSS symbol's cyclic prefix) in the recording.
    scs_khz : int
        SS/PBCH block subcarrier spacing.
    l_max : int or None
        ``L_max`` used to decode (4, 8 or 64); None where 4 and 8 are indistinguishable.
    frequency_offset_hz : float
        Searched SSB centre (block subcarrier 120) relative to the recording centre.
    ssb_frequency_hz : float or None
        Absolute searched SSB centre frequency ``SS_REF`` (None without a centre frequency).
    gscn : int or None
        GSCN of the searched raster point, if the search ran over the raster.
    mib : Mib or None
        Decoded MIB (None when the CRC fails).
    i_ssb_bar : int
        Detected PBCH DM-RS index ``i_SSB_bar`` (TS 38.211 §7.4.1.4.1).
    pss_metric, sss_metric : float
        Normalised PSS / SSS correlation (0..1).
    frame_start : int or None
        First sample of the block's radio frame (SFN ``sfn``; TS 38.213 §4.1 candidate symbol
        of ``case`` and ``ssb_index``, half frame ``half_frame``), possibly negative (the frame
        began before the recording) or past its end; None when the SSB index or the half frame
        is unknown (CRC failed).
    case : str or None
        SS/PBCH block case (TS 38.213 §4.1) used for ``frame_start``.

    Examples
    --------
    >>> d = SsbDetection(pci=1, ssb_index=0, half_frame=0, k_ssb=0, sfn=5, crc_ok=True,
    ...                  snr_db=20.0, rsrp_dbfs=-30.0, cfo_hz=12.5, sample_offset=100,
    ...                  scs_khz=30, mib=Mib.from_sfn(5))
    >>> d.to_dict()["mib"]["systemFrameNumber"], d.n_id2
    (0, 1)
    """

    pci: int
    ssb_index: int | None
    half_frame: int | None
    k_ssb: int | None
    sfn: int | None
    crc_ok: bool
    snr_db: float
    rsrp_dbfs: float
    cfo_hz: float
    sample_offset: int
    scs_khz: int
    l_max: int | None = None
    frequency_offset_hz: float = 0.0
    ssb_frequency_hz: float | None = None
    gscn: int | None = None
    mib: Mib | None = field(default=None, repr=False)
    i_ssb_bar: int = 0
    pss_metric: float = float("nan")
    sss_metric: float = float("nan")
    frame_start: int | None = None
    case: str | None = None

    @property
    def n_id1(self) -> int:
        """``N_ID^(1) = pci // 3`` (TS 38.211 §7.4.2.1)."""
        return self.pci // 3

    @property
    def n_id2(self) -> int:
        """``N_ID^(2) = pci mod 3`` (TS 38.211 §7.4.2.1)."""
        return self.pci % 3

    def to_dict(self) -> dict:
        """JSON-ready dict: ``pci, ssb_index, half_frame, k_ssb, sfn, crc_ok, snr_db, cfo_hz,
        sample_offset, frame_start, mib`` (ASN.1 names, :func:`mib_to_dict`) and the other
        attributes."""
        return {
            "pci": int(self.pci),
            "ssb_index": self.ssb_index,
            "half_frame": self.half_frame,
            "k_ssb": self.k_ssb,
            "sfn": self.sfn,
            "crc_ok": bool(self.crc_ok),
            "snr_db": _num(self.snr_db, 2),
            "rsrp_dbfs": _num(self.rsrp_dbfs, 2),
            "cfo_hz": _num(self.cfo_hz, 1),
            "sample_offset": int(self.sample_offset),
            "frame_start": self.frame_start,
            "case": self.case,
            "scs_khz": int(self.scs_khz),
            "l_max": self.l_max,
            "i_ssb_bar": int(self.i_ssb_bar),
            "frequency_offset_hz": _num(self.frequency_offset_hz, 1),
            "ssb_frequency_hz": _num(self.ssb_frequency_hz, 1),
            "gscn": self.gscn,
            "pss_metric": _num(self.pss_metric, 4),
            "sss_metric": _num(self.sss_metric, 4),
            "mib": mib_to_dict(self.mib),
        }


# --------------------------------------------------------------------------------------------
# tables (cached, read-only)
# --------------------------------------------------------------------------------------------
def _ro(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


@cache
def _pss_freq() -> np.ndarray:
    """PSS values ``[3, 127]`` float32."""
    return _ro(np.stack([pss(n) for n in range(3)]).astype(np.float32))


@cache
def _sss_table(n_id2: int) -> np.ndarray:
    """SSS of the 336 cells with this ``N_ID^(2)``, ``[336, 127]`` float32 (row = N_ID^(1))."""
    return _ro(np.stack([sss(3 * n1 + n_id2) for n1 in range(336)]).astype(np.float32))


def _time_template(values: np.ndarray) -> np.ndarray:
    """Time-domain useful part (N = 256) of a sequence on the PSS/SSS subcarriers, ``[..., 256]``."""
    spec = np.zeros(values.shape[:-1] + (_N,), dtype=np.complex128)
    spec[..., _PSS_OFFSETS % _N] = values
    return sfft.ifft(spec, axis=-1)


@cache
def _pss_templates(max_cfo: float) -> tuple[np.ndarray, np.ndarray]:
    """(CFO hypotheses in SCS ``[H]``, PSS templates with those offsets ``[3, H, 256]``)."""
    steps = math.floor(max_cfo / 0.5 + 1e-9)
    hyp = 0.5 * np.arange(-steps, steps + 1)
    base = _time_template(_pss_freq())  # [3, 256]
    rot = np.exp(2j * np.pi * np.outer(hyp, np.arange(_N)) / _N)  # [H, 256]
    return _ro(hyp), _ro((base[:, None, :] * rot[None]).astype(np.complex64))


@cache
def _dmrs_tables(pci: int):
    """(k, l, D [8, 144], chunk one-hot [nchunks, 144], pbch (k, l)) for a cell."""
    k, l = pbch_dmrs_positions(pci)
    d = np.stack([pbch_dmrs(pci, i) for i in range(8)]).astype(np.complex64)
    chunk = l * 8 + k // 48
    ids = np.unique(chunk)
    onehot = (chunk[None, :] == ids[:, None]).astype(np.complex64)
    kp, lp = pbch_positions(pci)
    return k, l, _ro(d), _ro(onehot), kp, lp


# --------------------------------------------------------------------------------------------
# frame timing
# --------------------------------------------------------------------------------------------
def frame_start_offset(case: str, ssb_index: int, half_frame: int, *, l_max: int = 8) -> float:
    """TS 38.213 §4.1, TS 38.211 §5.3.1: time from the frame start to an SS/PBCH block, in seconds.

    The block of candidate index ``ssb_index`` in half frame ``half_frame`` starts (at the start
    of the cyclic prefix of its PSS symbol) ``5 ms x half_frame + t_l`` after the start of its
    radio frame, where ``t_l`` is the duration of the ``l`` OFDM symbols before its first symbol
    ``l`` (TS 38.213 §4.1 candidate symbols of ``case``) with the normal cyclic prefix of the
    case's numerology ``mu``: ``(2048 + 144) kappa 2^-mu T_c`` each, plus ``16 kappa T_c`` for the
    symbols at the start of every 0.5 ms.

    Parameters
    ----------
    case : {'A', 'B', 'C', 'D', 'E', 'F', 'G'}
    ssb_index : int
        Candidate block index ``i_SSB`` (0 .. L_max - 1).
    half_frame : {0, 1}
    l_max : {4, 8, 64}, optional, keyword-only
        ``L_max`` (default 8; only the range of ``ssb_index`` depends on it for cases A-C).

    Returns
    -------
    float
        Seconds from the frame start to the block's first sample.

    Examples
    --------
    >>> round(frame_start_offset("C", 0, 0) * 46.08e6)  # symbol 2 of a 30 kHz half frame
    3312
    >>> round(frame_start_offset("A", 0, 1) * 15.36e6)  # 5 ms + 2 symbols at 15 kHz
    79000
    """
    if not isinstance(case, str):
        raise TypeError(f"case must be a string 'A'..'G', got {case!r}")
    case = check_choice(case.upper(), "case", tuple(SSB_CASE_SCS), clause="TS 38.213 §4.1")
    l_max = check_choice(l_max, "l_max", (4, 8, 64), clause="TS 38.213 §4.1")
    symbols = ssb_candidate_symbols(case, l_max)
    ssb_index = check_int(ssb_index, "ssb_index", low=0, high=len(symbols) - 1,
                          clause="TS 38.213 §4.1")
    half_frame = check_int(half_frame, "half_frame", low=0, high=1, clause="TS 38.213 §4.1")
    return 5e-3 * half_frame + _symbols_duration(SSB_CASE_SCS[case], int(symbols[ssb_index]))


def _symbols_duration(scs_khz: int, num_symbols: int) -> float:
    """Seconds taken by the first ``num_symbols`` normal-CP symbols of a half frame."""
    mu = round(math.log2(scs_khz / 15))
    tc = 1.0 / (480e3 * 4096)
    kappa = 64
    per = 7 * 2**mu  # symbols per 0.5 ms; the first of each has the long cyclic prefix
    long = -(-num_symbols // per)  # symbols 0, per, 2 per, ... before num_symbols
    units = num_symbols * (2048 + 144) * kappa / 2**mu + long * 16 * kappa
    return units * tc


# --------------------------------------------------------------------------------------------
# validation and search plan
# --------------------------------------------------------------------------------------------
def _check_real(value, name: str, *, positive: bool = False, clause: str | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    v = float(value)
    if not math.isfinite(v) or (positive and v <= 0):
        kind = "a finite positive" if positive else "a finite"
        where = f" ({clause})" if clause else ""
        raise ValueError(f"{name} must be {kind} number, got {value!r}{where}")
    return v


def _as_list(value) -> list:
    if value is None:
        return []
    if isinstance(value, str | bytes) or not hasattr(value, "__iter__"):
        return [value]
    return list(value)


def search_frequencies(sample_rate: float, scs_khz: int, *, center_frequency: float | None = None,
                       gscn=None, frequency_offsets=None) -> list[tuple[float, int | None]]:
    """TS 38.104 §5.4.3.1: the SSB centre frequencies to search, as offsets from the recording centre.

    Parameters
    ----------
    sample_rate : float
        Recording sample rate in Hz.
    scs_khz : {15, 30, 120, 240}
        SS/PBCH block subcarrier spacing.
    center_frequency : float, optional
        Recording centre frequency in Hz (needed for ``gscn``).
    gscn : int, sequence of int or ``"all"``, optional
        GSCN raster points to search; ``"all"``: every raster point whose block (240 subcarriers
        plus 2.5 SCS of CFO on each side) fits inside the recorded band.
    frequency_offsets : float or sequence of float, optional
        Explicit SSB centre offsets from the recording centre, Hz. Default (nor ``gscn`` nor
        offsets): the recording centre only.

    Returns
    -------
    list of (float, int or None)
        ``(offset_hz, gscn)`` pairs; the blocks of all of them fit in the band.

    Raises
    ------
    ValueError
        For a GSCN search without centre frequency, or an offset/GSCN whose block falls outside
        the recorded band.

    Examples
    --------
    >>> search_frequencies(46.08e6, 30, center_frequency=3502.8e6, gscn=7855)
    [(9840000.0, 7855)]
    >>> len(search_frequencies(46.08e6, 30, center_frequency=3502.8e6, gscn="all"))
    27
    """
    fs = _check_real(sample_rate, "sample_rate", positive=True)
    scs_khz = check_choice(scs_khz, "scs_khz", SSB_SCS_KHZ, clause="TS 38.213 §4.1")
    half = (120 + 2.5) * scs_khz * 1e3  # block half-width plus the CFO search range
    edge = fs / 2 - half
    out: list[tuple[float, int | None]] = []
    if gscn is not None:
        if center_frequency is None:
            raise ValueError(f"a GSCN search needs the recording's centre frequency "
                             f"(center_frequency / core:frequency) ({_C_RASTER})")
        fc = _check_real(center_frequency, "center_frequency")
        from opennr.scheduling.ssb_burst import gscn_to_frequency, gscns_in_range

        if isinstance(gscn, str):
            check_choice(gscn, "gscn", ("all",), clause=_C_RASTER)
            if edge < 0:
                return []
            gscns = [int(g) for g in gscns_in_range(max(fc - edge, 1.0), fc + edge)]
        else:
            gscns = [check_int(g, "gscn", low=2, high=26639, clause=_C_RASTER)
                     for g in _as_list(gscn)]
        for g in gscns:
            off = float(gscn_to_frequency(g)) - fc
            if abs(off) > edge + 1e-6:
                if isinstance(gscn, str):
                    continue
                raise ValueError(
                    f"GSCN {g} (SS_REF {gscn_to_frequency(g) / 1e6:.3f} MHz) is {off / 1e6:+.3f} "
                    f"MHz from the recording centre: its SS/PBCH block at {scs_khz} kHz does not "
                    f"fit in the recorded band of +-{fs / 2e6:.3f} MHz ({_C_RASTER})")
            out.append((off, g))
    offsets = _as_list(frequency_offsets)
    for off in offsets:
        off = _check_real(off, "frequency_offsets")
        if abs(off) > edge + 1e-6:
            raise ValueError(
                f"frequency offset {off / 1e6:+.4f} MHz: the SS/PBCH block at {scs_khz} kHz "
                f"(+-{half / 1e6:.3f} MHz with the CFO range) does not fit in the recorded band "
                f"of +-{fs / 2e6:.3f} MHz ({_C})")
        out.append((off, None))
    if gscn is None and not offsets:
        out.append((0.0, None))
    return out


# --------------------------------------------------------------------------------------------
# signal processing
# --------------------------------------------------------------------------------------------
class _Channeliser:
    """One FFT of the recording; :meth:`baseband` cuts a band and returns it at another rate."""

    def __init__(self, x: np.ndarray, fs: float, rates: list[float]):
        x = np.atleast_2d(x)  # [C, n]
        n = x.shape[-1]
        q = 1
        for r in rates:
            frac = Fraction(r / fs).limit_denominator(1 << 20)
            if abs(float(frac) - r / fs) < 1e-12 and frac.denominator <= max(n, 1):
                q = math.lcm(q, frac.denominator)
        if q > n:
            q = 1
        n_pad = -(-n // q) * q
        self.n = n_pad
        self.fs = fs
        self.spec = sfft.fft(x, n=n_pad, axis=-1)  # [C, n_pad]

    def baseband(self, f_center: float, fs_out: float) -> tuple[np.ndarray, float, float]:
        """(signal at ~``fs_out`` centred on ``f_center``, actual centre, actual rate)."""
        df = self.fs / self.n
        b0 = round(f_center / df)
        m = round(self.n * fs_out / self.fs)
        k = np.fft.fftfreq(m, 1.0 / m).astype(np.int64)
        src = b0 + k
        ok = (src >= -(self.n // 2)) & (src < self.n - self.n // 2)
        spec = np.zeros((self.spec.shape[0], m), dtype=np.complex64)
        spec[:, ok] = self.spec[:, src[ok] % self.n]
        y = sfft.ifft(spec, axis=-1) * np.float32(m / self.n)
        return y.astype(np.complex64, copy=False), b0 * df, self.fs * m / self.n


@lru_cache(maxsize=8)
def _template_spectra(length: int, max_cfo: float) -> np.ndarray:
    """Conjugate FFTs (length ``length``) of the PSS templates, ``[3, H, length]`` complex64."""
    return _ro(sfft.fft(_pss_templates(max_cfo)[1], n=length, axis=-1).conj())


def _pss_metric(y: np.ndarray, max_cfo: float):
    """Normalised PSS correlation of ``y [C, M]``: (metric [3, T], best CFO hypothesis [3, T], hyp).

    With several channels the correlation energies and the signal energies are summed.
    """
    hyp, tmpl = _pss_templates(max_cfo)
    y = np.atleast_2d(y)
    size = y.shape[-1]
    t = size - _N + 1
    L = sfft.next_fast_len(size + _N, real=False)
    yf = sfft.fft(y, n=L, axis=-1)
    energy = np.concatenate([[0.0], np.cumsum((np.abs(y).astype(np.float64) ** 2).sum(axis=0))])
    win = energy[_N:] - energy[:-_N]
    e_ref = float(np.sum(np.abs(tmpl[0, 0]) ** 2))
    floor = 1e-12 * max(float(win.mean()), 1e-30)
    denom = (e_ref * (win + floor)).astype(np.float32)
    best = np.empty((3, t), dtype=np.float32)
    arg = np.empty((3, t), dtype=np.int8)
    tf = _template_spectra(L, max_cfo)
    power = np.empty((hyp.size, t), dtype=np.float32)
    prod = np.empty(L, dtype=np.complex64)
    for n2 in range(3):
        for h in range(hyp.size):
            for ch in range(yf.shape[0]):
                np.multiply(yf[ch], tf[n2, h], out=prod)
                c = sfft.ifft(prod, overwrite_x=True)[:t]
                if ch == 0:
                    np.square(c.real, out=power[h])
                else:
                    power[h] += np.square(c.real)
                power[h] += np.square(c.imag)
        arg[n2] = power.argmax(axis=0)
        np.divide(power.max(axis=0), denom, out=best[n2])
    return best, arg, hyp


@cache
def _default_pss_threshold(channels: int) -> float:
    """PSS threshold for ``channels`` combined channels with the false-alarm probability per
    trial of 0.04 on one channel: noise alone gives a metric ~ Gamma(C, 1 / (C N))."""
    if channels == 1:
        return 0.04
    from scipy.optimize import brentq  # (~0.1 s to import: not for one channel)
    from scipy.special import gammaincc

    target = math.exp(-0.04 * _N)
    return float(brentq(lambda t: gammaincc(channels, channels * _N * t) - target, 1e-6, 0.04))


def _pick_peaks(metric: np.ndarray, threshold: float, max_peaks: int) -> list[tuple[int, int]]:
    """Greedy peak picking with a +-N exclusion zone per N_ID^(2): [(n_id2, tau)]."""
    m = metric.copy()
    peaks = []
    for _ in range(max_peaks):
        flat = int(np.argmax(m))
        n2, tau = divmod(flat, m.shape[1])
        if m[n2, tau] < threshold:
            break
        peaks.append((n2, tau))
        m[n2, max(0, tau - _N) : tau + _N + 1] = 0.0
    return peaks


_SYNC_BAND = np.zeros(_N, dtype=bool)
_SYNC_BAND[np.arange(-67, 66) % _N] = True  # PSS/SSS subcarriers plus the CFO margin


def _half_phase(seg: np.ndarray, template: np.ndarray) -> complex:
    """``c2 conj(c1)`` of the two half-symbol correlations (fractional CFO).

    The segment is first limited to the PSS/SSS subcarriers (other signals of the symbol, which
    are orthogonal over a whole symbol but not over half of one, would bias the estimate).
    """
    spec = sfft.fft(np.atleast_2d(seg), axis=-1)  # [C, N]
    spec[:, ~_SYNC_BAND] = 0
    prod = sfft.ifft(spec, axis=-1) * template.conj()
    return complex(np.sum(prod[:, _N // 2 :].sum(-1) * np.conj(prod[:, : _N // 2].sum(-1))))


def _demodulate(y: np.ndarray, tau: int, cfo_scs: float) -> np.ndarray:
    """The block grid, PSS useful part at ``tau``, CFO (in SCS) removed; ``[C, M] -> [C, 240, 4]``."""
    start = tau - _BACKOFF
    n = np.arange(3 * _SYM + _N)
    seg = y[:, start : start + n.size] * np.exp(-2j * np.pi * cfo_scs * n / _N).astype(np.complex64)
    wins = np.stack([seg[:, l * _SYM : l * _SYM + _N] for l in range(4)], axis=1)  # [C, 4, N]
    spec = sfft.fft(wins, axis=-1) / _N
    comp = np.exp(2j * np.pi * ((np.arange(_N) + _N // 2) % _N - _N // 2) * _BACKOFF / _N)
    spec = spec * comp
    return np.ascontiguousarray(np.swapaxes(spec[..., _BLOCK_BINS], 1, 2))


def _smooth(x: np.ndarray, width: int) -> np.ndarray:
    """Moving average along the last axis with edge renormalisation."""
    if width <= 1:
        return x
    ker = np.ones(width)
    num = np.apply_along_axis(lambda r: np.convolve(r, ker, mode="same"), -1, x)
    den = np.convolve(np.ones(x.shape[-1]), ker, mode="same")
    return num / den


_BLOCK_BAND = np.zeros(_N, dtype=bool)
_BLOCK_BAND[np.arange(-123, 123) % _N] = True  # the block's 240 subcarriers plus the CFO margin


def _known_block_cfo(y, tau, cfo_scs, delay, block: np.ndarray) -> float:
    """Residual CFO (SCS units) from all four symbols of a decoded (hence known) block.

    Half-symbol phase differences of the correlation of each symbol with its re-generated
    replica (delayed by the measured fine delay, FFT window ``_BACKOFF`` samples into the cyclic
    prefix), summed over the symbols: data-aided and free of the timing bias.
    """
    n = np.arange(_N)
    k = (np.arange(_N) + _N // 2) % _N - _N // 2
    shift = np.exp(-2j * np.pi * k * (_BACKOFF + delay) / _N)
    acc = 0j
    spec = np.zeros(_N, dtype=np.complex128)
    for l in range(4):
        s = tau - _BACKOFF + l * _SYM
        seg = y[:, s : s + _N] * np.exp(-2j * np.pi * cfo_scs * (n + l * _SYM) / _N)
        f = sfft.fft(seg, axis=-1)
        f[:, ~_BLOCK_BAND] = 0
        seg = sfft.ifft(f, axis=-1)
        spec[:] = 0
        spec[_BLOCK_BINS] = block[:, l]
        prod = seg * sfft.ifft(spec * shift).conj()
        acc += np.sum(prod[:, _N // 2 :].sum(-1) * np.conj(prod[:, : _N // 2].sum(-1)))
    return float(np.angle(acc) / np.pi) if acc != 0 else 0.0


def _residual_cfo(y, tau, cfo_scs, n2, sss_seq) -> float:
    """Fractional CFO refinement (SCS units) from the PSS and SSS half-symbol phases."""
    n = np.arange(_N)
    rot = np.exp(-2j * np.pi * cfo_scs * n / _N)
    acc = 0j
    for l, seq in ((0, _pss_freq()[n2]), (2, sss_seq)):
        s = tau + l * _SYM
        seg = y[:, s : s + _N] * rot * np.exp(-2j * np.pi * cfo_scs * l * _SYM / _N)
        acc += _half_phase(seg, _time_template(seq))
    return float(np.angle(acc) / np.pi) if acc != 0 else 0.0


_DELAYS = np.linspace(-3.0, 3.0, 121)  # fine-delay grid, samples at 256 x SCS


def _fine_delay(grid, n2, sss_seq, k_d, l_d, h_d) -> float:
    """Delay (samples at 256 x SCS) of the block relative to the FFT window assumed.

    Maximises the energy of the per-symbol coherent sums of the LS channel on the PSS, SSS and
    PBCH DM-RS after removing a linear phase ``exp(-j 2 pi k delay / 256)`` (a flat channel's
    maximum-likelihood delay; each symbol keeps its own common phase).
    """
    ks = np.arange(56, 183)
    parts = [(ks, grid[:, 56:183, 0] * _pss_freq()[n2], 0),
             (ks, grid[:, 56:183, 2] * sss_seq, 2)]
    parts += [(k_d[l_d == s], h_d[:, l_d == s], s) for s in (1, 2, 3)]
    score = np.zeros(_DELAYS.size)
    for s in range(4):
        kk = np.concatenate([p[0] for p in parts if p[2] == s])
        hh = np.concatenate([p[1] for p in parts if p[2] == s], axis=-1)  # [C, K]
        steer = np.exp(2j * np.pi * np.outer(_DELAYS, kk) / _N)
        for h_c in hh:  # energies add over channels
            score += np.abs((steer * h_c[None, :]).sum(axis=1)) ** 2
    i = int(np.argmax(score))
    if 0 < i < _DELAYS.size - 1:  # parabolic refinement
        a, b, c = score[i - 1 : i + 2]
        den = a - 2 * b + c
        off = 0.5 * (a - c) / den if den < 0 else 0.0
        return float(_DELAYS[i] + off * (_DELAYS[1] - _DELAYS[0]))
    return float(_DELAYS[i])


@dataclass
class _Found:
    pci: int
    i_ssb_bar: int
    grid: np.ndarray
    cfo_scs: float
    delay: float
    noise: float
    rsrp: float
    pss_metric: float
    sss_metric: float
    dmrs_rank: list


def _analyse(y: np.ndarray, tau: int, n2: int, cfo_scs: float, pss_metric: float,
             sss_threshold: float) -> list[_Found]:
    """SSS, CFO refinement, DM-RS, delay and measurements for one PSS candidate.

    Besides the best SSS, a second one is followed when it also passes ``sss_threshold`` and
    reaches a tenth of the best: a weaker cell with the same ``N_ID^(2)`` and the same timing
    (a synchronised network) shares the PSS peak.
    """
    grid0 = _demodulate(y, tau, cfo_scs)
    # SSS with the smoothed PSS channel, channels combined (maximum-ratio)
    h0 = _smooth(grid0[:, 56:183, 0] * _pss_freq()[n2], 9)
    z = (grid0[:, 56:183, 2] * np.conj(h0)).sum(axis=0)
    table = _sss_table(n2)
    corr = (table * z.astype(np.complex64)).sum(axis=1)  # no BLAS: tiny products
    e = float(np.sum(np.abs(z) ** 2)) * 127 + 1e-30
    met = (corr.real**2 + corr.imag**2) / e
    order = np.argsort(-met)[:2]
    best = float(met[order[0]])
    out = []
    for n1 in (int(i) for i in order):
        if met[n1] < sss_threshold or met[n1] < 0.1 * best:
            continue
        pci = 3 * n1 + n2
        # refine the CFO with the PSS and SSS halves and demodulate again
        cfo = cfo_scs + _residual_cfo(y, tau, cfo_scs, n2, table[n1])
        grid = _demodulate(y, tau, cfo)
        # DM-RS hypotheses
        k, l, d, onehot, _, _ = _dmrs_tables(pci)
        yd = grid[:, k, l]  # [C, 144]
        prod = yd[:, None, :] * d.conj()[None]  # [C, 8, 144]
        sums = (prod[:, :, None, :] * onehot[None, None]).sum(axis=-1)  # [C, 8, chunks]
        score = np.sum(np.abs(sums) ** 2, axis=(0, 2))
        rank = [int(i) for i in np.argsort(-score)]
        ibar = rank[0]
        delay = _fine_delay(grid, n2, table[n1], k, l, yd * d[ibar].conj())
        null = np.concatenate([grid[:, _NULL_K0, 0], grid[:, _NULL_K2, 2]], axis=1)
        noise = max(float(np.mean(np.abs(null) ** 2)), 1e-30)  # per RE and channel
        # SS-RSRP (average over channels): coherent averages over 8 chunks of the SSS (less
        # noise than |y|^2 - N)
        chunks = np.array_split(grid[:, 56:183, 2] * table[n1], 8, axis=1)
        power = np.mean([np.abs(c.mean(axis=1)) ** 2 - noise / c.shape[1] for c in chunks])
        rsrp = max(float(power), 1e-4 * noise)
        out.append(_Found(pci, ibar, grid, cfo, delay, noise, rsrp, pss_metric, float(met[n1]),
                          rank))
    return out


def _channel_at_pbch(grid: np.ndarray, pci: int, ibar: int, delay: float, snr: float):
    """Channel of one receive channel ``grid [240, 4]`` at the 432 PBCH resource elements."""
    k, l, d, _, kp, lp = _dmrs_tables(pci)
    h = grid[k, l] * d[ibar].conj()  # LS, |d| = 1
    derot = np.exp(2j * np.pi * k * delay / _N)
    h = h * derot
    # per-symbol common phase relative to symbol 1 on shared subcarriers
    by_l = {s: (k[l == s], h[l == s]) for s in (1, 2, 3)}
    ref_k, ref_h = by_l[1]
    phases = {1: 1.0 + 0j}
    for s in (2, 3):
        ks, hs = by_l[s]
        common = np.isin(ref_k, ks)
        c = np.sum(ref_h[common] * np.conj(hs[np.isin(ks, ref_k)]))
        phases[s] = c / abs(c) if c != 0 else 1.0 + 0j
    kk = ref_k  # the 60 DM-RS subcarriers of symbols 1 and 3
    acc = np.zeros(kk.size, dtype=np.complex128)
    cnt = np.zeros(kk.size)
    for s in (1, 2, 3):
        ks, hs = by_l[s]
        idx = np.searchsorted(kk, ks)
        np.add.at(acc, idx, hs * phases[s])
        np.add.at(cnt, idx, 1.0)
    shape = acc / np.maximum(cnt, 1)
    snr_db = 10 * math.log10(max(snr, 1e-30))
    width = 1 if snr_db > 20 else 3 if snr_db > 10 else 5 if snr_db > 3 else 9 if snr_db > -3 else 15
    shape = _smooth(shape[None, :], width)[0]
    hp = np.empty(kp.size, dtype=np.complex128)
    for s in (1, 2, 3):
        m = lp == s
        ks = kp[m]
        hi = np.interp(ks, kk, shape.real) + 1j * np.interp(ks, kk, shape.imag)
        hp[m] = hi * np.conj(phases[s]) * np.exp(-2j * np.pi * ks * delay / _N)
    return hp


def _equalise(grid: np.ndarray, pci: int, ibar: int, delay: float, noise: float, snr: float):
    """Maximum-ratio combined, equalised PBCH symbols [432] and their noise variances [432]."""
    _, _, _, _, kp, lp = _dmrs_tables(pci)
    num = np.zeros(kp.size, dtype=np.complex128)
    den = np.zeros(kp.size)
    for g in grid:  # [C, 240, 4]
        hp = _channel_at_pbch(g, pci, ibar, delay, snr)
        num += np.conj(hp) * g[kp, lp]
        den += np.abs(hp) ** 2
    den = np.maximum(den, 1e-30)
    eq = (num / den).astype(np.complex64)
    return eq, np.maximum(noise / den, 1e-12).astype(np.float32)


def _decode(found: _Found, *, l_max: int | None, below_3ghz: bool | None, list_size: int):
    """Try the (i_SSB_bar, L_max) hypotheses in order; return the first CRC pass (or the last)."""
    snr = found.rsrp / max(found.noise, 1e-30)
    hyps = []
    for ibar in found.dmrs_rank[:2]:
        if l_max == 64:
            hyps.append((ibar, 64))
        elif l_max is not None:
            hyps.append((ibar, l_max))
        elif ibar < 4:
            hyps.append((ibar, None))
        else:
            pair = [(ibar, 4), (ibar, 8)]
            hyps.extend(pair if below_3ghz else pair[::-1])
    last = None
    for ibar, lm in hyps:
        eq, nv = _equalise(found.grid, found.pci, ibar, found.delay, found.noise, snr)
        if lm == 4:
            v = ibar % 4
        else:
            v = ibar
        llr = np.clip(pbch_llrs(eq, n_cell_id=found.pci, v=v, noise_variance=nv), -40.0, 40.0)
        res = bch_decode(llr, l_max=lm or 8, n_cell_id=found.pci, list_size=list_size)
        ok = bool(res.crc_ok) and res.mib is not None
        if ok and lm == 4 and int(res.half_frame) != ibar // 4:
            ok = False  # the DM-RS half frame must match the payload's (L_max = 4)
        last = (ibar, lm, res, ok)
        if ok:
            return last
    return last


def _replica(res, pci: int, ibar: int, l_max: int | None, ssb_index: int) -> np.ndarray:
    """The decoded block re-generated, ``[240, 4]`` (TS 38.211 §7.4.3.1 mapping).

    Built from the decoded transport block rather than :func:`ssb_block`, which refuses the
    ``k_SSB`` values above 23 that a gNB may signal (no Type0-PDCCH, TS 38.213 §13).
    """
    lm = l_max or 8
    cw = bch_encode(res.trblk, sfn=int(res.sfn), half_frame=int(res.half_frame), l_max=lm,
                    ssb_index=ssb_index, k_ssb=16 * int(res.k_ssb_msb), n_cell_id=pci)
    block = np.zeros((SSB_NUM_SUBCARRIERS, 4), dtype=np.complex64)
    block[56:183, 0] = _pss_freq()[pci % 3]
    block[56:183, 2] = sss(pci)
    k, l, d, _, kp, lp = _dmrs_tables(pci)
    block[k, l] = d[ibar]
    block[kp, lp] = pbch_symbols(cw, n_cell_id=pci, v=ibar % 4 if lm == 4 else ibar % 8)
    return block


def _check_samples(samples) -> np.ndarray:
    x = np.asarray(samples)
    if not (np.issubdtype(x.dtype, np.complexfloating) or np.issubdtype(x.dtype, np.floating)):
        raise TypeError(f"samples must be a complex (or real) floating array, got dtype {x.dtype}")
    if x.ndim not in (1, 2):
        raise ValueError(f"samples must have shape [S] or [channels, S], got {x.shape}")
    if x.ndim == 1:
        x = x[None, :]
    if x.size and not np.isfinite(x).all():
        raise ValueError("samples contain NaN or infinite values; cell search needs finite IQ "
                         "samples (check the recording's datatype)")
    return x


# --------------------------------------------------------------------------------------------
# public entry point
# --------------------------------------------------------------------------------------------
def cell_search(samples, sample_rate: float, *, scs_khz: int | None = None,
                center_frequency: float | None = None, gscn=None, frequency_offsets=None,
                l_max: int | None = None, channel: int | None = None, max_cfo: float = 2.5,
                pss_threshold: float | None = None, sss_threshold: float = 0.06,
                max_candidates: int = 32,
                include_failed: bool = False, list_size: int = 8,
                ssb_case: str | None = None) -> list[SsbDetection]:
    """TS 38.211 §7.4.2-§7.4.3, TS 38.212 §7.1: find the SS/PBCH blocks in IQ samples and decode their MIB.

    ``[S]`` or ``[channels, S]`` complex samples -> a list of :class:`SsbDetection`, ordered by
    ``sample_offset``; see the module docstring for the processing chain.

    Parameters
    ----------
    samples : array_like of complex, shape [S] or [channels, S]
        Baseband IQ samples; the channels (receive antennas, same clock) are combined.
    sample_rate : float
        Sample rate in Hz; must hold the 240-subcarrier block (``>= 240 x SCS``).
    scs_khz : {15, 30, 120, 240}, optional
        SS/PBCH block subcarrier spacing; default: try 15 and 30 kHz (FR1), or 120 and 240 kHz
        if ``center_frequency`` is above 24.25 GHz.
    center_frequency : float, optional
        Recording centre frequency in Hz (for ``gscn``, the absolute SSB frequency and the
        ``L_max`` guess).
    gscn : int, sequence of int or ``"all"``, optional
        Search these synchronisation raster points (TS 38.104 §5.4.3.1), see
        :func:`search_frequencies`.
    frequency_offsets : float or sequence of float, optional
        Search SSB centres at these offsets (Hz) from the recording centre. Default: the centre.
    l_max : {4, 8, 64}, optional
        ``L_max`` (TS 38.213 §4.1) for 15/30 kHz blocks; default inferred (see the module
        docstring). 120 and 240 kHz blocks (FR2) always use ``L_max = 64``.
    channel : int, optional
        Search this channel only; default None: all channels, combined (PSS and SSS energies
        added, maximum-ratio combining of the PBCH).
    max_cfo : float, optional
        CFO search range in units of the SSB subcarrier spacing, 0..7.5, default 2.5.
    pss_threshold : float, optional
        Normalised PSS correlation (0..1) a candidate must reach. Default: 0.04 for one channel
        (noise alone exceeds it with probability ``exp(-0.04 x 256)`` per trial); for ``C``
        channels the value with the same probability for the sum of ``C`` channels (lower, as
        the noise metric then fluctuates less; 0.025 for two).
    sss_threshold : float, optional
        Normalised SSS correlation (0..1) the best of the 336 SSS must reach before the PBCH is
        decoded, default 0.06.
    max_candidates : int, optional
        Most PSS candidates examined per searched frequency and SCS, default 32.
    include_failed : bool, optional
        Also report candidates whose BCH CRC fails (``crc_ok=False``, MIB fields None). Default
        False: only decoded blocks.
    list_size : int, optional
        SCL list size of the BCH polar decoder, default 8.
    ssb_case : {'A', 'B', 'C', 'D', 'E'}, optional
        SS/PBCH block case for ``frame_start`` (TS 38.213 §4.1); it also fixes the subcarrier
        spacing when ``scs_khz`` is None. Default: A (15 kHz), C (30 kHz), D (120 kHz),
        E (240 kHz).

    Returns
    -------
    list of SsbDetection

    Raises
    ------
    ValueError
        Non-finite samples, a sample rate below the block bandwidth, a recording too short to
        hold one SS/PBCH block, bad options.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> noise = (rng.standard_normal(20000) + 1j * rng.standard_normal(20000)) * 0.01
    >>> cell_search(noise.astype(np.complex64), 7.68e6, scs_khz=30)
    []
    """
    fs = _check_real(sample_rate, "sample_rate", positive=True)
    x = _check_samples(samples)
    if channel is not None:
        channel = check_int(channel, "channel", low=0, high=x.shape[0] - 1)
        x = x[channel : channel + 1]
    x = x.astype(np.complex64, copy=False)
    if pss_threshold is None:
        pss_threshold = _default_pss_threshold(x.shape[0])
    if center_frequency is not None:
        center_frequency = _check_real(center_frequency, "center_frequency")
    if l_max is not None:
        l_max = check_choice(l_max, "l_max", (4, 8, 64), clause="TS 38.213 §4.1")
    max_cfo = _check_real(max_cfo, "max_cfo")
    if not 0 <= max_cfo <= 7.5:
        raise ValueError(f"max_cfo must be in [0, 7.5] subcarrier spacings, got {max_cfo}")
    for name, val in (("pss_threshold", pss_threshold), ("sss_threshold", sss_threshold)):
        if val is not None and not 0 < _check_real(val, name) < 1:
            raise ValueError(f"{name} must be in (0, 1), got {val}")
    max_candidates = check_int(max_candidates, "max_candidates", low=1, high=4096)
    list_size = check_int(list_size, "list_size", low=1, high=64)
    cases = dict(_DEFAULT_CASE)
    if ssb_case is not None:
        if not isinstance(ssb_case, str):
            raise TypeError(f"ssb_case must be a string 'A'..'E', got {ssb_case!r}")
        ssb_case = check_choice(ssb_case.upper(), "ssb_case", tuple("ABCDE"),
                                clause="TS 38.213 §4.1")
        cases[SSB_CASE_SCS[ssb_case]] = ssb_case
    if scs_khz is None:
        fr2 = center_frequency is not None and center_frequency > 24.25e9
        scs_list = ([SSB_CASE_SCS[ssb_case]] if ssb_case is not None
                    else [120, 240] if fr2 else [15, 30])
    else:
        scs_list = [check_choice(scs_khz, "scs_khz", SSB_SCS_KHZ, clause="TS 38.213 §4.1")]
        if ssb_case is not None and SSB_CASE_SCS[ssb_case] != scs_list[0]:
            raise ValueError(f"ssb_case {ssb_case} has {SSB_CASE_SCS[ssb_case]} kHz blocks, "
                             f"scs_khz is {scs_list[0]} (TS 38.213 §4.1)")
    fitting = [s for s in scs_list if fs >= 240 * s * 1e3 * (1 - 1e-9)]
    if not fitting:
        raise ValueError(
            f"sample_rate {fs / 1e6:g} MHz is below the SS/PBCH block bandwidth (240 subcarriers "
            f"x {min(scs_list)} kHz = {240 * min(scs_list) / 1e3:g} MHz) ({_C})")
    need = min(4 * _SYM / (_N * s * 1e3) for s in fitting)
    if x.shape[-1] / fs < need:
        raise ValueError(
            f"the recording ({x.shape[-1]} samples, {x.shape[-1] / fs * 1e6:.1f} us) is too short to hold "
            f"one SS/PBCH block (4 OFDM symbols, {need * 1e6:.1f} us = {math.ceil(need * fs)} "
            f"samples at {fs / 1e6:g} MHz) ({_C})")
    plans = []
    for s in fitting:
        try:
            freqs = search_frequencies(fs, s, center_frequency=center_frequency, gscn=gscn,
                                       frequency_offsets=frequency_offsets)
        except ValueError:
            if len(fitting) == 1:
                raise
            continue
        plans.append((s, freqs))
    if not plans:  # pragma: no cover - the single-SCS case re-raises above
        search_frequencies(fs, fitting[-1], center_frequency=center_frequency, gscn=gscn,
                           frequency_offsets=frequency_offsets)
    rates = [_N * s * 1e3 for s, _ in plans]
    chan = _Channeliser(x, fs, rates)
    below_3ghz = None if center_frequency is None else center_frequency <= 3e9

    found: list[SsbDetection] = []
    for s, freqs in plans:
        for off, g in freqs:
            y, actual, fs_w = chan.baseband(off, _N * s * 1e3)
            if y.shape[-1] < 4 * _SYM + 2 * _BACKOFF:
                continue
            metric, arg, hyp = _pss_metric(y, max_cfo)
            for n2, tau in _pick_peaks(metric, pss_threshold, max_candidates):
                if tau - _CP < 0 or tau - _BACKOFF + 3 * _SYM + _N > y.shape[-1]:
                    continue  # the block is cut by the recording's edge
                h = int(arg[n2, tau])
                frac = np.angle(_half_phase(y[:, tau : tau + _N],
                                            _pss_templates(max_cfo)[1][n2, h]))
                for f in _analyse(y, tau, n2, float(hyp[h]) + float(frac) / np.pi,
                                  float(metric[n2, tau]), sss_threshold):
                    det = _report(f, y, tau, fs, fs_w, s, off, g, actual, center_frequency,
                                  l_max=64 if s >= 120 else l_max, below_3ghz=below_3ghz,
                                  list_size=list_size, case=cases[s])
                    if det.crc_ok or include_failed:
                        found.append(det)
    return _dedupe(found)


def _frame_start(start: float, fs: float, case: str, ssb_index, half_frame, lm) -> int | None:
    """Frame start (samples) from a block's first sample, or None when the block is unknown."""
    if ssb_index is None or half_frame is None:
        return None
    lm = lm or 8
    if ssb_index >= lm:  # pragma: no cover - decoded indices are below L_max
        return None
    return round(start - fs * frame_start_offset(case, ssb_index, half_frame, l_max=lm))


def _report(f: _Found, y, tau, fs, fs_w, s, off, g, actual, center_frequency, *, l_max,
            below_3ghz, list_size, case) -> SsbDetection:
    """Decode one analysed candidate and describe it (frequencies in Hz, samples of the input)."""
    ibar, lm, res, ok = _decode(f, l_max=l_max, below_3ghz=below_3ghz,
                                list_size=list_size)
    bin_hz = fs_w / _N  # one subcarrier spacing at the working rate
    start = (tau + f.delay - _CP) * fs / fs_w
    common = {
        "pci": f.pci, "crc_ok": ok,
        "snr_db": 10 * math.log10(f.rsrp / max(f.noise, 1e-30)),
        "rsrp_dbfs": 10 * math.log10(f.rsrp),
        "sample_offset": round(start), "scs_khz": s, "case": case,
        "l_max": lm, "frequency_offset_hz": off,
        "ssb_frequency_hz": (None if center_frequency is None
                             else center_frequency + off),
        "gscn": g, "i_ssb_bar": ibar, "pss_metric": f.pss_metric,
        "sss_metric": f.sss_metric}
    if ok:
        mib = res.mib
        if lm == 64:
            ssb_index = 8 * int(res.ssb_index_msbs) + ibar
            k_ssb = int(mib.ssb_subcarrier_offset)
        else:
            ssb_index = ibar % 4 if lm == 4 else ibar
            k_ssb = int(mib.ssb_subcarrier_offset) + 16 * int(res.k_ssb_msb)
        # data-aided CFO refinement on the re-generated block
        block = _replica(res, f.pci, ibar, lm, ssb_index)
        cfo = f.cfo_scs + _known_block_cfo(y, tau, f.cfo_scs, f.delay, block)
        return SsbDetection(
            ssb_index=ssb_index, half_frame=int(res.half_frame), k_ssb=k_ssb,
            sfn=int(res.sfn), cfo_hz=cfo * bin_hz + (actual - off), mib=mib,
            frame_start=_frame_start(start, fs, case, ssb_index, int(res.half_frame), lm),
            **common)
    # what the DM-RS alone tells
    ssb_index = None if lm == 64 else ibar % 4 if lm == 4 else ibar
    half_frame = ibar // 4 if lm == 4 else None
    return SsbDetection(
        ssb_index=ssb_index, half_frame=half_frame, k_ssb=None, sfn=None,
        cfo_hz=f.cfo_scs * bin_hz + (actual - off), mib=None,
        frame_start=_frame_start(start, fs, case, ssb_index, half_frame, lm), **common)


def _dedupe(found: list[SsbDetection]) -> list[SsbDetection]:
    """Keep one report per physical block (same cell, within a symbol, same absolute frequency)."""
    out: list[SsbDetection] = []
    for d in sorted(found, key=lambda r: (not r.crc_ok, -r.snr_db)):
        freq = d.frequency_offset_hz + d.cfo_hz
        if not any(o.pci == d.pci and abs(o.sample_offset - d.sample_offset) < 64
                   and abs(o.frequency_offset_hz + o.cfo_hz - freq) < 500.0 * d.scs_khz
                   for o in out):
            out.append(d)
    return sorted(out, key=lambda r: (r.sample_offset, r.frequency_offset_hz, r.pci))
