"""TS 38.211: sequence generation.

Catalogue:

``gold``
    TS 38.211 §5.2.1: :func:`gold_sequence`, the length-31 Gold pseudo-random sequence ``c(n)``
    used by every NR scrambler (PBCH/PDSCH/PDCCH/PUSCH scrambling, DM-RS, CSI-RS, the BCH
    payload scrambling of TS 38.212 §7.1.2).
``low_papr``
    TS 38.211 §5.2.2 and §5.2.3: :func:`low_papr_sequence` (type 1: Tables 5.2.2.2-1..4 for
    lengths 6-24, length 30, Zadoff-Chu based for >= 36), :func:`low_papr_sequence_type2`
    (pi/2-BPSK based, lengths >= 30), :func:`zadoff_chu`, :func:`group_sequence_hopping`.
"""

from opennr.sequences.gold import GOLD_NC, gold_sequence
from opennr.sequences.low_papr import (
    HOPPING_MODES,
    LOW_PAPR_TABLE_LENGTHS,
    NUM_SEQUENCE_GROUPS,
    group_sequence_hopping,
    largest_prime_below,
    low_papr_base_sequence,
    low_papr_phi_table,
    low_papr_sequence,
    low_papr_sequence_type2,
    zadoff_chu,
)

__all__ = [
    "GOLD_NC",
    "gold_sequence",
    "low_papr_sequence",
    "low_papr_base_sequence",
    "low_papr_sequence_type2",
    "zadoff_chu",
    "largest_prime_below",
    "low_papr_phi_table",
    "group_sequence_hopping",
    "LOW_PAPR_TABLE_LENGTHS",
    "NUM_SEQUENCE_GROUPS",
    "HOPPING_MODES",
]
