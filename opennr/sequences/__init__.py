"""TS 38.211: sequence generation.

Catalogue:

``gold``
    TS 38.211 §5.2.1: :func:`gold_sequence`, the length-31 Gold pseudo-random sequence ``c(n)``
    used by every NR scrambler (PBCH/PDSCH/PDCCH/PUSCH scrambling, DM-RS, CSI-RS, the BCH
    payload scrambling of TS 38.212 §7.1.2).
"""

from opennr.sequences.gold import GOLD_NC, gold_sequence

__all__ = ["GOLD_NC", "gold_sequence"]
