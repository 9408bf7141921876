"""Link campaigns with HARQ: counters in BatchCounts/PointResult/SweepResult, the slot presets'
retransmissions (rv 0, 2, 3, 1, soft combining), the store's schema-1 migration, the outputs."""

from __future__ import annotations

import csv
import hashlib
import json
import math
import sqlite3

import numpy as np
import pytest

from opennr.link.campaign import CampaignSpec, load_campaign, run_campaign
from opennr.link.engine import (
    HARQ_CSV_COLUMNS,
    BatchCounts,
    PointResult,
    SweepResult,
    SweepSettings,
    run_point,
    run_sweep,
)
from opennr.link.presets import get_preset
from opennr.link.report import (
    ReportEntry,
    point_rows,
    report_html,
    snr_at_throughput,
    write_csv,
)
from opennr.link.store import SCHEMA_VERSION, ResultsStore, StoreError

HARQ_KEYS = {"transmissions", "first_tx_errors", "residual_bler", "first_tx_bler",
             "first_tx_bler_ci", "mean_transmissions"}


# ---------------------------------------------------------------- counts and results


def test_batch_counts_harq_fields_add_up_and_repr():
    a = BatchCounts(10, 1, 80, 3, transmissions=14, first_tx_errors=4)
    b = BatchCounts(5, 0, 40, 0, 7, 2)
    assert a + b == BatchCounts(15, 1, 120, 3, 21, 6)
    assert repr(a) == ("BatchCounts(blocks=10, block_errors=1, bits=80, bit_errors=3, "
                       "transmissions=14, first_tx_errors=4)")
    plain = BatchCounts(4, 2, 32, 5)
    assert not plain.harq and plain.transmissions is None and (plain + plain).transmissions is None
    assert repr(plain) == "BatchCounts(blocks=4, block_errors=2, bits=32, bit_errors=5)"
    # a batch without statistics counts one transmission per block, its errors at the first
    assert a + plain == BatchCounts(14, 3, 112, 8, 18, 6)
    assert plain + a == a + plain


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"transmissions": 10}, ValueError, "together"),
        ({"first_tx_errors": 2}, ValueError, "together"),
        ({"transmissions": 9, "first_tx_errors": 2}, ValueError, "transmissions"),  # < blocks
        ({"transmissions": 12, "first_tx_errors": 0}, ValueError, "first_tx_errors"),  # < errors
        ({"transmissions": 12, "first_tx_errors": 11}, ValueError, "first_tx_errors"),  # > blocks
        ({"transmissions": 12.0, "first_tx_errors": 2}, TypeError, "transmissions"),
    ],
)
def test_batch_counts_reject_bad_harq_fields(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        BatchCounts(10, 1, 80, 3, **kwargs)


def test_point_result_harq_metrics_by_hand():
    # 200 TBs of 100 bits: 80 failed their first transmission, 10 failed all, 300 slots used
    p = PointResult(1.0, 200, 10, 200 * 100, 70, 2.0, "max-blocks", 300, 80)
    assert p.harq and p.bler == p.residual_bler == 0.05
    assert p.first_tx_bler == 0.4 and p.mean_transmissions == 1.5
    assert math.isclose(p.throughput, 190 * 100 / 300) and math.isclose(p.throughput_percent, 190 / 3)
    lo, hi = p.first_tx_bler_ci
    assert lo < 0.4 < hi
    d = p.to_dict()
    assert HARQ_KEYS <= set(d) and d["transmissions"] == 300 and d["mean_transmissions"] == 1.5
    assert json.loads(json.dumps(d)) == d
    # without HARQ: the keys are absent, the metrics reduce to the one-transmission ones
    q = PointResult(1.0, 200, 80, 200 * 100, 70)
    assert not (HARQ_KEYS & set(q.to_dict()))
    assert q.first_tx_bler == q.bler == 0.4 and q.mean_transmissions == 1.0
    assert q.throughput == 60.0 and q.throughput_percent == 60.0
    empty = PointResult(0.0, 0, 0, 0, 0, transmissions=0, first_tx_errors=0)
    assert math.isnan(empty.first_tx_bler) and math.isnan(empty.mean_transmissions)


def test_sweep_result_arrays_and_csv(tmp_path):
    res = SweepResult((PointResult(0.0, 100, 5, 800, 9, 0.0, "max-blocks", 250, 90),
                       PointResult(1.0, 100, 0, 800, 0, 0.0, "max-blocks", 120, 20)))
    assert res.harq and res.transmissions.tolist() == [250, 120]
    assert res.first_tx_bler.tolist() == [0.9, 0.2] and res.residual_bler.tolist() == [0.05, 0.0]
    assert res.mean_transmissions.tolist() == [2.5, 1.2]
    rows = list(csv.DictReader(res.to_csv(tmp_path / "h.csv").open()))
    assert [r["mean_transmissions"] for r in rows] == ["2.5", "1.2"]
    assert [r["first_tx_errors"] for r in rows] == ["90", "20"]
    plain = SweepResult((PointResult(0.0, 100, 5, 800, 9),))
    assert not plain.harq and plain.transmissions.tolist() == [100]
    header = plain.to_csv(tmp_path / "p.csv").read_text().splitlines()[0].split(",")
    assert not set(HARQ_CSV_COLUMNS) & set(header)


def harq_coin(snr_db, n, rng):
    """A block fails its first transmission with probability 0.6, each retransmission fixes it
    with probability 0.5, at most 3 transmissions (module level: picklable)."""
    first = rng.random(n) < 0.6
    second = first & (rng.random(n) < 0.5)
    third = second & (rng.random(n) < 0.5)
    tx = n + int(first.sum()) + int(second.sum())
    return BatchCounts(n, int(third.sum()), 10 * n, 3 * int(third.sum()), tx, int(first.sum()))


def test_engine_accumulates_harq_counters_in_any_execution():
    settings = SweepSettings(target_block_errors=40, max_blocks=600, batch_size=50, bler_floor=0.0)
    one = run_sweep(harq_coin, [0.0, 1.0], settings)
    for i, p in enumerate(one.points):
        rngs = [np.random.default_rng(np.random.SeedSequence(1, spawn_key=(i, b)))
                for b in range(p.blocks // 50)]
        total = sum((harq_coin(0.0, 50, r) for r in rngs[1:]), harq_coin(0.0, 50, rngs[0]))
        assert (p.blocks, p.block_errors, p.transmissions, p.first_tx_errors) == (
            total.blocks, total.block_errors, total.transmissions, total.first_tx_errors)
        assert p.block_errors < p.first_tx_errors and 1.0 < p.mean_transmissions <= 3.0
    two = run_sweep(harq_coin, [0.0, 1.0], settings, workers=2)
    assert [d | {"elapsed": 0} for d in two.to_dicts()] == [d | {"elapsed": 0} for d in one.to_dicts()]
    from opennr.link.engine import point_rng

    single = run_point(harq_coin, 0.0, settings, point_rng(1, 0))
    assert single.transmissions == one.points[0].transmissions


# ---------------------------------------------------------------- the slot presets


@pytest.mark.parametrize(
    ("preset", "snr", "expected"),
    [
        ("pdsch-awgn", 3.5, (5, 1349)),
        ("pusch-awgn", 3.5, (5, 1349)),
        ("pusch-tp-awgn", 4.0, (1, 12)),
        ("pdsch-tdlc", 3.0, (2, 806)),
    ],
)
def test_default_slot_presets_are_unchanged(preset, snr, expected):
    """Counts measured with the presets before HARQ existed (seed 0, 8 slots): the default
    (harq_max_transmissions=1) path draws and decodes exactly as before, without HARQ statistics,
    and the campaign description (hence its hash) does not mention HARQ."""
    counts = get_preset(preset).batch_function()(snr, 8, np.random.default_rng(0))
    assert not counts.harq and (counts.block_errors, counts.bit_errors) == expected
    spec = CampaignSpec(preset, {}, (snr,))
    assert "harq" not in json.dumps(spec.to_dict())


def test_harq_first_transmission_is_the_one_transmission_run():
    """Same rng: the first transmission of every block is the realisation the no-HARQ run draws,
    so first_tx_errors equals the no-HARQ block errors; retransmissions then only help."""
    plain = get_preset("pdsch-awgn").batch_function()
    for n_tx in (2, 4):
        harq = get_preset("pdsch-awgn").with_overrides(harq_max_transmissions=n_tx).batch_function()
        for seed, snr in [(0, 3.5), (1, 3.5), (2, 0.0)]:
            a = plain(snr, 8, np.random.default_rng(seed))
            b = harq(snr, 8, np.random.default_rng(seed))
            assert b.harq and b.first_tx_errors == a.block_errors
            assert b.block_errors <= a.block_errors and b.bits == a.bits
            assert 8 + a.block_errors <= b.transmissions <= 8 + (n_tx - 1) * a.block_errors


def test_harq_campaign_lowers_the_residual_bler():
    """At 1 dB every first transmission fails (16QAM R 0.33 needs ~3.5 dB): with soft combining
    of rv 0 and rv 2 each block is decoded at its second transmission; with 4 transmissions at
    -2.5 dB, more are needed. Without combining a retransmission would fail like the first."""
    settings = SweepSettings(target_block_errors=1000, max_blocks=24, batch_size=8, bler_floor=0.0)
    res = run_campaign(CampaignSpec("pdsch-awgn", {"harq_max_transmissions": 4}, (-2.5, 1.0),
                                    settings), store=None)
    for p in res.points:
        assert p.first_tx_bler > 0.9
        assert p.bler < p.first_tx_bler
        assert 1.0 < p.mean_transmissions <= 4.0
    assert res.points[1].mean_transmissions == 2.0 and res.points[1].bler == 0.0
    assert res.points[0].mean_transmissions > 3.0
    # throughput per slot used: delivered bits over transmissions
    p = res.points[1]
    assert math.isclose(p.throughput, 0.5 * 4608) and math.isclose(p.throughput_percent, 50.0)
    assert res.slot_duration == 0.5e-3
    assert math.isclose(res.throughput_bps[1], 0.5 * 4608 / 0.5e-3)
    two = run_campaign(CampaignSpec("pdsch-awgn", {"harq_max_transmissions": 2}, (-2.5,),
                                    settings), store=None)
    assert two.points[0].mean_transmissions == 2.0 and two.points[0].bler > res.points[0].bler


@pytest.mark.parametrize(
    ("value", "exc"), [(0, ValueError), (5, ValueError), (1.5, TypeError), ("2", TypeError)]
)
def test_harq_override_rejects(value, exc):
    with pytest.raises(exc, match="harq_max_transmissions"):
        get_preset("pdsch-awgn").with_overrides(harq_max_transmissions=value)


def test_harq_fading_preset_runs():
    fn = get_preset("pdsch-tdlc").with_overrides(harq_max_transmissions=3).batch_function()
    c = fn(-3.0, 4, np.random.default_rng(1))
    assert c.harq and c.block_errors <= c.first_tx_errors and 4 <= c.transmissions <= 12


# ---------------------------------------------------------------- store: schema 1 files

_SCHEMA_1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE campaigns (id INTEGER PRIMARY KEY, name TEXT NOT NULL,
    config_hash TEXT NOT NULL UNIQUE, config TEXT NOT NULL, software_version TEXT NOT NULL,
    created_utc TEXT NOT NULL);
CREATE TABLE batches (campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
    point INTEGER NOT NULL CHECK (point >= 0), batch INTEGER NOT NULL CHECK (batch >= 0),
    snr_db REAL NOT NULL, blocks INTEGER NOT NULL CHECK (blocks >= 0),
    block_errors INTEGER NOT NULL CHECK (block_errors BETWEEN 0 AND blocks),
    bits INTEGER NOT NULL CHECK (bits >= 0),
    bit_errors INTEGER NOT NULL CHECK (bit_errors BETWEEN 0 AND bits),
    elapsed REAL NOT NULL, software_version TEXT NOT NULL, finished_utc TEXT NOT NULL,
    PRIMARY KEY (campaign_id, point, batch)) WITHOUT ROWID;
CREATE TRIGGER batches_append_only_update BEFORE UPDATE ON batches
BEGIN SELECT RAISE(ABORT, 'OpenNR results are append-only'); END;
CREATE TRIGGER batches_append_only_delete BEFORE DELETE ON batches
BEGIN SELECT RAISE(ABORT, 'OpenNR results are append-only'); END;
"""

SPEC = CampaignSpec("bpsk-awgn", {"block_length": 50}, (0.0, 3.0),
                    SweepSettings(target_block_errors=30, max_blocks=400, batch_size=50, seed=4),
                    name="old")


def _schema_1_file(path, batches):
    """A store as OpenNR wrote it before schema 2, holding the first ``batches`` of SPEC."""
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode = WAL")
    con.executescript(_SCHEMA_1)
    con.executemany("INSERT INTO meta VALUES (?, ?)", [
        ("format", "opennr-results"), ("schema_version", "1"), ("created_by", "opennr 0.1.0"),
        ("created_utc", "2026-01-01T00:00:00+00:00")])
    con.execute("PRAGMA application_id = 1330532913")
    con.execute("PRAGMA user_version = 1")
    con.execute("INSERT INTO campaigns VALUES (1, ?, ?, ?, '0.1.0', '2026-01-01T00:00:00+00:00')",
                (SPEC.name, SPEC.config_hash(), json.dumps(SPEC.to_dict(), sort_keys=True)))
    fn = SPEC.batch_function()
    for point, batch in batches:
        rng = np.random.default_rng(np.random.SeedSequence(4, spawn_key=(point, batch)))
        c = fn(SPEC.snr_db[point], 50, rng)
        con.execute("INSERT INTO batches VALUES (1, ?, ?, ?, ?, ?, ?, ?, 0.01, '0.1.0', 'x')",
                    (point, batch, SPEC.snr_db[point], c.blocks, c.block_errors, c.bits,
                     c.bit_errors))
    con.commit()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()


def _old_rows(path):
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute("SELECT campaign_id, point, batch, snr_db, blocks, block_errors, bits, "
                           "bit_errors, elapsed, software_version, finished_utc FROM batches "
                           "ORDER BY point, batch").fetchall()
    finally:
        con.close()


def test_schema_1_store_read_only_is_read_and_left_alone(tmp_path):
    path = tmp_path / "old.sqlite"
    _schema_1_file(path, [(0, 0), (0, 1)])
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with ResultsStore(path, readonly=True) as st:
        assert st.schema_version == 1
        (rec,) = st.campaigns()
        got = st.batches(rec.id)
    assert [(b.point, b.batch, b.counts.harq) for b in got] == [(0, 0, False), (0, 1, False)]
    spec, partial = load_campaign(path)
    assert spec == SPEC and partial.stop_reason == "incomplete"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_schema_1_store_is_migrated_and_its_campaign_resumes(tmp_path):
    path = tmp_path / "old.sqlite"
    _schema_1_file(path, [(0, 0), (0, 1), (0, 2)])
    old = _old_rows(path)
    reference = run_campaign(SPEC, store=None)
    resumed = run_campaign(SPEC, store=path)  # opens for writing: migrates, then resumes
    def strip(r):
        return [{k: v for k, v in d.items() if k != "elapsed"} for d in r.to_dicts()]

    assert strip(resumed) == strip(reference)
    assert _old_rows(path)[: len(old)] == old  # the old rows, unchanged
    with ResultsStore(path) as st:
        assert st.schema_version == SCHEMA_VERSION == 2
        (rec,) = st.campaigns()
        assert rec.software_version == "0.1.0"
        assert all(not b.counts.harq for b in st.batches(rec.id))
        # HARQ rows can be recorded next to the old ones
        assert st.record_batch(rec.id, 5, 0, 9.0, BatchCounts(3, 1, 30, 2, 7, 2), 0.1)
        assert st.batches(rec.id)[-1].counts == BatchCounts(3, 1, 30, 2, 7, 2)
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):  # the new columns' checks
            st._db.execute("INSERT INTO batches VALUES (1, 6, 0, 9.0, 3, 1, 30, 2, 0.1, 'x', 'y', "
                           "2, 1)")
    raw = sqlite3.connect(path)
    meta = dict(raw.execute("SELECT key, value FROM meta"))
    assert meta["schema_version"] == "2" and meta["migrated_from_1_utc"]
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 2
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        raw.execute("UPDATE batches SET blocks = 0")
    raw.close()


def test_newer_schema_is_still_refused(tmp_path):
    path = tmp_path / "new.sqlite"
    _schema_1_file(path, [])
    raw = sqlite3.connect(path)
    raw.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    raw.commit()
    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="schema version '3'.*upgrade OpenNR"):
        ResultsStore(path)
    assert path.read_bytes() == before


def test_store_round_trips_harq_counts(tmp_path):
    with ResultsStore(tmp_path / "r.sqlite") as st:
        c = st.open_campaign("h", "abc", {})
        st.record_batch(c.id, 0, 0, 1.0, BatchCounts(8, 0, 64, 0, 16, 8), 0.1)
        st.record_batch(c.id, 0, 1, 1.0, BatchCounts(8, 2, 64, 9), 0.1)
        got = [b.counts for b in st.batches(c.id)]
    assert got == [BatchCounts(8, 0, 64, 0, 16, 8), BatchCounts(8, 2, 64, 9)]


# ---------------------------------------------------------------- reports


def test_report_rows_csv_html_show_harq(tmp_path, monkeypatch):
    import opennr.link.plotting

    monkeypatch.setattr(opennr.link.plotting, "render_png", lambda *a, **k: b"png")  # see below
    pts = (PointResult(-1.0, 100, 20, 460800, 900, 1.0, "max-blocks", 300, 100),
           PointResult(1.0, 100, 0, 460800, 0, 1.0, "max-blocks", 125, 25))
    rows = point_rows(pts, slot_duration=0.5e-3)
    assert HARQ_KEYS <= set(rows[0]) and rows[1]["throughput_percent"] == 80.0
    assert math.isclose(rows[0]["throughput_bps"], 80 * 4608 / 300 / 0.5e-3)
    assert snr_at_throughput(pts, 70.0) == pytest.approx(-1.0 + (70 - 80 / 3) / (80 - 80 / 3) * 2)
    entry = ReportEntry("h", pts, {"preset": "pdsch-awgn"}, slot_duration=0.5e-3)
    page = report_html([entry])
    assert "1st-transmission BLER" in page and "mean transmissions" in page and "3.000" in page
    got = list(csv.DictReader(write_csv([entry], tmp_path / "r.csv").open()))
    assert [r["mean_transmissions"] for r in got] == ["3.0", "1.25"]
    plain = ReportEntry("p", (PointResult(1.0, 10, 1, 80, 2),), {})
    assert "1st-transmission" not in report_html([plain])
    header = write_csv([plain], tmp_path / "p.csv").read_text().splitlines()[0]
    assert "transmissions" not in header


def test_harq_points_plot(tmp_path):
    from opennr.link.plotting import plot_sweep

    pts = (PointResult(-1.0, 100, 20, 460800, 900, 1.0, "max-blocks", 300, 100),
           PointResult(1.0, 100, 0, 460800, 0, 1.0, "max-blocks", 125, 25))
    out = plot_sweep(pts, tmp_path / "h.png", slot_duration=0.5e-3)
    assert out.stat().st_size > 0
