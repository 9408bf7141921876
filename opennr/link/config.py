"""Link-level campaign configuration files (no 3GPP clause): TOML to a validated campaign.

A campaign file names a preset, overrides of the preset's configuration, the SNR grid, the
stopping rules, the seed and where to run and store it. Every key is checked: an unknown key or a
value of the wrong type raises :class:`ConfigError` naming the file, the key and its line.

Format (all keys optional; the comments give the defaults)::

    name = "pdsch-mcs16"         # campaign name in the results store ("default")
    preset = "pdsch-awgn"        # see `opennr presets` ("ldpc-awgn")
    snr = "2:0.5:8"              # "start:step:stop", a list [2.0, 3.0] or one number (preset grid)
    seed = 7                     # root of the per-point/batch seeds (1)
    workers = 2                  # local worker processes (all cores)
    dask = "tcp://host:8786"     # a dask.distributed scheduler, or "local" (none)
    store = "results.sqlite"     # SQLite results store ("opennr-results.sqlite")
    plot = "pdsch.png"           # PNG plot (opennr-<preset>.png)

    [stopping]
    target_errors = 200          # block errors that end a point (the preset's, mostly 100)
    max_blocks = 5000            # blocks that end a point at the latest (mostly 2000)
    batch_size = 50              # blocks per batch (the preset's)
    bler_floor = 1e-3            # stop the sweep below this BLER, 0 disables (1e-3)

    [overrides]                  # fields of the preset's config (see `opennr presets`)
    mcs = 16
    estimation = "perfect"

Relative ``store`` and ``plot`` paths are taken relative to the working directory.

Examples
--------
>>> cfg = parse_campaign_config('preset = "bpsk-awgn"\\nsnr = "0:2:4"\\n[stopping]\\nmax_blocks = 50')
>>> cfg.preset, cfg.snr_db, cfg.max_blocks, cfg.settings().target_block_errors
('bpsk-awgn', (0.0, 2.0, 4.0), 50, 100)
>>> try:
...     parse_campaign_config('preset = "bpsk-awgn"\\nseeed = 3', source="c.toml")
... except ConfigError as exc:
...     print(exc)
c.toml, line 2: unknown key 'seeed'; allowed keys: name, preset, snr, seed, workers, dask, \
store, plot, [stopping], [overrides]
"""

from __future__ import annotations

import itertools
import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

__all__ = [
    "DEFAULT_STORE",
    "CampaignConfig",
    "ConfigError",
    "check_overrides",
    "check_snr_grid",
    "load_campaign_config",
    "parse_campaign_config",
    "parse_snr",
]

#: Default results store, in the working directory.
DEFAULT_STORE = "opennr-results.sqlite"

_RANGE = re.compile(r"^\s*([^:]+):([^:]+):([^:]+)\s*$")
_MAX_POINTS = 10_000
_TOP_KEYS = ("name", "preset", "snr", "seed", "workers", "dask", "store", "plot")
_TABLES = ("stopping", "overrides")
_STOPPING_KEYS = ("target_errors", "max_blocks", "batch_size", "bler_floor")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$")


class ConfigError(ValueError):
    """Campaign configuration: a bad file, key or value, with where it was found.

    Attributes
    ----------
    source : str or None
        The file name (or None for a string without a file).
    key : str or None
        The dotted key (``"stopping.max_blocks"``).
    line : int or None
        1-based line of the key in the file, when it could be found.

    Examples
    --------
    >>> str(ConfigError("must be an integer", source="a.toml", key="seed", line=3))
    "a.toml, line 3: key 'seed': must be an integer"
    """

    def __init__(self, problem: str, *, source=None, key=None, line=None):
        self.problem, self.source, self.key, self.line = problem, source, key, line
        where = ", ".join(
            part
            for part in (
                None if source is None else str(source),
                None if line is None else f"line {line}",
            )
            if part
        )
        what = problem if key is None else f"key {key!r}: {problem}"
        super().__init__(f"{where}: {what}" if where else what)


def parse_snr(text) -> tuple[float, ...]:
    """Link campaign: parse an SNR grid in dB, ``"start:step:stop"`` (stop included) or ``"a,b,c"``.

    Raises ``ValueError`` for anything else (empty, not finite, not strictly increasing, step <= 0,
    more than 10,000 points).

    Examples
    --------
    >>> parse_snr("0:0.5:2")
    (0.0, 0.5, 1.0, 1.5, 2.0)
    >>> parse_snr("1, 2.5,4")
    (1.0, 2.5, 4.0)
    """
    text = str(text).strip()
    if not text:
        raise ValueError("the SNR grid is empty; use 'start:step:stop' or 'a,b,c' (dB)")
    m = _RANGE.match(text)
    try:
        if m:
            start, step, stop = (float(v) for v in m.groups())
            if not all(math.isfinite(v) for v in (start, step, stop)):
                raise ValueError("start, step and stop must be finite")
            if step <= 0:
                raise ValueError(f"step must be > 0, got {step:g}")
            if stop < start:
                raise ValueError(f"stop ({stop:g}) must be >= start ({start:g})")
            n = math.floor((stop - start) / step + 1e-9) + 1
            if n > _MAX_POINTS:
                raise ValueError(f"{n} points is too many (at most {_MAX_POINTS})")
            points = tuple(round(start + i * step, 10) for i in range(n))
        else:
            points = tuple(float(v) for v in text.split(","))
    except ValueError as exc:
        raise ValueError(
            f"cannot parse SNR grid {text!r}: {exc}; use 'start:step:stop' (e.g. 0:0.5:3) or a "
            f"comma-separated list (e.g. 0,1,2), in dB"
        ) from None
    return check_snr_grid(points, text)


def check_snr_grid(points, what) -> tuple[float, ...]:
    """Link campaign: a finite, strictly increasing, non-empty SNR grid as a tuple of floats.

    Examples
    --------
    >>> check_snr_grid([0, 1.5], "snr")
    (0.0, 1.5)
    """
    points = tuple(float(v) for v in points)
    if not points:
        raise ValueError(f"SNR grid {what!r} is empty")
    if len(points) > _MAX_POINTS:
        raise ValueError(f"SNR grid {what!r} has {len(points)} points (at most {_MAX_POINTS})")
    if not all(math.isfinite(v) for v in points):
        raise ValueError(f"SNR grid {what!r} holds a value that is not finite")
    if any(b <= a for a, b in itertools.pairwise(points)):
        raise ValueError(f"SNR grid {what!r} must be strictly increasing")
    return points


@dataclass(frozen=True)
class CampaignConfig:
    """Link campaign: what to simulate, how long, and where to store it (see the module doc).

    ``None`` means "the default": the preset's grid and batch size, all cores, the default store.

    Attributes
    ----------
    name : str, default "default"
        Campaign name in the store (letters, digits, ``._+-``).
    preset : str, default "ldpc-awgn"
    overrides : dict
        Preset config fields to replace.
    snr_db : tuple of float or None
    target_errors, max_blocks, batch_size : int or None
        Stopping rules; None: the preset's (100 errors, 2000 blocks for most presets).
    bler_floor : float
    seed : int
    workers : int or None
    dask : str or None
    store : str or None
        Results store path; None: no store (in-memory run).
    plot : str or None
    source : str or None
        The file the config came from (for messages).

    Examples
    --------
    >>> CampaignConfig(preset="bpsk-awgn").merged(seed=5, snr_db=None).seed
    5
    """

    name: str = "default"
    preset: str = "ldpc-awgn"
    overrides: Mapping[str, Any] = field(default_factory=dict)
    snr_db: tuple[float, ...] | None = None
    target_errors: int | None = None
    max_blocks: int | None = None
    batch_size: int | None = None
    bler_floor: float = 1e-3
    seed: int = 1
    workers: int | None = None
    dask: str | None = None
    store: str | None = DEFAULT_STORE
    plot: str | None = None
    source: str | None = None

    def merged(self, **options) -> CampaignConfig:
        """A copy with the options that are not None replaced (command-line overrides)."""
        known = {f.name for f in fields(self)}
        unknown = sorted(set(options) - known)
        if unknown:
            raise TypeError(f"unknown campaign option(s): {', '.join(unknown)}")
        return replace(self, **{k: v for k, v in options.items() if v is not None})

    def preset_object(self):
        """The :class:`~opennr.link.presets.Preset` with the overrides applied.

        Raises :class:`ConfigError` for an unknown preset or a bad override value.
        """
        from opennr.link.presets import PRESETS

        if self.preset not in PRESETS:
            raise ConfigError(
                f"unknown preset {self.preset!r}; choose one of {', '.join(PRESETS)}",
                source=self.source,
                key="preset",
            )
        preset = PRESETS[self.preset]
        if not self.overrides:
            return preset
        try:
            return preset.with_overrides(**dict(self.overrides))
        except (TypeError, ValueError) as exc:
            raise ConfigError(str(exc), source=self.source, key="overrides") from None

    def grid(self, preset=None) -> tuple[float, ...]:
        """The SNR grid: ``snr_db`` or the preset's default."""
        preset = self.preset_object() if preset is None else preset
        return tuple(preset.snr_db) if self.snr_db is None else tuple(self.snr_db)

    def settings(self, preset=None):
        """The :class:`~opennr.link.engine.SweepSettings` of the stopping rules and the seed."""
        from opennr.link.engine import SweepSettings

        preset = self.preset_object() if preset is None else preset
        return SweepSettings(
            target_block_errors=(
                self.target_errors if self.target_errors is not None else preset.target_errors
            ),
            max_blocks=self.max_blocks if self.max_blocks is not None else preset.max_blocks,
            batch_size=self.batch_size if self.batch_size is not None else preset.batch_size,
            bler_floor=self.bler_floor,
            seed=self.seed,
        )

    def spec(self):
        """The :class:`~opennr.link.campaign.CampaignSpec` to run (grid and settings resolved)."""
        from opennr.link.campaign import CampaignSpec

        preset = self.preset_object()
        return CampaignSpec(
            preset=self.preset,
            overrides=dict(self.overrides),
            snr_db=self.grid(preset),
            settings=self.settings(preset),
            name=self.name,
        )

    def to_dict(self) -> dict:
        """A JSON-ready dict of the fields (``snr_db`` as a list)."""
        d = {f.name: getattr(self, f.name) for f in fields(self)}
        d["overrides"] = dict(self.overrides)
        d["snr_db"] = None if self.snr_db is None else list(self.snr_db)
        return d


def _key_lines(text: str) -> dict[str, int]:
    """1-based line of each ``key = value`` (dotted with its table: ``stopping.max_blocks``)."""
    lines: dict[str, int] = {}
    table = ""
    header = re.compile(r"^\s*\[\s*([A-Za-z0-9_.\"' -]+?)\s*\]\s*(#.*)?$")
    assign = re.compile(r"^\s*([A-Za-z0-9_.\"' -]+?)\s*=")
    for number, line in enumerate(text.splitlines(), start=1):
        m = header.match(line)
        if m:
            table = m.group(1).replace('"', "").replace("'", "").replace(" ", "")
            lines.setdefault(table, number)
            continue
        m = assign.match(line)
        if m:
            key = m.group(1).replace('"', "").replace("'", "").replace(" ", "")
            lines.setdefault(f"{table}.{key}" if table else key, number)
    return lines


def _type_name(value) -> str:
    return {bool: "a boolean", int: "an integer", float: "a number", str: "a string",
            list: "an array", dict: "a table"}.get(type(value), type(value).__name__)


class _Checker:
    def __init__(self, source, lines):
        self.source, self.lines = source, lines

    def error(self, key, problem):
        return ConfigError(problem, source=self.source, key=key, line=self.lines.get(key))

    def integer(self, data, key, dotted, low, high=None):
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(dotted, f"must be an integer, got {_type_name(value)} ({value!r})")
        if value < low or (high is not None and value > high):
            bound = f">= {low}" if high is None else f"in {low}..{high}"
            raise self.error(dotted, f"must be {bound}, got {value}")
        return value

    def number(self, data, key, dotted, low, high):
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.error(dotted, f"must be a number, got {_type_name(value)} ({value!r})")
        if not (low <= value < high) or not math.isfinite(value):
            raise self.error(dotted, f"must be in [{low:g}, {high:g}), got {value!r}")
        return float(value)

    def string(self, data, key, dotted):
        value = data[key]
        if not isinstance(value, str):
            raise self.error(dotted, f"must be a string, got {_type_name(value)} ({value!r})")
        if not value.strip():
            raise self.error(dotted, "must not be empty")
        return value


def check_overrides(overrides: Mapping[str, Any], preset_name: str, *, source=None,
                    lines: Mapping[str, int] | None = None) -> dict:
    """Link campaign: check preset config overrides (names, types, values) for ``preset_name``.

    A value must have the type of the preset's current value (an integer is accepted for a
    float); the preset's config then validates the values. Raises :class:`ConfigError` naming
    ``overrides.<key>`` (and its line when ``lines`` maps it).

    Examples
    --------
    >>> check_overrides({"max_iterations": 8}, "ldpc-awgn")
    {'max_iterations': 8}
    >>> try:
    ...     check_overrides({"mcs": 1.5}, "pdsch-awgn", source="--set")
    ... except ConfigError as exc:
    ...     print(exc)
    --set: key 'overrides.mcs': must be an integer like the preset's value 10, got a number (1.5)
    """
    return _check_overrides(dict(overrides), preset_name, _Checker(source, dict(lines or {})))


def _check_overrides(overrides: dict, preset_name: str, check: _Checker) -> dict:
    """Types of the override values against the preset config's current values."""
    from opennr.link.presets import PRESETS

    if preset_name not in PRESETS:
        raise check.error("preset", f"unknown preset {preset_name!r}; choose one of "
                          f"{', '.join(PRESETS)}")
    preset = PRESETS[preset_name]
    out = {}
    for key, value in overrides.items():
        dotted = f"overrides.{key}"
        if key not in preset.parameters:
            raise check.error(
                dotted,
                f"preset {preset_name!r} has no parameter {key!r}; its parameters are "
                f"{', '.join(preset.parameters)}",
            )
        current = getattr(preset.config, key)
        if isinstance(current, bool):
            ok = isinstance(value, bool)
        elif isinstance(current, int):
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif isinstance(current, float):
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            value = float(value) if ok else value
        elif isinstance(current, str):
            ok = isinstance(value, str)
        else:
            ok = isinstance(value, str | int | float | bool)
        if not ok:
            raise check.error(
                dotted,
                f"must be {_type_name(current)} like the preset's value {current!r}, got "
                f"{_type_name(value)} ({value!r})",
            )
        out[key] = value
    try:
        preset.with_overrides(**out)
    except (TypeError, ValueError) as exc:
        # name the first override the config's message mentions, else the table
        culprit = next((f"overrides.{k}" for k in out if k in str(exc)), "overrides")
        raise check.error(culprit, str(exc)) from None
    return out


def parse_campaign_config(text: str, *, source: str | None = None) -> CampaignConfig:
    """Link campaign: parse and validate the TOML text of a campaign file.

    Parameters
    ----------
    text : str
        TOML text (see the module docstring for the keys).
    source : str, optional
        File name used in error messages.

    Returns
    -------
    CampaignConfig

    Raises
    ------
    ConfigError
        Invalid TOML (with its line), an unknown key, a value of the wrong type or range, an
        unknown preset or a bad override, naming the source, the key and its line.

    Examples
    --------
    >>> parse_campaign_config('[overrides]\\nmax_iterations = 8').overrides
    {'max_iterations': 8}
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        line = int(m.group(1)) if m else None
        if line is None and "end of document" in str(exc):
            line = max(1, len(text.splitlines()))
        raise ConfigError(f"invalid TOML: {exc}", source=source, line=line) from None
    lines = _key_lines(text)
    check = _Checker(source, lines)
    allowed = ", ".join([*_TOP_KEYS, *(f"[{t}]" for t in _TABLES)])
    for key in data:
        if key not in _TOP_KEYS and key not in _TABLES:
            raise ConfigError(
                f"unknown key {key!r}; allowed keys: {allowed}", source=source, line=lines.get(key)
            )
    kw: dict[str, Any] = {"source": source}
    if "name" in data:
        name = check.string(data, "name", "name")
        if not _NAME.match(name):
            raise check.error(
                "name", f"must be 1..128 letters, digits or '._+-' (no spaces), got {name!r}"
            )
        kw["name"] = name
    if "preset" in data:
        kw["preset"] = check.string(data, "preset", "preset")
        from opennr.link.presets import PRESETS

        if kw["preset"] not in PRESETS:
            raise check.error(
                "preset", f"unknown preset {kw['preset']!r}; choose one of {', '.join(PRESETS)}"
            )
    if "snr" in data:
        snr = data["snr"]
        try:
            if isinstance(snr, str):
                kw["snr_db"] = parse_snr(snr)
            elif isinstance(snr, list):
                if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in snr):
                    raise ValueError("an array of SNR values must hold numbers only (dB)")
                kw["snr_db"] = check_snr_grid(snr, snr)
            elif isinstance(snr, int | float) and not isinstance(snr, bool):
                kw["snr_db"] = check_snr_grid([snr], snr)
            else:
                raise ValueError(  # noqa: TRY004  (reported as a ConfigError)
                    f"must be a string 'start:step:stop', an array of numbers or a number, got "
                    f"{_type_name(snr)}"
                )
        except ValueError as exc:
            raise check.error("snr", str(exc)) from None
    if "seed" in data:
        kw["seed"] = check.integer(data, "seed", "seed", 0)
    if "workers" in data:
        kw["workers"] = check.integer(data, "workers", "workers", 1, 4096)
    for key in ("dask", "store", "plot"):
        if key in data:
            kw[key] = check.string(data, key, key)
    for table in _TABLES:
        if table in data and not isinstance(data[table], dict):
            raise check.error(table, f"must be a table [{table}], got {_type_name(data[table])}")
    stopping = data.get("stopping", {})
    for key in stopping:
        if key not in _STOPPING_KEYS:
            raise check.error(
                f"stopping.{key}",
                f"unknown key in [stopping]; allowed keys: {', '.join(_STOPPING_KEYS)}",
            )
    if "target_errors" in stopping:
        kw["target_errors"] = check.integer(stopping, "target_errors", "stopping.target_errors", 1)
    if "max_blocks" in stopping:
        kw["max_blocks"] = check.integer(stopping, "max_blocks", "stopping.max_blocks", 1)
    if "batch_size" in stopping:
        kw["batch_size"] = check.integer(stopping, "batch_size", "stopping.batch_size", 1)
    if "bler_floor" in stopping:
        kw["bler_floor"] = check.number(stopping, "bler_floor", "stopping.bler_floor", 0.0, 1.0)
    if "overrides" in data:
        kw["overrides"] = _check_overrides(
            data["overrides"], kw.get("preset", CampaignConfig.preset), check
        )
    return CampaignConfig(**kw)


def load_campaign_config(path: str | Path) -> CampaignConfig:
    """Link campaign: read and validate a TOML campaign file (see :func:`parse_campaign_config`).

    Raises :class:`ConfigError` for a missing or unreadable file too.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "c.toml"
    >>> _ = p.write_text('name = "demo"\\npreset = "bpsk-awgn"\\n')
    >>> load_campaign_config(p).name
    'demo'
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read the campaign file: {exc.strerror}", source=str(path)) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError("the campaign file is not UTF-8 text", source=str(path)) from None
    return parse_campaign_config(text, source=str(path))
