"""SigMF / raw IQ recording I/O (opennr.io.sigmf)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from opennr.io.sigmf import SIGMF_DATATYPES, Recording, read_recording, write_sigmf

DTYPES = list(SIGMF_DATATYPES)
# worst-case round-trip error per component: half an LSB for fixed point, float32 rounding
TOL = {"cf32_le": 1e-7, "cf64_le": 1e-7, "ci16_le": 2.0**-16 + 1e-7, "ci32_le": 1e-7}


def _signal(rng, n=1000, channels=None, amp=0.7):
    shape = (n,) if channels is None else (channels, n)
    x = rng.uniform(-amp, amp, shape) + 1j * rng.uniform(-amp, amp, shape)
    return x.astype(np.complex64)


@pytest.mark.parametrize("datatype", DTYPES)
def test_round_trip_every_datatype(tmp_path, rng, datatype):
    x = _signal(rng)
    meta = write_sigmf(tmp_path / "rec", x, 30.72e6, center_frequency=3.6e9, datatype=datatype,
                       description="test", extra={"pci": 7, "nested": {"a": [1, 2]}})
    assert meta == tmp_path / "rec.sigmf-meta"
    for target in (meta, tmp_path / "rec.sigmf-data", tmp_path / "rec"):
        rec = read_recording(target)
        assert isinstance(rec, Recording)
        assert rec.samples.dtype == np.complex64 and rec.samples.shape == (1, x.size)
        assert rec.sample_rate == 30.72e6 and rec.center_frequency == 3.6e9
        assert rec.datatype == datatype and rec.path == tmp_path / "rec.sigmf-data"
        err = np.abs(rec.samples[0] - x)
        assert err.max() <= TOL[datatype] * np.sqrt(2)
    g = rec.metadata["global"]
    assert g["opennr:pci"] == 7 and g["opennr:nested"] == {"a": [1, 2]}
    assert g["core:description"] == "test"
    # the sigmf package reads the same numbers (its fixed-point scaling is ours)
    import sigmf

    ref = sigmf.fromfile(str(meta)).read_samples()
    assert np.allclose(ref, rec.samples[0], atol=1e-6)


@pytest.mark.parametrize("datatype", DTYPES)
def test_raw_round_trip(tmp_path, rng, datatype):
    x = _signal(rng)
    write_sigmf(tmp_path / "rec", x, 1e6, datatype=datatype)
    raw = tmp_path / "capture.bin"
    raw.write_bytes((tmp_path / "rec.sigmf-data").read_bytes())
    rec = read_recording(raw, sample_rate=1e6, datatype=datatype, center_frequency=1e9)
    assert rec.samples.shape == (1, x.size) and rec.center_frequency == 1e9
    assert np.abs(rec.samples[0] - x).max() <= TOL[datatype] * np.sqrt(2)
    assert rec.metadata["global"]["core:datatype"] == datatype


def test_multichannel_interleaving(tmp_path, rng):
    x = _signal(rng, 50, channels=3)
    meta = write_sigmf(tmp_path / "mc", x, 1e6)
    raw = np.fromfile(tmp_path / "mc.sigmf-data", dtype="<f4")
    # SigMF: channels interleaved sample by sample, I then Q
    assert raw[0] == x[0, 0].real and raw[2] == x[1, 0].real and raw[6] == x[0, 1].real
    rec = read_recording(meta)
    assert rec.num_channels == 3 and rec.num_samples == 50
    np.testing.assert_array_equal(rec.samples, x)


def test_ci16_scaling_matches_raw_integers(tmp_path):
    ints = np.array([100, -200, 32767, -32768], dtype="<i2")
    raw = tmp_path / "x.iq"
    ints.tofile(raw)
    rec = read_recording(raw, sample_rate=1e6, datatype="ci16_le")
    np.testing.assert_allclose(rec.samples[0], [(100 - 200j) / 32768, (32767 - 32768j) / 32768])


def test_fixed_point_saturation_and_overflow(tmp_path):
    write_sigmf(tmp_path / "a", np.array([1.0 + 0j, -1.0]), 1e6, datatype="ci16_le")
    rec = read_recording(tmp_path / "a.sigmf-meta")
    assert np.allclose(rec.samples[0], [32767 / 32768, -1.0])
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        write_sigmf(tmp_path / "b", np.array([1.5 + 0j]), 1e6, datatype="ci16_le")


def test_truncated_data_file(tmp_path, rng):
    meta = write_sigmf(tmp_path / "t", _signal(rng), 1e6)
    meta_json = json.loads(meta.read_text())
    del meta_json["global"]["core:sha512"]
    meta.write_text(json.dumps(meta_json))
    data = tmp_path / "t.sigmf-data"
    data.write_bytes(data.read_bytes()[:-3])
    with pytest.raises(ValueError, match=r"t\.sigmf-data.*truncated"):
        read_recording(meta)


def test_checksum_mismatch(tmp_path, rng):
    meta = write_sigmf(tmp_path / "c", _signal(rng), 1e6)
    data = tmp_path / "c.sigmf-data"
    data.write_bytes(data.read_bytes()[:-8])  # a whole sample shorter
    with pytest.raises(ValueError, match="sha512"):
        read_recording(meta)


def test_unknown_datatype(tmp_path, rng):
    meta = write_sigmf(tmp_path / "u", _signal(rng), 1e6)
    m = json.loads(meta.read_text())
    m["global"]["core:datatype"] = "ru8"
    meta.write_text(json.dumps(m))
    with pytest.raises(ValueError, match=r"u\.sigmf-meta.*unknown or unsupported datatype 'ru8'"):
        read_recording(meta)
    with pytest.raises(ValueError, match="datatype.*supported: cf32_le"):
        write_sigmf(tmp_path / "v", _signal(rng), 1e6, datatype="cf16_le")
    with pytest.raises(ValueError, match="unknown or unsupported datatype 'int16'"):
        read_recording(tmp_path / "u.sigmf-data", sample_rate=1e6, datatype="int16")


def test_metadata_disagrees_with_data_size(tmp_path, rng):
    meta = write_sigmf(tmp_path / "m", _signal(rng, 100), 1e6)
    m = json.loads(meta.read_text())
    m["annotations"] = [{"core:sample_start": 50, "core:sample_count": 80}]
    meta.write_text(json.dumps(m))
    with pytest.raises(ValueError, match="annotation 0.*holds 100 samples.*disagree"):
        read_recording(meta)
    m["annotations"] = []
    m["captures"].append({"core:sample_start": 150})
    meta.write_text(json.dumps(m))
    with pytest.raises(ValueError, match="capture 1 starts at sample 150.*disagree"):
        read_recording(meta)


def test_stated_rate_or_format_contradicting_metadata(tmp_path, rng):
    meta = write_sigmf(tmp_path / "s", _signal(rng), 1e6, datatype="ci16_le")
    with pytest.raises(ValueError, match="disagrees with the metadata's core:datatype"):
        read_recording(meta, datatype="cf32_le")
    with pytest.raises(ValueError, match="disagrees with the metadata's core:sample_rate"):
        read_recording(meta, sample_rate=2e6)
    assert read_recording(meta, sample_rate=1e6, datatype="ci16_le").num_samples == 1000


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_samples(tmp_path, rng, bad):
    x = _signal(rng, 20)
    raw = tmp_path / "n.cf32"
    y = np.stack([x.real, x.imag], -1).astype("<f4")
    y[7, 1] = bad
    y.tofile(raw)
    with pytest.raises(ValueError, match=r"n\.cf32: 1 NaN or infinite sample.*sample 7"):
        read_recording(raw, sample_rate=1e6, datatype="cf32_le")
    with pytest.raises(ValueError, match="NaN or infinite"):
        write_sigmf(tmp_path / "w", np.where(np.arange(20) == 3, bad, x), 1e6)


def test_raw_needs_rate_and_format(tmp_path, rng):
    raw = tmp_path / "r.dat"
    np.zeros(16, "<f4").tofile(raw)
    with pytest.raises(ValueError, match="raw IQ file.*needs sample_rate and datatype"):
        read_recording(raw)
    with pytest.raises(ValueError, match="raw IQ file"):
        read_recording(raw, sample_rate=1e6)
    with pytest.raises(ValueError, match="sample_rate must be a finite positive"):
        read_recording(raw, sample_rate=-1.0, datatype="cf32_le")
    with pytest.raises(TypeError, match="sample_rate"):
        read_recording(raw, sample_rate="fast", datatype="cf32_le")
    # wrong format: 16 float32 = 64 bytes is not a whole number of cf64 x 3 ... use an odd size
    (tmp_path / "odd.dat").write_bytes(b"\0" * 12)
    with pytest.raises(ValueError, match="not a whole number of cf64_le samples"):
        read_recording(tmp_path / "odd.dat", sample_rate=1e6, datatype="cf64_le")
    with pytest.raises(ValueError, match="file not found"):
        read_recording(tmp_path / "absent.dat", sample_rate=1e6, datatype="cf32_le")


def test_missing_data_and_bad_json(tmp_path, rng):
    meta = write_sigmf(tmp_path / "d", _signal(rng), 1e6)
    (tmp_path / "d.sigmf-data").unlink()
    with pytest.raises(ValueError, match="data file d.sigmf-data is missing"):
        read_recording(meta)
    meta.write_text("{not json")
    with pytest.raises(ValueError, match="cannot read SigMF metadata"):
        read_recording(meta)
    meta.write_text(json.dumps({"global": {"core:datatype": "cf32_le", "core:version": 5}}))
    with pytest.raises(ValueError, match="does not validate"):
        read_recording(meta)


def test_write_bad_inputs(tmp_path, rng):
    x = _signal(rng, 10)
    with pytest.raises(ValueError, match=r"shape \[S\] or \[channels, S\]"):
        write_sigmf(tmp_path / "a", np.zeros((2, 2, 2), np.complex64), 1e6)
    with pytest.raises(ValueError, match="shape"):
        write_sigmf(tmp_path / "a", np.zeros(0, np.complex64), 1e6)
    with pytest.raises(TypeError, match="samples must be a numeric"):
        write_sigmf(tmp_path / "a", np.array(["a"]), 1e6)
    with pytest.raises(ValueError, match="sample_rate"):
        write_sigmf(tmp_path / "a", x, 0.0)
    with pytest.raises(ValueError, match="not JSON-serialisable"):
        write_sigmf(tmp_path / "a", x, 1e6, extra={"obj": object()})
    with pytest.raises(TypeError, match="extra must be a dict"):
        write_sigmf(tmp_path / "a", x, 1e6, extra=[1])
    write_sigmf(tmp_path / "a", x, 1e6)
    with pytest.raises(ValueError, match="overwrite=False"):
        write_sigmf(tmp_path / "a", x, 1e6, overwrite=False)


def test_written_metadata_validates_with_sigmf(tmp_path, rng):
    import warnings

    import sigmf

    meta = write_sigmf(tmp_path / "v", _signal(rng), 2e6, extra={"ssb": {"pci": 1}})
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the opennr extension is declared
        f = sigmf.fromfile(str(meta))  # checks the sha512 too
        f.validate()
    assert f.get_global_field("core:extensions")[0]["name"] == "opennr"


@pytest.mark.reference
def test_reads_the_reference_captures(reference_dir):
    cap = reference_dir / "captures"
    rec = read_recording(cap / "srsran_4g" / "n78_pci500_fs46p08M.sigmf-meta")
    assert rec.samples.shape == (1, 460800) and rec.sample_rate == 46.08e6
    assert rec.center_frequency == 3502.8e6 and rec.annotations[0]["opennr:pci"] == 500
    amari = read_recording(cap / "amarisoft_n77_15p36msps" / "IQRxSignals-PCI-1.sigmf-meta")
    assert amari.datatype == "ci16_le" and amari.num_samples == 307200  # sha512 checked
    ints = np.fromfile(amari.path, dtype="<i2")[:2]
    assert amari.samples[0, 0] == np.complex64(complex(ints[0], ints[1]) / 32768)


def test_dotted_base_names(tmp_path):
    meta = write_sigmf(tmp_path / "cell.v1.rx0", np.full(6, 0.25 + 0.5j, np.complex64), 1e6)
    assert meta.name == "cell.v1.rx0.sigmf-meta"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cell.v1.rx0.sigmf-data",
                                                          "cell.v1.rx0.sigmf-meta"]
    assert read_recording(meta).num_samples == 6


def test_header_and_trailing_bytes(tmp_path, rng):
    x = _signal(rng, 10)
    meta = write_sigmf(tmp_path / "h", x, 1e6)
    data = tmp_path / "h.sigmf-data"
    data.write_bytes(b"HDR!" * 4 + data.read_bytes() + b"\0" * 6)
    m = json.loads(meta.read_text())
    del m["global"]["core:sha512"]
    m["captures"][0]["core:header_bytes"] = 16
    m["global"]["core:trailing_bytes"] = 6
    meta.write_text(json.dumps(m))
    np.testing.assert_array_equal(read_recording(meta).samples[0], x)
