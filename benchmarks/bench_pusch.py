"""Benchmark of one PUSCH link slot (TS 38.211 §6.3.1 / §6.4.1.1) against Sionna 2.2, one CPU thread.

W4: Sionna's default ``PUSCHConfig`` (4 PRB, 15 kHz, 14 symbols, 1 layer, MCS 14 of table 1 =
16QAM R = 553/1024, TBS 1352, DM-RS type 1 at symbol 2, no additional position, Rel-15 DM-RS
``c_init``, N_ID^cell = 1, n_RNTI = 1). Frequency-domain transmitter, AWGN (SNR = 1 / N0 per RE),
receiver with practical estimation: LS DM-RS channel and noise estimate
(:func:`opennr.receiver.dmrs_channel_estimate`), LMMSE, soft demapping, UL-SCH decoding (layered
SPA, 20 iterations, early termination). Sionna: ``PUSCHTransmitter(output_domain="freq")`` +
``AWGN`` + ``PUSCHReceiver(input_domain="freq")`` (its defaults: LS estimation with linear
interpolation, LMMSE, 20-iteration LDPC decoding). Slots are batched (``--batch`` per call).

Also times one PDSCH slot of 106 PRB, 30 kHz, 2 layers, 64QAM (MCS 20 of table 1), identity channel
to 2 receive antennas at 30 dB (ours only; known channel and noise variance).

    python benchmarks/bench_pusch.py                # slots/s, ours vs Sionna, ratio
    python benchmarks/bench_pusch.py --bler         # BLER at 8.0 and 8.5 dB
    python benchmarks/bench_pusch.py --bler --interpolation wiener   # Wiener (100 ns prior) estimates
"""

from __future__ import annotations

import _common  # noqa: F401  (first: one thread everywhere)

import argparse
import time

import numpy as np

from opennr.link.awgn import awgn_complex
from opennr.ofdm import CarrierConfig
from opennr.physical_channels import (
    DmrsConfig,
    SharedChannelConfig,
    pdsch_transmit,
    pusch_transmit,
    shared_channel_indices,
)
from opennr.receiver import dmrs_channel_estimate, shared_channel_receive
from opennr.scheduling import mcs_entry, transport_block_size

W4_CARRIER = CarrierConfig(n_size_grid=4, subcarrier_spacing=15, n_cell_id=1)
W4_CONFIG = SharedChannelConfig(direction="uplink", modulation="16QAM", rnti=1,
                                dmrs=DmrsConfig(c_init_release=15))
W4_MCS = mcs_entry(14, "qam64")
W4_TBS = 1352


_sionna = _common.load_sionna


def _time(fn, min_time=2.0, repeats=3):
    """Seconds per call: best of ``repeats`` rounds of at least ``min_time / repeats`` each."""
    fn()
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        n = 0
        while True:
            fn()
            n += 1
            dt = time.perf_counter() - t0
            if dt >= min_time / repeats:
                break
        best = min(best, dt / n)
    return best


#: Channel-estimate interpolation of our receiver (``--interpolation``); Wiener with a 100 ns prior.
ESTIMATOR = {"interpolation": "linear"}


def w4_slots(batch, snr_db, rng):
    """One call of the W4 link: ``batch`` slots; returns the number of block errors."""
    rate = W4_MCS.target_code_rate
    bits = rng.integers(0, 2, (batch, W4_TBS), dtype=np.uint8)
    x = pusch_transmit(bits, W4_CONFIG, W4_CARRIER, target_code_rate=rate)   # [B, 1, K, L]
    y = awgn_complex(x, 10.0 ** (-snr_db / 10.0), rng=rng)                     # [B, R=1, K, L]
    est = dmrs_channel_estimate(y, W4_CONFIG, W4_CARRIER, **ESTIMATOR)
    res = shared_channel_receive(y, W4_CONFIG, W4_CARRIER, tbs=W4_TBS, target_code_rate=rate,
                                 noise_var=est.noise_var, channel=est.h,
                                 channel_includes_precoding=True)
    return int(np.count_nonzero(~(res.tb_crc_ok & (res.tb == bits).all(-1))))


def sionna_w4(sp):
    cfg = sp.nr.PUSCHConfig()
    tx = sp.nr.PUSCHTransmitter(cfg, output_domain="freq")
    rx = sp.nr.PUSCHReceiver(tx, input_domain="freq")
    awgn = sp.channel.AWGN()
    assert cfg.tb_size == W4_TBS and cfg.tb.mcs_index == 14 and cfg.carrier.n_size_grid == 4
    return tx, rx, awgn


def sionna_slots(sp, torch, parts, batch, snr_db):
    tx, rx, awgn = parts
    no = torch.tensor(10.0 ** (-snr_db / 10.0), dtype=torch.float32)
    with torch.no_grad():
        x, b = tx(batch)
        y = awgn(x, no)
        b_hat = rx(y, no)
    return int((b_hat != b).any(-1).sum())


def pdsch_slot_setup(rng, batch=1):
    carrier = CarrierConfig(n_size_grid=106, subcarrier_spacing=30)
    cfg = SharedChannelConfig(direction="downlink", modulation="64QAM", num_layers=2,
                              dmrs=DmrsConfig(num_cdm_groups_without_data=1))
    mcs = mcs_entry(20, "qam64")
    n_re = shared_channel_indices(cfg, carrier).size
    tbs = transport_block_size(6, 2, 106, n_re // 106, mcs.target_code_rate)
    bits = rng.integers(0, 2, (batch, tbs), dtype=np.uint8)
    no = 1e-3
    return carrier, cfg, mcs, tbs, bits, no


def pdsch_slot(carrier, cfg, mcs, tbs, bits, no, rng):
    x = pdsch_transmit(bits, cfg, carrier, target_code_rate=mcs.target_code_rate)  # [B, 2, K, L]
    y = awgn_complex(x, no, rng=rng)          # identity channel: R = 2 antennas = 2 ports
    res = shared_channel_receive(y, cfg, carrier, tbs=tbs, target_code_rate=mcs.target_code_rate,
                                 noise_var=no)
    return int(np.count_nonzero(~res.tb_crc_ok))


def throughput(sp, torch, batch, min_time, snr_db):
    rng = np.random.default_rng(1)
    t = _time(lambda: w4_slots(batch, snr_db, rng), min_time)
    ours = batch / t
    print(f"W4 PUSCH (4 PRB, 16QAM, TBS {W4_TBS}, LS + LMMSE + LDPC), {snr_db} dB, "
          f"batch {batch}, 1 thread")
    print(f"  OpenNR : {ours:10.1f} slots/s")
    if sp is not None:
        parts = sionna_w4(sp)
        ts = _time(lambda: sionna_slots(sp, torch, parts, batch, snr_db), min_time)
        sion = batch / ts
        print(f"  Sionna : {sion:10.1f} slots/s")
        print(f"  ratio  : {ours / sion:10.1f} x Sionna")
    setup = pdsch_slot_setup(rng)
    tp = _time(lambda: pdsch_slot(*setup, rng), min_time)
    print(f"PDSCH slot (106 PRB, 30 kHz, 2 layers, 64QAM MCS 20, TBS {setup[3]}, identity channel, "
          f"2 Rx, 30 dB, known channel)")
    print(f"  OpenNR : {tp * 1e3:10.2f} ms/slot  ({1 / tp:.1f} slots/s)")


def bler(sp, torch, slots, batch, sionna_seconds):
    rng = np.random.default_rng(2)
    parts = sionna_w4(sp) if sp is not None else None
    print(f"{'SNR dB':>7}  {'ours BLER':>10} {'slots':>7}  {'Sionna BLER':>12} {'slots':>7}")
    for snr in (8.0, 8.5):
        n = err = 0
        while n < slots:
            err += w4_slots(batch, snr, rng)
            n += batch
        line = f"{snr:>7.1f}  {err / n:>10.4f} {n:>7d}"
        if parts is not None:
            ns = es = 0
            t0 = time.perf_counter()
            while time.perf_counter() - t0 < sionna_seconds:
                es += sionna_slots(sp, torch, parts, batch, snr)
                ns += batch
            line += f"  {es / ns:>12.4f} {ns:>7d}"
        print(line)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bler", action="store_true", help="BLER at 8.0 and 8.5 dB instead of timing")
    p.add_argument("--batch", type=int, default=64, help="slots per call")
    p.add_argument("--snr", type=float, default=10.0, help="SNR (dB) of the timing run")
    p.add_argument("--slots", type=int, default=4096, help="our slots per BLER point")
    p.add_argument("--sionna-seconds", type=float, default=60.0,
                   help="seconds of Sionna simulation per BLER point")
    p.add_argument("--min-time", type=float, default=3.0, help="seconds per timing")
    p.add_argument("--no-sionna", action="store_true")
    p.add_argument("--interpolation", choices=("linear", "wiener"), default="linear",
                   help="our DM-RS estimate interpolation (wiener: 100 ns RMS delay-spread prior)")
    a = p.parse_args()
    ESTIMATOR["interpolation"] = a.interpolation
    if a.interpolation == "wiener":
        ESTIMATOR["delay_spread"] = 100e-9
    sp, torch = (None, None) if a.no_sionna else _sionna()
    if a.bler:
        bler(sp, torch, a.slots, a.batch, a.sionna_seconds)
    else:
        throughput(sp, torch, a.batch, a.min_time, a.snr)


if __name__ == "__main__":
    main()
