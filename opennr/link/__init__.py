"""Link-level simulation campaigns (no 3GPP clause): BLER / throughput versus SNR.

Catalogue:

``opennr.link.awgn``
    :func:`~opennr.link.awgn.ebno_db_to_no` (Sionna's ``ebnodb2no`` convention),
    :func:`~opennr.link.awgn.bpsk_modulate`, :func:`~opennr.link.awgn.awgn_real`,
    :func:`~opennr.link.awgn.awgn_complex`, :func:`~opennr.link.awgn.snr_db_to_no` (Es/N0 per RE),
    :func:`~opennr.link.awgn.bpsk_awgn_llr` (exact LLR ``4 y / N0``).
``opennr.link.engine``
    :func:`~opennr.link.engine.run_sweep` / :func:`~opennr.link.engine.run_point` (stopping rules,
    per-point seeding, Ctrl-C), :class:`~opennr.link.engine.BatchCounts`,
    :class:`~opennr.link.engine.SweepSettings`, :class:`~opennr.link.engine.PointResult`,
    :class:`~opennr.link.engine.SweepResult` (NumPy accessors, ``to_csv``, ``plot``),
    :func:`~opennr.link.engine.wilson_interval`, :func:`~opennr.link.engine.clopper_pearson_interval`,
    :func:`~opennr.link.engine.batch_rng` (batch ``b`` of point ``i``: ``SeedSequence(seed,
    spawn_key=(i, b))``); ``workers=N`` (process pool) and ``dask=`` give identical results.
``opennr.link.campaign``, ``opennr.link.store``
    :class:`~opennr.link.campaign.CampaignSpec`, :func:`~opennr.link.campaign.run_campaign`
    (SQLite results store, resume after Ctrl-C or ``kill -9``, pool / Dask),
    :func:`~opennr.link.campaign.load_campaign`, :func:`~opennr.link.campaign.list_campaigns`,
    :class:`~opennr.link.store.ResultsStore`, :class:`~opennr.link.store.StoreError`.
``opennr.link.config``
    TOML campaign files: :func:`~opennr.link.config.load_campaign_config`,
    :class:`~opennr.link.config.ConfigError` (file, key and line).
``opennr.link.presets``
    :class:`~opennr.link.presets.Preset`, the registry :data:`~opennr.link.presets.PRESETS`
    (``ldpc-awgn``, ``ldpc-awgn-bg2``, ``ldpc-qam-awgn``, ``bpsk-awgn``, ``polar-dci-awgn``,
    ``polar-uci-awgn``, ``pdsch-awgn``, ``pusch-awgn``, ``pusch-tp-awgn``, ``pdsch-tdlc``,
    ``pusch-tdlb100``), :func:`~opennr.link.presets.get_preset`.
``opennr.link.plotting``, ``opennr.link.report``
    :func:`~opennr.link.plotting.plot_sweep`, :func:`~opennr.link.plotting.plot_campaigns`
    (overlays), :func:`~opennr.link.report.write_html_report` (self-contained HTML).

The command line ``opennr simulate`` / ``report`` / ``plot`` (:mod:`opennr.cli`) drives these.

Examples
--------
>>> from opennr.link import SweepSettings, get_preset, run_sweep
>>> res = run_sweep(get_preset("bpsk-awgn").batch_function(), [0.0], SweepSettings(max_blocks=10))
>>> res.points[0].blocks
10
"""

from opennr.link.awgn import (
    awgn_complex,
    awgn_real,
    bpsk_awgn_llr,
    bpsk_modulate,
    ebno_db_to_no,
    snr_db_to_no,
)
from opennr.link.engine import (
    BatchCounts,
    PointResult,
    SweepResult,
    SweepSettings,
    point_rng,
    run_point,
    run_sweep,
    batch_rng,
    clopper_pearson_interval,
    wilson_interval,
)
from opennr.link.campaign import (
    CampaignSpec,
    PresetBatchFunction,
    list_campaigns,
    load_campaign,
    run_campaign,
)
from opennr.link.config import ConfigError, load_campaign_config
from opennr.link.presets import PRESETS, LdpcQamAwgnConfig, Preset, get_preset
from opennr.link.store import ResultsStore, StoreError

__all__ = [
    "ebno_db_to_no",
    "bpsk_modulate",
    "awgn_real",
    "awgn_complex",
    "snr_db_to_no",
    "LdpcQamAwgnConfig",
    "bpsk_awgn_llr",
    "BatchCounts",
    "SweepSettings",
    "PointResult",
    "SweepResult",
    "point_rng",
    "run_point",
    "run_sweep",
    "wilson_interval",
    "clopper_pearson_interval",
    "batch_rng",
    "CampaignSpec",
    "PresetBatchFunction",
    "run_campaign",
    "load_campaign",
    "list_campaigns",
    "ResultsStore",
    "StoreError",
    "ConfigError",
    "load_campaign_config",
    "Preset",
    "PRESETS",
    "get_preset",
]
