"""Link results store: schema, append-only rows, several campaigns, and the bad files."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest

from opennr.link.engine import BatchCounts
from opennr.link.store import SCHEMA_VERSION, ResultsStore, StoreError


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def store_path(tmp_path):
    return tmp_path / "results.sqlite"


def test_create_reopen_and_record(store_path):
    with ResultsStore(store_path) as st:
        assert st.schema_version == SCHEMA_VERSION and st.created_by.startswith("opennr ")
        c = st.open_campaign("a", "h1", {"preset": "bpsk-awgn", "x": [1.5, 2]})
        assert st.record_batch(c.id, 0, 1, 0.5, BatchCounts(10, 2, 80, 3), 0.25)
        assert st.record_batch(c.id, 0, 0, 0.5, BatchCounts(10, 1, 80, 1), 0.5)
    raw = sqlite3.connect(store_path)
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert raw.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == (str(SCHEMA_VERSION),)
    raw.close()
    with ResultsStore(store_path) as st:
        (rec,) = st.campaigns()
        assert (rec.name, rec.config_hash, rec.config) == ("a", "h1", {"preset": "bpsk-awgn", "x": [1.5, 2]})
        assert rec.software_version
        got = [(b.point, b.batch, b.snr_db, b.counts, b.elapsed) for b in st.batches(rec.id)]
        assert got == [
            (0, 0, 0.5, BatchCounts(10, 1, 80, 1), 0.5),
            (0, 1, 0.5, BatchCounts(10, 2, 80, 3), 0.25),
        ]
        # reopening the same campaign returns the same row
        assert st.open_campaign("a", "h1", {"x": [1.5, 2], "preset": "bpsk-awgn"}).id == rec.id


def test_existing_rows_are_never_altered(store_path):
    with ResultsStore(store_path) as st:
        c = st.open_campaign("a", "h1", {})
        assert st.record_batch(c.id, 2, 3, 1.0, BatchCounts(10, 1, 80, 1), 0.1)
        assert not st.record_batch(c.id, 2, 3, 1.0, BatchCounts(10, 7, 80, 9), 0.2)
        assert [b.counts.block_errors for b in st.batches(c.id)] == [1]
    raw = sqlite3.connect(store_path)
    for sql in ("UPDATE batches SET blocks = 0", "DELETE FROM batches", "DELETE FROM campaigns"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            raw.execute(sql)
    raw.close()


def test_several_campaigns_in_one_file(store_path):
    with ResultsStore(store_path) as st:
        a = st.open_campaign("a", "hash-a", {"k": 1})
        b = st.open_campaign("b", "hash-b", {"k": 2})
        st.record_batch(a.id, 0, 0, 0.0, BatchCounts(5, 5, 5, 5), 0.0)
        st.record_batch(b.id, 0, 0, 0.0, BatchCounts(5, 0, 5, 0), 0.0)
        assert [c.name for c in st.campaigns()] == ["a", "b"]
        assert st.batches(a.id)[0].counts.block_errors == 5
        assert st.batches(b.id)[0].counts.block_errors == 0
        assert st.campaign("hash-b").id == b.id and st.campaign("nope") is None


def test_same_hash_other_config_is_refused(store_path):
    with ResultsStore(store_path) as st:
        st.open_campaign("a", "h", {"k": 1})
        with pytest.raises(StoreError, match="another configuration"):
            st.open_campaign("a", "h", {"k": 2})
        with pytest.raises(StoreError, match="another configuration"):
            st.open_campaign("b", "h", {"k": 1})
        assert st.campaigns()[0].config == {"k": 1}


def test_locked_store(store_path):
    with ResultsStore(store_path) as st:
        st.open_campaign("a", "h", {})
    holder = sqlite3.connect(store_path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        st = ResultsStore(store_path, timeout=0.2)  # reading is fine in WAL mode...
        with pytest.raises(StoreError, match="locked") as info:
            st.open_campaign("b", "h2", {})  # ... writing waits 0.2 s, then gives up
        assert str(store_path) in str(info.value) and isinstance(info.value, ValueError)
        with pytest.raises(StoreError, match="locked"):
            st.record_batch(1, 0, 0, 0.0, BatchCounts(1, 0, 1, 0), 0.0)
        st.close()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with ResultsStore(store_path) as st:
        assert [c.name for c in st.campaigns()] == ["a"]


def test_locked_fresh_file_while_creating(store_path):
    holder = sqlite3.connect(store_path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("CREATE TABLE t (x)")
    try:
        with pytest.raises(StoreError, match="locked"):
            ResultsStore(store_path, timeout=0.1)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_not_a_database_is_left_alone(store_path):
    store_path.write_bytes(b"this is not a database\n" * 100)
    before = _digest(store_path)
    with pytest.raises(StoreError, match="not an SQLite database") as info:
        ResultsStore(store_path)
    assert str(store_path) in str(info.value)
    assert _digest(store_path) == before


def test_corrupt_pages(store_path):
    with ResultsStore(store_path) as st:
        c = st.open_campaign("a", "h", {"pad": "x" * 5000})
        for b in range(200):
            st.record_batch(c.id, 0, b, 0.0, BatchCounts(10, 1, 10, 1), 0.0)
    # checkpoint the WAL into the main file, then damage the pages after the header page
    raw = sqlite3.connect(store_path)
    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw.close()
    data = bytearray(store_path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    data[page : len(data)] = b"\xa5" * (len(data) - page)
    store_path.write_bytes(bytes(data))
    before = _digest(store_path)
    with pytest.raises(StoreError, match="corrupt|not an OpenNR") as info:
        with ResultsStore(store_path) as st:
            for rec in st.campaigns():
                st.batches(rec.id)
    assert str(store_path) in str(info.value)
    assert _digest(store_path) == before


def test_foreign_sqlite_database(store_path):
    raw = sqlite3.connect(store_path)
    raw.execute("CREATE TABLE people (name TEXT)")
    raw.execute("INSERT INTO people VALUES ('x')")
    raw.commit()
    raw.close()
    before = _digest(store_path)
    with pytest.raises(StoreError, match="not an OpenNR results store.*people"):
        ResultsStore(store_path)
    assert _digest(store_path) == before


@pytest.mark.parametrize(("version", "hint"), [("99", "upgrade OpenNR"), ("0", "another")])
def test_incompatible_schema_version(store_path, version, hint):
    with ResultsStore(store_path) as st:
        c = st.open_campaign("a", "h", {})
        st.record_batch(c.id, 0, 0, 0.0, BatchCounts(1, 0, 1, 0), 0.0)
    raw = sqlite3.connect(store_path)
    raw.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (version,))
    raw.commit()
    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw.close()
    before = _digest(store_path)
    with pytest.raises(StoreError, match=f"schema version '{version}'.*{hint}") as info:
        ResultsStore(store_path)
    assert str(store_path) in str(info.value)
    assert _digest(store_path) == before


def test_bad_paths(tmp_path):
    with pytest.raises(StoreError, match="directory"):
        ResultsStore(tmp_path)
    with pytest.raises(StoreError, match="does not exist"):
        ResultsStore(tmp_path / "missing" / "r.sqlite")
    with pytest.raises(StoreError, match="does not exist"):
        ResultsStore(tmp_path / "absent.sqlite", readonly=True)
    with pytest.raises(TypeError, match="path"):
        ResultsStore(3)
    with pytest.raises(ValueError, match="timeout"):
        ResultsStore(tmp_path / "r.sqlite", timeout=-1)


def test_readonly_and_closed(store_path):
    with ResultsStore(store_path) as st:
        st.open_campaign("a", "h", {})
    with ResultsStore(store_path, readonly=True) as st:
        assert st.open_campaign("a", "h", {}).name == "a"
        with pytest.raises(StoreError, match="read-only"):
            st.open_campaign("b", "h2", {})
    st = ResultsStore(store_path)
    st.close()
    st.close()
    with pytest.raises(StoreError, match="closed"):
        st.campaigns()


def test_bad_arguments(store_path):
    with ResultsStore(store_path) as st:
        with pytest.raises(TypeError, match="name"):
            st.open_campaign("", "h", {})
        with pytest.raises(TypeError, match="config_hash"):
            st.open_campaign("a", None, {})
        c = st.open_campaign("a", "h", {})
        with pytest.raises(TypeError, match="BatchCounts"):
            st.record_batch(c.id, 0, 0, 0.0, (1, 0, 1, 0), 0.0)
        with pytest.raises(StoreError, match="refused"):
            st.record_batch(c.id + 7, 0, 0, 0.0, BatchCounts(1, 0, 1, 0), 0.0)  # no campaign
