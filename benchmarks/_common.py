"""Shared set-up of the benchmark scripts: one thread everywhere, Sionna when installed.

Import this module first in a benchmark (before NumPy, Numba or torch): it pins every thread pool
to one thread so that figures are per core.
"""

from __future__ import annotations

import os
import time

for _var in ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[_var] = "1"


def load_sionna():
    """Return ``(sionna.phy, torch)`` pinned to one thread, or ``(None, None)`` with a message."""
    try:
        import torch

        torch.set_num_threads(1)
        torch.set_num_interop_threads(1)
        import sionna.phy as sp

        return sp, torch
    except (ImportError, OSError, RuntimeError) as exc:  # optional peer
        print(f"(Sionna not available: {exc!r})")
        return None, None


def best_time(fn, rounds: int = 3) -> float:
    """Best wall time of ``rounds`` calls of ``fn`` after one warm-up call (JIT, caches)."""
    fn()
    best = float("inf")
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best
