"""Link engine: Wilson interval, stopping rules, seeding, interruption, validation."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from scipy.stats import binomtest

from opennr.link.engine import (
    BatchCounts,
    PointResult,
    SweepResult,
    SweepSettings,
    clopper_pearson_interval,
    point_rng,
    run_point,
    run_sweep,
    wilson_interval,
)

# ---------------------------------------------------------------- Wilson interval


BINOMIAL_COUNTS = [(0, 1), (1, 1), (0, 100), (1, 100), (10, 100), (50, 100), (99, 100),
                   (100, 100), (3, 2000), (100, 250), (7, 13)]


@pytest.mark.parametrize(("k", "n"), BINOMIAL_COUNTS)
@pytest.mark.parametrize("confidence", [0.95, 0.9, 0.99])
@pytest.mark.parametrize(
    ("interval", "method"),
    [(wilson_interval, "wilson"), (clopper_pearson_interval, "exact")],
    ids=["wilson", "clopper-pearson"],
)
def test_interval_matches_scipy(interval, method, k, n, confidence):
    ref = binomtest(k, n).proportion_ci(confidence_level=confidence, method=method)
    low, high = interval(k, n, confidence)
    assert low == pytest.approx(ref.low, abs=1e-12)
    assert high == pytest.approx(ref.high, abs=1e-12)
    assert 0.0 <= low <= k / n <= high <= 1.0


def test_wilson_hand_value():
    # k = 10, n = 100, z = 1.959964: centre 0.1192073 / 1.0384146 = 0.114797,
    # half-width 1.887462 * sqrt(0.0009 + 0.0000960365) = 0.059568 (hand computation).
    low, high = wilson_interval(10, 100)
    assert (low + high) / 2 == pytest.approx(0.114797, abs=1e-6)
    assert (high - low) / 2 == pytest.approx(0.059568, abs=1e-6)


def test_wilson_no_trials_is_uninformative():
    assert wilson_interval(0, 0) == (0.0, 1.0)


@pytest.mark.parametrize(
    ("args", "exc"),
    [((5, 3), ValueError), ((-1, 3), ValueError), ((1, 3, 1.0), ValueError), ((1.0, 3), TypeError)],
)
def test_wilson_rejects(args, exc):
    with pytest.raises(exc):
        wilson_interval(*args)


# ---------------------------------------------------------------- fake presets


class Recorder:
    """A cheap batch function: each block fails with probability p(snr); records the calls."""

    def __init__(self, p_of_snr, bits_per_block=10):
        self.p_of_snr = p_of_snr
        self.bits = bits_per_block
        self.calls: list[tuple[float, int]] = []

    def __call__(self, snr_db, n, rng):
        self.calls.append((snr_db, n))
        fail = rng.random(n) < self.p_of_snr(snr_db)
        bit_err = int(fail.sum())  # one bit error per failed block
        return BatchCounts(n, int(fail.sum()), n * self.bits, bit_err)


def test_point_stops_at_target_errors():
    fn = Recorder(lambda s: 1.0)
    p = run_point(
        fn, 0.0, SweepSettings(target_block_errors=25, batch_size=10), np.random.default_rng(0)
    )
    assert (p.blocks, p.block_errors, p.stop_reason) == (30, 30, "target-errors")
    assert [n for _, n in fn.calls] == [10, 10, 10]
    assert p.bler == 1.0 and p.throughput == 0.0 and p.ber == pytest.approx(0.1)


def test_point_stops_at_max_blocks_with_short_last_batch():
    fn = Recorder(lambda s: 0.0)
    p = run_point(fn, 3.0, SweepSettings(max_blocks=250, batch_size=100), np.random.default_rng(0))
    assert (p.blocks, p.block_errors, p.stop_reason) == (250, 0, "max-blocks")
    assert [n for _, n in fn.calls] == [100, 100, 50]
    assert p.bler == 0.0 and p.throughput == 10.0
    assert p.bler_ci[0] == 0.0 and 0.0 < p.bler_ci[1] < 0.02


def test_sweep_stops_below_bler_floor():
    fn = Recorder(lambda s: 10.0 ** (-s))  # BLER 1, 0.1, 0.01, 1e-3, ...
    settings = SweepSettings(
        target_block_errors=20, max_blocks=500, batch_size=100, bler_floor=0.05
    )
    res = run_sweep(fn, [0.0, 1.0, 2.0, 3.0, 4.0], settings)
    # 2 dB: p = 0.01, <= 20 errors in 500 blocks is a BLER <= 0.04 < 0.05 with probability > 0.999
    assert res.stop_reason == "bler-floor"
    assert [p.snr_db for p in res.points] == [0.0, 1.0, 2.0]
    assert {s for s, _ in fn.calls} == {0.0, 1.0, 2.0}


def test_sweep_floor_zero_runs_every_point():
    fn = Recorder(lambda s: 0.0)
    res = run_sweep(fn, [0.0, 1.0, 2.0], SweepSettings(max_blocks=50, bler_floor=0.0))
    assert res.stop_reason == "completed" and len(res.points) == 3


def test_sweep_floor_at_last_point_is_completed():
    fn = Recorder(lambda s: 1.0 if s < 1 else 0.0)
    res = run_sweep(fn, [0.0, 1.0], SweepSettings(target_block_errors=10, max_blocks=50))
    assert res.stop_reason == "completed" and [p.stop_reason for p in res.points] == [
        "target-errors",
        "max-blocks",
    ]


def _strip(res):
    return [{k: v for k, v in d.items() if k != "elapsed"} for d in res.to_dicts()]


def test_sweep_is_reproducible_and_points_are_independent():
    fn = Recorder(lambda s: 0.3)
    settings = SweepSettings(target_block_errors=1000, max_blocks=300, batch_size=70, seed=9)
    a = run_sweep(fn, [0.0, 1.0, 2.0], settings)
    b = run_sweep(fn, [0.0, 1.0, 2.0], settings)
    assert _strip(a) == _strip(b)
    # point 2 uses SeedSequence(9).spawn(...)[2] whatever the other points consumed
    alone = run_point(fn, 2.0, settings, point_rng(9, 2))
    assert alone.block_errors == a.points[2].block_errors
    # another seed gives other counts
    c = run_sweep(
        fn, [0.0, 1.0, 2.0], SweepSettings(target_block_errors=1000, max_blocks=300, seed=10)
    )
    assert [p.block_errors for p in c.points] != [p.block_errors for p in a.points]


def test_point_rng_is_the_spawned_child():
    ss = np.random.SeedSequence(123).spawn(4)
    for i in range(4):
        np.testing.assert_array_equal(
            point_rng(123, i).integers(0, 2**31, 8),
            np.random.default_rng(ss[i]).integers(0, 2**31, 8),
        )


def test_sweep_interrupt_returns_finished_points():
    def fn(snr_db, n, rng):
        if snr_db >= 2.0:
            raise KeyboardInterrupt
        return BatchCounts(n, n, n, n)

    res = run_sweep(fn, [0.0, 1.0, 2.0, 3.0], SweepSettings(target_block_errors=5, batch_size=5))
    assert res.interrupted and res.stop_reason == "interrupted"
    assert [p.snr_db for p in res.points] == [0.0, 1.0]


def test_observer_events():
    events = []

    class Obs:
        def point_started(self, i, snr, settings):
            events.append(("start", i, snr))

        def batch_done(self, i, partial, settings):
            events.append(("batch", i, partial.blocks))

        def point_done(self, i, result):
            events.append(("done", i, result.blocks))

    fn = Recorder(lambda s: 0.0)
    run_sweep(
        fn, [0.0, 1.0], SweepSettings(max_blocks=30, batch_size=10, bler_floor=0.0), observer=Obs()
    )
    assert events == [
        ("start", 0, 0.0),
        ("batch", 0, 10),
        ("batch", 0, 20),
        ("done", 0, 30),
        ("start", 1, 1.0),
        ("batch", 1, 10),
        ("batch", 1, 20),
        ("done", 1, 30),
    ]


def test_results_serialise_to_json():
    res = run_sweep(Recorder(lambda s: 0.5), [0.0], SweepSettings(max_blocks=100))
    d = json.loads(json.dumps(res.to_dicts()))[0]
    for key in (
        "snr_db",
        "blocks",
        "block_errors",
        "bler",
        "bler_ci",
        "bit_errors",
        "ber",
        "throughput",
        "elapsed",
    ):
        assert key in d
    assert d["bler"] == d["block_errors"] / d["blocks"]
    assert d["throughput"] == pytest.approx((1 - d["bler"]) * 10)
    assert len(d["bler_ci"]) == 2 and d["bler_ci"][0] <= d["bler"] <= d["bler_ci"][1]


def test_point_result_without_blocks_is_nan():
    p = PointResult(0.0, 0, 0, 0, 0)
    assert math.isnan(p.bler) and math.isnan(p.ber) and math.isnan(p.throughput)
    assert SweepResult().points == ()


# ---------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("kwargs", "exc"),
    [
        ({"target_block_errors": 0}, ValueError),
        ({"max_blocks": 0}, ValueError),
        ({"batch_size": 0}, ValueError),
        ({"batch_size": 2.5}, TypeError),
        ({"seed": -1}, ValueError),
        ({"bler_floor": 1.0}, ValueError),
        ({"bler_floor": -0.1}, ValueError),
        ({"bler_floor": "0.1"}, TypeError),
    ],
)
def test_settings_reject(kwargs, exc):
    with pytest.raises(exc):
        SweepSettings(**kwargs)


@pytest.mark.parametrize(
    ("args", "exc"),
    [
        ((5, 6, 10, 0), ValueError),
        ((5, 0, 10, 11), ValueError),
        ((-1, 0, 0, 0), ValueError),
        ((1.0, 0, 0, 0), TypeError),
    ],
)
def test_batch_counts_reject(args, exc):
    with pytest.raises(exc):
        BatchCounts(*args)


@pytest.mark.parametrize(
    ("snrs", "exc"),
    [
        ([], ValueError),
        ([1.0, 1.0], ValueError),
        ([2.0, 1.0], ValueError),
        ([0.0, float("nan")], ValueError),
        (["a"], TypeError),
    ],
)
def test_sweep_rejects_snrs(snrs, exc):
    with pytest.raises(exc):
        run_sweep(Recorder(lambda s: 0.0), snrs, SweepSettings(max_blocks=1))


def test_sweep_rejects_bad_batch_function():
    with pytest.raises(TypeError, match="BatchCounts"):
        run_sweep(lambda s, n, rng: (n, 0), [0.0])
    with pytest.raises(ValueError, match="asked for"):
        run_sweep(lambda s, n, rng: BatchCounts(n + 1, 0, 0, 0), [0.0])
    with pytest.raises(TypeError, match="settings"):
        run_sweep(Recorder(lambda s: 0.0), [0.0], settings={"max_blocks": 1})
    with pytest.raises(TypeError, match="rng"):
        run_point(Recorder(lambda s: 0.0), 0.0, SweepSettings(), rng=1)
