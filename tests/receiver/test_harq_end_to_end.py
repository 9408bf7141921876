"""HARQ end to end (TS 38.214 §6.1.2.1 rv order 0, 2, 3, 1; TS 38.212 §6.2.5 soft combining): PUSCH
slots over AWGN, practical LS channel estimation, shared_channel_receive with the soft buffer of the
earlier transmissions. Fixed seeds; the SNRs are chosen where one transmission is not enough."""

from __future__ import annotations

import numpy as np
import pytest

from opennr.ofdm import CarrierConfig
from opennr.physical_channels import SharedChannelConfig, pdsch_transmit, pusch_transmit
from opennr.receiver import (
    dmrs_channel_estimate,
    harq_start,
    run_harq,
    shared_channel_receive,
)
from opennr.receiver.harq import harq_next_rv, harq_receive

TBS, RATE = 2000, 0.6
CARRIER = CarrierConfig(n_size_grid=8)
CFG = SharedChannelConfig(direction="uplink", modulation="16QAM")


def _link(snr_db, seed, cfg=CFG, tx_fn=pusch_transmit):
    rng = np.random.default_rng(seed)
    tb = rng.integers(0, 2, TBS, dtype=np.uint8)
    nv = 10 ** (-snr_db / 10)

    def transmit(rv):
        g = tx_fn(tb, cfg, CARRIER, target_code_rate=RATE, rv=rv)
        n = rng.standard_normal(g.shape) + 1j * rng.standard_normal(g.shape)
        return (g + np.sqrt(nv / 2) * n).astype(np.complex64)

    def receive(y, rv, buf):
        est = dmrs_channel_estimate(y, cfg, CARRIER)
        return shared_channel_receive(y, cfg, CARRIER, tbs=TBS, target_code_rate=RATE,
                                      noise_var=est.noise_var, channel=est.h,
                                      channel_includes_precoding=True, rv=rv, soft_buffer=buf)

    return tb, transmit, receive


def test_combining_rescues_a_failed_first_transmission():
    # 16QAM R 0.6, 8 PRB, SNR 3 dB, seed 0: rv 0 fails, rv 2 combined with it passes, while the
    # same rv-2 reception decoded alone fails (so the combining, not the rv, makes it pass).
    tb, transmit, receive = _link(3.0, 0)
    y0 = transmit(0)
    r0 = receive(y0, 0, None)
    assert not bool(r0.tb_crc_ok)
    y2 = transmit(2)
    assert not bool(receive(y2, 2, None).tb_crc_ok)
    r2 = receive(y2, 2, r0.soft_buffer)
    assert bool(r2.tb_crc_ok) and (r2.tb == tb).all()


def test_run_harq_walks_the_rv_sequence_until_ack():
    # SNR -1 dB, seed 0: NACK, NACK, NACK, ACK with rv 0, 2, 3, 1 (measured on seeds 0-2 alike).
    tb, transmit, receive = _link(-1.0, 0)
    out = run_harq(transmit, receive, max_transmissions=4)
    assert out.rvs == (0, 2, 3, 1)
    assert out.crc_ok == (False, False, False, True)
    assert out.acked and (out.last_result.tb == tb).all()


def test_harq_receive_state_machine_pdsch():
    # PDSCH, SNR 3 dB, seed 1: the HarqState carries buffer and index between receptions.
    cfg = SharedChannelConfig(modulation="16QAM")
    tb, transmit, _ = _link(3.0, 1, cfg, pdsch_transmit)
    state = harq_start()
    rvs, oks = [], []
    for _ in range(4):
        rv = harq_next_rv(state)
        y = transmit(rv)
        est = dmrs_channel_estimate(y, cfg, CARRIER)
        res, state = harq_receive(state, y, cfg, CARRIER, tbs=TBS, target_code_rate=RATE,
                                  noise_var=est.noise_var, channel=est.h, channel_includes_precoding=True)
        rvs.append(rv)
        oks.append(bool(res.tb_crc_ok))
        if state.acked:
            break
    assert rvs[:2] == [0, 2] and oks[0] is False and oks[-1] is True
    assert (res.tb == tb).all() and state.transmission_index == 0 and state.soft_buffer is None


def test_harq_receive_rejects_rv_and_buffer():
    grid = np.zeros((1, CARRIER.num_subcarriers, 14), np.complex64)
    for kw in ({"rv": 2}, {"soft_buffer": None}):
        with pytest.raises(TypeError, match="HARQ state"):
            harq_receive(harq_start(), grid, CFG, CARRIER, tbs=TBS, target_code_rate=RATE,
                         noise_var=1.0, **kw)
    with pytest.raises(TypeError, match="HarqState"):
        harq_receive("state", grid, CFG, CARRIER, tbs=TBS, target_code_rate=RATE, noise_var=1.0)
