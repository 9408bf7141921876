"""Link-level simulation presets: a frozen config dataclass and a function simulating one batch.

A :class:`Preset` bundles

* ``config``: a frozen dataclass with every parameter of the link (spec symbols as field names);
* ``simulate_batch(config, snr_db, batch_size, rng) -> BatchCounts``: one batch at one SNR;
* a default SNR grid and a one-line description.

:meth:`Preset.batch_function` binds the config (a :func:`functools.partial` of a module-level
function and a frozen dataclass, hence picklable for a later distributed runner) into the
``simulate_batch(snr_db, batch_size, rng)`` callable that :func:`opennr.link.engine.run_sweep`
expects.

Registered presets (``PRESETS``, read-only):

``ldpc-awgn``
    DL-SCH chain (TS 38.212 §7.2), TBS A = 4224 (CRC24A, one BG1 code block, Z_c = 208),
    G = 8448 coded bits (R = 1/2), real BPSK over AWGN, Eb/N0 0..2 dB in 0.1 dB steps (the
    waterfall lies between 0.5 and 1.2 dB).
``ldpc-awgn-bg2``
    DL-SCH chain with a small TB: A = 256 (CRC16, BG2, Z_c = 28), G = 768 (R = 1/3),
    Eb/N0 0..3 dB in 0.25 dB steps (BLER 1e-2 near 1.6 dB).
``ldpc-qam-awgn``
    DL-SCH chain with QAM (TS 38.211 §5.1) over complex AWGN, SNR = Es/N0 per RE: MCS ``mcs`` of
    table ``mcs_table`` (default MCS 10 of 'qam64': 16QAM, R = 340/1024), 52 PRB x 12 symbols x
    12 subcarriers, 1 layer, TBS of TS 38.214 §5.1.3.2 (9992 bits at the default), G = N_RE Q_m.
    Its default SNR grid follows the MCS (from 1 dB below the Shannon limit of ``Q_m R``).
``polar-dci-awgn``
    DCI chain (TS 38.212 §7.3): payload A = 39, CRC24C masked by the RNTI, polar code, E = 216
    (aggregation level 2), QPSK over complex AWGN, CRC-aided SCL (L = 8); SNR = Es/N0 per RE.
``polar-uci-awgn``
    UCI chain (TS 38.212 §6.3.1): A = 32 (CRC11), polar code, E = 192, QPSK over complex AWGN,
    CRC-aided SCL (L = 8); with ``payload_size <= 11`` the small block codes instead.
``pdsch-awgn``
    PDSCH slot (TS 38.211 §7.3.1) of 24 PRB at 30 kHz, MCS 10 of 'qam64' (16QAM, TBS 4608),
    DM-RS type 1 with one additional position, AWGN, practical receiver: DM-RS least-squares
    channel and noise estimate, LMMSE, soft demapping, DL-SCH decoding. Throughput in bits/s.
    With ``harq_max_transmissions`` = N > 1 (``opennr simulate --harq N``, every slot preset)
    a failed TB is retransmitted with rv_id 0, 2, 3, 1 and soft-combined (HARQ statistics per
    point: first-transmission BLER, residual BLER, mean transmissions, throughput per slot used).
``pusch-awgn`` / ``pusch-tp-awgn``
    The same slot as a PUSCH (TS 38.211 §6.3.1), CP-OFDM or with transform precoding
    (DFT-s-OFDM, §6.3.1.4, MCS table 'tp-qam64').
``pdsch-tdlc``
    The ``pdsch-awgn`` slot over a TDL-C channel (TR 38.901 §7.7.2, Table 7.7.2-3; 300 ns delay
    spread, 100 Hz Doppler, 2 receive antennas, :class:`opennr.propagation.tdl.TdlChannel`
    per-RE response, a new realisation per slot), practical estimation. Its default run stops a
    point at 50 errors or 400 slots.
``pusch-tdlb100``
    Conformance-like PUSCH in the spirit of TS 38.104 §8.2.1 (the requirement is the SNR of 70 %
    throughput): MCS 2 (QPSK, R = 193/1024), 24 PRB at 30 kHz, TDLB100 with 400 Hz Doppler
    (TS 38.104 Annex G.2), two receive antennas with low correlation, practical estimation.
    Not the FRC's exact allocation.
``bpsk-awgn``
    Uncoded BPSK over AWGN, blocks of 100 bits: a cheap reference (BER = Q(sqrt(2 Eb/N0))).

Every config is a frozen dataclass of scalars; :func:`build_batch_function` rebuilds a preset's
batch function from ``(name, overrides)`` in a worker process.

Examples
--------
>>> import numpy as np
>>> from opennr.link.engine import SweepSettings, run_sweep
>>> preset = get_preset("bpsk-awgn")
>>> res = run_sweep(preset.batch_function(), [0.0, 4.0], SweepSettings(max_blocks=200))
>>> [p.blocks for p in res.points]
[100, 200]
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from types import MappingProxyType
from typing import Any

import numpy as np

from opennr._validation import check_choice, check_int
from opennr.link.awgn import awgn_complex, bpsk_awgn_llr, ebno_db_to_no, snr_db_to_no
from opennr.link.engine import BatchCounts, BatchFunction, _slot_throughput

__all__ = [
    "AGGREGATION_LEVELS",
    "ALGORITHMS",
    "CHANNEL_MODELS",
    "CORRELATIONS",
    "DEMAPPING_METHODS",
    "ESTIMATORS",
    "ES_N0_LABEL",
    "PDSCH_MCS_TABLES",
    "PRESETS",
    "DciAwgnConfig",
    "LdpcAwgnConfig",
    "LdpcQamAwgnConfig",
    "Preset",
    "SharedChannelLinkConfig",
    "UciAwgnConfig",
    "UncodedBpskConfig",
    "build_batch_function",
    "get_preset",
    "qam_snr_grid",
    "shared_channel_snr_grid",
    "simulate_dci_awgn_batch",
    "simulate_ldpc_awgn_batch",
    "simulate_ldpc_qam_awgn_batch",
    "simulate_shared_channel_batch",
    "simulate_uci_awgn_batch",
    "simulate_uncoded_bpsk_batch",
]

#: LDPC decoder algorithms accepted by the SCH presets (see ``opennr.coding.ldpc.decoder``).
ALGORITHMS = ("layered-spa", "layered-nms", "layered-oms", "flooding-spa")

#: MCS tables of the PDSCH (TS 38.214 Tables 5.1.3.1-1..4) accepted by ``ldpc-qam-awgn``.
PDSCH_MCS_TABLES = ("qam64", "qam256", "qam64LowSE", "qam1024")
#: Soft demappers of :func:`opennr.modulation.demodulate_soft`.
DEMAPPING_METHODS = ("max-log", "exact")
#: Axis label of the presets whose SNR is E_s/N_0 per resource element.
ES_N0_LABEL = "SNR [dB] (Es/N0 per RE)"

_SCH_CLAUSE = "TS 38.212 §7.2"
#: Modulation scheme (TS 38.211 §5.1) of each modulation order Q_m of the MCS tables.
_MODULATION_OF_QM = {2: "QPSK", 4: "16QAM", 6: "64QAM", 8: "256QAM", 10: "1024QAM"}


def _check_bool(value, name: str) -> None:
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be a bool, got {value!r}")


def _check_ldpc_decoder(config) -> None:
    """Checks the LDPC decoder fields: algorithm, max_iterations, early_termination."""
    check_choice(config.algorithm, "algorithm", ALGORITHMS, clause="LDPC decoder")
    check_int(config.max_iterations, "max_iterations", low=1, high=1000, clause="LDPC decoder")
    _check_bool(config.early_termination, "early_termination")


def _linspace(start: float, stop: float, step: float) -> tuple[float, ...]:
    n = round((stop - start) / step) + 1
    return tuple(round(start + i * step, 10) for i in range(n))


# --------------------------------------------------------------------------------------------
# LDPC transport channel over AWGN
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LdpcAwgnConfig:
    """TS 38.212 §7.2: one DL-SCH transport block per block, real BPSK over AWGN.

    Attributes
    ----------
    tbs : int
        Transport block size A (bits), 24..1,277,992.
    g : int
        Coded bits G of the codeword (rate-matching output length, §5.4.2.1).
    target_code_rate : float
        Target code rate R used for base-graph selection (§7.2.2) and LBRM, in (0, 1).
    modulation_order : int, default 1
        Q_m of rate matching (§5.4.2.2). Only 1 (real BPSK) for now: each coded bit is one real
        BPSK symbol.
    rv : int, default 0
        Redundancy version rv_id, 0..3.
    algorithm : str, default "layered-spa"
        LDPC decoder, one of :data:`ALGORITHMS`.
    max_iterations : int, default 20
        Maximum LDPC decoder iterations, >= 1.
    early_termination : bool, default True
        Stop decoding a code block once its syndrome is zero.

    Notes
    -----
    The Eb/N0 of the sweep uses the information rate ``code_rate = tbs / g`` (transport-block
    bits per coded bit, CRCs counted as overhead) in ``N0 = 1 / (R Q_m 10^(EbN0/10))``.

    Examples
    --------
    >>> cfg = LdpcAwgnConfig(tbs=4224, g=8448, target_code_rate=0.5)
    >>> cfg.code_rate
    0.5
    """

    tbs: int
    g: int
    target_code_rate: float
    modulation_order: int = 1
    rv: int = 0
    algorithm: str = "layered-spa"
    max_iterations: int = 20
    early_termination: bool = True

    def __post_init__(self):
        check_int(self.tbs, "tbs", low=24, high=1_277_992, clause="TS 38.214 §5.1.3.2")
        g = check_int(self.g, "g", low=1, clause="TS 38.212 §5.4.2.1")
        rate = self.target_code_rate
        if isinstance(rate, bool) or not isinstance(rate, int | float | np.floating):
            raise TypeError(f"target_code_rate must be a number in (0, 1), got {rate!r}")
        if not 0.0 < float(rate) < 1.0:
            raise ValueError(f"target_code_rate must be in (0, 1), got {rate!r} ({_SCH_CLAUSE})")
        check_choice(
            self.modulation_order,
            "modulation_order",
            (1,),
            clause="link preset: real BPSK only, one coded bit per symbol",
        )
        check_int(self.rv, "rv", low=0, high=3, clause="TS 38.212 Table 5.4.2.1-2")
        _check_ldpc_decoder(self)
        if g <= self.tbs:
            raise ValueError(
                f"g (= {g}) must exceed tbs (= {self.tbs}): the code rate tbs/g must be < 1"
            )

    @property
    def code_rate(self) -> float:
        """Information rate ``tbs / g`` used in the Eb/N0 definition."""
        return self.tbs / self.g


def simulate_ldpc_awgn_batch(
    config: LdpcAwgnConfig, snr_db: float, batch_size: int, rng: np.random.Generator
) -> BatchCounts:
    """TS 38.212 §7.2: encode, BPSK/AWGN at Eb/N0 ``snr_db``, decode ``batch_size`` random TBs.

    ``[batch_size, A] -> sch_encode -> [batch_size, G] -> AWGN -> sch_decode -> [batch_size, A]``.
    A block is in error when any decoded TB bit differs from the sent one or the TB CRC fails.

    Parameters
    ----------
    config : LdpcAwgnConfig
        The link.
    snr_db : float
        Eb/N0 in dB, with ``R = config.code_rate``.
    batch_size : int
        Transport blocks to simulate.
    rng : numpy.random.Generator
        Source of the TB bits and of the noise.

    Returns
    -------
    BatchCounts

    Examples
    --------
    >>> cfg = LdpcAwgnConfig(tbs=256, g=768, target_code_rate=1 / 3)
    >>> simulate_ldpc_awgn_batch(cfg, 8.0, 4, np.random.default_rng(0))
    BatchCounts(blocks=4, block_errors=0, bits=1024, bit_errors=0)
    """
    from opennr.coding.sch import (  # imported lazily: heavy (Numba)
        sch_decode,
        sch_encode,
    )

    tb = _random_blocks(batch_size, config.tbs, rng)
    codeword = sch_encode(
        tb,
        target_code_rate=config.target_code_rate,
        modulation_order=config.modulation_order,
        g=config.g,
        rv=config.rv,
    )
    no = ebno_db_to_no(snr_db, code_rate=config.code_rate, modulation_order=config.modulation_order)
    llr = bpsk_awgn_llr(codeword, no, rng=rng)
    res = sch_decode(
        llr,
        tbs=config.tbs,
        target_code_rate=config.target_code_rate,
        modulation_order=config.modulation_order,
        rv=config.rv,
        algorithm=config.algorithm,
        max_iterations=config.max_iterations,
        early_termination=config.early_termination,
    )
    return _tb_counts(res, tb)


def _tb_counts(res, tb: np.ndarray) -> BatchCounts:
    """A TB is in error when any decoded bit differs from the sent one or its CRC fails."""
    return _block_counts(res.tb, res.tb_crc_ok, tb)


def _random_blocks(batch_size: int, k: int, rng: np.random.Generator) -> np.ndarray:
    """``batch_size`` blocks of ``k`` random bits ``[batch_size, k]`` (uint8)."""
    n = check_int(batch_size, "batch_size", low=1)
    return rng.integers(0, 2, size=(n, k), dtype=np.uint8)


def _block_counts(decoded, crc_ok, sent: np.ndarray) -> BatchCounts:
    """Blocks ``[n, A]``: one is in error when its CRC fails or a decoded bit differs."""
    wrong = np.asarray(decoded, dtype=np.uint8) != sent
    block_errors = wrong.any(axis=-1) | ~np.asarray(crc_ok, dtype=bool)
    return BatchCounts(
        blocks=sent.shape[0],
        block_errors=int(block_errors.sum()),
        bits=sent.size,
        bit_errors=int(wrong.sum()),
    )


def _awgn_llr(coded: np.ndarray, modulation: str, snr_db: float, demapping: str, rng) -> np.ndarray:
    """Bits ``[n, G]`` -> ``modulation`` -> complex AWGN at Es/N0 ``snr_db`` -> LLRs ``[n, G]``."""
    from opennr.modulation import demodulate_soft, modulate

    no = snr_db_to_no(snr_db)
    y = awgn_complex(modulate(coded, modulation), no, rng=rng)
    return demodulate_soft(y, modulation, no, method=demapping)


# --------------------------------------------------------------------------------------------
# LDPC transport channel with QAM over complex AWGN
# --------------------------------------------------------------------------------------------




class _McsDerived:
    """The MCS-derived values of a config with an ``_entry`` (its MCS table row)."""

    @property
    def modulation_order(self) -> int:
        """``Q_m`` of the MCS."""
        return self._entry.modulation_order

    @property
    def target_code_rate(self) -> float:
        """Target code rate ``R`` of the MCS."""
        return self._entry.target_code_rate

    @property
    def shannon_limit_db(self) -> float:
        """``10 log10(2^(Q_m R) - 1)``: the least Es/N0 of ``Q_m R`` bits per RE over AWGN."""
        return 10.0 * np.log10(2.0 ** (self.modulation_order * self.target_code_rate) - 1.0)


@dataclass(frozen=True)
class LdpcQamAwgnConfig(_McsDerived):
    """TS 38.212 §7.2, TS 38.211 §5.1, TS 38.214 §5.1.3: DL-SCH with an MCS, QAM, complex AWGN.

    One transport block per block: TBS from the MCS and the allocation (TS 38.214 §5.1.3.2, no
    DM-RS or overhead REs, one layer), ``sch_encode`` to ``G = N_RE Q_m`` bits, modulation of
    TS 38.211 §5.1, complex AWGN with ``E_s = 1`` and SNR = ``E_s/N0`` per RE, soft demapping,
    ``sch_decode``.

    Attributes
    ----------
    mcs : int, default 10
        MCS index ``I_MCS`` of ``mcs_table`` (TS 38.214 §5.1.3.1); reserved rows are rejected.
    mcs_table : str, default "qam64"
        One of :data:`PDSCH_MCS_TABLES` ('qam64' = Table 5.1.3.1-1, 'qam256' = Table 5.1.3.1-2,
        'qam64LowSE' = Table 5.1.3.1-3, 'qam1024' = Table 5.1.3.1-4).
    n_prb : int, default 52
        Allocated PRBs ``n_PRB``, 1..275.
    num_symbols : int, default 12
        OFDM symbols ``N_symb^sh`` carrying data, 1..14; every one of their ``12 n_PRB``
        subcarriers is a data RE (``N_DMRS^PRB = N_oh^PRB = 0``).
    rv : int, default 0
        Redundancy version rv_id, 0..3.
    demapping : {"max-log", "exact"}, default "max-log"
        Soft demapper (:func:`opennr.modulation.demodulate_soft`).
    algorithm : str, default "layered-spa"
        LDPC decoder, one of :data:`ALGORITHMS`.
    max_iterations : int, default 20
        Maximum LDPC decoder iterations, >= 1.
    early_termination : bool, default True
        Stop decoding a code block once its syndrome is zero.

    Notes
    -----
    ``N_RE = 12 N_symb^sh n_PRB`` (TBS uses ``min(156, 12 N_symb^sh) n_PRB``, §5.1.3.2).

    Examples
    --------
    >>> cfg = LdpcQamAwgnConfig(mcs=10)
    >>> cfg.modulation, cfg.target_code_rate, cfg.n_re, cfg.g, cfg.tbs
    ('16QAM', 0.33203125, 7488, 29952, 9992)
    >>> LdpcQamAwgnConfig(mcs=27, mcs_table="qam256").modulation
    '256QAM'
    """

    mcs: int = 10
    mcs_table: str = "qam64"
    n_prb: int = 52
    num_symbols: int = 12
    rv: int = 0
    demapping: str = "max-log"
    algorithm: str = "layered-spa"
    max_iterations: int = 20
    early_termination: bool = True

    def __post_init__(self):
        from opennr.scheduling.mcs import mcs_entry

        check_choice(self.mcs_table, "mcs_table", PDSCH_MCS_TABLES, clause="TS 38.214 §5.1.3.1")
        check_int(self.mcs, "mcs", low=0, high=31, clause="TS 38.214 §5.1.3.1")
        mcs_entry(self.mcs, self.mcs_table)  # rejects reserved rows, naming the table
        check_int(self.n_prb, "n_prb", low=1, high=275, clause="TS 38.214 §5.1.3.2")
        check_int(self.num_symbols, "num_symbols", low=1, high=14, clause="TS 38.214 §5.1.3.2")
        check_int(self.rv, "rv", low=0, high=3, clause="TS 38.212 Table 5.4.2.1-2")
        check_choice(self.demapping, "demapping", DEMAPPING_METHODS, clause="TS 38.211 §5.1")
        _check_ldpc_decoder(self)

    @property
    def _entry(self):
        from opennr.scheduling.mcs import mcs_entry

        return mcs_entry(self.mcs, self.mcs_table)

    @property
    def modulation(self) -> str:
        """The TS 38.211 §5.1 modulation scheme of ``Q_m`` ('QPSK' ... '1024QAM')."""
        return _MODULATION_OF_QM[self.modulation_order]

    @property
    def n_re(self) -> int:
        """Data resource elements ``N_RE = 12 N_symb^sh n_PRB``."""
        return 12 * self.num_symbols * self.n_prb

    @property
    def g(self) -> int:
        """Coded bits ``G = N_RE Q_m`` (one layer)."""
        return self.n_re * self.modulation_order

    @property
    def tbs(self) -> int:
        """TBS of TS 38.214 §5.1.3.2 for this MCS and allocation."""
        from opennr.scheduling.tbs import transport_block_size

        return transport_block_size(
            self.modulation_order, 1, self.n_prb, 12 * self.num_symbols, self.target_code_rate
        )

    @property
    def code_rate(self) -> float:
        """Information rate ``tbs / g`` (TB bits per coded bit)."""
        return self.tbs / self.g


def simulate_ldpc_qam_awgn_batch(
    config: LdpcQamAwgnConfig, snr_db: float, batch_size: int, rng: np.random.Generator
) -> BatchCounts:
    """TS 38.212 §7.2, TS 38.211 §5.1: ``batch_size`` TBs with QAM over AWGN at Es/N0 ``snr_db``.

    ``[n, A] -> sch_encode -> [n, G] -> modulate -> [n, N_RE] -> complex AWGN ->
    demodulate_soft -> [n, G] -> sch_decode -> [n, A]``, ``N0 = 10^(-snr_db/10)``.

    Parameters
    ----------
    config : LdpcQamAwgnConfig
        The link.
    snr_db : float
        ``E_s/N0`` per resource element in dB.
    batch_size : int
        Transport blocks to simulate.
    rng : numpy.random.Generator
        Source of the TB bits and of the noise.

    Returns
    -------
    BatchCounts

    Examples
    --------
    >>> cfg = LdpcQamAwgnConfig(mcs=10, n_prb=4)
    >>> simulate_ldpc_qam_awgn_batch(cfg, 15.0, 3, np.random.default_rng(0))
    BatchCounts(blocks=3, block_errors=0, bits=2304, bit_errors=0)
    """
    from opennr.coding.sch import (  # imported lazily: heavy (Numba)
        sch_decode,
        sch_encode,
    )

    tbs, qm, rate = config.tbs, config.modulation_order, config.target_code_rate
    tb = _random_blocks(batch_size, tbs, rng)
    codeword = sch_encode(
        tb, target_code_rate=rate, modulation_order=qm, g=config.g, rv=config.rv
    )
    llr = _awgn_llr(codeword, config.modulation, snr_db, config.demapping, rng)
    res = sch_decode(
        llr,
        tbs=tbs,
        target_code_rate=rate,
        modulation_order=qm,
        rv=config.rv,
        algorithm=config.algorithm,
        max_iterations=config.max_iterations,
        early_termination=config.early_termination,
    )
    return _tb_counts(res, tb)


def qam_snr_grid(config: LdpcQamAwgnConfig) -> tuple[float, ...]:
    """Link model: default Es/N0 grid of ``ldpc-qam-awgn``, 0.25 dB steps over 6 dB.

    Starts at the Shannon limit of ``Q_m R`` bits per RE rounded down to 0.5 dB, minus 0.5 dB.

    Examples
    --------
    >>> g = qam_snr_grid(LdpcQamAwgnConfig(mcs=10))
    >>> g[0], g[-1], len(g)
    (1.0, 7.0, 25)
    """
    start = float(np.floor(config.shannon_limit_db * 2.0) / 2.0) - 0.5
    return _linspace(start, start + 6.0, 0.25)


# --------------------------------------------------------------------------------------------
# Uncoded BPSK over AWGN (reference)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UncodedBpskConfig:
    """Link model: uncoded real BPSK over AWGN, blocks of ``block_length`` bits (R = Q_m = 1).

    Attributes
    ----------
    block_length : int, default 100
        Bits per block; a block is in error when any of its bits is.

    Examples
    --------
    >>> UncodedBpskConfig().block_length
    100
    """

    block_length: int = 100

    def __post_init__(self):
        check_int(self.block_length, "block_length", low=1, high=10_000_000)


def simulate_uncoded_bpsk_batch(
    config: UncodedBpskConfig, snr_db: float, batch_size: int, rng: np.random.Generator
) -> BatchCounts:
    """Link model: ``batch_size`` blocks of uncoded BPSK over AWGN at Eb/N0 ``snr_db``.

    ``[batch_size, n] -> AWGN -> hard decision [batch_size, n]``; the BER tends to
    ``Q(sqrt(2 Eb/N0))``.

    Examples
    --------
    >>> c = simulate_uncoded_bpsk_batch(UncodedBpskConfig(10), 20.0, 5, np.random.default_rng(0))
    >>> c.blocks, c.bits, c.bit_errors
    (5, 50, 0)
    """
    bits = _random_blocks(batch_size, config.block_length, rng)
    no = ebno_db_to_no(snr_db, code_rate=1.0, modulation_order=1)
    llr = bpsk_awgn_llr(bits, no, rng=rng)
    wrong = (llr < 0).astype(np.uint8) != bits
    return BatchCounts(
        blocks=bits.shape[0],
        block_errors=int(wrong.any(axis=-1).sum()),
        bits=bits.size,
        bit_errors=int(wrong.sum()),
    )


# --------------------------------------------------------------------------------------------
# Polar control channel (DCI) over AWGN
# --------------------------------------------------------------------------------------------

#: PDCCH aggregation levels (TS 38.211 §7.3.2.1, TS 38.213 §10.1).
AGGREGATION_LEVELS = (1, 2, 4, 8, 16)
#: Coded DCI bits per CCE: 6 REGs x (12 - 3 DM-RS) data REs x 2 bits (QPSK), TS 38.211 §7.3.2.
_DCI_BITS_PER_CCE = 6 * 9 * 2


@dataclass(frozen=True)
class DciAwgnConfig:
    """TS 38.212 §7.3, TS 38.211 §7.3.2: one DCI per block, polar coded, QPSK over complex AWGN.

    ``dci_encode`` (CRC24C masked by the RNTI, polar code with ``n_max = 9``, rate matching to
    ``E = 108 L`` bits for aggregation level ``L``), QPSK, complex AWGN at ``E_s/N0`` per RE,
    soft demapping, CRC-aided SCL decoding with the same RNTI. A block is in error when the CRC
    fails or a decoded payload bit differs.

    Attributes
    ----------
    payload_size : int, default 39
        DCI payload ``A`` (bits), 12..140.
    aggregation_level : int, default 2
        CCEs of the PDCCH candidate, one of :data:`AGGREGATION_LEVELS`; ``E = 108 L``.
    rnti : int, default 1
        RNTI masking the CRC, 0..65535.
    list_size : int, default 8
        SCL list size (a power of two, 1..32).
    demapping : {"max-log", "exact"}, default "max-log"
        Soft demapper.

    Examples
    --------
    >>> cfg = DciAwgnConfig()
    >>> cfg.e, round(cfg.code_rate, 3)
    (216, 0.181)
    """

    payload_size: int = 39
    aggregation_level: int = 2
    rnti: int = 1
    list_size: int = 8
    demapping: str = "max-log"

    def __post_init__(self):
        check_int(self.payload_size, "payload_size", low=12, high=140, clause="TS 38.212 §7.3.1")
        check_choice(self.aggregation_level, "aggregation_level", AGGREGATION_LEVELS,
                     clause="TS 38.211 §7.3.2.1")
        check_int(self.rnti, "rnti", low=0, high=65535, clause="TS 38.212 §7.3.2")
        check_choice(self.list_size, "list_size", (1, 2, 4, 8, 16, 32), clause="TS 38.212 §7.3.3")
        check_choice(self.demapping, "demapping", DEMAPPING_METHODS, clause="TS 38.211 §5.1")
        if self.e < self.payload_size + 24:
            raise ValueError(
                f"aggregation_level {self.aggregation_level} gives E = {self.e} coded bits, fewer "
                f"than K = A + 24 = {self.payload_size + 24} (TS 38.212 §7.3.4)"
            )

    @property
    def e(self) -> int:
        """Rate-matched bits ``E = 108 L`` (QPSK on the 54 data REs of each CCE)."""
        return _DCI_BITS_PER_CCE * self.aggregation_level

    @property
    def code_rate(self) -> float:
        """Information rate ``A / E``."""
        return self.payload_size / self.e


def simulate_dci_awgn_batch(
    config: DciAwgnConfig, snr_db: float, batch_size: int, rng: np.random.Generator
) -> BatchCounts:
    """TS 38.212 §7.3: ``batch_size`` DCIs, polar coded, QPSK over AWGN at Es/N0 ``snr_db``.

    ``[n, A] -> dci_encode -> [n, E] -> QPSK -> [n, E/2] -> complex AWGN -> demodulate_soft ->
    [n, E] -> dci_decode -> [n, A]``, ``N0 = 10^(-snr_db/10)``.

    Parameters
    ----------
    config : DciAwgnConfig
        The link.
    snr_db : float
        ``E_s/N0`` per resource element in dB.
    batch_size : int
        DCIs to simulate.
    rng : numpy.random.Generator
        Source of the payload bits and of the noise.

    Returns
    -------
    BatchCounts

    Examples
    --------
    >>> simulate_dci_awgn_batch(DciAwgnConfig(), 10.0, 4, np.random.default_rng(0))
    BatchCounts(blocks=4, block_errors=0, bits=156, bit_errors=0)
    """
    from opennr.coding.dci import dci_decode, dci_encode

    a = _random_blocks(batch_size, config.payload_size, rng)
    coded = dci_encode(a, config.e, rnti=config.rnti)
    llr = _awgn_llr(coded, "QPSK", snr_db, config.demapping, rng)
    res = dci_decode(llr, config.payload_size, rnti=config.rnti, list_size=config.list_size)
    return _block_counts(res.bits, res.crc_ok, a)


@dataclass(frozen=True)
class UciAwgnConfig:
    """TS 38.212 §6.3.1.2-§6.3.1.5: one UCI payload per block, QPSK over complex AWGN.

    ``uci_encode`` (A >= 12: CRC6/CRC11, polar code with ``n_max = 10``, sub-block and coded-bit
    interleaving, segmentation for long payloads; A <= 11: the small block codes of §5.3.3),
    QPSK, complex AWGN at ``E_s/N0`` per RE, soft demapping, ``uci_decode`` (CRC-aided SCL for
    polar). A block is in error when a CRC fails or a decoded bit differs.

    Attributes
    ----------
    payload_size : int, default 32
        UCI bits ``A``, 1..1706.
    e : int, default 192
        Rate-matched bits ``E_UCI`` (even: QPSK), in the range :func:`opennr.coding.uci.uci_info`
        allows for ``A``.
    list_size : int, default 8
        SCL list size (a power of two, 1..32).
    demapping : {"max-log", "exact"}, default "max-log"

    Examples
    --------
    >>> cfg = UciAwgnConfig()
    >>> cfg.scheme, round(cfg.code_rate, 3)
    ('polar', 0.167)
    """

    payload_size: int = 32
    e: int = 192
    list_size: int = 8
    demapping: str = "max-log"

    def __post_init__(self):
        from opennr.coding.uci import uci_info

        check_int(self.payload_size, "payload_size", low=1, high=1706, clause="TS 38.212 §6.3.1")
        e = check_int(self.e, "e", low=2, clause="TS 38.212 §6.3.1.4")
        if e % 2:
            raise ValueError(f"e must be even (QPSK carries 2 bits per symbol), got {e}")
        check_choice(self.list_size, "list_size", (1, 2, 4, 8, 16, 32), clause="TS 38.212 §5.3.1")
        check_choice(self.demapping, "demapping", DEMAPPING_METHODS, clause="TS 38.211 §5.1")
        uci_info(self.payload_size, e)  # rejects an E out of range for A, naming the clause

    @property
    def scheme(self) -> str:
        """``"polar"`` (A >= 12) or the small block code of A <= 11."""
        from opennr.coding.uci import uci_info

        return uci_info(self.payload_size, self.e).scheme

    @property
    def code_rate(self) -> float:
        """Information rate ``A / E``."""
        return self.payload_size / self.e


def simulate_uci_awgn_batch(
    config: UciAwgnConfig, snr_db: float, batch_size: int, rng: np.random.Generator
) -> BatchCounts:
    """TS 38.212 §6.3.1: ``batch_size`` UCI payloads, QPSK over AWGN at Es/N0 ``snr_db``.

    ``[n, A] -> uci_encode -> [n, E] -> QPSK -> complex AWGN -> demodulate_soft -> [n, E] ->
    uci_decode -> [n, A]``, ``N0 = 10^(-snr_db/10)``.

    Parameters
    ----------
    config : UciAwgnConfig
    snr_db : float
        ``E_s/N0`` per resource element in dB.
    batch_size : int
    rng : numpy.random.Generator

    Returns
    -------
    BatchCounts

    Examples
    --------
    >>> simulate_uci_awgn_batch(UciAwgnConfig(), 10.0, 4, np.random.default_rng(0))
    BatchCounts(blocks=4, block_errors=0, bits=128, bit_errors=0)
    """
    from opennr.coding.uci import uci_decode, uci_encode

    a = _random_blocks(batch_size, config.payload_size, rng)
    coded = uci_encode(a, config.e)
    llr = _awgn_llr(coded, "QPSK", snr_db, config.demapping, rng)
    res = uci_decode(llr, config.payload_size, list_size=config.list_size)
    return _block_counts(res.bits, res.crc_ok, a)


# --------------------------------------------------------------------------------------------
# PDSCH / PUSCH slots with DM-RS channel estimation
# --------------------------------------------------------------------------------------------

#: Channel estimators of the shared-channel presets: the DM-RS least-squares estimate with its
#: noise estimate (``"practical"``) or the true channel and noise variance (``"perfect"``).
ESTIMATORS = ("practical", "perfect")
#: Propagation channels of the shared-channel presets: AWGN, the scalable TDL models of TR 38.901
#: Tables 7.7.2-1..5 (``delay_spread_ns``) and the TS 38.101-4 / TS 38.104 demodulation profiles
#: (absolute delays), all with Doppler ``max_doppler_hz``.
CHANNEL_MODELS = ("awgn", "tdl-a", "tdl-b", "tdl-c", "tdl-d", "tdl-e", "tdla30", "tdlb100",
                  "tdlc300")
#: Largest ``harq_max_transmissions``: one transmission per entry of the rv_id sequence 0, 2, 3, 1
#: (``opennr.receiver.harq.RV_SEQUENCE``, not imported here: the receiver package is slow to load).
_HARQ_MAX_TRANSMISSIONS = 4
#: MIMO correlation levels of the receive antennas (TS 38.101-4 Annex B.2.3, TS 38.104 Annex G.2.3).
CORRELATIONS = ("low", "medium", "high")


def _check_number(value, name: str, low: float, high: float, clause: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise TypeError(f"{name} must be a number in [{low:g}, {high:g}], got {value!r} ({clause})")
    if not low <= float(value) <= high:
        raise ValueError(f"{name} must be in [{low:g}, {high:g}], got {value!r} ({clause})")
    return float(value)


@dataclass(frozen=True)
class SharedChannelLinkConfig(_McsDerived):
    """TS 38.211 §6.3.1 / §7.3.1, TS 38.214 §5.1.3 / §6.1.4: one PDSCH or PUSCH slot per block.

    One slot of ``n_prb`` PRBs x 14 symbols (mapping type A, single-symbol DM-RS type 1 at
    ``l_0 = 2`` plus ``dmrs_additional_position`` additional symbols, 2 CDM groups without data),
    one layer, MCS ``mcs`` of ``mcs_table``, TBS of TS 38.214 §5.1.3.2 / §6.1.4.2 from the data
    REs; transmitter :func:`~opennr.physical_channels.pdsch_transmit` /
    :func:`~opennr.physical_channels.pusch_transmit` (DL-SCH / UL-SCH coding included), channel,
    receiver :func:`~opennr.receiver.dmrs_channel_estimate` (``estimation="practical"``) and
    :func:`~opennr.receiver.shared_channel_receive` (LMMSE, soft demapping, LDPC decoding).

    Attributes
    ----------
    direction : {"downlink", "uplink"}, default "downlink"
        PDSCH or PUSCH.
    mcs : int, default 10
        ``I_MCS`` of ``mcs_table`` (TS 38.214 §5.1.3.1 / §6.1.4.1).
    mcs_table : str, default "qam64"
        One of ``opennr.scheduling.MCS_TABLES`` ('tp-qam64' / 'tp-qam64LowSE' for the PUSCH with
        transform precoding).
    n_prb : int, default 24
        Carrier width = allocation ``n_PRB``, 1..275 (``2^a 3^b 5^c`` with transform precoding).
    subcarrier_spacing : int, default 30
        ``Delta f`` in kHz (15, 30, 60, 120); the slot lasts ``15 / Delta f`` ms.
    dmrs_additional_position : int, default 1
        ``dmrs-AdditionalPosition``, 0..3.
    transform_precoding : bool, default False
        PUSCH only: DFT-s-OFDM (TS 38.211 §6.3.1.4).
    estimation : {"practical", "perfect"}, default "practical"
        DM-RS LS estimate + estimated noise variance, or the true channel and noise variance.
    channel : str, default "awgn"
        One of :data:`CHANNEL_MODELS`: ``"awgn"``, ``"tdl-a"`` .. ``"tdl-e"`` (TR 38.901
        §7.7.2, scaled to ``delay_spread_ns``) or ``"tdla30"``, ``"tdlb100"``, ``"tdlc300"``
        (TS 38.101-4 Annex B.2.1 / TS 38.104 Annex G.2.1, fixed delays), through
        :class:`opennr.propagation.tdl.TdlChannel`.
    delay_spread_ns : float, default 300.0
        RMS delay spread of the scalable TDL models in ns (ignored otherwise).
    max_doppler_hz : float, default 10.0
        Maximum Doppler shift of the TDL profile in Hz (ignored for AWGN).
    num_rx_antennas : int, default 1
        Receive antennas ``R`` (1..8), combined by the LMMSE equaliser.
    correlation : {"low", "medium", "high"}, default "low"
        Correlation of the receive antennas over a TDL channel (TS 38.101-4 Annex B.2.3).
    demapping : {"max-log", "exact"}, default "max-log"
    algorithm : str, default "layered-spa"
        LDPC decoder, one of :data:`ALGORITHMS`.
    max_iterations : int, default 20
    early_termination : bool, default True
    n_cell_id : int, default 1
        ``N_ID^cell`` (scrambling, DM-RS), 0..1007.
    rnti : int, default 1
        ``n_RNTI`` (scrambling), 0..65535.
    harq_max_transmissions : int, default 1
        HARQ (TS 38.321 §5.3.2 / §5.4.2, TS 38.214 §5.1.2.1): transmissions of a transport block
        at most, 1..4. 1 is no HARQ (one transmission, no HARQ statistics in the counts). With
        ``N > 1`` a block whose TB CRC fails is sent again with the next ``rv_id`` of 0, 2, 3, 1,
        each time through a fresh channel and noise realisation, and soft-combined with its
        earlier receptions (:func:`opennr.receiver.harq.harq_receive`) until its CRC passes or
        ``N`` transmissions; the counts then carry ``transmissions`` and ``first_tx_errors``.

    Notes
    -----
    SNR = ``E_s/N0`` per resource element at each receive antenna: the data symbols have unit
    energy and the noise ``N0 = 10^(-SNR/10)``.

    Examples
    --------
    >>> cfg = SharedChannelLinkConfig()
    >>> cfg.modulation, cfg.n_re, cfg.tbs, cfg.slot_duration
    ('16QAM', 3456, 4608, 0.0005)
    >>> SharedChannelLinkConfig(direction="uplink", transform_precoding=True,
    ...                         mcs_table="tp-qam64").sch_config.transform_precoding
    True
    """

    direction: str = "downlink"
    mcs: int = 10
    mcs_table: str = "qam64"
    n_prb: int = 24
    subcarrier_spacing: int = 30
    dmrs_additional_position: int = 1
    transform_precoding: bool = False
    estimation: str = "practical"
    channel: str = "awgn"
    delay_spread_ns: float = 300.0
    max_doppler_hz: float = 10.0
    num_rx_antennas: int = 1
    correlation: str = "low"
    demapping: str = "max-log"
    algorithm: str = "layered-spa"
    max_iterations: int = 20
    early_termination: bool = True
    n_cell_id: int = 1
    rnti: int = 1
    harq_max_transmissions: int = 1

    def __post_init__(self):
        from opennr.scheduling.mcs import MCS_TABLES, mcs_entry

        check_choice(self.direction, "direction", ("downlink", "uplink"), clause="TS 38.211 §6.3, §7.3")
        check_choice(self.mcs_table, "mcs_table", tuple(MCS_TABLES), clause="TS 38.214 §5.1.3.1")
        check_int(self.mcs, "mcs", low=0, high=31, clause="TS 38.214 §5.1.3.1")
        mcs_entry(self.mcs, self.mcs_table)  # rejects reserved rows, naming the table
        check_int(self.n_prb, "n_prb", low=1, high=275, clause="TS 38.214 §5.1.3.2")
        check_choice(self.subcarrier_spacing, "subcarrier_spacing", (15, 30, 60, 120),
                     clause="TS 38.211 Table 4.2-1")
        check_int(self.dmrs_additional_position, "dmrs_additional_position", low=0, high=3,
                  clause="TS 38.211 §7.4.1.1.2")
        _check_bool(self.transform_precoding, "transform_precoding")
        if self.transform_precoding and self.direction != "uplink":
            raise ValueError("transform_precoding applies to the PUSCH only (direction='uplink') "
                             "(TS 38.211 §6.3.1.4)")
        if self.transform_precoding != self.mcs_table.startswith("tp-"):
            raise ValueError(
                f"mcs_table {self.mcs_table!r} does not match transform_precoding="
                f"{self.transform_precoding}: the 'tp-' tables (TS 38.214 Tables 6.1.4.1-1/-2) are "
                "for the PUSCH with transform precoding, the others without (TS 38.214 §6.1.4.1)"
            )
        check_choice(self.estimation, "estimation", ESTIMATORS, clause="DM-RS channel estimation")
        check_choice(self.channel, "channel", CHANNEL_MODELS, clause="TR 38.901 §7.7.2")
        _check_number(self.delay_spread_ns, "delay_spread_ns", 0.0, 10_000.0, "TR 38.901 §7.7.3")
        _check_number(self.max_doppler_hz, "max_doppler_hz", 0.0, 10_000.0, "TR 38.901 §7.7.2")
        check_int(self.num_rx_antennas, "num_rx_antennas", low=1, high=8, clause="receiver")
        check_choice(self.correlation, "correlation", CORRELATIONS, clause="TS 38.101-4 Annex B.2.3")
        check_choice(self.demapping, "demapping", DEMAPPING_METHODS, clause="TS 38.211 §5.1")
        _check_ldpc_decoder(self)
        check_int(self.n_cell_id, "n_cell_id", low=0, high=1007, clause="TS 38.211 §7.4.2.1")
        check_int(self.rnti, "rnti", low=0, high=65535, clause="TS 38.211 §7.3.1.1")
        check_int(self.harq_max_transmissions, "harq_max_transmissions", low=1,
                  high=_HARQ_MAX_TRANSMISSIONS, clause="TS 38.321 §5.4.2.1 (rv_id 0, 2, 3, 1)")
        self.sch_config.check_carrier(self.carrier)  # e.g. n_prb not 2^a 3^b 5^c with DFT-s-OFDM

    @functools.cached_property
    def _entry(self):
        from opennr.scheduling.mcs import mcs_entry

        return mcs_entry(self.mcs, self.mcs_table)

    @property
    def modulation(self) -> str:
        """The TS 38.211 §5.1 modulation scheme of the MCS ('pi/2-BPSK' ... '1024QAM')."""
        return "pi/2-BPSK" if self.modulation_order == 1 else _MODULATION_OF_QM[self.modulation_order]

    @functools.cached_property
    def carrier(self):
        """The carrier grid: ``n_prb`` PRBs at ``subcarrier_spacing``, ``N_ID^cell``."""
        from opennr.ofdm import CarrierConfig

        return CarrierConfig(n_size_grid=self.n_prb, subcarrier_spacing=self.subcarrier_spacing,
                             n_cell_id=self.n_cell_id)

    @functools.cached_property
    def sch_config(self):
        """The :class:`~opennr.physical_channels.SharedChannelConfig` of the slot."""
        from opennr.physical_channels import DmrsConfig, SharedChannelConfig

        return SharedChannelConfig(
            direction=self.direction,
            modulation=self.modulation,
            rnti=self.rnti,
            transform_precoding=self.transform_precoding,
            dmrs=DmrsConfig(additional_position=self.dmrs_additional_position),
        )

    @functools.cached_property
    def n_re(self) -> int:
        """Data resource elements of the slot (DM-RS symbols and CDM groups excluded)."""
        from opennr.physical_channels import shared_channel_indices

        return int(shared_channel_indices(self.sch_config, self.carrier).size)

    @functools.cached_property
    def tbs(self) -> int:
        """TBS of TS 38.214 §5.1.3.2 / §6.1.4.2 with ``N'_RE = N_RE / n_PRB`` per PRB."""
        from opennr.scheduling.tbs import transport_block_size

        return transport_block_size(self.modulation_order, 1, self.n_prb, self.n_re // self.n_prb,
                                    self.target_code_rate)

    @property
    def slot_duration(self) -> float:
        """Seconds per slot (one transport block per slot): ``1 ms x 15 / Delta f``."""
        return 1e-3 * 15.0 / self.subcarrier_spacing

    def __getstate__(self):  # drop the cached derived objects: rebuilt on first use
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def __setstate__(self, state):
        for key, value in state.items():
            object.__setattr__(self, key, value)


def _propagate(config: SharedChannelLinkConfig, tx: np.ndarray, no: float, rng):
    """``[n, 1, K, L]`` grid -> received grid ``[n, R, K, L]`` and the true channel (or None)."""
    n, _, k, l_symb = tx.shape
    r = config.num_rx_antennas
    if config.channel == "awgn":
        h = None if r == 1 else np.ones((n, r, 1, k, l_symb), dtype=np.complex64)
        clean = np.broadcast_to(tx, (n, r, k, l_symb))
    else:
        h = _tdl_frequency_response(config, n, rng)  # [n, R, 1, K, L]
        clean = h[:, :, 0] * tx
    y = awgn_complex(np.ascontiguousarray(clean), no, rng=rng)
    return y, h


def _tdl_frequency_response(config: SharedChannelLinkConfig, n: int, rng) -> np.ndarray:
    """``n`` independent TDL slots (TR 38.901 §7.7.2), response ``[n, R, 1, K, L]``.

    :class:`~opennr.propagation.tdl.TdlChannel` per-RE, per-symbol response (no inter-carrier
    interference), a fresh realisation per slot drawn from ``rng``; the scalable models scaled
    to ``delay_spread_ns``, Doppler ``max_doppler_hz``, receive correlation ``correlation``.
    """
    from opennr.propagation.tdl import TdlChannel

    name = config.channel
    scalable = name.startswith("tdl-")
    channel = TdlChannel(
        name.upper(),  # "TDL-C" / "TDLB100": TdlChannel's profile names
        delay_spread=config.delay_spread_ns * 1e-9 if scalable else None,
        max_doppler=config.max_doppler_hz,
        n_rx=config.num_rx_antennas,
        n_tx=1,
        correlation=config.correlation,
        transmission_direction=config.direction,
        batch_size=n,
        rng=rng,
    )
    return channel.ofdm_response(config.carrier).astype(np.complex64, copy=False)


def simulate_shared_channel_batch(
    config: SharedChannelLinkConfig, snr_db: float, batch_size: int, rng: np.random.Generator
) -> BatchCounts:
    """TS 38.211 §6.3.1 / §7.3.1: ``batch_size`` PDSCH/PUSCH slots through the channel and back.

    ``[n, A] -> pdsch_transmit / pusch_transmit -> [n, 1, K, L] -> channel + AWGN ->
    [n, R, K, L] -> dmrs_channel_estimate -> shared_channel_receive -> [n, A]``,
    ``N0 = 10^(-snr_db/10)`` per RE.

    Parameters
    ----------
    config : SharedChannelLinkConfig
        The link.
    snr_db : float
        ``E_s/N0`` per resource element and receive antenna, in dB.
    batch_size : int
        Slots (transport blocks) to simulate.
    rng : numpy.random.Generator
        Source of the TB bits, of the channel and of the noise.

    Returns
    -------
    BatchCounts

    Examples
    --------
    >>> cfg = SharedChannelLinkConfig(n_prb=4)
    >>> simulate_shared_channel_batch(cfg, 20.0, 2, np.random.default_rng(0))
    BatchCounts(blocks=2, block_errors=0, bits=1536, bit_errors=0)
    """
    from opennr.receiver.harq import harq_start

    tb = _random_blocks(batch_size, config.tbs, rng)
    no = snr_db_to_no(snr_db)
    if config.harq_max_transmissions == 1:
        res, _ = _shared_channel_slot(config, tb, harq_start(), no, rng)
        return _tb_counts(res, tb)
    return _shared_channel_harq(config, tb, no, rng)


def _shared_channel_slot(config: SharedChannelLinkConfig, tb: np.ndarray, state, no: float, rng):
    """One transmission of the blocks ``tb`` ``[m, A]`` with the rv_id and soft buffer of the
    HARQ ``state``: transmitter, channel + noise from ``rng``, estimation, receiver."""
    from opennr.physical_channels import pdsch_transmit, pusch_transmit
    from opennr.receiver import dmrs_channel_estimate
    from opennr.receiver.harq import harq_next_rv, harq_receive

    carrier, sch, rate = config.carrier, config.sch_config, config.target_code_rate
    transmit = pdsch_transmit if config.direction == "downlink" else pusch_transmit
    tx = transmit(tb, sch, carrier, target_code_rate=rate, rv=harq_next_rv(state))
    y, h = _propagate(config, tx, no, rng)
    if config.estimation == "practical":
        est = dmrs_channel_estimate(y, sch, carrier)
        h, noise_var = est.h, np.maximum(est.noise_var, 1e-9)
    else:
        noise_var = no
    return harq_receive(
        state,
        y,
        sch,
        carrier,
        tbs=config.tbs,
        target_code_rate=rate,
        noise_var=noise_var,
        channel=h,
        channel_includes_precoding=h is not None,
        demapping_method=config.demapping,
        algorithm=config.algorithm,
        max_iterations=config.max_iterations,
        early_termination=config.early_termination,
    )


def _shared_channel_harq(config: SharedChannelLinkConfig, tb: np.ndarray, no: float, rng):
    """TS 38.321 §5.3.2: every block of ``tb`` sent until its TB CRC passes, at most
    ``harq_max_transmissions`` times (rv_id 0, 2, 3, 1, soft combining); the blocks still
    pending go through each retransmission together, in their order, with fresh channel and
    noise draws from ``rng``. A block is in error when its last decoding fails the CRC or its
    bits differ (as without HARQ); ``first_tx_errors`` counts the same at its first decoding."""
    from opennr.receiver.harq import RV_SEQUENCE, HarqState, harq_start

    assert len(RV_SEQUENCE) == _HARQ_MAX_TRANSMISSIONS
    n = tb.shape[0]
    pending = np.arange(n)
    decoded = np.zeros_like(tb)
    failed = np.zeros(n, dtype=bool)
    state = harq_start()
    transmissions = first_tx_errors = 0
    for t in range(config.harq_max_transmissions):
        res, _ = _shared_channel_slot(config, tb[pending], state, no, rng)
        transmissions += pending.size
        crc_ok = np.asarray(res.tb_crc_ok, dtype=bool).reshape(pending.size)
        bits = np.asarray(res.tb, dtype=np.uint8).reshape(pending.size, -1)
        decoded[pending] = bits
        wrong = ~crc_ok | (bits != tb[pending]).any(axis=-1)
        failed[pending] = wrong
        if t == 0:
            first_tx_errors = int(wrong.sum())
        retry = ~crc_ok  # the receiver sees only the CRC: a CRC pass is an ACK
        if not retry.any():
            break
        pending = pending[retry]
        state = HarqState(soft_buffer=np.asarray(res.soft_buffer)[retry], transmission_index=t + 1,
                          acked=False, rv_sequence=RV_SEQUENCE)
    wrong_bits = decoded != tb
    return BatchCounts(
        blocks=n,
        block_errors=int(failed.sum()),
        bits=tb.size,
        bit_errors=int(wrong_bits.sum()),
        transmissions=transmissions,
        first_tx_errors=first_tx_errors,
    )


def shared_channel_snr_grid(config: SharedChannelLinkConfig) -> tuple[float, ...]:
    """Link model: default Es/N0 grid of the shared-channel presets.

    Over AWGN: 0.25 dB steps over 5 dB from 0.5 dB above the Shannon limit of ``Q_m R`` bits per
    RE (rounded down to 0.5 dB); the waterfall of the practical receiver lies about 2 dB above the
    limit. Over a fading channel: 1 dB steps over 12 dB from 3 dB below that start (the
    receive-antenna gain of several antennas moves the waterfall down, the fading up).

    Examples
    --------
    >>> g = shared_channel_snr_grid(SharedChannelLinkConfig())
    >>> g[0], g[-1], len(g)
    (2.0, 7.0, 21)
    """
    start = float(np.floor(config.shannon_limit_db * 2.0) / 2.0) + 0.5
    if config.channel != "awgn":
        return _linspace(start - 3.0, start + 9.0, 1.0)
    return _linspace(start, start + 5.0, 0.25)


# --------------------------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Preset:
    """Link simulation preset: a config, the function that simulates one batch, a default grid.

    Attributes
    ----------
    name : str
        Registry key (``opennr simulate --preset NAME``).
    description : str
        One line for ``opennr presets``.
    config : dataclass
        Frozen config passed as first argument to ``simulate``.
    simulate : callable
        ``simulate(config, snr_db, batch_size, rng) -> BatchCounts``.
    snr_db : tuple of float
        Default SNR grid.
    snr_label : str
        Axis label of the SNR (``"Eb/N0 [dB]"`` or ``"SNR [dB] (Es/N0 per RE)"``).
    batch_size : int
        Default blocks per batch.
    snr_grid : callable, optional
        ``snr_grid(config) -> tuple of float``: when given, :meth:`with_overrides` recomputes
        ``snr_db`` for the new config (e.g. a grid that follows the MCS).
    target_errors : int, default 100
        Default block errors that end a point (``opennr simulate --target-errors``).
    max_blocks : int, default 2000
        Default blocks that end a point at the latest (``--max-blocks``); smaller for the slow
        fading presets so that their default run stays short.

    Examples
    --------
    >>> p = get_preset("ldpc-awgn").with_overrides(max_iterations=8)
    >>> p.config.max_iterations, p.supports("algorithm")
    (8, True)
    >>> get_preset("bpsk-awgn").supports("algorithm")
    False
    """

    name: str
    description: str
    config: Any
    simulate: Callable[[Any, float, int, np.random.Generator], BatchCounts]
    snr_db: tuple[float, ...]
    snr_label: str = "Eb/N0 [dB]"
    batch_size: int = 100
    snr_grid: Callable[[Any], tuple[float, ...]] | None = None
    target_errors: int = 100
    max_blocks: int = 2000

    @property
    def parameters(self) -> tuple[str, ...]:
        """Names of the config fields, which :meth:`with_overrides` may replace."""
        return tuple(f.name for f in fields(self.config))

    def supports(self, parameter: str) -> bool:
        """Whether the config has a field ``parameter`` (e.g. ``"algorithm"``)."""
        return parameter in self.parameters

    def with_overrides(self, **overrides) -> Preset:
        """A copy whose config has some fields replaced (validated by the config)."""
        unknown = sorted(set(overrides) - set(self.parameters))
        if unknown:
            raise ValueError(
                f"preset {self.name!r} has no parameter(s) {', '.join(unknown)}; "
                f"its parameters are {', '.join(self.parameters)}"
            )
        config = replace(self.config, **overrides)
        snr_db = self.snr_db if self.snr_grid is None else tuple(self.snr_grid(config))
        return replace(self, config=config, snr_db=snr_db)

    def batch_function(self) -> BatchFunction:
        """``simulate_batch(snr_db, batch_size, rng)`` with this preset's config bound."""
        return functools.partial(self.simulate, self.config)

    @property
    def slot_duration(self) -> float | None:
        """Seconds per block for slot-based presets (one TB per slot), else None."""
        return getattr(self.config, "slot_duration", None)

    def throughput_metrics(self, point) -> dict:
        """Throughput of a point in bits/s and in % of the maximum, for slot-based presets.

        ``throughput_bps = (1 - BLER) TBS / T_slot``, ``throughput_max_bps = TBS / T_slot`` and
        ``throughput_percent = 100 (1 - BLER)``; an empty dict when the preset has no slot. With
        HARQ statistics the delivered bits are divided by the slots used (transmissions):
        ``throughput_percent = 100 (blocks - block_errors) / transmissions``.

        Examples
        --------
        >>> from opennr.link.engine import PointResult
        >>> m = get_preset("pdsch-awgn").throughput_metrics(PointResult(5.0, 100, 10, 460800, 7))
        >>> round(m["throughput_bps"] / 1e6, 4), m["throughput_percent"]
        (8.2944, 90.0)
        >>> get_preset("ldpc-awgn").throughput_metrics(PointResult(5.0, 100, 10, 422400, 7))
        {}
        >>> h = PointResult(5.0, 100, 0, 460800, 0, transmissions=125, first_tx_errors=25)
        >>> get_preset("pdsch-awgn").throughput_metrics(h)["throughput_percent"]
        80.0
        """
        return _slot_throughput(point, self.slot_duration)

    def describe_config(self) -> dict:
        """The config's fields as a JSON-ready dict (for reports and ``opennr presets NAME``).

        Examples
        --------
        >>> get_preset("bpsk-awgn").describe_config()
        {'block_length': 100}
        """
        return {f.name: getattr(self.config, f.name) for f in fields(self.config)}


_PUSCH_TP = SharedChannelLinkConfig(
    direction="uplink", transform_precoding=True, mcs_table="tp-qam64"
)


_PUSCH_TDLB = SharedChannelLinkConfig(
    direction="uplink", mcs=2, channel="tdlb100", max_doppler_hz=400.0, num_rx_antennas=2,
    correlation="low"
)
_PDSCH_TDLC = SharedChannelLinkConfig(
    direction="downlink", channel="tdl-c", delay_spread_ns=300.0, max_doppler_hz=100.0,
    num_rx_antennas=2
)


def _shared_channel_preset(name: str, description: str, config: SharedChannelLinkConfig,
                           **kwargs) -> Preset:
    """A PDSCH/PUSCH slot preset: Es/N0 grid following the config, 50 blocks per batch."""
    kwargs.setdefault("batch_size", 50)
    return Preset(name=name, description=description, config=config,
                  simulate=simulate_shared_channel_batch, snr_db=shared_channel_snr_grid(config),
                  snr_label=ES_N0_LABEL, snr_grid=shared_channel_snr_grid, **kwargs)


def _build_registry() -> Mapping[str, Preset]:
    presets = [
        Preset(
            name="ldpc-awgn",
            description=(
                "DL-SCH (TS 38.212 §7.2), TBS 4224 (CRC24A, 1 BG1 code block, Zc 208), "
                "G 8448 (R 1/2), BPSK over AWGN, Eb/N0 0..2 dB"
            ),
            config=LdpcAwgnConfig(tbs=4224, g=8448, target_code_rate=0.5),
            simulate=simulate_ldpc_awgn_batch,
            snr_db=_linspace(0.0, 2.0, 0.1),
            batch_size=50,
        ),
        Preset(
            name="ldpc-awgn-bg2",
            description=(
                "DL-SCH (TS 38.212 §7.2), small TB: TBS 256 (CRC16, BG2, Zc 28), "
                "G 768 (R 1/3), BPSK over AWGN, Eb/N0 0..3 dB"
            ),
            config=LdpcAwgnConfig(tbs=256, g=768, target_code_rate=1 / 3),
            simulate=simulate_ldpc_awgn_batch,
            snr_db=_linspace(0.0, 3.0, 0.25),
            batch_size=200,
        ),
        Preset(
            name="ldpc-qam-awgn",
            description=(
                "DL-SCH (TS 38.212 §7.2) with an MCS (--mcs, --mcs-table; default 10 of qam64: "
                "16QAM R 340/1024, TBS 9992), 52 PRB x 12 symbols, 1 layer, G = N_RE Qm, "
                "QAM over complex AWGN, max-log demapper, SNR = Es/N0 per RE"
            ),
            config=LdpcQamAwgnConfig(),
            simulate=simulate_ldpc_qam_awgn_batch,
            snr_db=qam_snr_grid(LdpcQamAwgnConfig()),
            snr_label=ES_N0_LABEL,
            batch_size=50,
            snr_grid=qam_snr_grid,
        ),
        Preset(
            name="polar-dci-awgn",
            description=(
                "DCI (TS 38.212 §7.3): A 39, CRC24C/RNTI, polar (n_max 9), E 216 (aggregation "
                "level 2), CA-SCL list 8, QPSK over complex AWGN, SNR = Es/N0 per RE"
            ),
            config=DciAwgnConfig(),
            simulate=simulate_dci_awgn_batch,
            snr_db=_linspace(-5.0, 1.0, 0.5),
            snr_label=ES_N0_LABEL,
            batch_size=200,
        ),
        Preset(
            name="polar-uci-awgn",
            description=(
                "UCI (TS 38.212 §6.3.1): A 32, CRC11, polar (n_max 10), E 192, CA-SCL list 8, "
                "QPSK over complex AWGN, SNR = Es/N0 per RE"
            ),
            config=UciAwgnConfig(),
            simulate=simulate_uci_awgn_batch,
            snr_db=_linspace(-7.0, 0.0, 0.5),
            snr_label=ES_N0_LABEL,
            batch_size=200,
        ),
        _shared_channel_preset(
            "pdsch-awgn",
            (
                "PDSCH slot (TS 38.211 §7.3.1): 24 PRB, 30 kHz, MCS 10 (16QAM R 340/1024, TBS 4608), "
                "DM-RS type 1 + 1 additional, 1 layer, AWGN, LS channel + noise estimate, LMMSE"
            ),
            SharedChannelLinkConfig(direction="downlink"),
        ),
        _shared_channel_preset(
            "pusch-awgn",
            (
                "PUSCH slot (TS 38.211 §6.3.1), CP-OFDM: 24 PRB, 30 kHz, MCS 10 (16QAM, TBS 4608), "
                "DM-RS type 1 + 1 additional, 1 layer, AWGN, LS channel + noise estimate, LMMSE"
            ),
            SharedChannelLinkConfig(direction="uplink"),
        ),
        _shared_channel_preset(
            "pusch-tp-awgn",
            (
                "PUSCH slot with transform precoding (DFT-s-OFDM, TS 38.211 §6.3.1.4): 24 PRB, "
                "30 kHz, MCS 10 of tp-qam64 (16QAM), 1 layer, AWGN, LS estimate, LMMSE"
            ),
            _PUSCH_TP,
        ),
        _shared_channel_preset(
            "pdsch-tdlc",
            (
                "PDSCH slot as pdsch-awgn over TDL-C (TR 38.901 Table 7.7.2-3), 300 ns delay "
                "spread, 100 Hz Doppler, 1x2 antennas, LS channel + noise estimate, LMMSE"
            ),
            _PDSCH_TDLC,
            batch_size=20,
            target_errors=50,
            max_blocks=400,
        ),
        _shared_channel_preset(
            "pusch-tdlb100",
            (
                "Conformance-like PUSCH (in the spirit of TS 38.104 §8.2.1, not its FRC "
                "allocation): QPSK R 193/1024 (MCS 2), 24 PRB, 30 kHz, TDLB100-400, 1x2 low "
                "correlation, practical estimation; read the SNR at 70 % throughput"
            ),
            _PUSCH_TDLB,
            batch_size=20,
            target_errors=50,
            max_blocks=400,
        ),
        Preset(
            name="bpsk-awgn",
            description=(
                "Uncoded BPSK over AWGN, 100-bit blocks (reference: BER = Q(sqrt(2 Eb/N0)))"
            ),
            config=UncodedBpskConfig(block_length=100),
            simulate=simulate_uncoded_bpsk_batch,
            snr_db=_linspace(0.0, 8.0, 1.0),
            batch_size=100,
        ),
    ]
    return MappingProxyType({p.name: p for p in presets})


#: The registered presets, by name (read-only).
PRESETS: Mapping[str, Preset] = _build_registry()


def get_preset(name: str) -> Preset:
    """Link simulation: the registered preset ``name`` (see :data:`PRESETS`).

    Examples
    --------
    >>> get_preset("ldpc-awgn-bg2").config.tbs
    256
    """
    check_choice(name, "preset", tuple(PRESETS), clause="opennr.link.presets")
    return PRESETS[name]


def build_batch_function(name: str, overrides: Mapping[str, Any] | None = None) -> BatchFunction:
    """Link simulation: the batch function of preset ``name`` with config ``overrides``.

    What a worker process (local pool or Dask) calls to rebuild a campaign's batch function from
    its JSON-able description ``(preset name, overrides)``; the result is picklable too.

    Examples
    --------
    >>> fn = build_batch_function("bpsk-awgn", {"block_length": 8})
    >>> fn(30.0, 3, np.random.default_rng(0))
    BatchCounts(blocks=3, block_errors=0, bits=24, bit_errors=0)
    """
    preset = get_preset(name)
    if overrides:
        preset = preset.with_overrides(**dict(overrides))
    return preset.batch_function()
