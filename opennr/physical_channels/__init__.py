"""TS 38.211 §6.3 / §7.3: processing common to the physical channels.

Catalogue:

``scrambling``
    TS 38.211 §5.2.1-based :func:`scramble` (bits) and :func:`descramble_llr` (LLRs), given
    ``c_init`` (the channel-specific ``c_init`` formulas live with each channel).
``layer_mapping``
    TS 38.211 §7.3.1.3 / §6.3.1.3 Table 7.3.1.3-1: :func:`layer_map`, :func:`layer_demap`,
    :func:`codeword_layers` (1-8 layers, one or two codewords; symbols or ``Q_m``-grouped LLRs).
``config``
    TS 38.211 §6.3.1 / §7.3.1, §6.4.1.1 / §7.4.1.1: :class:`SharedChannelConfig`,
    :class:`DmrsConfig`, :class:`PtrsConfig` (PDSCH / PUSCH allocation, DM-RS and PT-RS settings).
``precoding``
    TS 38.211 §6.3.1.5 Tables 6.3.1.5-1..7: :func:`pusch_codebook`, :func:`pusch_precoding_matrix`,
    :func:`num_tpmi`, :func:`precode`.
``pusch`` / ``pdsch``
    TS 38.211 §6.3.1 / §7.3.1: :func:`pusch_transmit`, :func:`pdsch_transmit` (transport block or
    codeword -> scrambling -> modulation -> layers -> transform precoding -> DM-RS / PT-RS ->
    precoding -> resource grid), :func:`shared_channel_indices`, :func:`shared_channel_symbols`,
    :func:`pusch_c_init`, :func:`pdsch_c_init`.
``pbch``
    TS 38.211 §7.3.3: :func:`pbch_symbols` (scrambling with ``v``, QPSK), :func:`pbch_llrs` (soft
    demapping and descrambling), :func:`pbch_scrambling_sequence`, :func:`pbch_v`.
``ssb``
    TS 38.211 §7.4.3.1, Table 7.4.3.1-1: the SS/PBCH block: :func:`ssb_block` (PSS, SSS, PBCH and
    its DM-RS in a 240 x 4 block), :func:`pss_positions`, :func:`sss_positions`,
    :func:`pbch_positions`, :func:`pbch_dmrs_positions`.
``transform_precoding``
    TS 38.211 §6.3.1.4: :func:`transform_precode`, :func:`transform_deprecode` (DFT-s-OFDM),
    :func:`is_valid_transform_precoding_mrb`.
"""

from opennr.physical_channels._shared_channel import (
    data_re_mask,
    pdsch_c_init,
    pusch_c_init,
    shared_channel_indices,
    shared_channel_symbols,
)
from opennr.physical_channels.config import DmrsConfig, PtrsConfig, SharedChannelConfig
from opennr.physical_channels.layer_mapping import (
    codeword_layers,
    layer_demap,
    layer_map,
)
from opennr.physical_channels.pbch import (
    pbch_llrs,
    pbch_scrambling_sequence,
    pbch_symbols,
    pbch_v,
)
from opennr.physical_channels.pdsch import pdsch_transmit
from opennr.physical_channels.precoding import (
    num_tpmi,
    precode,
    pusch_codebook,
    pusch_precoding_matrix,
)
from opennr.physical_channels.pusch import pusch_precoding_matrix_of, pusch_transmit
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

from opennr.physical_channels.ssb import (
    pbch_dmrs_positions,
    pbch_positions,
    pss_positions,
    ssb_block,
    sss_positions,
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
    "SharedChannelConfig",
    "DmrsConfig",
    "PtrsConfig",
    "num_tpmi",
    "precode",
    "pusch_codebook",
    "pusch_precoding_matrix",
    "pusch_precoding_matrix_of",
    "pusch_transmit",
    "pdsch_transmit",
    "shared_channel_indices",
    "shared_channel_symbols",
    "data_re_mask",
    "pusch_c_init",
    "pdsch_c_init",
    "pbch_symbols",
    "pbch_llrs",
    "pbch_scrambling_sequence",
    "pbch_v",
    "ssb_block",
    "pss_positions",
    "sss_positions",
    "pbch_positions",
    "pbch_dmrs_positions",
]
