"""TS 38.212 §5.3.1 and §5.4.1: polar codes of the NR control channels.

Catalogue:

``sequence``
    Table 5.3.1.2-1: :func:`polar_sequence`, the reliability sequence Q (N_max = 1024).
``construction``
    §5.3.1, §5.3.1.2, §5.4.1.1: :func:`polar_construct` (:class:`PolarCode`: information, PC and
    frozen positions for any allowed (K, E, n_max)), :func:`polar_mother_code_size`.
``interleavers``
    §5.3.1.1 input interleaver, §5.4.1.1 sub-block interleaver, §5.4.1.3 coded-bit interleaver.
``encoder``
    §5.3.1.2: :func:`polar_encode` (with PC bits), :func:`polar_transform` (d = u G_N).
``rate_matching``
    §5.4.1: :func:`polar_rate_match` and :func:`polar_rate_recover` (puncturing, shortening,
    repetition).
``decoder``
    Decoders for the §5.3.1 codes: :func:`polar_decode` with SC, CRC-aided SC list and fast
    simplified SCL (rate-0 / rate-1 / REP / SPC nodes).
"""

from opennr.coding.polar.construction import PolarCode, polar_construct, polar_mother_code_size
from opennr.coding.polar.decoder import PolarDecodeResult, polar_decode
from opennr.coding.polar.encoder import polar_encode, polar_transform
from opennr.coding.polar.interleavers import (
    channel_interleaver_pattern,
    input_interleaver_pattern,
    subblock_interleaver_pattern,
)
from opennr.coding.polar.rate_matching import polar_rate_match, polar_rate_recover
from opennr.coding.polar.sequence import polar_sequence

__all__ = [
    "polar_sequence",
    "PolarCode",
    "polar_construct",
    "polar_mother_code_size",
    "input_interleaver_pattern",
    "subblock_interleaver_pattern",
    "channel_interleaver_pattern",
    "polar_encode",
    "polar_transform",
    "polar_rate_match",
    "polar_rate_recover",
    "PolarDecodeResult",
    "polar_decode",
]
