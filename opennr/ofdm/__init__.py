"""TS 38.211 V17 §4, §5.3-§5.4: numerologies, frame structure, resource grid and OFDM.

Catalogue:

``numerology``
    TS 38.211 §4.2-§4.3, §5.3.1: :class:`Numerology` (``mu`` = 0..6, 15-960 kHz, normal and
    extended CP), :func:`numerology`, :func:`mu_from_subcarrier_spacing`,
    :func:`cyclic_prefix_lengths` (with the 0.5 ms rule), constants ``KAPPA``, ``TC_PER_SECOND``.
``carrier``
    TS 38.211 §4.4: :class:`CarrierConfig` (frozen: ``subcarrier_spacing``, ``cyclic_prefix``,
    ``n_size_grid``, ``n_start_grid``, ``n_cell_id``, ``n_slot``, ``n_frame``),
    :func:`k0` (``k_0^mu`` of §5.3.1), :func:`subcarrier_offset_from_point_a`;
    TS 38.211 §4.4.5, TS 38.213 §12: :class:`BandwidthPartConfig` (frozen: ``n_size_bwp``,
    ``n_start_bwp``, ``subcarrier_spacing``, ``cyclic_prefix``; ``validate(carrier)``,
    ``first_subcarrier(carrier)``, ``crb_range``), :func:`extract_bwp_grid` /
    :func:`insert_bwp_grid` (BWP sub-grid ``[..., P, 12 N_BWP^size, L]`` of a carrier grid).
``ofdm_info``
    TS 38.211 §5.3.1, §5.4: :func:`ofdm_info` -> :class:`OfdmInfo` (FFT size by MATLAB's rule,
    sample rate, CP and symbol lengths, windowing, §5.4 symbol phases), :func:`default_nfft`,
    :func:`symbol_phases`.
``modulator``
    TS 38.211 §5.3.1, §5.4: :func:`ofdm_modulate` ``[..., K, L] -> [..., samples]`` and
    :func:`ofdm_demodulate` (upconversion phase compensation for ``f_0``, raised-cosine
    windowing), :func:`raised_cosine_taper`.
``resource_grid``
    TS 38.211 §4.4.4: :func:`resource_grid` (zeros ``[..., ports, K, L]``), :func:`grid_shape`,
    :func:`check_grid`, :func:`subcarrier_frequencies`.
``plotting``
    :func:`plot_resource_grid` (matplotlib, Agg).
"""

from opennr.ofdm.carrier import (
    BandwidthPartConfig,
    CarrierConfig,
    extract_bwp_grid,
    insert_bwp_grid,
    k0,
    subcarrier_offset_from_point_a,
)
from opennr.ofdm.modulator import (
    NORMALIZATIONS,
    ofdm_demodulate,
    ofdm_modulate,
    raised_cosine_taper,
)
from opennr.ofdm.numerology import (
    CYCLIC_PREFIXES,
    KAPPA,
    MU_VALUES,
    TC_PER_SECOND,
    Numerology,
    cyclic_prefix_lengths,
    mu_from_subcarrier_spacing,
    numerology,
)
from opennr.ofdm.ofdm_info import OfdmInfo, default_nfft, ofdm_info, symbol_phases
from opennr.ofdm.plotting import plot_resource_grid
from opennr.ofdm.resource_grid import (
    check_grid,
    grid_shape,
    resource_grid,
    subcarrier_frequencies,
)

__all__ = [
    "CYCLIC_PREFIXES",
    "KAPPA",
    "MU_VALUES",
    "NORMALIZATIONS",
    "TC_PER_SECOND",
    "BandwidthPartConfig",
    "CarrierConfig",
    "Numerology",
    "OfdmInfo",
    "check_grid",
    "cyclic_prefix_lengths",
    "default_nfft",
    "extract_bwp_grid",
    "grid_shape",
    "insert_bwp_grid",
    "k0",
    "mu_from_subcarrier_spacing",
    "numerology",
    "ofdm_demodulate",
    "ofdm_info",
    "ofdm_modulate",
    "plot_resource_grid",
    "raised_cosine_taper",
    "resource_grid",
    "subcarrier_frequencies",
    "subcarrier_offset_from_point_a",
    "symbol_phases",
]
