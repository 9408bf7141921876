"""TS 38.211 §5.1: modulation mapping and demapping.

Catalogue:

``mapping``
    :data:`MODULATIONS`, :func:`bits_per_symbol` (``Q_m``), :func:`constellation` (points indexed
    by bit label), :func:`modulate` (bits ``[..., M Q_m]`` -> symbols ``[..., M]``) for pi/2-BPSK,
    BPSK, QPSK, 16QAM, 64QAM, 256QAM and 1024QAM (§5.1.1-§5.1.7).
``demapping``
    :func:`demodulate_soft` (LLRs ``ln P(0)/P(1)``, ``method="max-log"`` or ``"exact"``, scalar,
    per-symbol or per-RE noise variance; Numba kernels exploiting the separable I/Q Gray PAM
    structure) and :func:`demodulate_hard` (nearest point).
"""

from opennr.modulation.demapping import (
    DEMAPPING_METHODS,
    demodulate_hard,
    demodulate_soft,
)
from opennr.modulation.mapping import (
    MODULATIONS,
    bits_per_symbol,
    constellation,
    modulate,
    pam_levels,
)

__all__ = [
    "DEMAPPING_METHODS",
    "MODULATIONS",
    "bits_per_symbol",
    "constellation",
    "demodulate_hard",
    "demodulate_soft",
    "modulate",
    "pam_levels",
]
