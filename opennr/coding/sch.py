"""TS 38.212 V17 §7.2 (DL-SCH) and §6.2 (UL-SCH): the LDPC transport-channel chain.

Transmit: TB CRC (§7.2.1) -> base-graph selection (§7.2.2) -> code-block segmentation and CB CRC
(§5.2.2) -> LDPC encoding (§5.3.2) and rate matching with bit interleaving (§5.4.2), fused -> code-block
concatenation (§5.5). Receive: the same in reverse, with the per-code-block soft buffer kept between
transmissions for HARQ combining. The UL-SCH chain (§6.2.1-§6.2.6) is the same procedure.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from opennr._validation import as_bits, as_llrs, check_choice, check_int
from opennr.coding.concatenation import concatenate_code_blocks, split_code_blocks
from opennr.coding.crc import crc_attach, crc_check
from opennr.coding.ldpc.decoder import ldpc_decode
from opennr.coding.ldpc.rate_matching import (
    circular_buffer_size,
    ldpc_encode_rate_match,
    ldpc_rate_recover,
    rate_match_lengths,
)
from opennr.coding.segmentation import (
    desegment,
    segment,
    segmentation_info,
    select_base_graph,
)

__all__ = ["SchInfo", "SchDecodeResult", "sch_info", "sch_encode", "sch_decode", "MAX_TBS"]

_CLAUSE = "TS 38.212 §7.2"
#: Largest transport block of TS 38.214 (8 layers, 1024QAM, 275 PRB): 1,277,992 bits.
MAX_TBS = 1_277_992
_MODULATION_ORDERS = (1, 2, 4, 6, 8, 10)


@dataclass(frozen=True)
class SchInfo:
    """TS 38.212 §7.2.1-§7.2.3: the parameters of a DL-SCH/UL-SCH transport block.

    Attributes
    ----------
    tbs : int
        Transport-block size A in bits.
    crc : str
        TB CRC polynomial, ``"24A"`` if A > 3824 else ``"16"`` (§7.2.1).
    crc_length : int
        L, the TB CRC length (24 or 16).
    bg : int
        LDPC base graph (§7.2.2).
    c : int
        Number of code blocks C.
    k_prime : int
        K', bits per code block without fillers (incl. the CB CRC when C > 1).
    k : int
        K, the code-block length: 22 Z_c (BG1) or 10 Z_c (BG2).
    z_c : int
        Lifting size Z_c.
    n_filler : int
        F = K - K' filler bits per code block.
    n : int
        N, LDPC-encoded bits per code block (66 Z_c or 50 Z_c).
    """

    tbs: int
    crc: str
    crc_length: int
    bg: int
    c: int
    k_prime: int
    k: int
    z_c: int
    n_filler: int
    n: int

    @property
    def b(self) -> int:
        """B = A + L, the TB length with its CRC, input of code-block segmentation."""
        return self.tbs + self.crc_length

    @property
    def cb_crc_length(self) -> int:
        """Length of the per-code-block CRC24B: 24 if C > 1 else 0 (§5.2.2)."""
        return 24 if self.c > 1 else 0


def sch_info(tbs: int, target_code_rate: float) -> SchInfo:
    """TS 38.212 §7.2.1-§7.2.3 (and §6.2.1-§6.2.3): transport-block coding parameters.

    Parameters
    ----------
    tbs : int
        Transport-block size A, 0 < A <= 1,277,992.
    target_code_rate : float
        Target code rate R (0 < R < 1), used for base-graph selection.

    Examples
    --------
    >>> info = sch_info(640, 0.3701)   # SIB1-like
    >>> info.bg, info.c, info.k_prime, info.z_c, info.n_filler
    (2, 1, 656, 72, 64)
    """
    tbs = check_int(tbs, "tbs", low=1, high=MAX_TBS, clause="TS 38.214 §5.1.3.2")
    rate = _check_rate(target_code_rate)
    crc = "24A" if tbs > 3824 else "16"
    crc_length = 24 if crc == "24A" else 16
    bg = select_base_graph(tbs, rate)
    seg = segmentation_info(tbs + crc_length, bg)
    return SchInfo(
        tbs=tbs,
        crc=crc,
        crc_length=crc_length,
        bg=bg,
        c=seg.c,
        k_prime=seg.k_prime,
        k=seg.k,
        z_c=seg.z_c,
        n_filler=seg.n_filler,
        n=seg.n,
    )


def _check_rate(target_code_rate) -> float:
    rate = float(target_code_rate)
    if not 0.0 < rate < 1.0:
        raise ValueError(
            f"target_code_rate must be in (0, 1), got {target_code_rate} (TS 38.214 §5.1.3.1)"
        )
    return rate


def _n_cb(info: SchInfo, tbs_lbrm: int | None) -> int:
    if tbs_lbrm is not None:
        tbs_lbrm = check_int(tbs_lbrm, "tbs_lbrm", low=1, clause="TS 38.212 §5.4.2.1")
    n_cb = circular_buffer_size(info.n, c=info.c, tbs_lbrm=tbs_lbrm)
    if n_cb < info.k - 2 * info.z_c:
        # A TBS_LBRM from TS 38.212 §5.4.2.1 (maximum layers, modulation and PRBs of the carrier)
        # never gets here: N_ref below the systematic part means the configuration is impossible.
        raise ValueError(
            f"tbs_lbrm = {tbs_lbrm} gives a circular buffer N_cb = {n_cb} smaller than the "
            f"{info.k - 2 * info.z_c} systematic bits of a code block; TBS_LBRM must be derived "
            "from the carrier's maximum allocation (TS 38.212 §5.4.2.1)"
        )
    return n_cb


def _check_link(modulation_order, num_layers, g, rv):
    check_choice(modulation_order, "modulation_order", _MODULATION_ORDERS, clause="TS 38.212 §5.4.2.2")
    check_int(num_layers, "num_layers", low=1, high=4, clause="TS 38.212 §5.4.2.1 (layers per codeword)")
    check_int(rv, "rv", low=0, high=3, clause="TS 38.212 Table 5.4.2.1-2")
    g = check_int(g, "g", low=1, clause="TS 38.212 §5.4.2.1")
    if g % (modulation_order * num_layers):
        raise ValueError(
            f"g (= {g}) must be a multiple of modulation_order * num_layers "
            f"(= {modulation_order * num_layers}) (TS 38.212 §5.4.2.1)"
        )
    return g


def sch_encode(
    tb,
    *,
    target_code_rate: float,
    modulation_order: int,
    g: int,
    num_layers: int = 1,
    rv: int = 0,
    tbs_lbrm: int | None = None,
) -> np.ndarray:
    """TS 38.212 §7.2 / §6.2: encode transport blocks into one codeword of G bits each.

    ``[..., A] -> [..., G]``.

    Parameters
    ----------
    tb : array_like of uint8, shape [..., A]
        Transport blocks (0/1), A <= 1,277,992.
    target_code_rate : float
        Target code rate R for base-graph selection (§7.2.2).
    modulation_order : int
        Q_m in {1, 2, 4, 6, 8, 10}.
    g : int
        Total number of coded bits G available for the transport block (multiple of Q_m N_L).
    num_layers : int, default 1
        N_L, the number of layers the codeword is mapped to (1..4).
    rv : int, default 0
        Redundancy version rv_id in 0..3.
    tbs_lbrm : int, optional
        TBS_LBRM for limited-buffer rate matching (§5.4.2.1); None disables LBRM (I_LBRM = 0).

    Returns
    -------
    numpy.ndarray of uint8, shape [..., G]

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> tb = rng.integers(0, 2, (2, 1000), dtype=np.uint8)
    >>> sch_encode(tb, target_code_rate=0.5, modulation_order=2, g=2016).shape
    (2, 2016)
    """
    tb = as_bits(tb, "tb", _CLAUSE)
    g = _check_link(modulation_order, num_layers, g, rv)
    info = sch_info(tb.shape[-1], target_code_rate)
    tb_crc = crc_attach(tb, info.crc)
    blocks = segment(tb_crc, info.bg)  # [..., C, K]
    n_cb = _n_cb(info, tbs_lbrm)
    lengths = rate_match_lengths(g, info.c, modulation_order, num_layers)
    rate_matched = [
        ldpc_encode_rate_match(
            blocks[..., r, :],
            e,
            rv,
            modulation_order,
            bg=info.bg,
            z=info.z_c,
            n_filler=info.n_filler,
            n_cb=n_cb,
        )
        for r, e in enumerate(lengths)
    ]
    return concatenate_code_blocks(rate_matched)


@dataclass(frozen=True)
class SchDecodeResult:
    """Outcome of :func:`sch_decode` (TS 38.212 §7.2 receive side).

    Attributes
    ----------
    tb : numpy.ndarray of uint8, shape [..., A]
        Decoded transport blocks.
    tb_crc_ok : numpy.ndarray of bool, shape [...]
        TB CRC check passed (§7.2.1).
    cb_crc_ok : numpy.ndarray of bool, shape [..., C]
        Per-code-block CRC24B passed (all True when C = 1, which has no CB CRC).
    soft_buffer : numpy.ndarray of float32, shape [..., C, N]
        Combined soft buffer; pass it to the next call for HARQ combining.
    iterations : numpy.ndarray of int32, shape [..., C]
        LDPC iterations run per code block.
    info : SchInfo
        The transport-block parameters.
    """

    tb: np.ndarray
    tb_crc_ok: np.ndarray
    cb_crc_ok: np.ndarray
    soft_buffer: np.ndarray
    iterations: np.ndarray
    info: SchInfo


def sch_decode(
    llr,
    *,
    tbs: int,
    target_code_rate: float,
    modulation_order: int,
    num_layers: int = 1,
    rv: int = 0,
    tbs_lbrm: int | None = None,
    soft_buffer=None,
    algorithm: str = "layered-spa",
    max_iterations: int = 20,
    early_termination: bool = True,
) -> SchDecodeResult:
    """TS 38.212 §7.2 / §6.2 receive side: codeword LLRs to transport blocks, with HARQ combining.

    ``[..., G] -> SchDecodeResult`` with ``tb`` of shape ``[..., A]``.

    Rate recovery (§5.4.2) adds this transmission into the per-code-block soft buffer (chase
    combining for a repeated rv, incremental redundancy for another rv), then each code block is
    LDPC-decoded, its CRC24B checked, the blocks desegmented and the TB CRC checked.

    Parameters
    ----------
    llr : array_like of float, shape [..., G]
        Descrambled codeword LLRs, ln P(0)/P(1), finite.
    tbs, target_code_rate, modulation_order, num_layers, rv, tbs_lbrm
        As for :func:`sch_encode`; ``G`` is the last axis of ``llr``.
    soft_buffer : array_like of float32, shape [..., C, N], optional
        The ``soft_buffer`` of the previous transmission of the same transport blocks.
    algorithm, max_iterations, early_termination
        LDPC decoder settings, see :func:`opennr.coding.ldpc.decoder.ldpc_decode`.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> tb = rng.integers(0, 2, (3, 1000), dtype=np.uint8)
    >>> cw = sch_encode(tb, target_code_rate=0.5, modulation_order=2, g=2016)
    >>> res = sch_decode(10.0 * (1 - 2.0 * cw), tbs=1000, target_code_rate=0.5, modulation_order=2)
    >>> bool(res.tb_crc_ok.all()), bool((res.tb == tb).all())
    (True, True)
    """
    llr = as_llrs(llr, "llr", _CLAUSE)
    g = _check_link(modulation_order, num_layers, llr.shape[-1], rv)
    info = sch_info(tbs, target_code_rate)
    batch = llr.shape[:-1]
    if soft_buffer is not None:
        soft_buffer = as_llrs(soft_buffer, "soft_buffer", "TS 38.212 §5.4.2")
        expected = (*batch, info.c, info.n)
        if soft_buffer.shape != expected:
            raise ValueError(
                f"soft_buffer must have shape {expected} ([..., C, N]), got {soft_buffer.shape}"
            )
    n_cb = _n_cb(info, tbs_lbrm)
    lengths = rate_match_lengths(g, info.c, modulation_order, num_layers)
    parts = split_code_blocks(llr, lengths)
    buffer = np.empty((*batch, info.c, info.n), dtype=np.float32)
    for r, part in enumerate(parts):
        buffer[..., r, :] = ldpc_rate_recover(
            part,
            rv,
            modulation_order,
            bg=info.bg,
            z=info.z_c,
            n_filler=info.n_filler,
            n_cb=n_cb,
            soft_buffer=None if soft_buffer is None else soft_buffer[..., r, :],
        )
    dec = ldpc_decode(
        buffer,
        info.bg,
        info.z_c,
        algorithm=algorithm,
        max_iterations=max_iterations,
        early_termination=early_termination,
    )
    tb_crc, cb_crc_ok = desegment(dec.bits, info.b, info.bg)
    tb_crc_ok = crc_check(tb_crc, info.crc)
    return SchDecodeResult(
        tb=np.ascontiguousarray(tb_crc[..., : info.tbs]),
        tb_crc_ok=tb_crc_ok,
        cb_crc_ok=cb_crc_ok,
        soft_buffer=buffer,
        iterations=dec.iterations,
        info=info,
    )
