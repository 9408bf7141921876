"""Benchmark of one PDSCH link slot (TS 38.211 §7.3.1 / §7.4.1.1), one CPU thread.

PDSCH of 106 PRB, 30 kHz, 14 symbols, 2 layers (ports 1000/1001, DM-RS type 1 at symbol 2 plus
one additional position, one CDM group without data), 64QAM MCS 20 of table 1 (R = 666/1024).
Transmitter (DL-SCH coding, scrambling, modulation, layer mapping, DM-RS, grid) -> a fixed random
2 x 2 flat channel + AWGN at 25 dB (SNR = 1 / N0 per RE and receive antenna) -> receiver with
practical estimation: LS DM-RS estimate with CDM despreading and linear (or Wiener) interpolation
and the noise-variance estimate (:func:`opennr.receiver.dmrs_channel_estimate`), per-RE LMMSE,
soft demapping, DL-SCH decoding (layered SPA, 20 iterations, early termination).

Sionna 2.2 has no PDSCH (only PUSCH), so there is no PDSCH figure to compare with; as a reference
point the script also times a PUSCH slot of the same size (106 PRB, 30 kHz, 2 layers, 64QAM
MCS 20, non-codebook, Sionna's default DM-RS: type 1 at symbol 2, two CDM groups without data) in
OpenNR and in Sionna's ``PUSCHTransmitter`` + ``AWGN`` + ``PUSCHReceiver`` (LS, linear
interpolation, LMMSE, 20-iteration LDPC), identity channel to 2 receive antennas.

    python benchmarks/bench_pdsch.py                  # ms/slot per stage, slots/s; PUSCH vs Sionna
    python benchmarks/bench_pdsch.py --no-sionna
"""

from __future__ import annotations

import argparse
import time

import _common  # before NumPy: pins every thread pool to one thread
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

CARRIER = CarrierConfig(n_size_grid=106, subcarrier_spacing=30)
PDSCH = SharedChannelConfig(direction="downlink", modulation="64QAM", num_layers=2,
                            dmrs=DmrsConfig(additional_position=1, num_cdm_groups_without_data=1))
PUSCH = SharedChannelConfig(direction="uplink", modulation="64QAM", num_layers=2,
                            dmrs=DmrsConfig(c_init_release=15))
MCS = mcs_entry(20, "qam64")


def _tbs(cfg):
    n_re = shared_channel_indices(cfg, CARRIER).size
    return transport_block_size(6, 2, 106, n_re // 106, MCS.target_code_rate)


def _time(fn, min_time):
    """Seconds per call: best of 3 rounds of at least ``min_time / 3`` each, after a warm-up."""
    fn()
    best = float("inf")
    for _ in range(3):
        t0, n = time.perf_counter(), 0
        while True:
            fn()
            n += 1
            dt = time.perf_counter() - t0
            if dt >= min_time / 3:
                break
        best = min(best, dt / n)
    return best


def pdsch_link(rng, interpolation, snr_db=25.0, stages=None):
    """One PDSCH slot through TX, channel, RX; returns True when the TB CRC passed."""
    tbs = _tbs(PDSCH)
    bits = rng.integers(0, 2, tbs, dtype=np.uint8)
    no = 10.0 ** (-snr_db / 10.0)
    h = np.array([[0.9 + 0.3j, -0.4 + 0.2j], [0.3 - 0.5j, 0.8 + 0.1j]], np.complex64)
    t0 = time.perf_counter()
    x = pdsch_transmit(bits, PDSCH, CARRIER, target_code_rate=MCS.target_code_rate)  # [2, K, L]
    t1 = time.perf_counter()
    y = awgn_complex(np.einsum("rp,pkl->rkl", h, x), no, rng=rng).astype(np.complex64)
    t2 = time.perf_counter()
    est = dmrs_channel_estimate(y, PDSCH, CARRIER, interpolation=interpolation)
    t3 = time.perf_counter()
    res = shared_channel_receive(y, PDSCH, CARRIER, tbs=tbs, target_code_rate=MCS.target_code_rate,
                                 noise_var=est.noise_var, channel=est.h, channel_includes_precoding=True)
    t4 = time.perf_counter()
    if stages is not None:
        for name, dt in (("transmit", t1 - t0), ("channel+AWGN", t2 - t1), ("estimate", t3 - t2),
                         ("receive", t4 - t3)):
            stages.setdefault(name, []).append(dt)
    return bool(res.tb_crc_ok) and bool((res.tb == bits).all())


def pusch_link(rng, batch, snr_db=25.0):
    tbs = _tbs(PUSCH)
    bits = rng.integers(0, 2, (batch, tbs), dtype=np.uint8)
    x = pusch_transmit(bits, PUSCH, CARRIER, target_code_rate=MCS.target_code_rate)
    y = awgn_complex(x, 10.0 ** (-snr_db / 10.0), rng=rng).astype(np.complex64)
    est = dmrs_channel_estimate(y, PUSCH, CARRIER)
    res = shared_channel_receive(y, PUSCH, CARRIER, tbs=tbs, target_code_rate=MCS.target_code_rate,
                                 noise_var=est.noise_var, channel=est.h, channel_includes_precoding=True)
    return int(np.count_nonzero(~res.tb_crc_ok))


def sionna_pusch(sp):
    cfg = sp.nr.PUSCHConfig()
    cfg.carrier.n_size_grid = 106
    cfg.carrier.subcarrier_spacing = 30
    cfg.num_layers = 2
    cfg.num_antenna_ports = 2
    cfg.tb.mcs_index = 20
    cfg.tb.mcs_table = 1
    tx = sp.nr.PUSCHTransmitter(cfg, output_domain="freq")
    rx = sp.nr.PUSCHReceiver(tx, input_domain="freq")
    return cfg, tx, rx, sp.channel.AWGN()


def sionna_slots(torch, parts, batch, snr_db=25.0):
    _, tx, rx, awgn = parts
    no = torch.tensor(10.0 ** (-snr_db / 10.0), dtype=torch.float32)
    with torch.no_grad():
        x, b = tx(batch)
        b_hat = rx(awgn(x, no), no)
    return int((b_hat != b).any(-1).sum())


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--min-time", type=float, default=6.0, help="seconds per timing")
    p.add_argument("--batch", type=int, default=4, help="PUSCH slots per call (Sionna comparison)")
    p.add_argument("--no-sionna", action="store_true")
    a = p.parse_args()
    rng = np.random.default_rng(1)
    print(f"PDSCH 106 PRB, 30 kHz, 2 layers, 64QAM MCS 20, TBS {_tbs(PDSCH)}, 2x2 flat channel, "
          "25 dB, 1 thread")
    for interp in ("linear", "wiener"):
        assert pdsch_link(rng, interp), "the benchmark slot must decode"
        t = _time(lambda interp=interp: pdsch_link(rng, interp), a.min_time)
        stages: dict[str, list[float]] = {}
        for _ in range(5):
            pdsch_link(rng, interp, stages=stages)
        parts = ", ".join(f"{k} {1e3 * min(v):.1f}" for k, v in stages.items())
        print(f"  LS + {interp:6s}: {t * 1e3:8.1f} ms/slot  {1 / t:7.1f} slots/s   ({parts} ms)")

    sp, torch = (None, None) if a.no_sionna else _common.load_sionna()
    print(f"PUSCH of the same size (TBS {_tbs(PUSCH)}), identity channel, 2 Rx, 25 dB, batch {a.batch}")
    t = _time(lambda: pusch_link(rng, a.batch), a.min_time)
    ours = a.batch / t
    print(f"  OpenNR : {ours:8.1f} slots/s")
    if sp is not None:
        parts = sionna_pusch(sp)
        assert parts[0].tb_size == _tbs(PUSCH), (parts[0].tb_size, _tbs(PUSCH))
        ts = _time(lambda: sionna_slots(torch, parts, a.batch), a.min_time)
        sion = a.batch / ts
        print(f"  Sionna : {sion:8.1f} slots/s")
        print(f"  ratio  : {ours / sion:8.1f} x Sionna")


if __name__ == "__main__":
    main()
