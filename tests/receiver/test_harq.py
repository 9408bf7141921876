"""HARQ process (TS 38.214 §5.1.2.1 rv order 0, 2, 3, 1; TS 38.212 §5.4.2 soft combining).

The link: ``sch_encode`` (A = 400, R = 0.5, G = 800, Q_m = 2 bit labels) -> BPSK over real AWGN at
Es/N0 = -3 dB (``N0 = 10^0.3``, exact LLR ``4 y / N0``) -> ``sch_decode`` with the soft buffer. With
seed 7 the first transmission alone decodes 0 of 24 TBs, the combined run all 24, each after two
transmissions (rv 0 + rv 2); decoding each transmission alone, 0 of 24 after four (measured).
"""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from types import SimpleNamespace

import numpy as np
import pytest

from opennr.coding.sch import sch_decode, sch_encode
from opennr.link.awgn import awgn_real, bpsk_modulate
from opennr.receiver.harq import (
    RV_SEQUENCE,
    HarqRunResult,
    HarqState,
    harq_next_rv,
    harq_start,
    harq_update,
    run_harq,
)

A, RATE, G, QM = 400, 0.5, 800, 2
SNR_DB = -3.0
NO = 10.0 ** (-SNR_DB / 10.0)
N_TB = 24


def _channel(tb, rv, rng):
    cw = sch_encode(tb, target_code_rate=RATE, modulation_order=QM, g=G, rv=rv)
    return 4.0 * awgn_real(bpsk_modulate(cw), NO, rng=rng) / NO


def _decode(llr, rv, buf):
    return sch_decode(llr, tbs=A, target_code_rate=RATE, modulation_order=QM, rv=rv,
                      soft_buffer=buf)


def test_rv_sequence_constant():
    assert RV_SEQUENCE == (0, 2, 3, 1)


def test_combining_decodes_where_first_transmission_fails():
    rng = np.random.default_rng(7)
    tbs = rng.integers(0, 2, (N_TB, A), dtype=np.uint8)
    first_ok, acked, n_tx = 0, 0, []
    for tb in tbs:
        out = run_harq(lambda rv, tb=tb: _channel(tb, rv, rng), _decode, max_transmissions=4)
        assert isinstance(out, HarqRunResult)
        first_ok += out.crc_ok[0]
        acked += out.acked
        n_tx.append(out.num_transmissions)
        if out.acked:
            assert np.array_equal(out.last_result.tb, tb)
            assert out.crc_ok == (False,) * (len(out.crc_ok) - 1) + (True,)
        assert out.rvs == RV_SEQUENCE[: out.num_transmissions]
    # Measured with seed 7: first 0/24, combined 24/24 (2 transmissions each); tolerances leave room for decoder changes.
    assert first_ok <= 3
    assert acked >= 22
    assert max(n_tx) >= 2


def test_without_combining_the_retransmissions_do_not_help():
    """Control: the same channel, each transmission decoded alone (soft buffer dropped)."""
    rng = np.random.default_rng(7)
    tbs = rng.integers(0, 2, (N_TB, A), dtype=np.uint8)
    acked = 0
    for tb in tbs:
        out = run_harq(lambda rv, tb=tb: _channel(tb, rv, rng),
                       lambda llr, rv, buf: _decode(llr, rv, None), max_transmissions=4)
        acked += out.acked
    assert acked <= 8  # far below the >= 22 of the combining run


def _nack(soft_buffer=None):
    return SimpleNamespace(tb_crc_ok=np.zeros(2, dtype=bool), soft_buffer=soft_buffer)


def test_rv_order_and_limit():
    sent = []

    def transmit(rv):
        sent.append(rv)
        return rv

    out = run_harq(transmit, lambda rx, rv, buf: _nack(np.full(3, rv, np.float32)),
                   max_transmissions=6)
    assert sent == [0, 2, 3, 1, 0, 2]
    assert out.rvs == (0, 2, 3, 1, 0, 2)
    assert out.crc_ok == (False,) * 6 and not out.acked and out.num_transmissions == 6
    state = harq_start()
    rvs = []
    for _ in range(5):
        rvs.append(harq_next_rv(state))
        state = harq_update(state, _nack())
    assert rvs == [0, 2, 3, 1, 0]


def test_receive_gets_previous_soft_buffer():
    seen = []

    def receive(rx, rv, buf):
        seen.append(None if buf is None else float(buf[0]))
        return _nack(np.full(3, 10.0 * (len(seen)), np.float32))

    run_harq(lambda rv: rv, receive, max_transmissions=3)
    assert seen == [None, 10.0, 20.0]


def test_state_not_mutated_and_ack_resets():
    rng = np.random.default_rng(3)
    tb = rng.integers(0, 2, A, dtype=np.uint8)
    s0 = harq_start()
    # a NACK: pure noise at rv 0
    res0 = _decode(rng.normal(0.0, 0.1, G).astype(np.float32), 0, s0.soft_buffer)
    s1 = harq_update(s0, res0)
    assert (s0.soft_buffer, s0.transmission_index, s0.acked) == (None, 0, False)
    assert s1.transmission_index == 1 and not s1.acked and s1.soft_buffer is res0.soft_buffer
    snapshot = s1.soft_buffer.copy()
    rv = harq_next_rv(s1)
    assert rv == 2
    # rv 2 skips most systematic bits; a long retransmission (G = 2400) wraps round the buffer.
    cw = sch_encode(tb, target_code_rate=RATE, modulation_order=QM, g=2400, rv=rv)
    res1 = _decode(20.0 * (1 - 2.0 * cw), rv, s1.soft_buffer)
    assert np.array_equal(s1.soft_buffer, snapshot)  # the old state's buffer is untouched
    s2 = harq_update(s1, res1)
    assert s2.acked and s2.transmission_index == 0 and s2.soft_buffer is None
    assert harq_next_rv(s2) == 0  # new TB
    assert s1.transmission_index == 1 and not s1.acked
    with pytest.raises(FrozenInstanceError):
        s1.acked = True


def test_two_codeword_tuple_results():
    ok = SimpleNamespace(tb_crc_ok=(np.array(True), np.array(True)), soft_buffer=(1, 2))
    half = SimpleNamespace(tb_crc_ok=(np.array(True), np.array(False)), soft_buffer=(1, 2))
    assert harq_update(harq_start(), ok).acked
    st = harq_update(harq_start(), half)
    assert not st.acked and st.soft_buffer == (1, 2)


def test_custom_rv_sequence():
    state = harq_start(rv_sequence=[0, 0])
    assert state.rv_sequence == (0, 0)
    assert harq_next_rv(harq_update(state, _nack())) == 0
    out = run_harq(lambda rv: rv, lambda rx, rv, buf: _nack(), 3, rv_sequence=(0, 3))
    assert out.rvs == (0, 3, 0)


@pytest.mark.parametrize("seq, exc", [
    ((), ValueError),
    ((0, 4), ValueError),
    ((0, -1), ValueError),
    ((2, 0, 3, 1), ValueError),  # must start with the self-decodable rv 0
    ((0, 2.0), TypeError),
    ("0231", TypeError),
    (0, TypeError),
])
def test_bad_rv_sequence(seq, exc):
    with pytest.raises(exc, match="rv_sequence"):
        harq_start(rv_sequence=seq)
    with pytest.raises(exc, match="rv_sequence"):
        run_harq(lambda rv: rv, lambda rx, rv, buf: _nack(), rv_sequence=seq)


@pytest.mark.parametrize("m, exc", [(0, ValueError), (-1, ValueError), (2.0, TypeError),
                                    (True, TypeError)])
def test_bad_max_transmissions(m, exc):
    with pytest.raises(exc, match="max_transmissions"):
        run_harq(lambda rv: rv, lambda rx, rv, buf: _nack(), max_transmissions=m)


def test_bad_other_inputs():
    with pytest.raises(TypeError, match="transmit_fn"):
        run_harq(None, lambda rx, rv, buf: _nack())
    with pytest.raises(TypeError, match="receive_fn"):
        run_harq(lambda rv: rv, "decode")
    with pytest.raises(TypeError, match="state"):
        harq_next_rv((None, 0, False))
    with pytest.raises(TypeError, match="state"):
        harq_update("state", _nack())
    with pytest.raises(TypeError, match="tb_crc_ok"):
        harq_update(harq_start(), SimpleNamespace(soft_buffer=None))
    with pytest.raises(TypeError, match="tb_crc_ok"):
        harq_update(harq_start(), SimpleNamespace(tb_crc_ok=np.ones(2), soft_buffer=None))
    with pytest.raises(ValueError, match="transmission_index"):
        HarqState(None, -1, False)
    with pytest.raises(TypeError, match="acked"):
        HarqState(None, 0, 1)
