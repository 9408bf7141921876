"""Benchmark: CDL-C frequency-domain channel for one OFDM slot (TR 38.901 §7.7.1), one thread.

Workload: CDL-C, 300 ns delay spread, 3.5 GHz, UT at 30 km/h (f_D = 97.3 Hz), 106 PRB at 30 kHz
(K = 1272 subcarriers, 14 symbols). Arrays, both ends: one panel of 1 x 2 cross-polarised pairs
(M x N x P = 1 x 2 x 2, slants +-45 deg, 0.5 lambda spacing, TR 38.901 Table 7.3-1 element at the
transmitter (BS), isotropic elements at the receiver (UT)) = 4 x 4 ports.

* OpenNR: ``CdlChannel(...)`` (new realisation: ray coupling, phases, coefficients) +
  ``ofdm_response(carrier)`` -> complex64 [B, 4, 4, 1272, 14].
* Sionna 2.2 (torch CPU, one thread): ``CDL(...)`` called for 14 time steps at the OFDM symbol rate
  + ``cir_to_ofdm_channel`` at ``subcarrier_frequencies(1272, 30 kHz)`` (what ``GenerateOFDMChannel``
  does) -> complex64 [B, 1, 4, 1, 4, 14, 1272]; the ``CDL`` object is built once, outside the timing.

Prints the best time per realisation batch for B = 1 and B = 32, Sionna's, and the ratio.
Run: python benchmarks/bench_cdl.py
"""

from __future__ import annotations

import _common  # noqa: F401  (first: one thread everywhere)

import argparse

import numpy as np

from opennr.ofdm.carrier import CarrierConfig
from opennr.propagation.antenna import PanelArray
from opennr.propagation.cdl import SPEED_OF_LIGHT, CdlChannel

FC = 3.5e9
SPEED = 30 / 3.6
DS = 300e-9


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=20)
    args = ap.parse_args()

    carrier = CarrierConfig(subcarrier_spacing=30, n_size_grid=106)
    bs = PanelArray(size=(1, 2, 2, 1, 1), polarization_angles=(45, -45), element="38.901")
    ut = PanelArray(size=(1, 2, 2, 1, 1), polarization_angles=(45, -45), element="isotropic")
    fd = SPEED * FC / SPEED_OF_LIGHT
    print(f"workload: CDL-C {DS * 1e9:.0f} ns, f_D {fd:.1f} Hz, 106 PRB x 30 kHz (K = 1272), "
          f"14 symbols, 4x4 ports (1x2 cross-polarised pairs each side), one thread")

    seeds = iter(range(10**6))
    ours = {}
    for b in (1, 32):
        def run(b=b):
            ch = CdlChannel("CDL-C", DS, max_doppler_shift=fd, tx_array=bs, rx_array=ut,
                            batch_size=b, seed=next(seeds))
            return ch.ofdm_response(carrier)

        h = run()
        assert h.shape == (b, 4, 4, 1272, 14) and h.dtype == np.complex64
        ours[b] = _common.best_time(run, args.rounds)
        print(f"OpenNR  B={b:3d}: {ours[b] * 1e3:8.3f} ms per batch "
              f"({ours[b] / b * 1e3:7.3f} ms per realisation)")

    sp, torch = _common.load_sionna()
    if sp is None:
        return
    from sionna.phy.channel import cir_to_ofdm_channel, subcarrier_frequencies
    from sionna.phy.channel.tr38901 import CDL, PanelArray as SPanel

    s_bs = SPanel(num_rows_per_panel=1, num_cols_per_panel=2, polarization="dual",
                  polarization_type="cross", antenna_pattern="38.901", carrier_frequency=FC)
    s_ut = SPanel(num_rows_per_panel=1, num_cols_per_panel=2, polarization="dual",
                  polarization_type="cross", antenna_pattern="omni", carrier_frequency=FC)
    cdl = CDL("C", DS, FC, ut_array=s_ut, bs_array=s_bs, direction="downlink",
              min_speed=SPEED, max_speed=SPEED)
    freqs = subcarrier_frequencies(1272, 30e3)
    symbol_rate = 30e3 * (2048 + 144) / 2048  # 1 / (useful + normal CP) at 30 kHz
    for b in (1, 32):
        def srun(b=b):
            with torch.no_grad():
                a, tau = cdl(b, 14, symbol_rate)
                return cir_to_ofdm_channel(freqs, a, tau)

        h = srun()
        assert tuple(h.shape) == (b, 1, 4, 1, 4, 14, 1272)
        t = _common.best_time(srun, max(3, args.rounds // 4))
        print(f"Sionna  B={b:3d}: {t * 1e3:8.3f} ms per batch "
              f"({t / b * 1e3:7.3f} ms per realisation)   ratio Sionna/OpenNR: "
              f"{t / ours[b]:6.1f}x")


if __name__ == "__main__":
    main()
