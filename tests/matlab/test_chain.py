"""Whole DL-SCH/UL-SCH chains written as the MATLAB scripts people port (TS 38.212 §6.2 / §7.2)."""

import inspect

import numpy as np
import pytest

import opennr.matlab as nr
from opennr.matlab import (
    nrCodeBlockDesegmentLDPC,
    nrCodeBlockSegmentLDPC,
    nrCRCDecode,
    nrCRCEncode,
    nrDLSCHInfo,
    nrLDPCDecode,
    nrLDPCEncode,
    nrRateMatchLDPC,
    nrRateRecoverLDPC,
)

MODULATION = {1: "pi/2-BPSK", 2: "QPSK", 4: "16QAM", 6: "64QAM", 8: "256QAM"}


def _encode_script(trblk, tcr, outlen, rv, mod, nlayers):
    """The usual MATLAB transmit script, line for line."""
    info = nrDLSCHInfo(len(trblk), tcr)
    trblkcrc = nrCRCEncode(trblk, info.CRC)
    cbs = nrCodeBlockSegmentLDPC(trblkcrc, info.BGN)
    codedcbs = nrLDPCEncode(cbs, info.BGN)
    return nrRateMatchLDPC(codedcbs, outlen, rv, mod, nlayers)


def _decode_script(llr, trblklen, tcr, rv, mod, nlayers, maxiter=12):
    info = nrDLSCHInfo(trblklen, tcr)
    raterec = nrRateRecoverLDPC(llr, trblklen, tcr, rv, mod, nlayers)
    decoded, _, _ = nrLDPCDecode(raterec, info.BGN, maxiter)
    blk, cberr = nrCodeBlockDesegmentLDPC(decoded, info.BGN, trblklen + info.L)
    trblk, blkerr = nrCRCDecode(blk, info.CRC)
    return trblk, blkerr, cberr


@pytest.mark.reference
@pytest.mark.parametrize("case", range(8))
def test_matlab_ulsch_cases(reference_dir, case):
    """MATLAB-made UL-SCH codewords (Sionna's tb_encoder refs), before scrambling, rv 0."""
    d = np.load(reference_dir / "sionna" / "tb_encoder" / f"tb_testcase_{case}.npz")
    trblk = d["u_ref"][0]
    expected = d["c_ref_no_scr"][0]
    mod = MODULATION[int(d["num_bits_per_symbol"])]
    cw = _encode_script(trblk, float(d["coderate"]), expected.size, 0, mod, int(d["num_layers"]))
    np.testing.assert_array_equal(cw, expected)


@pytest.mark.reference
def test_matlab_sib1_receive_chain(reference_dir):
    d = np.load(reference_dir / "py3gpp" / "ldpc_sib1_chain.npz")
    raterec = nrRateRecoverLDPC(d["rm_llr"], 640, 0.3701, 0, "QPSK", 1)
    np.testing.assert_array_equal(raterec[:, 0], d["raterec_llr"])
    cb, _, checks = nrLDPCDecode(raterec, 2, 25)
    np.testing.assert_array_equal(cb[:, 0], d["cb_bits"])
    assert not checks.any()
    tb_with_crc, cberr = nrCodeBlockDesegmentLDPC(cb, 2, 656)
    np.testing.assert_array_equal(tb_with_crc, d["tb_with_crc"])
    assert cberr.size == 0
    tb, err = nrCRCDecode(tb_with_crc, "16")
    np.testing.assert_array_equal(tb, d["tb_bits"])
    assert err == 0


@pytest.mark.parametrize("trblklen, tcr, mod, nlayers, rv, g",
                         [(8456, 0.6, "64QAM", 2, 0, 14400), (2000, 0.3, "QPSK", 1, 2, 7000),
                          (25104, 0.8, "256QAM", 4, 3, 34560)])
def test_noisy_round_trip(rng, trblklen, tcr, mod, nlayers, rv, g):
    trblk = rng.integers(0, 2, trblklen)
    cw = _encode_script(trblk, tcr, g, rv, mod, nlayers)
    # BPSK-like soft bits at a comfortable SNR (sigma = 0.5: LLR = 2 y / sigma^2)
    y = (1.0 - 2.0 * cw) + rng.normal(0.0, 0.5, cw.size)
    out, blkerr, cberr = _decode_script(8.0 * y, trblklen, tcr, rv, mod, nlayers)
    assert blkerr == 0 and not cberr.any()
    np.testing.assert_array_equal(out, trblk)


def test_every_function_documents_its_matlab_syntax_and_clause():
    for name in nr.__all__:
        if name == "MatlabStruct":
            continue
        doc = inspect.getdoc(getattr(nr, name))
        assert doc.splitlines()[0].startswith(("TS 38.21", "TR 38.901")), name
        assert "MATLAB syntax: ``" in doc and f"= {name}(" in doc, name
        assert ">>> " in doc, name


def test_docs_example_runs():
    """The script in docs/matlab.md decodes its own transport block."""
    import re
    from pathlib import Path

    doc = Path(__file__).resolve().parents[2] / "docs" / "matlab.md"
    if not doc.exists():
        pytest.skip("docs/matlab.md not in this checkout")
    code = re.search(r"```python\n(.*?)```", doc.read_text(), re.DOTALL).group(1)
    ns: dict = {}
    exec(code, ns)  # noqa: S102 - our own documentation
    assert ns["err"] == 0 and not ns["cberr"].any()
    np.testing.assert_array_equal(ns["out"], ns["trblk"])
