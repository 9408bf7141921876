"""Link campaigns: spec validation and hash, store + resume (Ctrl-C and kill -9), workers, loading."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

import opennr.link.campaign as campaign_module
from opennr.link.campaign import (
    CampaignSpec,
    PresetBatchFunction,
    list_campaigns,
    load_campaign,
    run_campaign,
)
from opennr.link.engine import SweepSettings
from opennr.link.store import ResultsStore, StoreError

# ~100 batches of ~10 ms: every stopping rule occurs (target errors at 0 and 9 dB, block cap at
# 10 and 11 dB), bit errors differ from batch to batch.
SPEC = CampaignSpec(
    "bpsk-awgn",
    {"block_length": 20000},
    (0.0, 9.0, 10.0, 11.0),
    SweepSettings(target_block_errors=150, max_blocks=300, batch_size=10, bler_floor=0.02, seed=2),
    name="kill-test",
)


def _strip(res):
    return [{k: v for k, v in d.items() if k != "elapsed"} for d in res.to_dicts()], res.stop_reason


_REFERENCE = {}


def _reference():
    if "r" not in _REFERENCE:
        _REFERENCE["r"] = run_campaign(SPEC, store=None)
    return _REFERENCE["r"]


def _rows(path) -> int:
    if not path.exists():
        return 0
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            return con.execute("SELECT COUNT(*) FROM batches").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0


class CountCalls:
    """Counts the batches simulated in this process (patches the preset cache)."""

    def __init__(self, monkeypatch):
        self.n = 0
        real = campaign_module._preset_batch_function

        def counting(preset, overrides_json):
            fn = real(preset, overrides_json)

            def wrapped(snr_db, n, rng):
                self.n += 1
                return fn(snr_db, n, rng)

            return wrapped

        monkeypatch.setattr(campaign_module, "_preset_batch_function", counting)


# ---------------------------------------------------------------- spec


def test_spec_defaults_follow_the_preset():
    spec = CampaignSpec("ldpc-awgn-bg2")
    assert spec.snr_db[0] == 0.0 and spec.settings.batch_size == 200 and spec.overrides == {}
    assert spec.name == "default"
    assert spec.preset_object().config.tbs == 256
    assert spec.batch_function() == PresetBatchFunction("ldpc-awgn-bg2", "{}")


def test_spec_hash_and_round_trip():
    a = CampaignSpec("bpsk-awgn", {"block_length": 8}, (0.0, 1.0), SweepSettings(seed=4))
    b = CampaignSpec("bpsk-awgn", {"block_length": 8}, [0, 1], SweepSettings(seed=4))
    assert a == b and a.config_hash() == b.config_hash()
    assert len(a.config_hash()) == 64 and int(a.config_hash(), 16) >= 0
    d = a.to_dict()
    assert json.loads(json.dumps(d)) == d
    assert CampaignSpec.from_dict(d) == a and CampaignSpec.from_dict(d).config_hash() == a.config_hash()
    variants = [
        CampaignSpec("bpsk-awgn", {"block_length": 9}, (0.0, 1.0), SweepSettings(seed=4)),
        CampaignSpec("bpsk-awgn", {"block_length": 8}, (0.0, 1.5), SweepSettings(seed=4)),
        CampaignSpec("bpsk-awgn", {"block_length": 8}, (0.0, 1.0), SweepSettings(seed=5)),
        CampaignSpec("bpsk-awgn", {"block_length": 8}, (0.0, 1.0), SweepSettings(seed=4), name="x"),
        CampaignSpec("bpsk-awgn", {}, (0.0, 1.0), SweepSettings(seed=4)),
    ]
    hashes = {v.config_hash() for v in variants} | {a.config_hash()}
    assert len(hashes) == len(variants) + 1
    # the hash is the SHA-256 of canonical JSON that holds the spec
    payload = {"format": 1, "opennr": campaign_module._software_major_minor(), "spec": d}
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    assert a.config_hash() == hashlib.sha256(text.encode()).hexdigest()


def test_integer_value_of_a_float_parameter_is_the_same_campaign():
    a = CampaignSpec("pdsch-tdlc", {"delay_spread_ns": 300}, (5.0,))
    b = CampaignSpec("pdsch-tdlc", {"delay_spread_ns": 300.0}, (5.0,))
    assert a.overrides == {"delay_spread_ns": 300.0} and isinstance(a.overrides["delay_spread_ns"], float)
    assert a.config_hash() == b.config_hash()


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"preset": "nope"}, ValueError, "preset"),
        ({"preset": 3}, TypeError, "preset"),
        ({"preset": "bpsk-awgn", "overrides": {"algorithm": "x"}}, ValueError, "no parameter"),
        ({"preset": "bpsk-awgn", "overrides": {"block_length": 0}}, ValueError, "block_length"),
        ({"preset": "bpsk-awgn", "overrides": {"block_length": 2.5}}, TypeError, "block_length"),
        ({"preset": "bpsk-awgn", "overrides": {"block_length": object()}}, TypeError, "JSON"),
        ({"preset": "bpsk-awgn", "overrides": [1]}, TypeError, "overrides"),
        ({"preset": "bpsk-awgn", "snr_db": (1.0, 0.0)}, ValueError, "increasing"),
        ({"preset": "bpsk-awgn", "snr_db": (0.0, float("inf"))}, ValueError, "finite"),
        ({"preset": "bpsk-awgn", "settings": {"seed": 1}}, TypeError, "settings"),
        ({"preset": "bpsk-awgn", "name": ""}, ValueError, "name"),
    ],
)
def test_spec_rejects(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        CampaignSpec(**kwargs)


def test_from_dict_rejects_unknown_keys():
    with pytest.raises(ValueError, match="'snr'.*allowed"):
        CampaignSpec.from_dict({"preset": "bpsk-awgn", "snr": [1]})
    with pytest.raises(ValueError, match="'target'.*allowed"):
        CampaignSpec.from_dict({"preset": "bpsk-awgn", "settings": {"target": 3}})
    with pytest.raises(ValueError, match="needs a 'preset'"):
        CampaignSpec.from_dict({})
    with pytest.raises(TypeError, match="dict"):
        CampaignSpec.from_dict([("preset", "bpsk-awgn")])
    with pytest.raises(TypeError, match="spec"):
        run_campaign({"preset": "bpsk-awgn"}, store=None)


# ---------------------------------------------------------------- store and resume


def test_store_resume_after_ctrl_c_equals_uninterrupted(tmp_path, monkeypatch):
    reference = _reference()
    path = tmp_path / "r.sqlite"
    calls = CountCalls(monkeypatch)

    class StopAfter:
        def __init__(self, k):
            self.k = k

        def batch_done(self, index, partial, settings):
            self.k -= 1
            if self.k == 0:
                raise KeyboardInterrupt

    first = run_campaign(SPEC, store=path, observer=StopAfter(25))
    assert first.interrupted and len(first.points) == 1
    assert _strip(first)[0] == _strip(reference)[0][:1]
    stored = _rows(path)
    assert stored == calls.n and stored >= 25
    resumed = run_campaign(SPEC, store=path)
    assert _strip(resumed) == _strip(reference)
    assert calls.n == _rows(path)  # nothing computed twice
    assert resumed.name == "kill-test" and resumed.config_hash == SPEC.config_hash()
    assert resumed.snr_label == "Eb/N0 [dB]"
    # a finished campaign is read back without simulating anything
    before = calls.n
    again = run_campaign(SPEC, store=path)
    assert calls.n == before and _strip(again) == _strip(reference)
    spec, loaded = load_campaign(path)
    assert spec == SPEC and _strip(loaded) == _strip(reference)
    assert [p.elapsed for p in loaded.points] == [p.elapsed for p in again.points]


def _campaign_script(path, workers, throttle=0.01, spec=SPEC):
    """A child process running ``spec``; its observer sleeps ``throttle`` s per counted batch so
    that the parent (polling the store) always catches it running, even on a loaded machine."""
    return (
        "import json, signal, time\n"
        "import opennr.link.campaign as c\n"
        "class Throttle:\n"
        "    def batch_done(self, index, partial, settings):\n"
        f"        time.sleep({throttle})\n"
        "if __name__ == '__main__':\n"
        # a parent started in the background by a shell may hand down an ignored SIGINT
        "    signal.signal(signal.SIGINT, signal.default_int_handler)\n"
        f"    spec = c.CampaignSpec.from_dict(json.loads({json.dumps(spec.to_dict())!r}))\n"
        f"    res = c.run_campaign(spec, store={str(path)!r}, workers={workers}, "
        "observer=Throttle())\n"
        "    print(res.stop_reason, len(res.points), flush=True)\n"
    )


def _run_and_kill(path, at_least_rows, workers=1, spec=SPEC):
    """Run the campaign in a subprocess, SIGKILL it once ``at_least_rows`` batches are stored.

    Returns ``(rows, killed)``: ``killed`` is False when the campaign finished first.
    """
    proc = subprocess.Popen(
        [sys.executable, "-c", _campaign_script(path, workers, spec=spec)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # the kill reaches the pool workers too
    )
    deadline = time.monotonic() + 120
    killed = False
    try:
        while _rows(path) < at_least_rows and proc.poll() is None:
            assert time.monotonic() < deadline, "campaign too slow"
            time.sleep(0.005)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            killed = True
    finally:
        proc.wait(timeout=60)
        err = proc.stderr.read()
        proc.stderr.close()
    if killed:
        assert proc.returncode == -signal.SIGKILL
    else:
        assert proc.returncode == 0, err
    return _rows(path), killed


@pytest.mark.parametrize("workers", [1, 2])
def test_kill_9_and_resume_equals_uninterrupted(tmp_path, monkeypatch, workers):
    reference = _reference()
    counted = sum(-(-p.blocks // SPEC.settings.batch_size) for p in reference.points)
    path = tmp_path / "r.sqlite"
    n_first, killed = _run_and_kill(path, 8, workers=workers)
    assert killed and 8 <= n_first < counted
    # resumed, then killed again (unless it finishes first on a fast machine)
    n_second, _ = _run_and_kill(path, n_first + min(30, (counted - n_first) // 2), workers=workers)
    assert n_first < n_second
    calls = CountCalls(monkeypatch)
    resumed = run_campaign(SPEC, store=path)
    assert _strip(resumed) == _strip(reference)
    assert calls.n == _rows(path) - n_second  # only the missing batches ran
    with ResultsStore(path, readonly=True) as st:
        (rec,) = st.campaigns()
        keys = [(b.point, b.batch) for b in st.batches(rec.id)]
    assert len(keys) == len(set(keys))


def test_two_workers_with_store_equal_one(tmp_path):
    reference = _reference()
    path = tmp_path / "r.sqlite"
    res = run_campaign(SPEC, store=path, workers=2)
    assert _strip(res) == _strip(reference)
    counted = sum(-(-p.blocks // SPEC.settings.batch_size) for p in res.points)
    assert _rows(path) >= counted  # speculative batches may be stored, never counted
    assert _strip(load_campaign(path)[1]) == _strip(reference)


def test_several_campaigns_and_loading(tmp_path):
    path = tmp_path / "r.sqlite"
    a = CampaignSpec("bpsk-awgn", {}, (0.0, 3.0), SweepSettings(max_blocks=200), name="a")
    b = CampaignSpec("bpsk-awgn", {"block_length": 10}, (0.0, 3.0), SweepSettings(max_blocks=200), name="b")
    ra = run_campaign(a, store=path)
    rb = run_campaign(b, store=path)
    assert [c.name for c in list_campaigns(path)] == ["a", "b"]
    assert _strip(load_campaign(path, name="a")[1]) == _strip(ra)
    assert _strip(load_campaign(path, config_hash=b.config_hash()[:10])[1]) == _strip(rb)
    with pytest.raises(ValueError, match="2 campaigns matching any name"):
        load_campaign(path)
    with pytest.raises(ValueError, match="0 campaigns matching name 'c'"):
        load_campaign(path, name="c")


def test_load_an_unfinished_campaign(tmp_path):
    path = tmp_path / "r.sqlite"

    class StopAtPoint1:
        def point_started(self, index, snr_db, settings):
            if index == 1:
                raise KeyboardInterrupt

    run_campaign(SPEC, store=path, observer=StopAtPoint1())
    spec, res = load_campaign(path, name="kill-test")
    assert res.stop_reason == "incomplete" and len(res.points) == 1
    assert _strip(res)[0] == _strip(_reference())[0][:1]


def test_default_store_in_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run_campaign(CampaignSpec("bpsk-awgn", {}, (9.0,), SweepSettings(max_blocks=100)))
    assert (tmp_path / "opennr-results.sqlite").is_file()


def test_bad_store_is_reported_and_left_alone(tmp_path):
    path = tmp_path / "r.sqlite"
    path.write_bytes(b"\x00garbage" * 64)
    before = path.read_bytes()
    with pytest.raises(StoreError, match="r.sqlite"):
        run_campaign(CampaignSpec("bpsk-awgn", {}, (9.0,)), store=path)
    assert path.read_bytes() == before


def test_locked_store_is_reported(tmp_path):
    path = tmp_path / "r.sqlite"
    ResultsStore(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError, match="locked"):
            run_campaign(CampaignSpec("bpsk-awgn", {}, (9.0,)), store=path, store_timeout=0.1)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_ctrl_c_with_a_process_pool_stops_cleanly_and_resumes(tmp_path):
    reference = _reference()
    path = tmp_path / "r.sqlite"
    script = _campaign_script(path, 2, throttle=0.05)
    proc = subprocess.Popen(
        [sys.executable, "-c", script],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while _rows(path) < 10:
        assert proc.poll() is None, proc.stderr.read()
        assert time.monotonic() < deadline, "campaign too slow"
        time.sleep(0.005)
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal does on Ctrl-C: the whole group
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    reason, n_points = out.split()
    assert reason == "interrupted" and int(n_points) < len(reference.points)
    stored = _rows(path)
    assert stored >= 10
    assert _strip(run_campaign(SPEC, store=path)) == _strip(reference)


def test_slot_based_preset_sets_slot_duration():
    spec = CampaignSpec("pdsch-awgn", {}, (30.0,), SweepSettings(max_blocks=1, batch_size=1))
    res = run_campaign(spec, store=None)
    assert res.slot_duration == spec.preset_object().slot_duration == 0.5e-3
    assert res.throughput_bps[0] == pytest.approx(res.throughput[0] / 0.5e-3)
    assert run_campaign(CampaignSpec("bpsk-awgn", {}, (9.0,)), store=None).slot_duration is None


# ---------------------------------------------------------------- HARQ statistics through resume

# pdsch-awgn with HARQ (<= 4 transmissions): ~15 ms batches of 4 slots, 3 points x 12 batches;
# at -2 dB every block needs 4 transmissions, at 0 dB 2 or 3, at 3.5 dB 1 or 2.
HARQ_SPEC = CampaignSpec(
    "pdsch-awgn",
    {"harq_max_transmissions": 4},
    (-2.0, 0.0, 3.5),
    SweepSettings(target_block_errors=1000, max_blocks=48, batch_size=4, bler_floor=0.0, seed=5),
    name="harq-kill-test",
)


def test_kill_9_and_resume_with_harq_counters_equals_uninterrupted(tmp_path, monkeypatch):
    reference = run_campaign(HARQ_SPEC, store=None)
    assert all(p.harq for p in reference.points)
    assert len(set(reference.transmissions.tolist())) == 3  # the counters differ between points
    path = tmp_path / "r.sqlite"
    n_first, killed = _run_and_kill(path, 6, spec=HARQ_SPEC)
    assert killed and 6 <= n_first < 36
    calls = CountCalls(monkeypatch)
    resumed = run_campaign(HARQ_SPEC, store=path)
    assert calls.n == 36 - n_first  # only the missing batches ran
    assert _strip(resumed) == _strip(reference)
    for key in ("transmissions", "first_tx_errors", "first_tx_bler", "mean_transmissions"):
        assert [d[key] for d in resumed.to_dicts()] == [d[key] for d in reference.to_dicts()]
    assert _strip(load_campaign(path)[1]) == _strip(reference)
    with ResultsStore(path, readonly=True) as st:
        (rec,) = st.campaigns()
        stored = st.batches(rec.id)
    assert len(stored) == 36 and all(b.counts.harq for b in stored)
    assert sum(b.counts.transmissions for b in stored) == int(reference.transmissions.sum())


def test_harq_campaign_two_workers_equal_one(tmp_path):
    reference = run_campaign(HARQ_SPEC, store=None)
    two = run_campaign(HARQ_SPEC, store=tmp_path / "r.sqlite", workers=2)
    assert _strip(two) == _strip(reference)
    assert two.first_tx_bler.tolist() == reference.first_tx_bler.tolist()
    assert two.mean_transmissions.tolist() == reference.mean_transmissions.tolist()
