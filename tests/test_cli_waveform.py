"""``opennr waveform``: files written, metadata and ground truth, impairments, bad options."""

from __future__ import annotations

import json

import numpy as np
from typer.testing import CliRunner

from opennr.cli import app
from opennr.io.sigmf import read_recording

runner = CliRunner()


def _run(args):
    result = runner.invoke(app, args)
    return result


def test_writes_sigmf_with_ground_truth(tmp_path):
    out = tmp_path / "cell"
    r = _run(["waveform", str(out), "--pci", "500", "--scs", "30", "--prb", "51",
              "--sample-rate", "23.04e6", "--center-frequency", "3.5e9", "--subframes", "20",
              "--positions", "10000001", "--period", "10", "--fill", "qpsk", "--json"])
    assert r.exit_code == 0, r.output
    s = json.loads(r.stdout)
    assert s["num_samples"] == 20 * 23040 and s["l_max"] == 8 and s["case"] == "C"
    assert [(b["sfn"], b["ssb_index"]) for b in s["ssb_blocks"]] == [(0, 0), (0, 7), (1, 0), (1, 7)]
    rec = read_recording(tmp_path / "cell.sigmf-meta")
    g = rec.metadata["global"]
    assert rec.sample_rate == 23.04e6 and rec.center_frequency == 3.5e9
    assert g["opennr:pci"] == 500 and g["opennr:fill"] == "qpsk"
    assert g["opennr:ssb_blocks"] == s["ssb_blocks"]
    assert np.asarray(rec.samples).size == 20 * 23040


def test_impairments_and_text_output(tmp_path):
    r = _run(["waveform", str(tmp_path / "n"), "--pci", "17", "--scs", "15", "--prb", "25",
              "--sample-rate", "7.68e6", "--cfo", "20e3", "--timing-offset", "1234",
              "--snr", "-6", "--seed", "3", "--datatype", "ci16_le"])
    assert r.exit_code == 0, r.output
    assert "PCI 17" in r.stdout and "SSB 0" in r.stdout
    g = read_recording(tmp_path / "n.sigmf-meta").metadata["global"]
    assert g["opennr:impairments"]["snr_db"] == -6.0 and g["core:datatype"] == "ci16_le"
    assert g["opennr:ssb_blocks"][0]["sample_offset"] == 1234 + 2 * 512 + 40 + 36  # case A symbol 2


def test_fading_option(tmp_path):
    r = _run(["waveform", str(tmp_path / "f"), "--scs", "15", "--prb", "25", "--sample-rate",
              "7.68e6", "--subframes", "2", "--fading", "TDL-C", "--delay-spread", "100e-9",
              "--doppler", "30", "--upconversion-phase", "--center-frequency", "2e9", "--json"])
    assert r.exit_code == 0, r.output
    g = read_recording(tmp_path / "f.sigmf-meta").metadata["global"]
    assert g["opennr:impairments"]["fading"] == "TDL-C"
    assert g["opennr:impairments"]["max_doppler"] == 30.0 and g["opennr:upconversion_phase"]
    r = _run(["waveform", str(tmp_path / "g"), "--fading", "TDL-Z"])
    assert r.exit_code == 2 and "TDL-Z" in r.output


def test_bad_options(tmp_path):
    for args, text in ((["--pci", "1008"], "n_cell_id"), (["--sample-rate", "10e6"], "sample_rate"),
                       (["--period", "7"], "periodicity"), (["--scs", "60"], "60"),
                       (["--k-ssb", "3"], "both"), (["--positions", "11"], "bitmap"),
                       (["--sfn", "1024"], "sfn")):
        r = _run(["waveform", str(tmp_path / "bad"), *args])
        assert r.exit_code == 2, (args, r.output)
        assert text in r.output, (args, r.output)
    assert not (tmp_path / "bad.sigmf-meta").exists()


def test_pdsch_fill_option(tmp_path):
    from opennr.waveform import pdsch_fill_slot

    r = _run(["waveform", str(tmp_path / "p"), "--pci", "9", "--scs", "30", "--prb", "51",
              "--sample-rate", "30.72e6", "--subframes", "1", "--fill", "pdsch", "--pdsch-mcs",
              "9", "--pdsch-rnti", "100", "--json"])
    assert r.exit_code == 0, r.output
    s = json.loads(r.stdout)
    assert s["pdsch"]["slots"] == 2 and s["pdsch"]["modulation"] == "QPSK"
    g = read_recording(tmp_path / "p.sigmf-meta").metadata["global"]
    assert g["opennr:fill"] == "pdsch" and g["opennr:pdsch"]["rnti"] == 100
    cfg, _, tb, _ = pdsch_fill_slot(g, 1)
    assert cfg.rnti == 100 and tb.size == s["pdsch"]["tbs"][1]
    r = _run(["waveform", str(tmp_path / "q"), "--scs", "15", "--prb", "25", "--sample-rate",
              "7.68e6", "--subframes", "1", "--fill", "pdsch"])
    assert r.exit_code == 0 and "PDSCH in 1 slots: MCS 4" in r.stdout, r.output
    r = _run(["waveform", str(tmp_path / "b"), "--fill", "pdsch", "--pdsch-mcs", "29"])
    assert r.exit_code == 2 and "29" in r.output
