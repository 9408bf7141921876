"""Benchmark: OFDM modulation + demodulation (TS 38.211 §5.3.1), one thread.

Workload: one slot, 273 PRB at 30 kHz (K = 3276, N_fft = 4096, 122.88 Msps), 4 antenna ports,
complex64. OpenNR: ``ofdm_modulate`` + ``ofdm_demodulate`` (per-slot CP lengths, optional §5.4
phase) with every FFT backend installed (``scipy``: scipy.fft/pocketfft, always; ``ducc0``: the
optional extra, used by ``fft_backend="auto"`` when installed). Sionna 2.2 (torch CPU, one thread): ``OFDMModulator`` +
``OFDMDemodulator`` with the same per-symbol CP lengths and ``fft_size = 4096``.

Prints slots per second for each, the ratio per backend, and the FFT floor (the two FFT passes
alone) of each engine. Run: python benchmarks/bench_ofdm.py
"""

from __future__ import annotations

import _common  # noqa: F401  (first: one thread everywhere)

import argparse
import time

import numpy as np
import scipy.fft

from opennr.ofdm import CarrierConfig, ofdm_demodulate, ofdm_info, ofdm_modulate
from opennr.ofdm._fft import c2c
from opennr.ofdm.modulator import available_fft_backends


def _best_time(fn, repeats: int) -> float:
    fn()
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=200)
    ap.add_argument("--ports", type=int, default=4)
    ap.add_argument("--carrier-frequency", type=float, default=0.0,
                    help="f0 for the §5.4 phase (OpenNR only; Sionna has none)")
    args = ap.parse_args()

    carrier = CarrierConfig(subcarrier_spacing=30, n_size_grid=273)
    info = ofdm_info(carrier)
    k, nfft = carrier.num_subcarriers, info.nfft
    rng = np.random.default_rng(1)
    shape = (args.ports, k, carrier.symbols_per_slot)
    grid = ((rng.standard_normal(shape) + 1j * rng.standard_normal(shape)) / np.sqrt(2)).astype(
        np.complex64)
    f0 = args.carrier_frequency

    print(f"workload: 273 PRB, 30 kHz, N_fft {nfft}, {args.ports} ports, one slot, complex64, "
          f"one thread")
    ours = {}
    for backend in available_fft_backends():
        wave = ofdm_modulate(grid, carrier, carrier_frequency=f0, fft_backend=backend)
        t_mod = _best_time(lambda b=backend: ofdm_modulate(grid, carrier, carrier_frequency=f0,
                                                 fft_backend=b), args.repeats)
        t_dem = _best_time(lambda b=backend, w=wave: ofdm_demodulate(w, carrier, carrier_frequency=f0,
                                                   fft_backend=b), args.repeats)
        ours[backend] = t_mod + t_dem
        print(f"OpenNR [{backend:5s}] modulate {t_mod * 1e3:7.3f} ms  demodulate "
              f"{t_dem * 1e3:7.3f} ms  total {ours[backend] * 1e3:7.3f} ms  "
              f"({1 / ours[backend]:8.1f} slots/s)")
    lines = np.zeros((args.ports * carrier.symbols_per_slot, nfft), np.complex64)
    floors = {"scipy": lambda: scipy.fft.ifft(lines, axis=-1, workers=1),  # no copy back
              "ducc0": lambda: c2c(lines, lines, forward=False, norm="backward",
                                   backend="ducc0")}  # in place
    for backend in available_fft_backends():
        t_fft = 2 * _best_time(floors[backend], args.repeats)
        print(f"FFT floor [{backend:5s}]: 2 x {lines.shape[0]} FFTs of {nfft} "
              f"{t_fft * 1e3:.3f} ms")

    try:
        import torch

        torch.set_num_threads(1)
        import sionna.phy as sp
    except ImportError as exc:  # pragma: no cover - Sionna not installed
        print(f"Sionna not available ({exc!r}); no ratio")
        return
    cps = torch.tensor(info.slot_cp_lengths(0))
    mod = sp.ofdm.OFDMModulator(cyclic_prefix_length=cps)
    demod = sp.ofdm.OFDMDemodulator(fft_size=nfft, l_min=0, cyclic_prefix_length=cps)
    full = np.zeros((args.ports, carrier.symbols_per_slot, nfft), np.complex64)
    full[..., nfft // 2 - k // 2:nfft // 2 + k // 2] = np.swapaxes(grid, -1, -2)
    x = torch.from_numpy(full)
    y = mod(x)
    with torch.no_grad():
        s_mod = _best_time(lambda: mod(x), args.repeats)
        s_dem = _best_time(lambda: demod(y), args.repeats)
    theirs = s_mod + s_dem
    print(f"Sionna          modulate {s_mod * 1e3:7.3f} ms  demodulate {s_dem * 1e3:7.3f} ms  "
          f"total {theirs * 1e3:7.3f} ms  ({1 / theirs:8.1f} slots/s)")
    for backend, t in ours.items():
        print(f"ratio [{backend:5s}] (Sionna time / OpenNR time): {theirs / t:.2f}x  (target 5x)")
    t_tfft = 2 * _best_time(lambda: torch.fft.ifft(x, dim=-1), args.repeats)
    print(f"FFT floor [torch (MKL)]: {t_tfft * 1e3:.3f} ms (Sionna's engine); 5x needs an OpenNR "
          f"total of {theirs / 5 * 1e3:.3f} ms (see docs/performance-notes.md)")


if __name__ == "__main__":
    main()
