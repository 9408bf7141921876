"""Benchmark: TDL channel generation + time-domain application (TR 38.901 §7.7.2), one thread.

Workload (issue 6): TDL-C, 300 ns delay spread, 100 Hz maximum Doppler, 2 x 2 antennas, 1 ms of
a 30.72 Msps waveform (30 720 samples), complex64, batch 1.

* OpenNR: ``TdlChannel(...)`` (draw a realisation) and one call: sum-of-sinusoids gains at
  ``2 * 64 * f_D`` = 12.8 kHz (14 snapshots per ms) and the Numba time-varying FIR
  (``apply_time_channel``: Kaiser-windowed sinc, 16 taps each side of every fractional delay,
  gains linearly interpolated).
* Sionna 2.2 (torch CPU, one thread): ``TDL(model="C")`` sampled at every one of the
  ``S + L_tot - 1`` output samples, ``cir_to_time_channel`` (sinc taps, ``L_min = -6``,
  ``L_max = ceil(f_s tau_max) + 6``) and ``ApplyTimeChannel``.

Prints the best time per 1 ms waveform of each (the engines alternate, so that the load of a
shared machine affects both alike) and the ratio (target >= 100x).
Run: python benchmarks/bench_tdl.py
"""

from __future__ import annotations

import argparse

import _common  # before NumPy, Numba and torch: one thread everywhere
import numpy as np

from opennr.propagation.tdl import SPEED_OF_LIGHT, TdlChannel


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--sionna-rounds", type=int, default=3)
    args = ap.parse_args()

    fs, n = 30.72e6, 30720
    fd, fc = 100.0, 3.5e9
    rng = np.random.default_rng(1)
    x = ((rng.standard_normal((1, 2, n)) + 1j * rng.standard_normal((1, 2, n))) / np.sqrt(2)
         ).astype(np.complex64)

    def ours():
        ch = TdlChannel("TDL-C", delay_spread=300e-9, max_doppler=fd, n_rx=2, n_tx=2, rng=rng)
        return ch(x, fs)[0]

    print("workload: TDL-C 300 ns, 100 Hz, 2x2, 1 ms at 30.72 Msps, complex64, one thread")
    sp, torch = _common.load_sionna()
    if sp is None:
        t_ours = _common.best_time(ours, args.rounds)
        print(f"OpenNR  TdlChannel + call : {t_ours * 1e3:8.2f} ms per 1 ms waveform")
        return
    from sionna.phy.channel import ApplyTimeChannel, cir_to_time_channel
    from sionna.phy.channel.tr38901 import TDL

    speed = fd * SPEED_OF_LIGHT / fc
    tdl = TDL(model="C", delay_spread=300e-9, carrier_frequency=fc, min_speed=speed,
              num_rx_ant=2, num_tx_ant=2)
    tau_max = float(tdl.delays.max())
    l_min, l_max = -6, int(np.ceil(fs * tau_max)) + 6
    l_tot = l_max - l_min + 1
    apply = ApplyTimeChannel(n, l_tot)
    xt = torch.from_numpy(x).reshape(1, 1, 2, n)

    def theirs():
        with torch.no_grad():
            a, tau = tdl(batch_size=1, num_time_steps=n + l_tot - 1, sampling_frequency=fs)
            h = cir_to_time_channel(fs, a, tau, l_min, l_max)
            return apply(xt, h)

    # Alternate the engines (best of each) so that a shared machine's load hits both alike.
    t_ours = t_sionna = float("inf")
    for _ in range(args.sionna_rounds):
        t_ours = min(t_ours, _common.best_time(ours, args.rounds))
        t_sionna = min(t_sionna, _common.best_time(theirs, 1))
    print(f"OpenNR  TdlChannel + call : {t_ours * 1e3:8.2f} ms per 1 ms waveform")
    print(f"Sionna  TDL + cir_to_time_channel + ApplyTimeChannel: {t_sionna * 1e3:8.2f} ms")
    print(f"ratio (Sionna time / OpenNR time): {t_sionna / t_ours:.1f}x  (target 100x)")


if __name__ == "__main__":
    main()
