"""TS 38.212 §5.3.2 and §5.4.2: LDPC codes of the NR shared channels.

Catalogue:

``base_graph``
    :func:`base_graph` (a base graph lifted by Z_c, Tables 5.3.2-2/3), :data:`LIFTING_SIZES`
    and :func:`lifting_set_index` (Table 5.3.2-1).
``encoder``
    :func:`ldpc_encode`: ``[..., K] -> [..., N]`` using the structure of the parity part of H.
``decoder``
    :func:`ldpc_decode`: layered sum-product, normalised / offset min-sum and flooding
    sum-product, batched, with early termination (:data:`ALGORITHMS`).
``rate_matching``
    :func:`ldpc_rate_match`, :func:`ldpc_encode_rate_match`, :func:`ldpc_rate_recover`
    (HARQ soft combining), :func:`circular_buffer_size` (LBRM), :func:`starting_position` (k0),
    :func:`rate_match_lengths` (E_r), :data:`FILLER_LLR`.
"""

from opennr.coding.ldpc.base_graph import (
    LIFTING_SIZES,
    BaseGraph,
    base_graph,
    base_graph_dimensions,
    lifting_set_index,
)
from opennr.coding.ldpc.decoder import ALGORITHMS, LdpcDecodeResult, ldpc_decode
from opennr.coding.ldpc.encoder import ldpc_encode
from opennr.coding.ldpc.rate_matching import (
    FILLER_LLR,
    circular_buffer_size,
    ldpc_encode_rate_match,
    ldpc_rate_match,
    ldpc_rate_recover,
    rate_match_index_map,
    rate_match_lengths,
    starting_position,
)

__all__ = [
    "LIFTING_SIZES",
    "BaseGraph",
    "base_graph",
    "base_graph_dimensions",
    "lifting_set_index",
    "ldpc_encode",
    "ALGORITHMS",
    "LdpcDecodeResult",
    "ldpc_decode",
    "FILLER_LLR",
    "circular_buffer_size",
    "starting_position",
    "rate_match_lengths",
    "rate_match_index_map",
    "ldpc_rate_match",
    "ldpc_encode_rate_match",
    "ldpc_rate_recover",
]
