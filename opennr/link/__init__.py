"""Link-level simulation (no 3GPP clause): BLER / throughput versus SNR over AWGN.

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
    :class:`~opennr.link.engine.SweepResult`, :func:`~opennr.link.engine.wilson_interval`.
``opennr.link.presets``
    :class:`~opennr.link.presets.Preset`, the registry :data:`~opennr.link.presets.PRESETS`
    (``ldpc-awgn``, ``ldpc-awgn-bg2``, ``ldpc-qam-awgn``, ``bpsk-awgn``),
    :func:`~opennr.link.presets.get_preset`, :class:`~opennr.link.presets.LdpcQamAwgnConfig`.
``opennr.link.plotting``
    :func:`~opennr.link.plotting.plot_sweep` (BLER with Wilson bars and throughput, PNG).

The command line ``opennr simulate`` (:mod:`opennr.cli`) drives these.

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
    wilson_interval,
)
from opennr.link.presets import PRESETS, LdpcQamAwgnConfig, Preset, get_preset

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
    "Preset",
    "PRESETS",
    "get_preset",
]
