"""TS 38.214 §5.1.3.1 / §6.1.4.1 MCS tables: internal consistency and Sionna as second source."""

from dataclasses import FrozenInstanceError
from decimal import ROUND_HALF_UP, Decimal

import pytest

from opennr.scheduling.mcs import (
    MCS_TABLES,
    McsEntry,
    mcs_entry,
    mcs_modulation_order,
    mcs_table,
)

# name -> (last valid index, Q_m of the reserved rows with q = 2)
LAYOUT = {
    "qam64": (28, [2, 4, 6]),
    "qam256": (27, [2, 4, 6, 8]),
    "qam64LowSE": (28, [2, 4, 6]),
    "qam1024": (26, [2, 4, 6, 8, 10]),
    "tp-qam64": (27, [2, 2, 4, 6]),
    "tp-qam64LowSE": (27, [2, 2, 4, 6]),
}

# Sionna decode_mcs_index arguments (table_index, is_pusch, transform_precoding) for each table
SIONNA = {
    "qam64": (1, False, False),
    "qam256": (2, False, False),
    "qam64LowSE": (3, False, False),
    "qam1024": (4, False, False),
    "tp-qam64": (1, True, True),
    "tp-qam64LowSE": (2, True, True),
}


def test_table_names():
    assert tuple(MCS_TABLES) == tuple(LAYOUT)
    assert MCS_TABLES["qam1024"] == "TS 38.214 Table 5.1.3.1-4"


@pytest.mark.parametrize("name", LAYOUT)
@pytest.mark.parametrize("q", [1, 2])
def test_layout_and_reserved_rows(name, q):
    table = mcs_table(name, q=q)
    last, reserved_qm = LAYOUT[name]
    assert len(table) == 32 and all(isinstance(e, McsEntry) for e in table)
    assert [e.index for e in table] == list(range(32))
    assert [e.reserved for e in table] == [i > last for i in range(32)]
    expected = [q if (name.startswith("tp") and i == last + 1) else qm
                for i, qm in enumerate(reserved_qm, start=last + 1)]
    assert [e.modulation_order for e in table[last + 1 :]] == expected
    for e in table[last + 1 :]:
        assert e.code_rate_x1024 is None and e.target_code_rate is None
        assert e.spectral_efficiency is None


@pytest.mark.parametrize("name", LAYOUT)
@pytest.mark.parametrize("q", [1, 2])
def test_spectral_efficiency_is_rounded_qm_times_rate(name, q):
    """The printed efficiency is Q_m * R rounded half up to 4 decimals: catches typing errors."""
    for e in mcs_table(name, q=q):
        if e.reserved:
            continue
        exact = Decimal(e.modulation_order) * Decimal(e.code_rate_x1024) / 1024
        printed = exact.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
        assert float(printed) == e.spectral_efficiency, (name, e)
        assert 0 < e.target_code_rate < 1
        assert e.target_code_rate == e.code_rate_x1024 / 1024


@pytest.mark.parametrize("name", LAYOUT)
def test_modulation_order_non_decreasing(name):
    qms = [e.modulation_order for e in mcs_table(name) if not e.reserved]
    assert qms == sorted(qms)
    assert set(qms) <= {2, 4, 6, 8, 10}


@pytest.mark.parametrize("name", ["tp-qam64", "tp-qam64LowSE"])
def test_pi2bpsk_q_dependence(name):
    n_q = 2 if name == "tp-qam64" else 6
    t1, t2 = mcs_table(name, q=1), mcs_table(name, q=2)
    for i in range(32):
        if i < n_q:
            assert (t1[i].modulation_order, t2[i].modulation_order) == (1, 2)
            assert t1[i].code_rate_x1024 == 2 * t2[i].code_rate_x1024
            assert t1[i].spectral_efficiency == t2[i].spectral_efficiency
        elif i != 28:
            assert t1[i] == t2[i]
    assert mcs_entry(1, name, q=1).code_rate_x1024 == (314 if name == "tp-qam64" else 80)


def test_q_ignored_for_pdsch_tables():
    assert mcs_table("qam256", q=1) == mcs_table("qam256", q=2)


def test_known_entries():
    assert mcs_entry(17) == McsEntry(17, 6, 438.0, 2.5664, False, "qam64")
    assert mcs_entry(20, "qam256").code_rate_x1024 == 682.5
    assert mcs_entry(23, "qam1024").target_code_rate == 805.5 / 1024
    assert mcs_entry(0, "qam64LowSE").code_rate_x1024 == 30
    assert mcs_entry(23, "tp-qam64LowSE").spectral_efficiency == 3.0156
    with pytest.raises(FrozenInstanceError):
        mcs_entry(0).index = 3


@pytest.mark.oracle
@pytest.mark.parametrize("name", LAYOUT)
@pytest.mark.parametrize("pi2bpsk", [False, True])
def test_every_entry_matches_sionna(sionna, name, pi2bpsk):
    from sionna.phy.nr.utils import decode_mcs_index

    table_index, is_pusch, tp = SIONNA[name]
    q = 1 if pi2bpsk else 2
    checked = 0
    for e in mcs_table(name, q=q)[:29]:  # Sionna accepts indices 0..28
        kwargs = dict(table_index=table_index, is_pusch=is_pusch, transform_precoding=tp,
                      pi2bpsk=pi2bpsk)
        if e.reserved:
            with pytest.raises(ValueError):
                decode_mcs_index(e.index, **kwargs)
            continue
        qm, rate = decode_mcs_index(e.index, **kwargs)
        assert int(qm) == e.modulation_order, (name, e.index)
        # float32 rate x/1024 with x a multiple of 0.25 is exact
        assert float(rate) * 1024 == e.code_rate_x1024, (name, e.index)
        checked += 1
    assert checked == LAYOUT[name][0] + 1


@pytest.mark.oracle
@pytest.mark.parametrize("name", ["qam64", "qam256", "qam64LowSE", "qam1024"])
def test_pusch_without_transform_precoding_uses_pdsch_tables(sionna, name):
    from sionna.phy.nr.utils import decode_mcs_index

    table_index = SIONNA[name][0]
    for e in mcs_table(name)[: LAYOUT[name][0] + 1]:
        qm, rate = decode_mcs_index(e.index, table_index=table_index, is_pusch=True,
                                    transform_precoding=False)
        assert (int(qm), float(rate) * 1024) == (e.modulation_order, e.code_rate_x1024)


def test_reserved_index_errors():
    with pytest.raises(ValueError, match=r"reserved in MCS table 'qam256'.*0\.\.27.*Q_m = 8"):
        mcs_entry(31, "qam256")
    with pytest.raises(ValueError, match="Table 5.1.3.1-4"):
        mcs_entry(27, "qam1024")
    assert mcs_modulation_order(29) == 2
    assert mcs_modulation_order(28, "tp-qam64LowSE", q=1) == 1
    assert mcs_modulation_order(5, "qam256") == 4


def test_bad_inputs():
    with pytest.raises(ValueError, match=r"\[0, 31\]"):
        mcs_entry(32)
    with pytest.raises(ValueError, match=r"\[0, 31\]"):
        mcs_modulation_order(-1)
    with pytest.raises(TypeError, match="index"):
        mcs_entry(1.0)
    with pytest.raises(ValueError, match="'qam64', 'qam256', 'qam64LowSE', 'qam1024'"):
        mcs_table("qam512")
    with pytest.raises(ValueError, match="table must be one of"):
        mcs_entry(0, "QAM64")
    with pytest.raises(ValueError, match="q must be one of"):
        mcs_table("tp-qam64", q=3)
    with pytest.raises(TypeError, match="q must be an integer"):
        mcs_table("tp-qam64", q=True)
