"""Cell search on real gNB recordings (../shared/reference/captures, PROVENANCE.md §6, §7).

None of these recordings was made by us: srsRAN_4G's n78 (over the air, Ettus X300) and n3
test files, and Amarisoft n77 recordings made with a USRP by a third party. The expected values
are the facts srsRAN's own test suite asserts (copied in each .sigmf-meta annotation) and the
PCIs stated in the Amarisoft file names.
"""

from __future__ import annotations

import pytest

from opennr.io.sigmf import read_recording
from opennr.receiver.cell_search import cell_search

pytestmark = pytest.mark.reference


def _facts(rec):
    return next(a for a in rec.annotations if "opennr:timing_offset_samples" in a)


def _scan(path, **kw):
    rec = read_recording(path)
    return rec, cell_search(rec.samples, rec.sample_rate, center_frequency=rec.center_frequency,
                            **kw)


def _check_srsran(rec, res, *, l_max):
    facts = _facts(rec)
    assert len(res) == 1
    r = res[0]
    assert r.crc_ok and r.mib is not None
    assert r.pci == facts["opennr:pci"] == 500
    assert r.ssb_index == facts["opennr:ssb_index"]
    assert r.half_frame == facts["opennr:half_frame"]
    assert r.sfn & 15 == facts["opennr:sfn_4lsb"]
    assert r.k_ssb >> 4 == facts["opennr:k_ssb_msb"]
    assert r.sample_offset == facts["opennr:timing_offset_samples"]  # srsRAN: start of the PSS CP
    assert r.sfn >> 4 == r.mib.system_frame_number
    return r


# Frame start (SFN boundary) implied by srsRAN's asserted timing offset (the PSS CP start of SSB
# index 0 in half frame 0): minus the candidate symbol's time in the half frame, TS 38.213 §4.1.
# n78, case C, 46.08 Msps: symbol 2 = (1536 + 132) + (1536 + 108) = 3312 samples;
# n3, case A, 15.36 Msps: symbol 2 = (1024 + 80) + (1024 + 72) = 2200 samples.
FRAME_START = {"n78": 357802 - 3312, "n3": 2200 - 2200}


def test_srsran_n78_over_the_air(reference_dir):
    """n78 TDD, 46.08 Msps, SSB at 3512.64 MHz = GSCN 7855 (+9.84 MHz from the centre)."""
    path = reference_dir / "captures/srsran_4g/n78_pci500_fs46p08M.sigmf-meta"
    rec, res = _scan(path, scs_khz=30, gscn=7855)
    r = _check_srsran(rec, res, l_max=8)
    assert r.gscn == 7855 and r.ssb_frequency_hz == 3512.64e6
    assert r.k_ssb == 16 + r.mib.ssb_subcarrier_offset
    assert r.snr_db > 20 and abs(r.cfo_hz) < 5e3
    assert r.case == "C" and r.frame_start == FRAME_START["n78"] == 354490
    # the same by the explicit offset, and by the SCS tried (15 kHz fails, 30 kHz decodes)
    _, res2 = _scan(path, frequency_offsets=9.84e6)
    assert [(d.pci, d.scs_khz, d.sfn) for d in res2] == [(500, 30, r.sfn)]
    # at the recording centre there is no SSB
    assert _scan(path, scs_khz=30)[1] == []


def test_srsran_n78_raster_search(reference_dir):
    """Every GSCN of the 46.08 MHz band is searched; only GSCN 7855 holds a cell."""
    path = reference_dir / "captures/srsran_4g/n78_pci500_fs46p08M.sigmf-meta"
    rec, res = _scan(path, scs_khz=30, gscn="all")
    assert [(d.pci, d.gscn) for d in res] == [(500, 7855)]
    _check_srsran(rec, res, l_max=8)


def test_srsran_n3(reference_dir):
    """n3 FDD, 15.36 Msps, 15 kHz SSB at 1842.05 MHz (GSCN 4604), CORESET#0 index 6."""
    path = reference_dir / "captures/srsran_4g/n3_pci500_rb52_si_coreset0_idx6_fs15p36M.sigmf-meta"
    rec, res = _scan(path, gscn="all")
    r = _check_srsran(rec, res, l_max=4)
    assert r.gscn == 4604 and r.scs_khz == 15
    assert r.mib.control_resource_set_zero == 6  # the recording's SIB1 test uses index 6
    assert r.mib.sub_carrier_spacing_common == "scs15or60"
    assert r.case == "A" and r.frame_start == FRAME_START["n3"] == 0  # the file starts at slot 0
    _, res2 = _scan(path, frequency_offsets=-450e3, scs_khz=15)
    assert [(d.pci, d.sfn, d.sample_offset) for d in res2] == [(500, r.sfn, 2200)]


AMARISOFT = {"PCI-1": 1, "PCI-2": 2, "PCI-3": 3, "PCI-4": 4, "PCI-57": 57, "PCI-178": 178}
# PSS positions (start of the useful part) found by the throw-away check of PROVENANCE §6
PSS_AT = {"PCI-1": 193329, "PCI-2": 42386, "PCI-3": 43735, "PCI-4": 199589, "PCI-57": 100527,
          "PCI-178": 245889}


@pytest.mark.parametrize("name", sorted(AMARISOFT))
def test_amarisoft_n77(reference_dir, name):
    path = reference_dir / f"captures/amarisoft_n77_15p36msps/IQRxSignals-{name}.sigmf-meta"
    _rec, res = _scan(path)  # SSB SCS tried (15 and 30 kHz), SSB at the centre
    assert [d.pci for d in res] == [AMARISOFT[name]]
    r = res[0]
    assert r.crc_ok and r.scs_khz == 30 and r.mib is not None
    assert r.mib.sub_carrier_spacing_common == "scs30or120"
    assert r.sample_offset + 36 == PSS_AT[name]  # 36-sample CP at 15.36 Msps, 30 kHz
    assert r.sfn >> 4 == r.mib.system_frame_number and 0 <= r.k_ssb <= 23


def test_amarisoft_no_signal(reference_dir):
    path = reference_dir / "captures/amarisoft_n77_15p36msps/IQRxSignals-no-sig.sigmf-meta"
    assert _scan(path)[1] == []
    # candidates that pass the loose PSS/SSS gates are noise: none passes the CRC
    assert not any(d.crc_ok for d in _scan(path, include_failed=True)[1])
