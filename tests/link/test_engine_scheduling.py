"""Link engine: per-batch seeding, prefix stopping rule, order independence, workers, Dask, CIs."""

from __future__ import annotations

import functools
import math

import numpy as np
import pytest

from opennr.link.engine import (
    CSV_COLUMNS,
    BatchCounts,
    PointResult,
    SweepResult,
    SweepSettings,
    _execute,
    batch_rng,
    batch_sizes,
    clopper_pearson_interval,
    point_rng,
    run_point,
    run_sweep,
)
from opennr.link.presets import UncodedBpskConfig, get_preset, simulate_uncoded_bpsk_batch


def _strip(res: SweepResult):
    return [{k: v for k, v in d.items() if k != "elapsed"} for d in res.to_dicts()], res.stop_reason


def coin(snr_db, n, rng):
    """A block fails with probability 10^(-snr_db / 2): 1, 0.32, 0.1, 0.03, 0.01 at 0..4 dB."""
    fail = rng.random(n) < 10.0 ** (-snr_db / 2.0)
    return BatchCounts(n, int(fail.sum()), 8 * n, int(fail.sum()) + int(rng.integers(0, 2)))


SNRS = (0.0, 1.0, 2.0, 3.0, 4.0, 5.0)
SETTINGS = SweepSettings(target_block_errors=40, max_blocks=700, batch_size=60, bler_floor=0.02, seed=5)

# ---------------------------------------------------------------- seeding


def test_batch_rng_is_the_child_of_the_point_sequence():
    for i, b in [(0, 0), (3, 1), (2, 17)]:
        child = np.random.SeedSequence(11, spawn_key=(i,)).spawn(b + 1)[b]
        np.testing.assert_array_equal(
            batch_rng(11, i, b).integers(0, 2**31, 6), np.random.default_rng(child).integers(0, 2**31, 6)
        )
    assert batch_rng(11, 0, 1).integers(0, 2**31) != batch_rng(11, 1, 0).integers(0, 2**31)


def test_run_point_equals_sweep_point_and_uses_batch_generators():
    seen = []

    def fn(snr_db, n, rng):
        seen.append(int(rng.integers(0, 2**31)))
        return BatchCounts(n, 0, n, 0)

    run_point(fn, 0.0, SweepSettings(max_blocks=30, batch_size=10), point_rng(4, 2))
    assert seen == [int(batch_rng(4, 2, b).integers(0, 2**31)) for b in range(3)]
    res = run_sweep(coin, SNRS, SETTINGS)
    for i, p in enumerate(res.points):
        alone = run_point(coin, SNRS[i], SETTINGS, point_rng(SETTINGS.seed, i))
        assert (alone.blocks, alone.block_errors, alone.bit_errors) == (p.blocks, p.block_errors, p.bit_errors)


def test_run_point_accepts_a_generator_without_seed_sequence():
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(3)))
    p = run_point(coin, 1.0, SweepSettings(max_blocks=100, batch_size=50), rng)
    assert p.blocks in (50, 100)


def test_batch_sizes():
    assert batch_sizes(SweepSettings(max_blocks=100, batch_size=100)) == (100,)
    assert batch_sizes(SweepSettings(max_blocks=7, batch_size=3)) == (3, 3, 1)
    assert batch_sizes(SweepSettings(max_blocks=5, batch_size=50)) == (5,)
    with pytest.raises(TypeError, match="settings"):
        batch_sizes({"max_blocks": 3})


# ---------------------------------------------------------------- prefix rule, order independence


class ShuffledBackend:
    """Runs the in-flight batches in a random order (a stand-in for workers of uneven speed)."""

    def __init__(self, capacity, seed):
        self.capacity = capacity
        self.rng = np.random.default_rng(seed)
        self.tasks = {}
        self.ran = []
        self.closed = False

    def submit(self, fn, *args):
        h = object()
        self.tasks[h] = (fn, args)
        return h

    def wait(self, handles):
        h = handles[int(self.rng.integers(len(handles)))]
        fn, args = self.tasks.pop(h)
        self.ran.append(args[-2:])
        return [(h, fn(*args))]

    def close(self, *, wait=True):
        self.closed = True


@pytest.mark.parametrize(("capacity", "seed"), [(2, 0), (3, 1), (8, 2), (25, 3)])
def test_any_completion_order_gives_the_sequential_result(capacity, seed):
    reference = run_sweep(coin, SNRS, SETTINGS)
    backend = ShuffledBackend(capacity, seed)
    done = {}
    res = _execute(coin, SNRS, SETTINGS, backend_factory=lambda: backend, done=done)
    assert _strip(res) == _strip(reference)
    assert backend.closed
    # batches were computed speculatively beyond the stops, yet only the prefixes are counted
    counted = sum(math.ceil(p.blocks / SETTINGS.batch_size) for p in res.points)
    assert len(done) >= counted and len(backend.ran) == len(done)


def test_point_counts_the_shortest_prefix_reaching_the_target():
    # batch b has b+1 errors out of 10 blocks; target 6 -> batches 0, 1, 2 (1 + 2 + 3), not more
    def never(snr_db, n, rng):  # pragma: no cover - everything is already done
        raise AssertionError("nothing should run")

    sizes = SweepSettings(target_block_errors=6, max_blocks=100, batch_size=10)
    done = {(0, b): (BatchCounts(10, b + 1, 10, b + 1), 0.0) for b in range(10)}
    res = _execute(never, (0.0,), sizes, backend_factory=None, done=done)
    (p,) = res.points
    assert (p.blocks, p.block_errors, p.stop_reason) == (30, 6, "target-errors")
    # with batch 1 missing, nothing is counted yet: the prefix is 0 only
    del done[(0, 1)]
    res = _execute(never, (0.0,), sizes, backend_factory=None, done=dict(done))
    assert res.points == () and res.stop_reason == "incomplete"


def test_stored_batches_are_not_recomputed_and_observer_sees_them_in_order():
    events = []

    class Obs:
        def point_started(self, i, snr, settings):
            events.append(("start", i))

        def batch_done(self, i, partial, settings):
            events.append(("batch", i, partial.blocks))

        def point_done(self, i, result):
            events.append(("done", i, result.blocks))

    settings = SweepSettings(target_block_errors=1000, max_blocks=30, batch_size=10, bler_floor=0.0)
    calls = []

    def fn(snr_db, n, rng):
        calls.append(snr_db)
        return BatchCounts(n, 1, n, 1)

    done = {(0, 0): (BatchCounts(10, 1, 10, 1), 0.0), (1, 2): (BatchCounts(10, 1, 10, 1), 0.0)}
    res = _execute(fn, (0.0, 1.0), settings, backend_factory=lambda: ShuffledBackend(1, 0), done=done, observer=Obs())
    assert len(calls) == 4  # 6 batches in all, 2 stored
    assert [p.blocks for p in res.points] == [30, 30]
    assert events == [
        ("start", 0), ("batch", 0, 10), ("batch", 0, 20), ("done", 0, 30),
        ("start", 1), ("batch", 1, 10), ("batch", 1, 20), ("done", 1, 30),
    ]  # fmt: skip


def test_interrupt_in_a_batch_returns_finished_points():
    def fn(snr_db, n, rng):
        if snr_db >= 2.0:
            raise KeyboardInterrupt
        return BatchCounts(n, n, n, n)

    backend = ShuffledBackend(1, 0)
    res = _execute(fn, (0.0, 1.0, 2.0), SweepSettings(target_block_errors=5, batch_size=5),
                   backend_factory=lambda: backend)
    assert res.interrupted and [p.snr_db for p in res.points] == [0.0, 1.0] and backend.closed


def test_batch_function_errors_propagate():
    def fn(snr_db, n, rng):
        raise RuntimeError("receiver exploded")

    with pytest.raises(RuntimeError, match="exploded"):
        _execute(fn, (0.0,), SweepSettings(), backend_factory=lambda: ShuffledBackend(3, 0))


# ---------------------------------------------------------------- real workers


@functools.cache
def _bpsk_reference():
    fn = get_preset("bpsk-awgn").with_overrides(block_length=40).batch_function()
    settings = SweepSettings(target_block_errors=30, max_blocks=1200, batch_size=100, bler_floor=0.01, seed=3)
    snrs = (0.0, 2.0, 4.0, 6.0, 8.0, 10.0)
    return fn, snrs, settings, run_sweep(fn, snrs, settings)


def test_two_processes_equal_one():
    fn, snrs, settings, reference = _bpsk_reference()
    assert reference.stop_reason == "bler-floor" and len(reference.points) >= 3
    res = run_sweep(fn, snrs, settings, workers=2)
    assert _strip(res) == _strip(reference)


def test_dask_local_cluster_equals_one_process():
    pytest.importorskip("distributed")
    fn, snrs, settings, reference = _bpsk_reference()
    res = run_sweep(fn, snrs, settings, dask="local")
    assert _strip(res) == _strip(reference)


def test_unreachable_dask_scheduler_is_a_clear_error():
    pytest.importorskip("distributed")
    with pytest.raises(ConnectionError, match=r"Dask scheduler at 'tcp://127\.0\.0\.1:9'"):
        run_sweep(coin, (0.0,), dask="tcp://127.0.0.1:9", dask_timeout=1.0)


def test_workers_need_a_picklable_function():
    with pytest.raises(TypeError, match="picklable"):
        run_sweep(lambda s, n, rng: BatchCounts(n, 0, n, 0), (0.0,), workers=2)
    with pytest.raises(ValueError, match="workers"):
        run_sweep(coin, (0.0,), workers=0)
    with pytest.raises(TypeError, match="dask"):
        run_sweep(coin, (0.0,), dask=3)
    # a partial of a module-level function is fine (checked without starting a pool)
    fn = functools.partial(simulate_uncoded_bpsk_batch, UncodedBpskConfig(8))
    assert run_sweep(fn, (0.0,), SweepSettings(max_blocks=10)).points[0].blocks == 10


# ---------------------------------------------------------------- intervals and results


# (Clopper-Pearson against scipy: test_link_engine.py::test_interval_matches_scipy)


def test_clopper_pearson_hand_values_and_rejects():
    # k = 0: upper bound 1 - (alpha/2)^(1/n); k = n: lower bound (alpha/2)^(1/n)
    assert clopper_pearson_interval(0, 50)[1] == pytest.approx(1 - 0.025 ** (1 / 50), rel=1e-12)
    assert clopper_pearson_interval(50, 50)[0] == pytest.approx(0.025 ** (1 / 50), rel=1e-12)
    assert clopper_pearson_interval(0, 0) == (0.0, 1.0)
    for args, exc in [((5, 3), ValueError), ((-1, 3), ValueError), ((1, 3, 0.0), ValueError), ((1.0, 3), TypeError)]:
        with pytest.raises(exc):
            clopper_pearson_interval(*args)


def test_wilson_is_inside_clopper_pearson_mostly():
    # Clopper-Pearson is the conservative one: wider than Wilson for these counts
    for k, n in [(1, 100), (10, 100), (50, 100), (100, 1000)]:
        w, e = PointResult(0, n, k, n, k).bler_ci, PointResult(0, n, k, n, k).bler_ci_exact
        assert e[1] - e[0] > w[1] - w[0]


def test_result_arrays_csv_and_plot(tmp_path):
    res = run_sweep(coin, SNRS, SETTINGS)
    n = len(res.points)
    assert res.snr_db.dtype == np.float64 and res.blocks.dtype == np.int64
    np.testing.assert_array_equal(res.snr_db, SNRS[:n])
    np.testing.assert_allclose(res.bler, res.block_errors / res.blocks)
    np.testing.assert_allclose(res.ber, res.bit_errors / res.bits)
    np.testing.assert_allclose(res.throughput, (1 - res.bler) * 8)
    np.testing.assert_allclose(res.throughput_percent, 100 * (1 - res.bler))
    assert res.bler_ci.shape == res.bler_ci_exact.shape == (n, 2)
    assert (res.bler_ci[:, 0] <= res.bler).all() and (res.bler <= res.bler_ci_exact[:, 1]).all()
    assert res.elapsed.shape == (n,)
    lines = res.to_csv(tmp_path / "out" / "r.csv").read_text().splitlines()
    assert lines[0].split(",") == list(CSV_COLUMNS) and len(lines) == n + 1
    first = dict(zip(CSV_COLUMNS, lines[1].split(","), strict=True))
    assert float(first["bler"]) == res.bler[0] and int(first["blocks"]) == res.blocks[0]
    png = res.plot(tmp_path / "r.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 1000
    d = res.to_dicts()[0]
    for key in ("snr_db", "blocks", "block_errors", "bler", "bler_ci", "ber", "throughput"):
        assert key in d
    empty = SweepResult()
    assert empty.bler.shape == (0,) and empty.bler_ci.shape == (0, 2)


@pytest.mark.slow
def test_dask_worker_killed_mid_campaign_is_recomputed_never_double_counted(tmp_path):
    """A scheduler address (not "local"), a store, and a worker killed with SIGKILL mid-run."""
    distributed = pytest.importorskip("distributed")
    import logging
    import os
    import signal

    from opennr.link.campaign import CampaignSpec, load_campaign, run_campaign

    fn, snrs, settings, reference = _bpsk_reference()
    spec = CampaignSpec("bpsk-awgn", {"block_length": 40}, snrs, settings)
    assert _strip(run_sweep(spec.batch_function(), snrs, settings)) == _strip(reference)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address=":0", silence_logs=logging.CRITICAL,
    ) as cluster, distributed.Client(cluster) as client:
        pids = client.run(os.getpid)
        victim = sorted(pids.values())[0]

        class KillOneWorker:
            def __init__(self):
                self.n = 0

            def batch_done(self, index, partial, settings):
                self.n += 1
                if self.n == 3:
                    os.kill(victim, signal.SIGKILL)

        res = run_campaign(spec, store=tmp_path / "r.sqlite", dask=cluster.scheduler_address,
                           observer=KillOneWorker())
        assert victim not in client.run(os.getpid).values()  # the nanny restarted it
    assert _strip(res)[0] == _strip(reference)[0]
    assert _strip(load_campaign(tmp_path / "r.sqlite")[1])[0] == _strip(reference)[0]


def test_slot_duration_gives_bits_per_second(tmp_path):
    pts = (PointResult(0.0, 100, 10, 100 * 4000, 50), PointResult(1.0, 100, 0, 100 * 4000, 0))
    res = SweepResult(pts, slot_duration=0.5e-3)
    np.testing.assert_allclose(res.throughput_bps, [0.9 * 4000 / 0.5e-3, 4000 / 0.5e-3])
    assert [d["throughput_bps"] for d in res.to_dicts()] == res.throughput_bps.tolist()
    assert res.plot(tmp_path / "slot.png").stat().st_size > 1000
    plain = SweepResult(pts)
    assert np.isnan(plain.throughput_bps).all() and "throughput_bps" not in plain.to_dicts()[0]
