"""Propagation channel models (TR 38.901 §7.1, §7.3, §7.5, §7.7; TS 38.101-4 / 38.104 fading profiles).

Catalogue:

``tdl``, ``tdl_tables``
    TR 38.901 §7.7.2-§7.7.6: TDL-A..E (Tables 7.7.2-1..5) and the conformance profiles TDLA30,
    TDLB100, TDLC300 (TS 38.101-4 Annex B.2) with delay-spread and K-factor scaling;
    :class:`TdlChannel` (sum-of-sinusoids fading, exact J0 autocorrelation, Kronecker MIMO
    correlation, continuous across calls, block fading), :func:`tdl_profile`,
    :func:`doppler_from_speed`.
``correlation``
    TS 38.101-4 Annex B.2.3 / TS 38.104 Annex G.2.3: MIMO correlation matrices (low, medium,
    medium-a, uplink-medium, high): :func:`correlation_matrices`, :func:`spatial_correlation`.
``cdl``, ``cdl_tables``, ``antenna``
    TR 38.901 §7.7.1, §7.7.3, §7.7.5.1, §7.7.6: CDL-A..E (Tables 7.7.1-1..5, ray offsets Table
    7.5-3) with antenna panels (§7.3: element pattern Table 7.3-1, polarisation models 1/2,
    orientation): :class:`CdlChannel`, :func:`cdl_profile`, :class:`PanelArray`.
``apply``
    Shared by both: :func:`apply_time_channel` (fractional-delay filtering of a waveform with
    time-varying gains, Numba; causal with delay :func:`channel_filter_delay` for slot-by-slot
    stepping, or zero-delay for one-shot use), :func:`ofdm_channel_response` (exact per-RE, per-symbol frequency
    response), :func:`symbol_times`.
``plotting``
    :func:`plot_power_delay_profile`, :func:`plot_doppler_spectrum` for any channel object.

Every channel object has ``path_delays``, ``path_gains(times) -> [B, n_rx, n_tx, P, T]``,
``__call__(waveform, sample_rate) -> (rx, gains, times)``, ``ofdm_response(carrier) ->
[B, n_rx, n_tx, K, L]`` and ``reset()``; randomness comes from an explicit ``rng`` or ``seed``.
AWGN and the SNR definitions are in :mod:`opennr.link.awgn`.
"""

from opennr.propagation.antenna import PanelArray, element_gain_db
from opennr.propagation.apply import (
    apply_time_channel,
    channel_filter_delay,
    channel_filter_span,
    ofdm_channel_response,
    symbol_times,
)
from opennr.propagation.cdl import CdlChannel, cdl_clusters, generate_cdl_rays
from opennr.propagation.cdl_tables import CDL_PROFILES, CdlProfile, cdl_profile
from opennr.propagation.correlation import (
    CORRELATION_LEVELS,
    correlation_matrices,
    spatial_correlation,
)
from opennr.propagation.plotting import plot_doppler_spectrum, plot_power_delay_profile
from opennr.propagation.tdl import SPEED_OF_LIGHT, TdlChannel, doppler_from_speed
from opennr.propagation.tdl_tables import (
    CONFORMANCE_PROFILES,
    TDL_MODELS,
    TdlProfile,
    rms_delay_spread,
    tdl_profile,
)

__all__ = [
    "CDL_PROFILES",
    "CONFORMANCE_PROFILES",
    "CORRELATION_LEVELS",
    "SPEED_OF_LIGHT",
    "TDL_MODELS",
    "CdlChannel",
    "CdlProfile",
    "PanelArray",
    "TdlChannel",
    "TdlProfile",
    "apply_time_channel",
    "cdl_clusters",
    "cdl_profile",
    "channel_filter_delay",
    "channel_filter_span",
    "correlation_matrices",
    "doppler_from_speed",
    "element_gain_db",
    "generate_cdl_rays",
    "ofdm_channel_response",
    "plot_doppler_spectrum",
    "plot_power_delay_profile",
    "rms_delay_spread",
    "spatial_correlation",
    "symbol_times",
    "tdl_profile",
]
