"""TS 38.214 V17 §5.1.2.1 / §6.1.2.1 and TS 38.321 §5.3.2 / §5.4.2: one HARQ process, explicit state.

A HARQ process retransmits a transport block with the redundancy versions ``rv_id`` 0, 2, 3, 1
(the order of TS 38.214 Table 5.1.2.1-2 / Table 6.1.2.1-2 for repetitions and the usual order of
retransmissions) and combines each reception with the soft buffer of the earlier ones (TS 38.212
§5.4.2 rate recovery, done by :func:`opennr.coding.sch.sch_decode`). The state is a frozen
dataclass passed in and returned: nothing is mutated in place, there is no hidden counter.

Catalogue: :data:`RV_SEQUENCE`, :class:`HarqState`, :func:`harq_start`, :func:`harq_next_rv`,
:func:`harq_update`, :func:`run_harq`, :class:`HarqRunResult`, and :func:`harq_receive` (one PDSCH/PUSCH
reception through :func:`opennr.receiver.shared_channel_receive` with the state's rv and buffer).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from opennr._validation import check_int

__all__ = [
    "RV_SEQUENCE",
    "HarqRunResult",
    "HarqState",
    "harq_next_rv",
    "harq_receive",
    "harq_start",
    "harq_update",
    "run_harq",
]

_CLAUSE = "TS 38.214 §5.1.2.1 / §6.1.2.1"
#: TS 38.214 §5.1.2.1 / §6.1.2.1: rv_id of the n-th transmission, n mod 4 (Table 5.1.2.1-2).
RV_SEQUENCE: tuple[int, ...] = (0, 2, 3, 1)


def _check_rv_sequence(rv_sequence) -> tuple[int, ...]:
    if isinstance(rv_sequence, str | bytes) or not isinstance(rv_sequence, Sequence | np.ndarray):
        raise TypeError(
            f"rv_sequence must be a sequence of integers in 0..3, got "
            f"{type(rv_sequence).__name__} ({_CLAUSE})"
        )
    seq = tuple(check_int(rv, "rv_sequence entry", low=0, high=3, clause=_CLAUSE)
                for rv in rv_sequence)
    if not seq:
        raise ValueError(f"rv_sequence must not be empty, e.g. {RV_SEQUENCE} ({_CLAUSE})")
    if seq[0] != 0:
        raise ValueError(
            f"rv_sequence must start with rv_id 0 (the self-decodable first transmission), got "
            f"{seq} ({_CLAUSE})"
        )
    return seq


@dataclass(frozen=True)
class HarqState:
    """TS 38.321 §5.3.2.2 / TS 38.214 §5.1.2.1: the state of one HARQ process.

    Attributes
    ----------
    soft_buffer : numpy.ndarray of float32, shape [..., C, N], or tuple of two, or None
        Combined soft buffer of the transport block in flight (``None`` before its first
        reception). Never written to in place.
    transmission_index : int
        Number of transmissions of the current transport block received so far (0 for a new one).
    acked : bool
        Whether the last reception passed the TB CRC (TS 38.212 §7.2.1). After an ACK the buffer is
        flushed and the index reset: the next transmission is a new transport block.
    rv_sequence : tuple of int, default (0, 2, 3, 1)
        The rv_id order, entry ``transmission_index mod len``.

    Examples
    --------
    >>> state = harq_start()
    >>> state.transmission_index, state.acked, state.soft_buffer is None
    (0, False, True)
    """

    soft_buffer: Any
    transmission_index: int
    acked: bool
    rv_sequence: tuple[int, ...] = RV_SEQUENCE

    def __post_init__(self):
        check_int(self.transmission_index, "transmission_index", low=0, clause=_CLAUSE)
        if not isinstance(self.acked, bool | np.bool_):
            raise TypeError(f"acked must be a bool, got {type(self.acked).__name__}")
        object.__setattr__(self, "rv_sequence", _check_rv_sequence(self.rv_sequence))


def harq_start(rv_sequence: Sequence[int] = RV_SEQUENCE) -> HarqState:
    """TS 38.321 §5.3.2.2: a HARQ process with an empty soft buffer, before a new transmission.

    Parameters
    ----------
    rv_sequence : sequence of int, default (0, 2, 3, 1)
        rv_id per transmission (TS 38.214 §5.1.2.1 / §6.1.2.1); entries in 0..3, first entry 0.

    Returns
    -------
    HarqState

    Examples
    --------
    >>> harq_next_rv(harq_start())
    0
    >>> harq_start(rv_sequence=(0, 0)).rv_sequence
    (0, 0)
    """
    return HarqState(soft_buffer=None, transmission_index=0, acked=False,
                     rv_sequence=_check_rv_sequence(rv_sequence))


def _check_state(state) -> HarqState:
    if not isinstance(state, HarqState):
        raise TypeError(f"state must be a HarqState (see harq_start), got {type(state).__name__}")
    return state


def harq_next_rv(state: HarqState) -> int:
    """TS 38.214 §5.1.2.1 / §6.1.2.1: rv_id of the next transmission, 0, 2, 3, 1, 0, ...

    Parameters
    ----------
    state : HarqState

    Returns
    -------
    int
        ``rv_sequence[transmission_index mod len(rv_sequence)]``.

    Examples
    --------
    >>> [harq_next_rv(HarqState(None, i, False)) for i in range(6)]
    [0, 2, 3, 1, 0, 2]
    """
    state = _check_state(state)
    seq = state.rv_sequence
    return seq[state.transmission_index % len(seq)]


def _all_ok(tb_crc_ok) -> bool:
    if isinstance(tb_crc_ok, tuple | list):
        return all(_all_ok(x) for x in tb_crc_ok)
    arr = np.asarray(tb_crc_ok)
    if arr.dtype != bool:
        raise TypeError(f"decode_result.tb_crc_ok must be a bool array, got dtype {arr.dtype}")
    return bool(arr.all())


def harq_update(state: HarqState, decode_result) -> HarqState:
    """TS 38.321 §5.3.2.2 / TS 38.212 §5.4.2: a new state after one reception (ACK or NACK).

    On NACK the combined soft buffer of ``decode_result`` is kept and the transmission index
    advanced, so the next transmission uses the next rv_id and combines. On ACK (every TB CRC in
    the batch passed, TS 38.212 §7.2.1) the buffer is flushed and the index reset to 0: the next
    transmission starts a new transport block with ``rv_id`` 0.

    Parameters
    ----------
    state : HarqState
        The state the reception was decoded with (not modified).
    decode_result : SchDecodeResult or SharedChannelReceiveResult
        Anything with ``tb_crc_ok`` (bool array [...], or a tuple of them) and ``soft_buffer``.

    Returns
    -------
    HarqState

    Examples
    --------
    >>> from opennr.coding.sch import sch_encode, sch_decode
    >>> rng = np.random.default_rng(0)
    >>> tb = rng.integers(0, 2, 200, dtype=np.uint8)
    >>> state = harq_start()
    >>> rv = harq_next_rv(state)
    >>> cw = sch_encode(tb, target_code_rate=0.5, modulation_order=2, g=400, rv=rv)
    >>> res = sch_decode(8.0 * (1 - 2.0 * cw), tbs=200, target_code_rate=0.5,
    ...                  modulation_order=2, rv=rv, soft_buffer=state.soft_buffer)
    >>> new = harq_update(state, res)
    >>> new.acked, new.transmission_index, state.transmission_index
    (True, 0, 0)
    """
    state = _check_state(state)
    for attr in ("tb_crc_ok", "soft_buffer"):
        if not hasattr(decode_result, attr):
            raise TypeError(
                f"decode_result must have a {attr!r} attribute (SchDecodeResult or "
                f"SharedChannelReceiveResult), got {type(decode_result).__name__}"
            )
    if _all_ok(decode_result.tb_crc_ok):
        return replace(state, soft_buffer=None, transmission_index=0, acked=True)
    return replace(state, soft_buffer=decode_result.soft_buffer,
                   transmission_index=state.transmission_index + 1, acked=False)


@dataclass(frozen=True)
class HarqRunResult:
    """TS 38.321 §5.3.2 / §5.4.2: the outcome of :func:`run_harq` for one transport block.

    Attributes
    ----------
    rvs : tuple of int
        rv_id of each transmission sent.
    crc_ok : tuple of bool
        TB CRC outcome after each transmission (combined with the earlier ones).
    acked : bool
        Whether the transport block was decoded within the limit.
    num_transmissions : int
        Number of transmissions sent (``len(rvs)``).
    last_result : object
        The ``receive_fn`` result of the last transmission (decoded bits, soft buffer, ...).
    """

    rvs: tuple[int, ...]
    crc_ok: tuple[bool, ...]
    acked: bool
    num_transmissions: int
    last_result: Any


def run_harq(
    transmit_fn: Callable[[int], Any],
    receive_fn: Callable[[Any, int, Any], Any],
    max_transmissions: int = 4,
    *,
    rv_sequence: Sequence[int] = RV_SEQUENCE,
) -> HarqRunResult:
    """TS 38.321 §5.3.2 / TS 38.214 §5.1.2.1: send one transport block until ACK or the limit.

    Transmission ``n`` (0-based) sends ``rx = transmit_fn(rv)`` with ``rv = rv_sequence[n mod
    len]`` and decodes ``receive_fn(rx, rv, soft_buffer)``, combining with the soft buffer of the
    transmissions before; it stops at the first TB CRC pass or after ``max_transmissions``.

    Parameters
    ----------
    transmit_fn : callable ``(rv) -> received``
        Encodes the (fixed) transport block with this rv_id and passes it through the channel.
    receive_fn : callable ``(received, rv, soft_buffer) -> result``
        Decodes with HARQ combining; ``result`` has ``tb_crc_ok`` and ``soft_buffer``
        (e.g. :func:`opennr.coding.sch.sch_decode`, :func:`shared_channel_receive`).
    max_transmissions : int, default 4
        Largest number of transmissions (>= 1).
    rv_sequence : sequence of int, default (0, 2, 3, 1)

    Returns
    -------
    HarqRunResult

    Examples
    --------
    >>> from opennr.coding.sch import sch_encode, sch_decode
    >>> tb = np.random.default_rng(0).integers(0, 2, 200, dtype=np.uint8)
    >>> kw = dict(target_code_rate=0.5, modulation_order=2)
    >>> tx = lambda rv: 8.0 * (1 - 2.0 * sch_encode(tb, g=400, rv=rv, **kw))
    >>> rx = lambda llr, rv, buf: sch_decode(llr, tbs=200, rv=rv, soft_buffer=buf, **kw)
    >>> out = run_harq(tx, rx)
    >>> out.rvs, out.crc_ok, out.acked
    ((0,), (True,), True)
    """
    if not callable(transmit_fn):
        raise TypeError(f"transmit_fn must be callable, got {type(transmit_fn).__name__}")
    if not callable(receive_fn):
        raise TypeError(f"receive_fn must be callable, got {type(receive_fn).__name__}")
    max_transmissions = check_int(max_transmissions, "max_transmissions", low=1,
                                  clause="TS 38.321 §5.4.2.1 (HARQ retransmissions)")
    state = harq_start(rv_sequence)
    rvs: list[int] = []
    crc_ok: list[bool] = []
    result = None
    for _ in range(max_transmissions):
        rv = harq_next_rv(state)
        result = receive_fn(transmit_fn(rv), rv, state.soft_buffer)
        state = harq_update(state, result)
        rvs.append(rv)
        crc_ok.append(state.acked)
        if state.acked:
            break
    return HarqRunResult(rvs=tuple(rvs), crc_ok=tuple(crc_ok), acked=bool(crc_ok[-1]),
                         num_transmissions=len(rvs), last_result=result)


def harq_receive(state: HarqState, rx_grid, config, carrier, **receive_kwargs):
    """TS 38.214 §5.1.2.1 / §6.1.2.1 and TS 38.212 §5.4.2: one PDSCH/PUSCH reception of a HARQ process.

    Decodes ``rx_grid`` with :func:`opennr.receiver.shared_channel_receive`, using the rv_id
    :func:`harq_next_rv` gives for ``state`` and its soft buffer, and returns the result with the
    updated state (:func:`harq_update`). ``[..., R, K, L] -> (SharedChannelReceiveResult, HarqState)``.

    Parameters
    ----------
    state : HarqState
        The process before this reception (not modified).
    rx_grid : array_like of complex, shape [..., R, K, L]
        The received slot, sent with ``rv = harq_next_rv(state)``.
    config : SharedChannelConfig
    carrier : opennr.ofdm.CarrierConfig
    **receive_kwargs
        The other arguments of :func:`~opennr.receiver.shared_channel_receive` (``tbs``,
        ``target_code_rate``, ``noise_var``, ``channel``, ...); ``rv`` and ``soft_buffer`` come
        from ``state`` and must not be given.

    Returns
    -------
    result : SharedChannelReceiveResult
    new_state : HarqState

    Examples
    --------
    >>> from opennr.ofdm import CarrierConfig
    >>> from opennr.physical_channels import SharedChannelConfig, pusch_transmit
    >>> carrier, cfg = CarrierConfig(n_size_grid=4), SharedChannelConfig(direction="uplink")
    >>> tb = np.random.default_rng(0).integers(0, 2, 400, dtype=np.uint8)
    >>> state = harq_start()
    >>> grid = pusch_transmit(tb, cfg, carrier, target_code_rate=0.5, rv=harq_next_rv(state))
    >>> res, state = harq_receive(state, grid, cfg, carrier, tbs=400, target_code_rate=0.5,
    ...                           noise_var=1e-3)
    >>> bool(res.tb_crc_ok), state.acked, state.transmission_index
    (True, True, 0)
    """
    from opennr.receiver.shared_channel_receiver import shared_channel_receive

    state = _check_state(state)
    for key in ("rv", "soft_buffer"):
        if key in receive_kwargs:
            raise TypeError(f"harq_receive takes {key!r} from the HARQ state; do not pass it ({_CLAUSE})")
    result = shared_channel_receive(rx_grid, config, carrier, rv=harq_next_rv(state),
                                    soft_buffer=state.soft_buffer, **receive_kwargs)
    return result, harq_update(state, result)
