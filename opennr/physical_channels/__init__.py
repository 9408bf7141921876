"""TS 38.211 §6.3 / §7.3: processing common to the physical channels.

Catalogue:

``scrambling``
    TS 38.211 §5.2.1-based :func:`scramble` (bits) and :func:`descramble_llr` (LLRs), given
    ``c_init`` (the channel-specific ``c_init`` formulas live with each channel).
``layer_mapping``
    TS 38.211 §7.3.1.3 / §6.3.1.3 Table 7.3.1.3-1: :func:`layer_map`, :func:`layer_demap`,
    :func:`codeword_layers` (1-8 layers, one or two codewords; symbols or ``Q_m``-grouped LLRs).
``transform_precoding``
    TS 38.211 §6.3.1.4: :func:`transform_precode`, :func:`transform_deprecode` (DFT-s-OFDM),
    :func:`is_valid_transform_precoding_mrb`.
"""

from opennr.physical_channels.layer_mapping import (
    codeword_layers,
    layer_demap,
    layer_map,
)
from opennr.physical_channels.scrambling import (
    descramble_llr,
    scramble,
    scrambling_sequence,
)
from opennr.physical_channels.transform_precoding import (
    is_valid_transform_precoding_mrb,
    transform_deprecode,
    transform_precode,
)

__all__ = [
    "codeword_layers",
    "descramble_llr",
    "is_valid_transform_precoding_mrb",
    "layer_demap",
    "layer_map",
    "scramble",
    "scrambling_sequence",
    "transform_deprecode",
    "transform_precode",
]
