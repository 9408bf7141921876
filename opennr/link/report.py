"""Link-level campaign reports (no 3GPP clause): a self-contained HTML page, CSV and JSON tables.

A report holds one or more campaigns (:class:`ReportEntry`: name, configuration, points). The HTML
page needs no other file: the plots are embedded as base64 PNG, the configuration is printed as
JSON, each campaign's table lists SNR, blocks, errors, BLER with its 95 % interval, BER and
throughput (bits/s and % of the maximum for slot-based presets), with the OpenNR version that ran
the campaign and the one that wrote the report.

Examples
--------
>>> from opennr.link.engine import PointResult
>>> e = ReportEntry("demo", (PointResult(1.0, 100, 10, 800, 12),), {"preset": "bpsk-awgn"})
>>> page = report_html([e], title="Demo")
>>> "<table" in page and "data:image/png;base64," in page and "demo" in page
True
>>> point_rows(e.points)[0]["bler"]
0.1
"""

from __future__ import annotations

import base64
import csv
import datetime as _dt
import html
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from opennr.link.engine import HARQ_CSV_COLUMNS, PointResult, _slot_throughput
from opennr.link.plotting import _instances

__all__ = [
    "CSV_COLUMNS",
    "HARQ_CSV_COLUMNS",
    "ReportEntry",
    "load_entries",
    "point_rows",
    "report_html",
    "snr_at_throughput",
    "write_csv",
    "write_html_report",
    "write_json",
]

#: Columns of the CSV export, in order (``campaign`` first).
CSV_COLUMNS = (
    "campaign",
    "snr_db",
    "blocks",
    "block_errors",
    "bler",
    "bler_ci_low",
    "bler_ci_high",
    "bits",
    "bit_errors",
    "ber",
    "throughput",
    "throughput_bps",
    "throughput_percent",
    "elapsed",
    "stop_reason",
)
# HARQ_CSV_COLUMNS, the columns appended when a point carries HARQ statistics: the engine's.


def _json_value(value):
    """NaN / inf are not JSON: None instead (also inside lists)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    return value


def point_rows(points: Sequence[PointResult], *, slot_duration: float | None = None) -> list[dict]:
    """Link report: one JSON-ready dict per point.

    The keys of :meth:`PointResult.to_dict <opennr.link.engine.PointResult.to_dict>` (at least
    ``snr_db, blocks, block_errors, bits, bit_errors, bler, bler_ci`` (``[low, high]``, 95 %
    Wilson), ``ber, throughput`` (information bits per block), ``elapsed, stop_reason``); with a
    ``slot_duration`` also ``throughput_bps``, ``throughput_max_bps`` and ``throughput_percent``;
    for a point with HARQ statistics also ``transmissions``, ``first_tx_errors``,
    ``residual_bler`` (= ``bler``), ``first_tx_bler``, ``first_tx_bler_ci`` and
    ``mean_transmissions``, and the throughput counts the retransmitted slots. NaN becomes None.

    Examples
    --------
    >>> r = point_rows([PointResult(3.0, 200, 50, 200 * 4608, 9)], slot_duration=0.5e-3)[0]
    >>> r["bler"], [round(v, 3) for v in r["bler_ci"]], r["throughput_bps"], r["throughput_percent"]
    (0.25, [0.195, 0.314], 6912000.0, 75.0)
    """
    rows = []
    for p in points:
        if not isinstance(p, PointResult):
            raise TypeError(f"points must hold PointResult objects, got {type(p).__name__}")
        row = p.to_dict()  # the engine's keys (bler, bler_ci, ber, throughput, ...)
        row["bler_ci"] = list(p.bler_ci)
        row.update(_slot_throughput(p, slot_duration))
        rows.append({k: _json_value(v) for k, v in row.items()})
    return rows


@dataclass(frozen=True)
class ReportEntry:
    """Link report: one campaign, what was simulated and what came out.

    Attributes
    ----------
    name : str
        Campaign name (legend label and section title).
    points : tuple of PointResult
        The finished points.
    config : dict
        The campaign description (``CampaignSpec.to_dict()``: preset, overrides, grid, stopping
        rules, seed), printed as JSON.
    preset_description : str, default ""
    snr_label : str, default "SNR [dB]"
    slot_duration : float or None, default None
        Seconds per block for slot-based presets (throughput in bits/s).
    config_hash : str, default ""
    software_version : str, default ""
        OpenNR version that ran the campaign.
    created_utc : str, default ""
    stop_reason : str, default ""
        Why the sweep ended (``completed``, ``bler-floor``, ``interrupted``, ``incomplete``).
    source : str, default ""
        The results store it was read from.

    Examples
    --------
    >>> ReportEntry("x", [], {}).points
    ()
    """

    name: str
    points: Sequence[PointResult]
    config: Mapping[str, Any] = field(default_factory=dict)
    preset_description: str = ""
    snr_label: str = "SNR [dB]"
    slot_duration: float | None = None
    config_hash: str = ""
    software_version: str = ""
    created_utc: str = ""
    stop_reason: str = ""
    source: str = ""

    def __post_init__(self):
        object.__setattr__(self, "points", tuple(self.points))
        for p in self.points:
            if not isinstance(p, PointResult):
                raise TypeError(f"points must hold PointResult objects, got {type(p).__name__}")

    def rows(self) -> list[dict]:
        """:func:`point_rows` of the points."""
        return point_rows(self.points, slot_duration=self.slot_duration)

    def curve(self, label: str | None = None):
        """The :class:`~opennr.link.plotting.Curve` of this campaign."""
        from opennr.link.plotting import Curve

        return Curve(self.name if label is None else label, self.points, self.slot_duration)


def load_entries(store: str | Path, campaigns: Sequence[str] = ()) -> list[ReportEntry]:
    """Link report: the campaigns of a results store as report entries (read-only).

    Parameters
    ----------
    store : str or pathlib.Path
        A results store written by :func:`opennr.link.campaign.run_campaign`.
    campaigns : sequence of str, optional
        Campaign names or configuration-hash prefixes to select; empty: every campaign.

    Raises
    ------
    ValueError
        A selector matching no campaign (the message lists the store's campaigns), or a missing
        file; :class:`~opennr.link.store.StoreError` for a corrupt or incompatible store.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from opennr.link.campaign import CampaignSpec, run_campaign
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "r.sqlite"
    >>> _ = run_campaign(CampaignSpec("bpsk-awgn", {}, (0.0, 9.0), name="demo"), store=path)
    >>> [(e.name, len(e.points)) for e in load_entries(path)]
    [('demo', 2)]
    """
    from opennr.link.campaign import list_campaigns, load_campaign

    path = Path(store)
    if not path.is_file():
        raise ValueError(f"results store {str(path)!r} does not exist")
    records = list_campaigns(path)
    chosen = []
    for selector in campaigns:
        hits = [r for r in records if r.name == selector or r.config_hash.startswith(selector)]
        if not hits:
            listing = ", ".join(f"{r.name} ({r.config_hash[:12]})" for r in records) or "none"
            raise ValueError(
                f"results store {str(path)!r} has no campaign named {selector!r} or with a hash "
                f"starting with it; its campaigns: {listing}"
            )
        chosen += [r for r in hits if r not in chosen]
    if not campaigns:
        chosen = list(records)
    entries = []
    for record in chosen:
        spec, result = load_campaign(path, config_hash=record.config_hash)
        preset = spec.preset_object()
        entries.append(
            ReportEntry(
                name=record.name,
                points=result.points,
                config=record.config,
                preset_description=preset.description,
                snr_label=preset.snr_label,
                slot_duration=preset.slot_duration,
                config_hash=record.config_hash,
                software_version=record.software_version,
                created_utc=record.created_utc,
                stop_reason=result.stop_reason,
                source=str(path),
            )
        )
    return entries


def _entries(entries) -> list[ReportEntry]:
    return _instances(entries, ReportEntry, "entries")


def snr_at_throughput(points: Sequence[PointResult], percent: float = 70.0) -> float | None:
    """Link report: the SNR where the throughput first reaches ``percent`` % of its maximum.

    Linear interpolation of the throughput in % (``100 (1 - BLER)``, with HARQ statistics the
    delivered blocks per transmission) between the two points that bracket ``percent``
    (the figure of merit of the TS 38.104 / TS 38.101-4 demodulation requirements, 70 %); None
    when no point reaches it or the first point already does.

    Examples
    --------
    >>> pts = [PointResult(-4.0, 100, 45, 100, 0), PointResult(-2.0, 100, 11, 100, 0)]
    >>> round(snr_at_throughput(pts), 3)
    -3.118
    """
    pct = float(percent)
    if not 0.0 < pct <= 100.0:
        raise ValueError(f"percent must be in (0, 100], got {percent!r}")
    prev = None
    for p in points:
        if not p.blocks:
            continue
        tp = p.throughput_percent
        if tp >= pct:
            if prev is None:
                return None
            s0, t0 = prev
            return s0 + (pct - t0) * (p.snr_db - s0) / (tp - t0)
        prev = (p.snr_db, tp)
    return None


def _labels(entries: list[ReportEntry]) -> list[str]:
    """Unique legend labels: the names, with the short hash where two names collide."""
    names = [e.name for e in entries]
    return [
        f"{e.name} ({e.config_hash[:8]})" if names.count(e.name) > 1 and e.config_hash else e.name
        for e in entries
    ]


def _fmt(value, spec: str) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    return format(value, spec)


_CSS = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 60em; color: #222; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; border-bottom: 1px solid #ccc; }
table.points { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 0.9em; }
table.points th, table.points td { border: 1px solid #bbb; padding: 0.2em 0.6em; text-align: right; }
table.points th { background: #eee; }
pre { background: #f6f6f6; padding: 0.6em; overflow-x: auto; font-size: 0.85em; }
img { max-width: 100%; } .meta { color: #555; font-size: 0.9em; }
"""


def _table_html(entry: ReportEntry) -> str:
    bps = entry.slot_duration is not None
    harq = any(p.harq for p in entry.points)
    head = ["SNR [dB]", "blocks", "block errors", "BLER (residual)" if harq else "BLER",
            "BLER 95% CI", "BER", "throughput [bits/slot]" if harq else "throughput [bits/block]"]
    if bps:
        head += ["throughput [Mbit/s]", "throughput [% of max]"]
    if harq:
        head += ["1st-transmission BLER", "mean transmissions"]
    head += ["time [s]", "stopped by"]
    out = ['<table class="points">', "<thead><tr>"]
    out += [f"<th>{html.escape(h)}</th>" for h in head]
    out.append("</tr></thead><tbody>")
    for r in entry.rows():
        low, high = r["bler_ci"]
        cells = [
            _fmt(r["snr_db"], ".2f"),
            str(r["blocks"]),
            str(r["block_errors"]),
            _fmt(r["bler"], ".3e"),
            f"{_fmt(low, '.2e')} .. {_fmt(high, '.2e')}",
            _fmt(r["ber"], ".3e"),
            _fmt(r["throughput"], ".1f"),
        ]
        if bps:
            tput = r.get("throughput_bps")
            cells += [_fmt(None if tput is None else tput / 1e6, ".3f"),
                      _fmt(r.get("throughput_percent"), ".1f")]
        if harq:
            cells += [_fmt(r.get("first_tx_bler"), ".3e"), _fmt(r.get("mean_transmissions"), ".3f")]
        cells += [_fmt(r["elapsed"], ".2f"), str(r["stop_reason"])]
        out.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def _img(png: bytes, alt: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def report_html(entries, *, title: str = "OpenNR link-level campaign", dpi: int = 100) -> str:
    """Link report: a self-contained HTML page of one or more campaigns.

    Parameters
    ----------
    entries : ReportEntry or sequence of ReportEntry
        The campaigns; with several, an overlay plot comes first.
    title : str, optional
        Page title.
    dpi : int, default 100
        Resolution of the embedded PNG plots.

    Returns
    -------
    str
        The HTML text (UTF-8); plots as ``data:image/png;base64`` images, no external resource.

    Examples
    --------
    >>> report_html([]).startswith("<!DOCTYPE html>")
    True
    """
    from opennr import __version__
    from opennr.link.plotting import render_png

    entries = _entries(entries)
    labels = _labels(entries)
    now = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        (
            f'<p class="meta">Written {now} by OpenNR {html.escape(__version__)}; '
            f"{len(entries)} campaign(s). BLER intervals: Wilson score, 95 %.</p>"
        ),
    ]
    if len(entries) > 1:
        label_set = {e.snr_label for e in entries}
        snr_label = label_set.pop() if len(label_set) == 1 else "SNR [dB]"
        curves = [e.curve(lab) for e, lab in zip(entries, labels, strict=True)]
        parts += ["<h2>Comparison</h2>",
                  _img(render_png(curves, title="All campaigns", snr_label=snr_label, dpi=dpi),
                       "BLER and throughput of all campaigns")]
    for entry, label in zip(entries, labels, strict=True):
        meta = [
            ("preset", str(entry.config.get("preset", ""))),
            ("description", entry.preset_description),
            ("configuration hash", entry.config_hash),
            ("results store", entry.source),
            ("created", entry.created_utc),
            ("OpenNR version of the run", entry.software_version),
            ("sweep ended", entry.stop_reason),
        ]
        if entry.slot_duration is not None:
            snr70 = snr_at_throughput(entry.points, 70.0)
            meta.append(("SNR at 70 % of the maximum throughput (interpolated)",
                         "not bracketed by the points" if snr70 is None else f"{snr70:.2f} dB"))
        parts.append(f"<h2>Campaign {html.escape(label)}</h2>")
        parts.append('<ul class="meta">' + "".join(
            f"<li>{html.escape(k)}: {html.escape(v)}</li>" for k, v in meta if v) + "</ul>")
        parts.append(_img(render_png([entry.curve(label)], title=label,
                                     snr_label=entry.snr_label, dpi=dpi),
                          f"BLER and throughput of {label}"))
        parts.append(_table_html(entry))
        config = json.dumps(dict(entry.config), indent=2, sort_keys=True, default=str)
        parts.append("<h3>Configuration</h3>")
        parts.append(f"<pre>{html.escape(config)}</pre>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def write_html_report(entries, path: str | Path, *, title: str = "OpenNR link-level campaign",
                      dpi: int = 100) -> Path:
    """Link report: write :func:`report_html` to ``path`` (parent folders are made).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = write_html_report([], pathlib.Path(tempfile.mkdtemp()) / "r.html")
    >>> p.read_text().count("<h1>")
    1
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report_html(entries, title=title, dpi=dpi), encoding="utf-8")
    return path


def write_csv(entries, path: str | Path) -> Path:
    """Link report: all points of all campaigns as CSV, columns :data:`CSV_COLUMNS` (and
    :data:`HARQ_CSV_COLUMNS` when a point carries HARQ statistics).

    Empty cells where a value does not apply (no slot duration, no HARQ, NaN).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> e = ReportEntry("x", [PointResult(1.0, 10, 1, 80, 2)], {})
    >>> p = write_csv([e], pathlib.Path(tempfile.mkdtemp()) / "r.csv")
    >>> p.read_text().splitlines()[1].split(",")[:5]
    ['x', '1.0', '10', '1', '0.1']
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    entries = _entries(entries)
    columns = CSV_COLUMNS
    if any(p.harq for e in entries for p in e.points):
        columns = CSV_COLUMNS + HARQ_CSV_COLUMNS
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for entry in entries:
            for row in entry.rows():
                low, high = row.pop("bler_ci")
                row.update(campaign=entry.name, bler_ci_low=low, bler_ci_high=high)
                writer.writerow({k: "" if row.get(k) is None else row.get(k) for k in columns})
    return path


def write_json(entries, path: str | Path) -> Path:
    """Link report: the campaigns as JSON, ``[{"name", "config", ..., "points": [...]}, ...]``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> e = ReportEntry("x", [PointResult(1.0, 10, 1, 80, 2)], {"seed": 1})
    >>> p = write_json([e], pathlib.Path(tempfile.mkdtemp()) / "r.json")
    >>> json.loads(p.read_text())[0]["points"][0]["block_errors"]
    1
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = [
        {
            "name": e.name,
            "config": dict(e.config),
            "config_hash": e.config_hash,
            "software_version": e.software_version,
            "created_utc": e.created_utc,
            "stop_reason": e.stop_reason,
            "snr_label": e.snr_label,
            "slot_duration": e.slot_duration,
            "points": e.rows(),
        }
        for e in _entries(entries)
    ]
    path.write_text(json.dumps(doc, indent=2, default=str, allow_nan=False) + "\n",
                    encoding="utf-8")
    return path
