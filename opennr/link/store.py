"""Link-level simulation results store (no 3GPP clause): finished batches in an SQLite file.

One file (default ``opennr-results.sqlite``) holds any number of campaigns. Each campaign is a row
of ``campaigns`` keyed by its configuration hash (:meth:`opennr.link.campaign.CampaignSpec.config_hash`)
with its name, its configuration as JSON and the OpenNR version that created it; each finished
batch is a row of ``batches`` keyed by ``(campaign, point, batch)`` with the SNR, the four counts
of :class:`~opennr.link.engine.BatchCounts`, the seconds it took and the software version.

Guarantees
----------
* **One transaction per batch.** :meth:`ResultsStore.record_batch` is a single ``INSERT`` committed
  at once (autocommit), in WAL mode with ``synchronous=NORMAL``: a committed batch survives the
  process being killed (``kill -9``) at any moment; a batch being written when it dies is absent,
  never half-written.
* **Append-only.** An existing row is never altered: a batch recorded twice keeps its first row
  (``ON CONFLICT DO NOTHING``), and triggers abort any ``UPDATE`` or ``DELETE`` of results.
* **Clear errors.** A file that is locked by another writer past the busy timeout, corrupt, not an
  SQLite database, an SQLite database of something else, or written with another schema version
  raises :class:`StoreError` (a ``ValueError``) naming the file; such a file is not modified.

Schema version 2: tables ``meta`` (``format``, ``schema_version``, ``created_by``,
``created_utc``), ``campaigns``, ``batches``; ``PRAGMA application_id`` = 0x4F4E5231 ("ONR1").
A batch row also holds the HARQ statistics ``transmissions`` and ``first_tx_errors`` of its
:class:`~opennr.link.engine.BatchCounts` (NULL for a batch without HARQ).

Schema history and migration
----------------------------
* **1** (OpenNR before HARQ statistics): ``batches`` without the two HARQ columns.
* **2**: the two nullable HARQ columns appended to ``batches``.

A schema-1 file opened for writing is migrated in place, in one transaction: two ``ALTER TABLE
batches ADD COLUMN`` (SQLite does not rewrite the existing rows, which read back NULL: "no HARQ
statistics", exactly what they were), ``schema_version`` set to 2 and ``migrated_from_1_utc``
recorded in ``meta``. No result row is modified or removed, and a campaign of the old file
resumes with the same configuration hash. Opened read-only, a schema-1 file is read as it is
(not migrated). After the migration an OpenNR that reads schema 1 only refuses the file ("upgrade
OpenNR"). Any other version (newer, or unknown) is refused with :class:`StoreError` and the file
is left as is.

Examples
--------
>>> import tempfile, pathlib
>>> from opennr.link.engine import BatchCounts
>>> path = pathlib.Path(tempfile.mkdtemp()) / "r.sqlite"
>>> with ResultsStore(path) as store:
...     c = store.open_campaign("demo", "ab12", {"preset": "bpsk-awgn"})
...     store.record_batch(c.id, 0, 0, 1.0, BatchCounts(100, 3, 10000, 3), 0.01)
...     store.record_batch(c.id, 0, 0, 1.0, BatchCounts(100, 9, 10000, 9), 0.01)  # kept as is
...     [(b.point, b.batch, b.counts.block_errors) for b in store.batches(c.id)]
True
False
[(0, 0, 3)]
"""

from __future__ import annotations

import datetime as _dt
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from opennr.link.engine import BatchCounts

__all__ = ["SCHEMA_VERSION", "BatchRecord", "CampaignRecord", "ResultsStore", "StoreError"]

#: Schema version written and read by this OpenNR.
SCHEMA_VERSION = 2
_FORMAT = "opennr-results"
_APPLICATION_ID = 0x4F4E5231  # "ONR1"
_SQLITE_MAGIC = b"SQLite format 3\x00"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS campaigns (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    config_hash TEXT NOT NULL UNIQUE,
    config TEXT NOT NULL,
    software_version TEXT NOT NULL,
    created_utc TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS batches (
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
    point INTEGER NOT NULL CHECK (point >= 0),
    batch INTEGER NOT NULL CHECK (batch >= 0),
    snr_db REAL NOT NULL,
    blocks INTEGER NOT NULL CHECK (blocks >= 0),
    block_errors INTEGER NOT NULL CHECK (block_errors BETWEEN 0 AND blocks),
    bits INTEGER NOT NULL CHECK (bits >= 0),
    bit_errors INTEGER NOT NULL CHECK (bit_errors BETWEEN 0 AND bits),
    elapsed REAL NOT NULL,
    software_version TEXT NOT NULL,
    finished_utc TEXT NOT NULL,
    transmissions INTEGER CHECK (transmissions IS NULL OR transmissions >= blocks),
    first_tx_errors INTEGER CHECK (first_tx_errors IS NULL OR first_tx_errors BETWEEN block_errors AND blocks),
    PRIMARY KEY (campaign_id, point, batch)
) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS batches_append_only_update BEFORE UPDATE ON batches
BEGIN SELECT RAISE(ABORT, 'OpenNR results are append-only'); END;
CREATE TRIGGER IF NOT EXISTS batches_append_only_delete BEFORE DELETE ON batches
BEGIN SELECT RAISE(ABORT, 'OpenNR results are append-only'); END;
CREATE TRIGGER IF NOT EXISTS campaigns_append_only_update BEFORE UPDATE ON campaigns
BEGIN SELECT RAISE(ABORT, 'OpenNR results are append-only'); END;
CREATE TRIGGER IF NOT EXISTS campaigns_append_only_delete BEFORE DELETE ON campaigns
BEGIN SELECT RAISE(ABORT, 'OpenNR results are append-only'); END;
"""


#: Schema 1 -> 2: the HARQ columns, added (NULL in the rows already there) by ALTER TABLE.
_MIGRATION_1_TO_2 = (
    (
        "ALTER TABLE batches ADD COLUMN transmissions INTEGER "
        "CHECK (transmissions IS NULL OR transmissions >= blocks)"
    ),
    (
        "ALTER TABLE batches ADD COLUMN first_tx_errors INTEGER "
        "CHECK (first_tx_errors IS NULL OR first_tx_errors BETWEEN block_errors AND blocks)"
    ),
)


class StoreError(ValueError):
    """Link results store: the file is locked, corrupt, foreign or of another schema version.

    The message names the file. ``path`` holds it.

    Examples
    --------
    >>> str(StoreError("x.sqlite", "is locked"))
    "results store 'x.sqlite' is locked"
    """

    def __init__(self, path, problem: str):
        self.path = str(path)
        super().__init__(f"results store {self.path!r} {problem}")


@dataclass(frozen=True)
class CampaignRecord:
    """Link results store: one campaign of a store.

    Attributes
    ----------
    id : int
        Row id, the ``campaign_id`` of its batches.
    name : str
        Campaign name.
    config_hash : str
        Configuration hash (unique in a store).
    config : dict
        The configuration (``CampaignSpec.to_dict()``).
    software_version : str
        OpenNR version that created the campaign.
    created_utc : str
        ISO 8601 creation time.

    Examples
    --------
    >>> CampaignRecord(1, "a", "h", {}, "0.1.0", "2026-01-01T00:00:00+00:00").name
    'a'
    """

    id: int
    name: str
    config_hash: str
    config: dict
    software_version: str
    created_utc: str


@dataclass(frozen=True)
class BatchRecord:
    """Link results store: one finished batch.

    Examples
    --------
    >>> BatchRecord(0, 1, 2.0, BatchCounts(10, 1, 80, 2), 0.5).counts.blocks
    10
    """

    point: int
    batch: int
    snr_db: float
    counts: BatchCounts
    elapsed: float


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def _software_version() -> str:
    from opennr import __version__

    return __version__


class ResultsStore:
    """Link results store: an SQLite file of campaigns and their finished batches (module doc).

    Parameters
    ----------
    path : str or pathlib.Path
        The file; created (with its schema) when absent or empty, unless ``readonly``.
    timeout : float, default 30
        Seconds to wait for another process's write lock before :class:`StoreError`.
    readonly : bool, default False
        Open for reading only (the file must exist).

    Raises
    ------
    StoreError
        Locked, corrupt, foreign or incompatible file (left untouched).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> store = ResultsStore(pathlib.Path(tempfile.mkdtemp()) / "r.sqlite")
    >>> store.schema_version, store.campaigns()
    (2, [])
    >>> store.close()
    """

    def __init__(self, path: str | Path, *, timeout: float = 30.0, readonly: bool = False):
        if not isinstance(path, str | Path):
            raise TypeError(f"store path must be a str or pathlib.Path, got {path!r}")
        timeout = float(timeout)
        if not timeout >= 0.0:
            raise ValueError(f"timeout must be >= 0 seconds, got {timeout!r}")
        self.path = Path(path)
        self.timeout = timeout
        self.readonly = bool(readonly)
        self._conn: sqlite3.Connection | None = None
        self._file_version = SCHEMA_VERSION
        fresh = self._check_file()
        try:
            self._connect(fresh)
        except BaseException:
            self.close()
            raise

    # ------------------------------------------------------------------ opening

    def _check_file(self) -> bool:
        """True when the file is absent or empty (to be created); raise for a foreign file."""
        p = self.path
        if p.is_dir():
            raise StoreError(p, "is a directory, not a file")
        if not p.exists() or p.stat().st_size == 0:
            if self.readonly:
                raise StoreError(p, "does not exist (or is empty)")
            if not p.parent.is_dir():
                raise StoreError(p, f"cannot be created: folder {str(p.parent)!r} does not exist")
            return True
        try:
            with p.open("rb") as fh:
                head = fh.read(len(_SQLITE_MAGIC))
        except OSError as exc:
            raise StoreError(p, f"cannot be read: {exc.strerror or exc}") from None
        if head != _SQLITE_MAGIC:
            raise StoreError(
                p, "is not an SQLite database (corrupt, or another kind of file); it was left as is"
            )
        return False

    def _connect(self, fresh: bool) -> None:
        p = self.path
        try:
            if self.readonly:
                uri = p.resolve().as_uri() + "?mode=ro"
                self._conn = sqlite3.connect(
                    uri, uri=True, timeout=self.timeout, isolation_level=None
                )
            else:
                self._conn = sqlite3.connect(p, timeout=self.timeout, isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(p, f"cannot be opened: {exc}") from None
        with self._errors("cannot be opened"):
            conn = self._conn
            conn.execute("PRAGMA foreign_keys = ON")
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            if not tables and not self.readonly:
                self._create()
            else:
                self._check_schema(tables)
                if not self.readonly:
                    conn.execute("PRAGMA synchronous = NORMAL")

    def _create(self) -> None:
        conn = self._conn
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":  # pragma: no cover - e.g. a network file system
            raise StoreError(self.path, f"cannot use WAL journaling (got {mode!r})")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _SCHEMA.split(";\n"):
                if statement.strip():
                    conn.execute(statement)
            conn.executemany(
                "INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)",
                [
                    ("format", _FORMAT),
                    ("schema_version", str(SCHEMA_VERSION)),
                    ("created_by", f"opennr {_software_version()}"),
                    ("created_utc", _now()),
                ],
            )
            conn.execute(f"PRAGMA application_id = {_APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def _check_schema(self, tables: set[str]) -> None:
        conn = self._conn
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        meta = {}
        if "meta" in tables:
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        if app_id != _APPLICATION_ID or meta.get("format") != _FORMAT:
            raise StoreError(
                self.path,
                f"is an SQLite database but not an OpenNR results store (tables: "
                f"{', '.join(sorted(tables)) or 'none'}); it was left as is",
            )
        try:
            version = int(meta.get("schema_version", ""))
        except ValueError:
            version = -1
        missing = {"campaigns", "batches"} - tables
        if version == 1 and not missing:
            if self.readonly:  # read as it is: its batches have no HARQ statistics
                self._file_version = 1
                return
            self._migrate_from_1()
            return
        if version != SCHEMA_VERSION:
            newer = version > SCHEMA_VERSION
            raise StoreError(
                self.path,
                f"has schema version {meta.get('schema_version')!r} (written by "
                f"{meta.get('created_by', 'an unknown version')}); this OpenNR "
                f"({_software_version()}) reads schema {SCHEMA_VERSION} only"
                + ("; upgrade OpenNR" if newer else "; use another --store file")
                + " (the file was left as is)",
            )
        if missing:
            raise StoreError(self.path, f"is corrupt: table(s) {', '.join(sorted(missing))} missing")

    def _migrate_from_1(self) -> None:
        """Schema 1 -> 2 in one transaction: add the two HARQ columns (NULL in existing rows,
        which are not rewritten), set ``schema_version`` 2 and record ``migrated_from_1_utc``."""
        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            if row is not None and row[0] == "1":  # not migrated by another process meanwhile
                for statement in _MIGRATION_1_TO_2:
                    conn.execute(statement)
                conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'",
                             (str(SCHEMA_VERSION),))
                conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)",
                             ("migrated_from_1_utc", _now()))
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    class _ErrorContext:
        def __init__(self, store: ResultsStore, action: str):
            self.store, self.action = store, action

        def __enter__(self):
            return self

        def __exit__(self, exc_type, exc, tb):
            if exc_type is None or not issubclass(exc_type, sqlite3.Error):
                return False
            text = str(exc)
            store = self.store
            if "locked" in text or "busy" in text:
                raise StoreError(
                    store.path,
                    f"is locked by another process (waited {store.timeout:g} s): "
                    f"{self.action}; retry when the other writer has finished",
                ) from None
            if isinstance(exc, sqlite3.IntegrityError):
                raise StoreError(store.path, f"refused a write ({self.action}): {text}") from None
            if isinstance(exc, sqlite3.DatabaseError):
                raise StoreError(
                    store.path, f"is corrupt or unreadable ({self.action}): {text}"
                ) from None
            raise StoreError(store.path, f"failed ({self.action}): {text}") from None

    def _errors(self, action: str) -> _ErrorContext:
        return ResultsStore._ErrorContext(self, action)

    @property
    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreError(self.path, "is closed")
        return self._conn

    # ------------------------------------------------------------------ public API

    @property
    def schema_version(self) -> int:
        """Schema version of the file (:data:`SCHEMA_VERSION`; 1 for a schema-1 file opened
        read-only, which is not migrated)."""
        with self._errors("reading meta"):
            row = self._db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return int(row[0])

    @property
    def created_by(self) -> str:
        """``"opennr <version>"`` of the software that created the file."""
        with self._errors("reading meta"):
            row = self._db.execute("SELECT value FROM meta WHERE key = 'created_by'").fetchone()
        return str(row[0])

    def _record(self, row) -> CampaignRecord:
        cid, name, h, config, version, created = row
        return CampaignRecord(int(cid), name, h, json.loads(config), version, created)

    def campaigns(self) -> list[CampaignRecord]:
        """All campaigns of the file, oldest first."""
        with self._errors("listing campaigns"):
            rows = self._db.execute(
                "SELECT id, name, config_hash, config, software_version, created_utc "
                "FROM campaigns ORDER BY id"
            ).fetchall()
        return [self._record(r) for r in rows]

    def campaign(self, config_hash: str) -> CampaignRecord | None:
        """The campaign with this configuration hash, or None."""
        with self._errors("reading a campaign"):
            row = self._db.execute(
                "SELECT id, name, config_hash, config, software_version, created_utc "
                "FROM campaigns WHERE config_hash = ?",
                (str(config_hash),),
            ).fetchone()
        return None if row is None else self._record(row)

    def open_campaign(self, name: str, config_hash: str, config: dict) -> CampaignRecord:
        """The campaign ``config_hash``, created (name, JSON config, software version) if new.

        An existing campaign with the same hash but another name or configuration raises
        :class:`StoreError` (the stored one is kept).
        """
        if not isinstance(name, str) or not name:
            raise TypeError(f"campaign name must be a non-empty str, got {name!r}")
        if not isinstance(config_hash, str) or not config_hash:
            raise TypeError(f"config_hash must be a non-empty str, got {config_hash!r}")
        text = json.dumps(config, sort_keys=True, allow_nan=False)
        existing = self.campaign(config_hash)
        if existing is None:
            if self.readonly:
                raise StoreError(self.path, f"has no campaign {config_hash!r} (opened read-only)")
            with self._errors("creating a campaign"):
                self._db.execute(
                    "INSERT INTO campaigns (name, config_hash, config, software_version, "
                    "created_utc) VALUES (?, ?, ?, ?, ?) ON CONFLICT (config_hash) DO NOTHING",
                    (name, config_hash, text, _software_version(), _now()),
                )
            existing = self.campaign(config_hash)
        stored = json.dumps(existing.config, sort_keys=True, allow_nan=False)
        if existing.name != name or stored != text:
            raise StoreError(
                self.path,
                f"holds campaign {config_hash[:12]} as {existing.name!r} with another "
                f"configuration; it was left as is",
            )
        return existing

    def record_batch(
        self,
        campaign_id: int,
        point: int,
        batch: int,
        snr_db: float,
        counts: BatchCounts,
        elapsed: float,
    ) -> bool:
        """Commit one finished batch (one transaction); False if it was already stored (kept)."""
        if not isinstance(counts, BatchCounts):
            raise TypeError(f"counts must be a BatchCounts, got {type(counts).__name__}")
        with self._errors(f"recording batch {batch} of point {point}"):
            cur = self._db.execute(
                "INSERT INTO batches (campaign_id, point, batch, snr_db, blocks, block_errors, "
                "bits, bit_errors, elapsed, software_version, finished_utc, transmissions, "
                "first_tx_errors) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (campaign_id, point, batch) DO NOTHING",
                (
                    int(campaign_id),
                    int(point),
                    int(batch),
                    float(snr_db),
                    counts.blocks,
                    counts.block_errors,
                    counts.bits,
                    counts.bit_errors,
                    float(elapsed),
                    _software_version(),
                    _now(),
                    counts.transmissions,
                    counts.first_tx_errors,
                ),
            )
        return cur.rowcount == 1

    def batches(self, campaign_id: int) -> list[BatchRecord]:
        """The campaign's finished batches, ordered by point and batch."""
        with self._errors("reading batches"):
            harq = ("transmissions, first_tx_errors" if self._file_version >= 2
                    else "NULL, NULL")  # a schema-1 file opened read-only
            rows = self._db.execute(
                "SELECT point, batch, snr_db, blocks, block_errors, bits, bit_errors, elapsed, "
                f"{harq} FROM batches WHERE campaign_id = ? ORDER BY point, batch",
                (int(campaign_id),),
            ).fetchall()
        try:
            return [
                BatchRecord(p, b, float(s), BatchCounts(n, e, bits, be, tx, first), float(t))
                for p, b, s, n, e, bits, be, t, tx, first in rows
            ]
        except (TypeError, ValueError) as exc:
            raise StoreError(self.path, f"is corrupt: a batch row is invalid ({exc})") from None

    def close(self) -> None:
        """Close the connection (idempotent)."""
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None

    def __enter__(self) -> ResultsStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"ResultsStore({str(self.path)!r})"
