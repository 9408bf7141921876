"""Benchmark of the link campaign engine: its own overhead, and the speed-up of a process pool.

1. **Engine overhead** (one process): a ``bpsk-awgn`` campaign whose batches take about 10 ms
   (the block length is calibrated on this machine), run by :func:`run_campaign` with a results
   store (one SQLite commit per batch) and the progress observer of ``opennr simulate`` (rich
   progress bars drawn into a null console). Overhead = wall time minus the time spent in the batch
   function, in % of the wall time, beside the same batches called in a bare loop. Target < 5 %.
2. **Pool throughput**: the same campaign (every point runs to its block cap: no speculative batch
   is wasted) with ``workers=1`` and ``workers=2``; batches per second end to end (pool start-up
   included) and in steady state (over the middle 80 % of the counted batches). Target >= 1.8x
   on 2 cores.

The overhead is given twice: as CPU time of the process outside the batch function (engine,
SQLite, rich's refresh thread) over the process's CPU time, which other jobs on the machine do
not distort, and as wall time outside the batch function over the wall time, which they do.

The figures depend on the machine's load: on a shared machine (other jobs on the same cores) the
pool speed-up is a lower bound. Pin one thread per process (done by ``_common``).

    python benchmarks/bench_campaign.py
    python benchmarks/bench_campaign.py --batches 400 --batch-ms 10
"""

from __future__ import annotations

import _common  # noqa: F401  (first: one thread everywhere)

import argparse
import io
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from opennr.link.campaign import CampaignSpec, PresetBatchFunction, run_campaign
from opennr.link.engine import SweepSettings, batch_rng


def calibrate(batch_ms: float, batch_size: int) -> int:
    """Block length of bpsk-awgn giving batches of about ``batch_ms`` ms of CPU time."""
    length = 2000
    for _ in range(4):
        fn = PresetBatchFunction("bpsk-awgn", f'{{"block_length": {length}}}')
        fn(0.0, batch_size, batch_rng(0, 0, 0))  # warm-up
        t = time.thread_time()
        for b in range(5):
            fn(0.0, batch_size, batch_rng(0, 0, b))
        per = (time.thread_time() - t) / 5
        length = max(100, int(length * batch_ms / 1e3 / per))
    return length


class _CpuMeter:
    """Thread CPU seconds spent in the batch function (patched into the campaign's preset cache)."""

    seconds = 0.0

    @classmethod
    def install(cls):
        import opennr.link.campaign as campaign

        real = campaign._preset_batch_function

        def timed(preset, overrides_json):
            fn = real(preset, overrides_json)

            def call(snr_db, n, rng):
                t = time.thread_time()
                try:
                    return fn(snr_db, n, rng)
                finally:
                    cls.seconds += time.thread_time() - t

            return call

        campaign._preset_batch_function = timed
        return real

    @classmethod
    def uninstall(cls, real):
        import opennr.link.campaign as campaign

        campaign._preset_batch_function = real


class Timeline:
    """Observer: the time of each counted batch (first and last give the steady-state rate)."""

    def __init__(self, progress=None):
        self.times: list[float] = []
        self.progress = progress
        self.task = None

    def point_started(self, index, snr_db, settings):
        if self.progress is not None:
            self.task = self.progress.add_task(f"{snr_db:.2f} dB", total=settings.max_blocks)

    def batch_done(self, index, partial, settings):
        self.times.append(time.perf_counter())
        if self.progress is not None:
            self.progress.update(self.task, completed=partial.blocks)

    def point_done(self, index, result):
        self.times.append(time.perf_counter())
        if self.progress is not None:
            self.progress.update(self.task, completed=result.blocks)


def make_spec(length: int, batches: int, batch_size: int, points: int, name: str) -> CampaignSpec:
    per_point = batches // points
    return CampaignSpec(
        "bpsk-awgn",
        {"block_length": length},
        tuple(float(i) for i in range(points)),
        SweepSettings(
            target_block_errors=10**9,  # every point runs to max_blocks: no wasted batch
            max_blocks=per_point * batch_size,
            batch_size=batch_size,
            bler_floor=0.0,
            seed=1,
        ),
        name=name,
    )


def _cli_progress(console, n_points):
    """The progress bars and observer of ``opennr simulate`` (a plain rich Progress otherwise)."""
    try:
        from opennr.cli.simulate import _progress, _RichObserver

        progress = _progress(console)
        return progress, _RichObserver(progress, n_points)
    except (ImportError, AttributeError, TypeError):  # the CLI changed: a similar stand-in
        from rich.progress import Progress

        progress = Progress(console=console)
        return progress, Timeline(progress)


def overhead(spec: CampaignSpec, store_dir: Path, rounds: int) -> None:
    from rich.console import Console

    n_batches = sum(-(-spec.settings.max_blocks // spec.settings.batch_size) for _ in spec.snr_db)
    fn = spec.batch_function()
    fn(0.0, spec.settings.batch_size, batch_rng(0, 0, 0))  # warm-up outside the timings
    best_bare = None
    for _ in range(rounds):
        inside = 0.0
        cpu0, t = time.process_time(), time.perf_counter()
        for i, snr in enumerate(spec.snr_db):
            for b in range(n_batches // len(spec.snr_db)):
                rng = batch_rng(spec.settings.seed, i, b)
                t_in = time.thread_time()
                fn(snr, spec.settings.batch_size, rng)
                inside += time.thread_time() - t_in
        wall, cpu = time.perf_counter() - t, time.process_time() - cpu0
        if best_bare is None or (cpu - inside) / cpu < best_bare[0]:
            best_bare = ((cpu - inside) / cpu, wall, cpu)
    floor, wall, cpu = best_bare
    print(f"engine overhead, 1 process, {n_batches} batches (best of {rounds} rounds):")
    print(f"  bare loop over the batches (no engine): {1e3 * cpu / n_batches:.2f} ms CPU and "
          f"{1e3 * wall / n_batches:.2f} ms wall per batch; CPU outside the batch function "
          f"{100 * floor:.2f} % (generator set-up and the measurement itself: the floor)")
    for k, (label, use_store, use_rich) in enumerate((
        ("engine, no store, no observer", False, False),
        ("engine + SQLite store (1 commit per batch)", True, False),
        ("engine + SQLite store + the progress bars of `opennr simulate`", True, 10),
        ("the same with the bars redrawn 4 times a second instead of 10", True, 4),
    )):
        best = None
        for r in range(rounds):
            store = store_dir / f"overhead-{k}-{r}.sqlite" if use_store else None
            console = Console(file=io.StringIO(), force_terminal=True, width=120)
            progress = observer = None
            if use_rich:
                progress, observer = _cli_progress(console, len(spec.snr_db))
                if use_rich != 10:
                    progress.live.refresh_per_second = use_rich
                progress.start()
            real = _CpuMeter.install()
            _CpuMeter.seconds = 0.0
            try:
                cpu0, t = time.process_time(), time.perf_counter()
                res = run_campaign(spec, store=store, observer=observer)
                wall, cpu = time.perf_counter() - t, time.process_time() - cpu0
            finally:
                _CpuMeter.uninstall(real)
                if progress is not None:
                    progress.stop()
            work = float(res.elapsed.sum())
            frac = (wall - work) / wall
            cpu_frac = (cpu - _CpuMeter.seconds) / cpu
            if best is None or cpu_frac < best[0]:
                best = (cpu_frac, frac, wall, work)
        cpu_frac, frac, wall, work = best
        print(f"  {label}:")
        print(f"    CPU time outside the batch function {100 * cpu_frac:.2f} % of the process's "
              f"CPU time, {100 * (cpu_frac - floor):.2f} % above the bare loop "
              "(load-independent figures; target < 5 %)")
        print(f"    wall {wall:.3f} s, in the batch function {work:.3f} s -> {100 * frac:.2f} % "
              f"({1e6 * (wall - work) / n_batches:.0f} us per batch; inflated by other jobs' load)")


def pool(spec: CampaignSpec, store_dir: Path) -> None:
    rates = {}
    for workers in (1, 2):
        timeline = Timeline()
        cpu0, t0 = time.process_time(), time.perf_counter()
        res = run_campaign(spec, store=store_dir / f"pool{workers}.sqlite", workers=workers,
                           observer=timeline)
        wall, main_cpu = time.perf_counter() - t0, time.process_time() - cpu0
        n = int(sum(-(-p.blocks // spec.settings.batch_size) for p in res.points))
        times = timeline.times
        lo, hi = len(times) // 10, len(times) - 1 - len(times) // 10  # middle 80 % of the batches
        steady = (hi - lo) / (times[hi] - times[lo])
        rates[workers] = (n / wall, steady)
        print(f"  workers={workers}: {n} batches in {wall:.2f} s -> {n / wall:.1f} batches/s end to "
              f"end, {steady:.1f} batches/s steady state; the parent process used "
              f"{1e6 * main_cpu / n:.0f} us CPU per batch")
    e2e = rates[2][0] / rates[1][0]
    steady = rates[2][1] / rates[1][1]
    print(f"  speed-up 2 vs 1 process: {e2e:.2f}x end to end (pool start-up included), "
          f"{steady:.2f}x steady state (target >= 1.8x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=200, help="batches per campaign")
    parser.add_argument("--pool-batches", type=int, default=600, help="batches, pool test")
    parser.add_argument("--batch-ms", type=float, default=10.0, help="work per batch [ms]")
    parser.add_argument("--batch-size", type=int, default=10, help="blocks per batch")
    parser.add_argument("--points", type=int, default=3, help="SNR points")
    parser.add_argument("--rounds", type=int, default=3, help="repetitions (best is kept)")
    args = parser.parse_args()
    print(f"cores visible: {os.cpu_count()} (os.sched_getaffinity: "
          f"{len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else '?'}); "
          "on a shared machine the figures vary with the other jobs' load")
    length = calibrate(args.batch_ms, args.batch_size)
    print(f"bpsk-awgn block_length {length} x {args.batch_size} blocks ~ {args.batch_ms:g} ms "
          "per batch")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        overhead(make_spec(length, args.batches, args.batch_size, args.points, "overhead"),
                 tmp, args.rounds)
        print("process pool:")
        pool(make_spec(length, args.pool_batches, args.batch_size, args.points, "pool"), tmp)
    _ = np  # NumPy is pinned to one thread by _common before any import


if __name__ == "__main__":
    main()
