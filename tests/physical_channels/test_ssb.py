"""SS/PBCH block (TS 38.211 §7.4.3.1): MathWorks' printed indices, the table written out, the
BCH/PBCH round trip, and two real gNB recordings decoded with these definitions."""

import json

import numpy as np
import pytest

from opennr.coding.bch import Mib, bch_decode
from opennr.physical_channels.pbch import pbch_llrs, pbch_v
from opennr.physical_channels.ssb import (
    SSB_NUM_SUBCARRIERS,
    SSB_NUM_SYMBOLS,
    pbch_dmrs_positions,
    pbch_positions,
    pss_positions,
    ssb_block,
    ssb_linear_indices,
    sss_positions,
)
from opennr.signals.pbch_dmrs import i_ssb_bar, pbch_dmrs
from opennr.signals.sync import pss, sss


def _one_based(pos):
    return (ssb_linear_indices(pos) + 1).tolist()


def test_matlab_documented_indices():
    # MathWorks nrSSSIndices page: 537, 538, ..., nrPBCHDMRSIndices(17): 242, 246, ..., 298;
    # nrPSSIndices (Synchronization Signal Blocks and Bursts example): 57 .. 183.
    assert _one_based(sss_positions())[:15] == list(range(537, 552))
    assert _one_based(pbch_dmrs_positions(17))[:15] == list(range(242, 299, 4))
    assert _one_based(pss_positions()) == list(range(57, 184))


@pytest.mark.parametrize("n_id", [0, 1, 2, 3, 17, 1007])
def test_table_7_4_3_1_1(n_id):
    v = n_id % 4
    k_d, l_d = pbch_dmrs_positions(n_id)
    k_p, l_p = pbch_positions(n_id)
    assert k_d.size == 144 and k_p.size == 432
    # the table written out: DM-RS every 4th subcarrier from v, PBCH on the rest
    want_d = ([(k, 1) for k in range(v, 240, 4)] + [(k, 2) for k in range(v, 48, 4)]
              + [(k, 2) for k in range(192 + v, 240, 4)] + [(k, 3) for k in range(v, 240, 4)])
    assert list(zip(k_d.tolist(), l_d.tolist())) == want_d
    pb = {(k, l) for l in (1, 3) for k in range(240)} | {(k, 2) for k in [*range(48), *range(192, 240)]}
    want_p = sorted(pb - set(want_d), key=lambda kl: (kl[1], kl[0]))
    assert list(zip(k_p.tolist(), l_p.tolist())) == want_p
    # mapping order: k first, then l -> linear index k + 240 l strictly increasing
    assert (np.diff(ssb_linear_indices((k_p, l_p))) > 0).all()
    # PSS/SSS/PBCH/DM-RS disjoint; the rest is exactly the "set to 0" rows of the table
    used = set()
    for pos in (pss_positions(), sss_positions(), (k_p, l_p), (k_d, l_d)):
        s = set(zip(pos[0].tolist(), pos[1].tolist()))
        assert not used & s
        used |= s
    zeros = {(k, 0) for k in [*range(56), *range(183, 240)]} | {
        (k, 2) for k in [*range(48, 56), *range(183, 192)]}
    assert used | zeros == {(k, l) for k in range(240) for l in range(4)} and not used & zeros


def test_positions_are_copies():
    k, _ = pss_positions()
    k[0] = 999
    assert pss_positions()[0][0] == 56


def _decode_block(blk, n_id, l_max, half_frame=0):
    """Ideal-channel receiver: DM-RS search over i_SSB_bar, PBCH LLRs, BCH decode."""
    k_d, l_d = pbch_dmrs_positions(n_id)
    corr = [abs(np.vdot(pbch_dmrs(n_id, i), blk[k_d, l_d])) for i in range(8)]
    ibar = int(np.argmax(corr))
    k_p, l_p = pbch_positions(n_id)
    v = ibar % 4 if l_max == 4 else ibar
    llr = pbch_llrs(blk[k_p, l_p], n_cell_id=n_id, v=v, noise_variance=0.5)
    return ibar, bch_decode(llr, l_max=l_max, n_cell_id=n_id)


@pytest.mark.parametrize("trial", range(6))
def test_block_round_trip(trial):
    rng = np.random.default_rng(1000 + trial)
    l_max = int(rng.choice([4, 8, 64]))
    n_id = int(rng.integers(0, 1008))
    ssb_index = int(rng.integers(0, l_max))
    half_frame = int(rng.integers(0, 2))
    sfn = int(rng.integers(0, 1024))
    k_ssb = int(rng.integers(0, 16 if l_max == 64 else 24))
    mib = Mib.from_sfn(sfn, sub_carrier_spacing_common=str(rng.choice(["scs15or60", "scs30or120"])),
                       ssb_subcarrier_offset=k_ssb & 15,
                       dmrs_type_a_position=str(rng.choice(["pos2", "pos3"])),
                       control_resource_set_zero=int(rng.integers(0, 16)),
                       search_space_zero=int(rng.integers(0, 16)),
                       cell_barred=str(rng.choice(["barred", "notBarred"])),
                       intra_freq_reselection=str(rng.choice(["allowed", "notAllowed"])))
    blk = ssb_block(mib, n_cell_id=n_id, ssb_index=ssb_index, sfn=sfn, half_frame=half_frame,
                    l_max=l_max, k_ssb=k_ssb)
    assert blk.shape == (SSB_NUM_SUBCARRIERS, SSB_NUM_SYMBOLS) and blk.dtype == np.complex64
    np.testing.assert_array_equal(blk[pss_positions()], pss(n_id % 3))
    np.testing.assert_array_equal(blk[sss_positions()], sss(n_id))
    noisy = blk + 0.2 * (rng.standard_normal(blk.shape) + 1j * rng.standard_normal(blk.shape))
    ibar, res = _decode_block(noisy.astype(np.complex64), n_id, l_max)
    assert ibar == i_ssb_bar(ssb_index, half_frame, l_max)
    assert bool(res.crc_ok) and res.mib == mib and int(res.sfn) == sfn
    assert int(res.half_frame) == half_frame
    if l_max == 64:
        assert int(res.ssb_index_msbs) * 8 + ibar == ssb_index
    else:
        assert int(res.k_ssb_msb) == k_ssb >> 4


def test_block_bad_inputs():
    mib = Mib.from_sfn(100)
    kw = {"n_cell_id": 1, "ssb_index": 0, "sfn": 100, "half_frame": 0, "l_max": 8}
    with pytest.raises(TypeError, match="Mib"):
        ssb_block(mib.to_bits(), **kw)
    with pytest.raises(ValueError, match="system_frame_number"):
        ssb_block(mib, **{**kw, "sfn": 200})
    with pytest.raises(ValueError, match="ssb_subcarrier_offset"):
        ssb_block(mib, **kw, k_ssb=17)
    with pytest.raises(ValueError, match="k_ssb"):
        ssb_block(mib, **{**kw, "l_max": 64}, k_ssb=16)
    with pytest.raises(ValueError, match="ssb_index"):
        ssb_block(mib, **{**kw, "ssb_index": 8})
    with pytest.raises(ValueError, match="l_max"):
        ssb_block(mib, **{**kw, "l_max": 10})
    with pytest.raises(ValueError, match="n_cell_id"):
        pbch_positions(1008)
    with pytest.raises(TypeError, match="n_cell_id"):
        pbch_dmrs_positions(2.0)


# ----------------------------------------------------------------------- real recordings
def _capture_block(x, t_useful, nfft, bin0, cp):
    """SS/PBCH block from the FFTs of 4 symbols; ``bin0``: FFT bin of block subcarrier 0."""
    cols = []
    for i in range(4):
        s = t_useful + i * (nfft + cp)
        spec = np.fft.fft(x[s : s + nfft])
        cols.append(spec[(bin0 + np.arange(240)) % nfft])
    return np.stack(cols, axis=1)


CAPTURES = {
    # name: (file, nfft, cp, SSB offset from centre in subcarriers, L_max, expectations)
    "n3": ("n3_pci500_rb52_si_coreset0_idx6_fs15p36M", 1024, 72, -30, 4),
    "n78": ("n78_pci500_fs46p08M", 1536, 108, 328, 8),
}


@pytest.mark.reference
@pytest.mark.parametrize("name", sorted(CAPTURES))
def test_real_capture_decodes(reference_dir, name):
    """srsRAN_4G recordings (PROVENANCE §7): PSS, SSS, DM-RS and PBCH as defined here decode the
    MIB with CRC pass and the facts srsRAN's tests assert (PCI 500, SSB 0, half frame 0, ...)."""
    fname, nfft, cp, sc_offset, l_max = CAPTURES[name]
    base = reference_dir / "captures" / "srsran_4g" / fname
    meta = json.loads(base.with_suffix(".sigmf-meta").read_text())
    facts = next(a for a in meta["annotations"] if "opennr:timing_offset_samples" in a)
    x = np.fromfile(base.with_suffix(".sigmf-data"), dtype="<c8")
    bin0 = sc_offset - 120  # the SSB centre frequency is block subcarrier 120 (TS 38.211 §7.4.3.1)
    t0 = facts["opennr:timing_offset_samples"] + cp  # srsRAN's offset: start of the PSS CP
    p = pss(500 % 3)
    score = {t: abs(np.vdot(p, _capture_block(x, t, nfft, bin0, cp)[56:183, 0]))
             for t in range(t0 - 4, t0 + 5)}
    t = max(score, key=score.get)
    assert abs(t - t0) <= 2
    blk = _capture_block(x, t, nfft, bin0, cp)
    sss_corr = [abs(np.vdot(sss(n), blk[56:183, 2])) for n in range(1008)]
    assert int(np.argmax(sss_corr)) == 500
    # LS channel estimate on the DM-RS, linear interpolation per symbol
    k_d, l_d = pbch_dmrs_positions(500)
    ibar = int(np.argmax([abs(np.vdot(pbch_dmrs(500, i), blk[k_d, l_d])) for i in range(8)]))
    assert ibar == i_ssb_bar(facts["opennr:ssb_index"], facts["opennr:half_frame"], l_max)
    h = blk[k_d, l_d] / pbch_dmrs(500, ibar)
    k_p, l_p = pbch_positions(500)
    eq = np.empty(k_p.size, np.complex64)
    for l in (1, 2, 3):
        m, md = l_p == l, l_d == l
        hi = np.interp(k_p[m], k_d[md], h[md].real) + 1j * np.interp(k_p[m], k_d[md], h[md].imag)
        eq[m] = blk[k_p[m], l] / hi
    llr = np.clip(pbch_llrs(eq, n_cell_id=500, v=pbch_v(facts["opennr:ssb_index"], l_max),
                            noise_variance=0.1), -30, 30)
    res = bch_decode(llr, l_max=l_max, n_cell_id=500)
    assert bool(res.crc_ok)
    assert int(res.sfn) & 15 == facts["opennr:sfn_4lsb"]
    assert int(res.half_frame) == facts["opennr:half_frame"]
    assert int(res.k_ssb_msb) == facts["opennr:k_ssb_msb"]
    if name == "n3":  # CORESET#0 index 6 (the recording's SIB1 test), 15 kHz common SCS
        assert res.mib.control_resource_set_zero == 6
        assert res.mib.sub_carrier_spacing_common == "scs15or60"
