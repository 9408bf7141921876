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
``bpsk-awgn``
    Uncoded BPSK over AWGN, blocks of 100 bits: a cheap reference (BER = Q(sqrt(2 Eb/N0))).

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
from opennr.link.awgn import bpsk_awgn_llr, ebno_db_to_no
from opennr.link.engine import BatchCounts, BatchFunction

__all__ = [
    "ALGORITHMS",
    "LdpcAwgnConfig",
    "UncodedBpskConfig",
    "Preset",
    "PRESETS",
    "get_preset",
    "simulate_ldpc_awgn_batch",
    "simulate_uncoded_bpsk_batch",
]

#: LDPC decoder algorithms accepted by the SCH presets (see ``opennr.coding.ldpc.decoder``).
ALGORITHMS = ("layered-spa", "layered-nms", "layered-oms", "flooding-spa")

_SCH_CLAUSE = "TS 38.212 §7.2"


def _linspace(start: float, stop: float, step: float) -> tuple[float, ...]:
    n = int(round((stop - start) / step)) + 1
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
        check_choice(self.algorithm, "algorithm", ALGORITHMS, clause="LDPC decoder")
        check_int(self.max_iterations, "max_iterations", low=1, high=1000, clause="LDPC decoder")
        if not isinstance(self.early_termination, bool | np.bool_):
            raise TypeError(f"early_termination must be a bool, got {self.early_termination!r}")
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
    from opennr.coding.sch import sch_decode, sch_encode  # imported lazily: heavy (Numba)

    n = check_int(batch_size, "batch_size", low=1)
    tb = rng.integers(0, 2, size=(n, config.tbs), dtype=np.uint8)
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
    wrong = res.tb != tb
    block_errors = wrong.any(axis=-1) | ~np.asarray(res.tb_crc_ok, dtype=bool)
    return BatchCounts(
        blocks=n,
        block_errors=int(block_errors.sum()),
        bits=n * config.tbs,
        bit_errors=int(wrong.sum()),
    )


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
    n = check_int(batch_size, "batch_size", low=1)
    bits = rng.integers(0, 2, size=(n, config.block_length), dtype=np.uint8)
    no = ebno_db_to_no(snr_db, code_rate=1.0, modulation_order=1)
    llr = bpsk_awgn_llr(bits, no, rng=rng)
    wrong = (llr < 0).astype(np.uint8) != bits
    return BatchCounts(
        blocks=n,
        block_errors=int(wrong.any(axis=-1).sum()),
        bits=bits.size,
        bit_errors=int(wrong.sum()),
    )


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
        Axis label of the SNR (``"Eb/N0 [dB]"``).
    batch_size : int
        Default blocks per batch.

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
        return replace(self, config=replace(self.config, **overrides))

    def batch_function(self) -> BatchFunction:
        """``simulate_batch(snr_db, batch_size, rng)`` with this preset's config bound."""
        return functools.partial(self.simulate, self.config)


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
