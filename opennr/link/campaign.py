"""Link-level simulation campaigns (no 3GPP clause): a preset sweep with a results store and resume.

A campaign is a :class:`CampaignSpec` (preset name, config overrides, SNR grid, stopping rules
and seed, name). :func:`run_campaign` runs it with :func:`opennr.link.engine.run_sweep`'s
scheduler and commits every finished batch to a :class:`~opennr.link.store.ResultsStore`
(``opennr-results.sqlite`` by default) under the spec's :meth:`~CampaignSpec.config_hash`.

Resume: started again with the same spec (after Ctrl-C, a crash or ``kill -9``), it reads the
batches already stored, never recomputes or counts them twice, and runs only the missing ones.
Since batch ``b`` of point ``i`` draws from its own generator
``default_rng(SeedSequence(seed, spawn_key=(i, b)))`` and a point counts the shortest prefix of
its batches meeting its stopping rule, the final numbers equal those of an uninterrupted run in
one process, in a local pool of ``workers`` processes or on Dask. Batches computed beyond a
point's stop (speculatively, by parallel workers) are stored like the others and ignored by the
same prefix rule, so a resumed run counts exactly what an uninterrupted one counts.

Workers rebuild the preset from ``(preset name, overrides)`` (:class:`PresetBatchFunction`): a few
bytes pickled per batch, valid with the ``spawn``/``forkserver`` start methods and on Dask.

Examples
--------
>>> import tempfile, pathlib
>>> from opennr.link.engine import SweepSettings
>>> spec = CampaignSpec("bpsk-awgn", {"block_length": 50}, (0.0, 2.0),
...                     SweepSettings(target_block_errors=20, max_blocks=300, batch_size=100))
>>> path = pathlib.Path(tempfile.mkdtemp()) / "r.sqlite"
>>> first = run_campaign(spec, store=path)
>>> again = run_campaign(spec, store=path)  # everything is stored: nothing is recomputed
>>> first.to_dicts() == again.to_dicts(), first.blocks.tolist()
(True, [100, 100])
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from opennr.link.engine import (
    BatchCounts,
    SweepObserver,
    SweepResult,
    SweepSettings,
    _check_snrs,
    _execute,
    _make_backend_factory,
)
from opennr.link.store import CampaignRecord, ResultsStore, StoreError

__all__ = [
    "DEFAULT_STORE",
    "CampaignSpec",
    "PresetBatchFunction",
    "list_campaigns",
    "load_campaign",
    "run_campaign",
]

#: Default results store file, in the working directory.
DEFAULT_STORE = "opennr-results.sqlite"
#: Version of the hashed campaign description (bump when the meaning of a field changes).
_SPEC_FORMAT = 1
_SPEC_KEYS = ("name", "preset", "overrides", "snr_db", "settings")
_WHERE = "OpenNR link campaign"


def _software_major_minor() -> str:
    from opennr import __version__

    parts = __version__.split(".")
    return ".".join(parts[:2])


def _canonical(obj) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), allow_nan=False)


def _settings_dict(settings: SweepSettings) -> dict:
    d = asdict(settings)
    d["bler_floor"] = float(d["bler_floor"])
    return d


@functools.lru_cache(maxsize=16)
def _preset_batch_function(preset: str, overrides_json: str):
    from opennr.link.presets import get_preset

    return get_preset(preset).with_overrides(**json.loads(overrides_json)).batch_function()


@dataclass(frozen=True)
class PresetBatchFunction:
    """Link campaign: a picklable ``simulate_batch(snr_db, n, rng)`` rebuilt from a preset name.

    Each process builds ``get_preset(preset).with_overrides(**overrides).batch_function()`` once
    (cached) and calls it.

    Attributes
    ----------
    preset : str
        Registered preset name.
    overrides_json : str
        The config overrides as canonical JSON.

    Examples
    --------
    >>> import numpy as np
    >>> fn = PresetBatchFunction("bpsk-awgn", '{"block_length": 10}')
    >>> fn(20.0, 3, np.random.default_rng(0)).bits
    30
    """

    preset: str
    overrides_json: str = "{}"

    def __call__(self, snr_db: float, n: int, rng) -> BatchCounts:
        return _preset_batch_function(self.preset, self.overrides_json)(snr_db, n, rng)


@dataclass(frozen=True)
class CampaignSpec:
    """Link campaign: what to simulate (preset, overrides, SNR grid, stopping rules, seed, name).

    Attributes
    ----------
    preset : str
        A registered preset (:data:`opennr.link.presets.PRESETS`).
    overrides : dict, default {}
        Preset config fields to replace (JSON values: numbers, strings, booleans), validated by
        the preset's config.
    snr_db : tuple of float, default ()
        Strictly increasing SNR grid; empty means the preset's default grid (after overrides).
    settings : SweepSettings, optional
        Stopping rules and seed; default ``SweepSettings(batch_size=<the preset's>)``.
    name : str, default "default"
        Campaign name (a label stored with the results; part of the hash).

    Examples
    --------
    >>> spec = CampaignSpec("ldpc-awgn-bg2", {"max_iterations": 8}, (1.0, 2.0))
    >>> spec.settings.batch_size, len(spec.config_hash())
    (200, 64)
    >>> CampaignSpec.from_dict(spec.to_dict()) == spec
    True
    >>> spec.config_hash() == CampaignSpec("ldpc-awgn-bg2", {}, (1.0, 2.0)).config_hash()
    False
    """

    preset: str
    overrides: dict = field(default_factory=dict)
    snr_db: tuple[float, ...] = ()
    settings: SweepSettings | None = None
    name: str = "default"

    def __post_init__(self):
        from opennr.link.presets import get_preset

        if not isinstance(self.preset, str):
            raise TypeError(f"preset must be a str, got {self.preset!r}")
        base = get_preset(self.preset)  # ValueError listing the presets
        if not isinstance(self.overrides, Mapping):
            raise TypeError(f"overrides must be a dict, got {type(self.overrides).__name__}")
        overrides = dict(self.overrides)
        for key in overrides:
            if not isinstance(key, str):
                raise TypeError(f"override names must be str, got {key!r}")
        try:
            if json.loads(_canonical(overrides)) != overrides:
                raise TypeError("not a JSON round trip")
        except (TypeError, ValueError):
            raise TypeError(
                f"overrides must hold JSON values (numbers, strings, booleans), got {overrides!r}"
            ) from None
        for key, value in overrides.items():  # 300 and 300.0 for a float field: one campaign
            default = getattr(base.config, key, None)
            if isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool):
                overrides[key] = float(value)
        preset = base.with_overrides(**overrides)  # ValueError naming unknown/bad parameters
        object.__setattr__(self, "overrides", {k: overrides[k] for k in sorted(overrides)})
        snrs = preset.snr_db if len(self.snr_db) == 0 else self.snr_db
        object.__setattr__(self, "snr_db", _check_snrs(snrs))
        settings = self.settings
        if settings is None:
            settings = SweepSettings(batch_size=preset.batch_size)
        if not isinstance(settings, SweepSettings):
            raise TypeError(f"settings must be a SweepSettings, got {type(settings).__name__}")
        object.__setattr__(self, "settings", settings)
        if not isinstance(self.name, str) or not self.name.strip():
            raise ValueError(f"name must be a non-empty str, got {self.name!r}")

    def preset_object(self):
        """The :class:`~opennr.link.presets.Preset` with the overrides applied."""
        from opennr.link.presets import get_preset

        return get_preset(self.preset).with_overrides(**self.overrides)

    def batch_function(self) -> PresetBatchFunction:
        """The picklable batch function of this preset and overrides."""
        return PresetBatchFunction(self.preset, _canonical(self.overrides))

    def to_dict(self) -> dict:
        """A JSON-ready dict: ``name``, ``preset``, ``overrides``, ``snr_db`` (list), ``settings``."""
        return {
            "name": self.name,
            "preset": self.preset,
            "overrides": dict(self.overrides),
            "snr_db": list(self.snr_db),
            "settings": _settings_dict(self.settings),
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> CampaignSpec:
        """The spec of a :meth:`to_dict` dict; unknown keys raise ``ValueError`` naming them."""
        if not isinstance(data, Mapping):
            raise TypeError(f"a campaign spec must be a dict, got {type(data).__name__}")
        unknown = sorted(set(data) - set(_SPEC_KEYS))
        if unknown:
            raise ValueError(
                f"unknown campaign key(s) {', '.join(map(repr, unknown))}; "
                f"allowed: {', '.join(_SPEC_KEYS)}"
            )
        if "preset" not in data:
            raise ValueError("a campaign spec needs a 'preset'")
        settings = data.get("settings")
        if settings is not None and not isinstance(settings, SweepSettings):
            if not isinstance(settings, Mapping):
                raise TypeError(f"settings must be a dict, got {type(settings).__name__}")
            allowed = tuple(asdict(SweepSettings()))
            bad = sorted(set(settings) - set(allowed))
            if bad:
                raise ValueError(
                    f"unknown settings key(s) {', '.join(map(repr, bad))}; "
                    f"allowed: {', '.join(allowed)}"
                )
            settings = SweepSettings(**settings)
        return cls(
            preset=data["preset"],
            overrides=dict(data.get("overrides") or {}),
            snr_db=tuple(data.get("snr_db") or ()),
            settings=settings,
            name=data.get("name", "default"),
        )

    def config_hash(self) -> str:
        """SHA-256 (hex) of the canonical JSON of :meth:`to_dict`, the spec format and OpenNR's
        ``major.minor`` version: the campaign's key in a results store."""
        payload = {
            "format": _SPEC_FORMAT,
            "opennr": _software_major_minor(),
            "spec": self.to_dict(),
        }
        return hashlib.sha256(_canonical(payload).encode()).hexdigest()


def _stored_batches(store: ResultsStore, record: CampaignRecord, spec: CampaignSpec) -> dict:
    done = {}
    for rec in store.batches(record.id):
        if rec.point >= len(spec.snr_db) or not math.isclose(
            rec.snr_db, spec.snr_db[rec.point], rel_tol=0.0, abs_tol=1e-9
        ):
            raise StoreError(
                store.path,
                f"is inconsistent: campaign {record.config_hash[:12]} has a batch at point "
                f"{rec.point} with SNR {rec.snr_db:g} dB outside its grid",
            )
        done[(rec.point, rec.batch)] = (rec.counts, rec.elapsed)
    return done


def run_campaign(
    spec: CampaignSpec,
    *,
    store: str | Path | None = DEFAULT_STORE,
    workers: int = 1,
    dask: str | None = None,
    observer: SweepObserver | None = None,
    dask_timeout: float = 10.0,
    store_timeout: float = 30.0,
) -> SweepResult:
    """Link campaign: run (or resume) a campaign, committing each finished batch to ``store``.

    Parameters
    ----------
    spec : CampaignSpec
        What to simulate.
    store : str or pathlib.Path or None, default "opennr-results.sqlite"
        The results store; ``None`` keeps nothing (no resume).
    workers : int, default 1
        Local processes (1: in this process).
    dask : str, optional
        ``dask.distributed`` scheduler address, or ``"local"`` for a fresh LocalCluster of
        ``max(2, workers)`` workers on 127.0.0.1 (see :func:`opennr.link.engine.run_sweep`).
    observer : SweepObserver, optional
        Progress events in sweep order (stored batches are replayed).
    dask_timeout : float, default 10
        Seconds to reach the scheduler before ``ConnectionError``.
    store_timeout : float, default 30
        Seconds to wait for another writer's lock before :class:`~opennr.link.store.StoreError`.

    Returns
    -------
    SweepResult
        With ``name``, ``config_hash``, the preset's ``snr_label`` and ``slot_duration`` set; identical (but for
        ``elapsed``) for any ``workers``/``dask`` and across interruptions and resumes. Ctrl-C
        returns the finished points with ``stop_reason="interrupted"``; what is finished is
        stored.

    Raises
    ------
    StoreError
        Locked, corrupt, foreign or incompatible store (never modified).
    ConnectionError
        Unreachable Dask scheduler.

    Examples
    --------
    >>> spec = CampaignSpec("bpsk-awgn", {}, (0.0,), SweepSettings(max_blocks=200))
    >>> run_campaign(spec, store=None).points[0].blocks
    100
    """
    if not isinstance(spec, CampaignSpec):
        raise TypeError(f"spec must be a CampaignSpec, got {type(spec).__name__}")
    fn = spec.batch_function()
    factory = _make_backend_factory(fn, workers, dask, dask_timeout)
    preset = spec.preset_object()
    config_hash = spec.config_hash()
    results_store = None
    done: dict = {}
    on_batch = None
    try:
        if store is not None:
            results_store = ResultsStore(store, timeout=store_timeout)
            record = results_store.open_campaign(spec.name, config_hash, spec.to_dict())
            done = _stored_batches(results_store, record, spec)
            campaign_id = record.id

            def on_batch(point, batch, snr_db, counts, seconds):
                results_store.record_batch(campaign_id, point, batch, snr_db, counts, seconds)

        result = _execute(
            fn,
            spec.snr_db,
            spec.settings,
            backend_factory=factory,
            observer=observer,
            done=done,
            on_batch=on_batch,
        )
    finally:
        if results_store is not None:
            results_store.close()
    return replace(
        result,
        name=spec.name,
        config_hash=config_hash,
        snr_label=preset.snr_label,
        slot_duration=getattr(preset, "slot_duration", None),
    )


def list_campaigns(store: str | Path) -> list[CampaignRecord]:
    """Link campaign: the campaigns of a results store (read-only), oldest first.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "r.sqlite"
    >>> _ = run_campaign(CampaignSpec("bpsk-awgn", {}, (9.0,), name="x"), store=path)
    >>> [c.name for c in list_campaigns(path)]
    ['x']
    """
    with ResultsStore(store, readonly=True) as st:
        return st.campaigns()


def load_campaign(
    store: str | Path, *, name: str | None = None, config_hash: str | None = None
) -> tuple[CampaignSpec, SweepResult]:
    """Link campaign: a stored campaign's spec and result, computed from its stored batches only.

    Selects by ``config_hash`` (a unique prefix is enough) or by ``name`` (the latest campaign of
    that name); with neither, the store must hold exactly one campaign. Nothing is simulated: an
    unfinished campaign gives its finished points with ``stop_reason="incomplete"``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "r.sqlite"
    >>> spec = CampaignSpec("bpsk-awgn", {}, (0.0, 9.0), SweepSettings(max_blocks=200))
    >>> res = run_campaign(spec, store=path)
    >>> spec2, res2 = load_campaign(path)
    >>> spec2 == spec, res2.to_dicts() == res.to_dicts(), res2.stop_reason
    (True, True, 'completed')
    """
    with ResultsStore(store, readonly=True) as st:
        records = st.campaigns()
        if config_hash is not None:
            chosen = [r for r in records if r.config_hash.startswith(str(config_hash))]
            what = f"hash {config_hash!r}"
        elif name is not None:
            chosen = [r for r in records if r.name == name][-1:]
            what = f"name {name!r}"
        else:
            chosen = records
            what = "any name"
        if len(chosen) != 1:
            listing = ", ".join(f"{r.name} ({r.config_hash[:12]})" for r in records) or "none"
            raise ValueError(
                f"results store {str(store)!r} has {len(chosen)} campaigns matching {what}; "
                f"its campaigns: {listing}"
            )
        record = chosen[0]
        try:
            spec = CampaignSpec.from_dict(record.config)
        except (TypeError, ValueError) as exc:
            raise StoreError(
                st.path, f"holds campaign {record.name!r} that this OpenNR cannot read: {exc}"
            ) from None
        done = _stored_batches(st, record, spec)
    result = _execute(
        spec.batch_function(), spec.snr_db, spec.settings, backend_factory=None, done=done
    )
    preset = spec.preset_object()
    return spec, replace(
        result,
        name=spec.name,
        config_hash=record.config_hash,
        snr_label=preset.snr_label,
        slot_duration=getattr(preset, "slot_duration", None),
    )
