"""TS 38.211 §4.2-§4.3, §5.3.1: numerologies, slot structure, CP lengths and the 0.5 ms rule."""

import numpy as np
import pytest

from opennr.ofdm import (
    KAPPA,
    TC_PER_SECOND,
    CarrierConfig,
    Numerology,
    cyclic_prefix_lengths,
    default_nfft,
    k0,
    mu_from_subcarrier_spacing,
    numerology,
    ofdm_info,
    subcarrier_offset_from_point_a,
    symbol_phases,
)

STANDARD_RATES = (7.68e6, 15.36e6, 30.72e6, 46.08e6, 61.44e6)
CONFIGS = [(mu, "normal") for mu in range(7)] + [(2, "extended")]


@pytest.mark.parametrize("mu", range(7))
def test_table_4_2_1_and_4_3_2_1(mu):
    n = Numerology(mu)
    assert n.subcarrier_spacing == 15 * 2**mu
    assert mu_from_subcarrier_spacing(15 * 2**mu) == mu
    assert (n.symbols_per_slot, n.slots_per_subframe, n.slots_per_frame) == (14, 2**mu, 10 * 2**mu)


def test_extended_cp_table_4_3_2_2():
    n = numerology(60, "Extended")
    assert (n.cyclic_prefix, n.symbols_per_slot, n.slots_per_subframe) == ("extended", 12, 4)
    assert n.cp_lengths_tc().tolist() == [512 * KAPPA // 4] * 48


@pytest.mark.parametrize("mu, cp", CONFIGS)
def test_subframe_and_half_subframe_durations_in_tc(mu, cp):
    """The CP lengths of §5.3.1 fill exactly 1 ms, and each half subframe exactly 0.5 ms."""
    n = Numerology(mu, cp)
    lengths = n.cp_lengths_tc() + n.useful_length_tc
    assert lengths.sum() == TC_PER_SECOND // 1000
    half = n.symbols_per_subframe // 2
    assert lengths[:half].sum() == lengths[half:].sum() == TC_PER_SECOND // 2000
    assert n.symbol_starts_tc()[half] == TC_PER_SECOND // 2000
    if cp == "normal":  # the longer CP is the first symbol of each half subframe, +16 kappa
        long = np.flatnonzero(n.cp_lengths_tc() != n.cp_lengths_tc().min())
        assert long.tolist() == [0, 7 * 2**mu]
        assert n.cp_lengths_tc()[0] - n.cp_lengths_tc()[1] == 16 * KAPPA


@pytest.mark.parametrize("mu, cp", CONFIGS)
@pytest.mark.parametrize("rate", STANDARD_RATES)
def test_cp_lengths_sum_to_slot_duration_at_standard_rates(mu, cp, rate):
    """Every slot and half subframe has exactly its duration in samples, or a clear error."""
    scs = 15e3 * 2**mu
    nfft = rate / scs
    if nfft != int(nfft) or (cp == "normal" and int(nfft) % 128):
        with pytest.raises(ValueError, match=r"§5\.3\.1"):
            cyclic_prefix_lengths(mu, cp, nfft=int(nfft) if nfft == int(nfft) else 129)
        return
    nfft = int(nfft)
    cps = cyclic_prefix_lengths(mu, cp, nfft=nfft)
    sym = cps + nfft
    assert sym.sum() == round(rate / 1000)  # one subframe
    half = sym.size // 2
    assert sym[:half].sum() == sym[half:].sum() == round(rate / 2000)  # 0.5 ms rule
    per_slot = sym.reshape(2**mu, -1).sum(axis=1)
    slot_tc = (Numerology(mu, cp).cp_lengths_tc() + Numerology(mu, cp).useful_length_tc).reshape(
        2**mu, -1).sum(axis=1)
    assert np.array_equal(per_slot * TC_PER_SECOND, slot_tc * round(rate))  # exact durations


def test_known_cp_lengths():
    assert cyclic_prefix_lengths(0, nfft=2048)[:8].tolist() == [160] + [144] * 6 + [160]
    assert cyclic_prefix_lengths(1, nfft=4096)[:2].tolist() == [352, 288]  # 122.88 Msps
    assert cyclic_prefix_lengths(0, nfft=3072)[:2].tolist() == [240, 216]  # 46.08 Msps
    assert cyclic_prefix_lengths(2, "extended", nfft=4096).tolist() == [1024] * 48


def test_default_nfft_matlab_rule():
    # 2^ceil(log2(12 N / 0.85)), at least 128
    for nrb in (1, 6, 11, 24, 25, 52, 106, 133, 160, 216, 270, 273, 275):
        expect = max(128, 2 ** int(np.ceil(np.log2(12 * nrb / 0.85))))
        assert default_nfft(nrb) == expect
    assert default_nfft(150) == 4096  # MathWorks' nrOFDMInfo(150, 60, extended) example
    # explicit sample rates: the multiple of 128 matching the rate
    assert default_nfft(106, 15, 30.72e6) == 2048
    assert default_nfft(106, 30, 46.08e6) == 1536
    assert default_nfft(273, 30, 122.88e6) == 4096


def test_ofdm_info_sample_rates():
    c = CarrierConfig(n_size_grid=25)
    for rate, nfft in [(7.68e6, 512), (15.36e6, 1024), (30.72e6, 2048), (46.08e6, 3072),
                       (61.44e6, 4096)]:
        info = ofdm_info(c, sample_rate=rate)
        assert (info.nfft, info.sample_rate) == (nfft, rate)
        assert info.samples_per_slot(0) == round(rate / 1000)
    with pytest.raises(ValueError, match="does not resample"):
        ofdm_info(c, sample_rate=20e6)
    with pytest.raises(ValueError, match=r"smaller than the grid"):
        ofdm_info(CarrierConfig(n_size_grid=52), nfft=512)
    with pytest.raises(ValueError, match="does not resample"):
        ofdm_info(c, nfft=1024, sample_rate=30.72e6)


def test_slot_lengths_differ_by_half_subframe_rule():
    info = ofdm_info(CarrierConfig(subcarrier_spacing=60, n_size_grid=24), nfft=512)
    # mu = 2: symbols 0 and 28 of the subframe (slots 0 and 2) carry the longer CP
    assert [info.samples_per_slot(s) for s in range(4)] == [7688, 7672, 7688, 7672]
    assert info.samples_per_subframe == 4 * 7680  # 30.72 Msps, 1 ms


def test_symbol_phases_exact():
    num = Numerology(1)
    assert not symbol_phases(num, 0.0).any()
    # f0 = 3.5 GHz: phi_l = 2 pi frac(f0 (t_start + N_CP T_c))
    ph = symbol_phases(num, 3.5e9)
    ticks = num.symbol_starts_tc() + num.cp_lengths_tc()
    ref = [2 * np.pi * ((3_500_000_000 * int(t)) % TC_PER_SECOND) / TC_PER_SECOND for t in ticks]
    np.testing.assert_allclose(ph, ref, rtol=0, atol=1e-12)
    assert np.all((ph >= 0) & (ph < 2 * np.pi))


def test_k0_formula_and_point_a():
    c15 = CarrierConfig(15, n_size_grid=106, n_start_grid=10)
    c30 = CarrierConfig(30, n_size_grid=51, n_start_grid=6)
    c60 = CarrierConfig(60, n_size_grid=24, n_start_grid=4)
    carriers = [c15, c30, c60]
    # mu0 = 2: k0^mu = (Nstart + Nsize/2) 12 - (4 + 12) 12 2^(2 - mu)
    assert k0(c60, carriers) == 0
    assert k0(c30, carriers) == (6 * 12 + 51 * 6) - 16 * 12 * 2
    assert k0(c15, carriers) == (10 * 12 + 106 * 6) - 16 * 12 * 4
    assert k0(c15) == 0
    assert subcarrier_offset_from_point_a(c30) == 72
    with pytest.raises(ValueError, match=r"§5\.3\.1"):
        k0(c15, [c30, c60])
    with pytest.raises(ValueError, match="one carrier per"):
        k0(c15, [c15, c15])


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        ({"subcarrier_spacing": 20}, ValueError, "Table 4.2-1"),
        ({"subcarrier_spacing": 1920}, ValueError, "Table 4.2-1"),
        ({"subcarrier_spacing": 30, "cyclic_prefix": "extended"}, ValueError, "only for mu = 2"),
        ({"cyclic_prefix": "long"}, ValueError, "Table 4.2-1"),
        ({"cyclic_prefix": 1}, TypeError, "cyclic_prefix"),
        ({"n_size_grid": 0}, ValueError, r"§4\.4\.2"),
        ({"n_size_grid": 276}, ValueError, r"§4\.4\.2"),
        ({"n_size_grid": 2.5}, TypeError, "n_size_grid"),
        ({"n_start_grid": 2200}, ValueError, r"§4\.4\.2"),
        ({"n_cell_id": 1008}, ValueError, r"§7\.4\.2"),
        ({"n_slot": -1}, ValueError, r"§4\.3\.2"),
        ({"n_frame": -1}, ValueError, r"§4\.3\.1"),
    ],
)
def test_bad_carrier(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        CarrierConfig(**kwargs)


def test_bad_numerology_and_info():
    with pytest.raises(ValueError, match="Table 4.2-1"):
        Numerology(7)
    with pytest.raises(ValueError, match="only for mu = 2"):
        Numerology(0, "extended")
    with pytest.raises(TypeError):
        mu_from_subcarrier_spacing("fifteen")
    c = CarrierConfig(subcarrier_spacing=30, n_size_grid=273)
    with pytest.raises(ValueError, match=r"smaller than the grid.*§5\.3\.1"):
        ofdm_info(c, nfft=2048)
    with pytest.raises(ValueError, match=r"non-integer cyclic prefix.*§5\.3\.1"):
        ofdm_info(c, nfft=4000)
    with pytest.raises(ValueError, match="W <= shortest cyclic prefix"):
        ofdm_info(c, windowing=289)
    with pytest.raises(ValueError, match=r"§5\.4"):
        ofdm_info(c, carrier_frequency=float("nan"))
    with pytest.raises(TypeError):
        ofdm_info("carrier")


def test_carrier_derived_properties():
    c = CarrierConfig(subcarrier_spacing=120, n_size_grid=66, n_slot=83)
    assert c.mu == 3 and c.num_subcarriers == 792
    assert c.slot_in_frame == 3 and c.slot_in_subframe == 3
    assert c.first_symbol_in_subframe == 42
    assert c.bandwidth_hz == 792 * 120e3
    assert c.replace(n_slot=1).slot_in_subframe == 1
    with pytest.raises(AttributeError):
        c.n_slot = 2  # frozen
