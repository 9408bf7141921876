"""Campaign reports: self-contained HTML (table, embedded PNGs, configuration), CSV, JSON."""

from __future__ import annotations

import base64
import csv
import json
import re

import pytest

from opennr import __version__
from opennr.link.engine import PointResult
from opennr.link.report import (
    CSV_COLUMNS,
    ReportEntry,
    point_rows,
    report_html,
    write_csv,
    write_html_report,
    write_json,
)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _entry(name="pdsch <mcs 10>", shift=0.0, slot=0.5e-3):
    pts = [PointResult(2.0 + shift, 100, 100, 100 * 4608, 9000, 1.5, "target-errors"),
           PointResult(3.0 + shift, 400, 100, 400 * 4608, 700, 4.0, "target-errors"),
           PointResult(4.0 + shift, 2000, 0, 2000 * 4608, 0, 9.0, "max-blocks")]
    return ReportEntry(name, pts, {"preset": "pdsch-awgn", "overrides": {"mcs": 10}, "seed": 3},
                       preset_description="PDSCH slot", snr_label="SNR [dB]", slot_duration=slot,
                       config_hash="ab" * 32, software_version="0.1.0", stop_reason="bler-floor")


def _images(page):
    return [base64.b64decode(m) for m in re.findall(r'src="data:image/png;base64,([^"]+)"', page)]


def test_html_holds_table_images_config_and_versions(tmp_path):
    path = write_html_report([_entry()], tmp_path / "out" / "r.html", title="My <campaign>", dpi=40)
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<title>My &lt;campaign&gt;</title>" in page  # escaped, not markup
    assert "pdsch &lt;mcs 10&gt;" in page and "<mcs 10>" not in page
    images = _images(page)
    assert len(images) == 1 and all(i[:8] == PNG_MAGIC and len(i) > 2000 for i in images)
    table = page[page.index('<table class="points">'):page.index("</table>")]
    assert table.count("<tr>") == 4  # header + 3 points
    assert "2.00" in table and "4.00" in table and "1.000e+00" in table  # SNR and BLER cells
    assert "9.216" in table  # 4608 bits / 0.5 ms = 9.216 Mbit/s at BLER 0
    assert "75.0" in table   # 100 errors in 400 slots: 75 % of the maximum
    assert "&quot;mcs&quot;: 10" in page  # the configuration as JSON
    assert f"OpenNR {__version__}" in page and "0.1.0" in page and "abab" in page
    assert "http://" not in page and "https://" not in page  # self-contained


def test_several_campaigns_get_an_overlay():
    page = report_html([_entry("a"), _entry("b", 0.5)], dpi=30)
    assert len(_images(page)) == 3 and "Comparison" in page
    assert page.count('<table class="points">') == 2
    # two campaigns of the same name are told apart by their hash
    same = report_html([_entry("a"), ReportEntry("a", [], {}, config_hash="cd" * 32)], dpi=30)
    assert "a (abababab)" in same and "a (cdcdcdcd)" in same


def test_point_rows_keys_and_nan():
    rows = point_rows(_entry().points, slot_duration=1e-3)
    for key in ("snr_db", "blocks", "block_errors", "bler", "bler_ci", "ber", "throughput",
                "throughput_bps", "throughput_percent"):
        assert key in rows[0]
    assert rows[2]["throughput_bps"] == pytest.approx(4608 / 1e-3)
    assert rows[1]["bler_ci"][0] < 0.25 < rows[1]["bler_ci"][1]
    empty = point_rows([PointResult(1.0, 0, 0, 0, 0)])[0]
    assert empty["bler"] is None and empty["ber"] is None
    json.dumps(empty, allow_nan=False)
    assert "throughput_bps" not in point_rows(_entry().points)[0]
    with pytest.raises(TypeError, match="PointResult"):
        point_rows([{"snr_db": 1.0}])


def test_csv_and_json_exports(tmp_path):
    entries = [_entry("a"), _entry("b", 1.0, slot=None)]
    with write_csv(entries, tmp_path / "r.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert tuple(rows[0]) == CSV_COLUMNS and len(rows) == 6
    assert [r["campaign"] for r in rows] == ["a"] * 3 + ["b"] * 3
    assert float(rows[1]["bler"]) == 0.25 and float(rows[1]["bler_ci_low"]) < 0.25
    assert rows[4]["throughput_bps"] == ""  # no slot duration: not applicable
    doc = json.loads(write_json(entries, tmp_path / "r.json").read_text())
    assert [d["name"] for d in doc] == ["a", "b"]
    assert doc[0]["config"]["overrides"] == {"mcs": 10} and len(doc[0]["points"]) == 3


def test_snr_at_70_percent_throughput():
    from opennr.link.report import snr_at_throughput

    pts = [PointResult(0.0, 100, 100, 100, 0), PointResult(1.0, 100, 50, 100, 0),
           PointResult(2.0, 100, 10, 100, 0)]
    # 50 % at 1 dB, 90 % at 2 dB: 70 % at 1.5 dB
    assert snr_at_throughput(pts) == pytest.approx(1.5)
    assert snr_at_throughput(pts, 50.0) == pytest.approx(1.0)
    assert snr_at_throughput(pts, 95.0) is None  # never reached
    assert snr_at_throughput(pts[1:], 40.0) is None  # reached at the first point already
    with pytest.raises(ValueError, match="percent"):
        snr_at_throughput(pts, 0.0)
    page = report_html([_entry()], dpi=30)
    assert "SNR at 70 %" in page and "2.93 dB" in page  # 0 % at 2 dB, 75 % at 3 dB


def test_bad_entries_rejected():
    with pytest.raises(TypeError, match="ReportEntry"):
        report_html([{"name": "x"}])
    with pytest.raises(TypeError, match="PointResult"):
        ReportEntry("x", [1.0], {})


def test_load_entries_from_a_results_store(tmp_path):
    from opennr.link.campaign import CampaignSpec, run_campaign
    from opennr.link.engine import SweepSettings
    from opennr.link.report import load_entries

    store = tmp_path / "r.sqlite"
    settings = SweepSettings(target_block_errors=20, max_blocks=100, batch_size=50)
    a = run_campaign(CampaignSpec("bpsk-awgn", {}, (2.0, 4.0), settings, name="a"), store=store)
    run_campaign(CampaignSpec("pdsch-awgn", {"n_prb": 4}, (20.0,), SweepSettings(
        max_blocks=4, batch_size=2), name="b"), store=store)
    entries = load_entries(store)
    assert [e.name for e in entries] == ["a", "b"]
    assert [p.block_errors for p in entries[0].points] == [p.block_errors for p in a.points]
    assert entries[0].slot_duration is None and entries[1].slot_duration == 0.5e-3
    assert entries[1].config["overrides"] == {"n_prb": 4} and entries[1].software_version
    assert entries[1].rows()[0]["throughput_percent"] == 100.0
    only = load_entries(store, [entries[1].config_hash[:10]])
    assert [e.name for e in only] == ["b"]
    with pytest.raises(ValueError, match="no campaign named 'zzz'"):
        load_entries(store, ["zzz"])
    with pytest.raises(ValueError, match="does not exist"):
        load_entries(tmp_path / "none.sqlite")
