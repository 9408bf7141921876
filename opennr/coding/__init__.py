"""TS 38.212: channel coding.

Catalogue:

``crc``
    TS 38.212 §5.1: :func:`crc_attach`, :func:`crc_check`, :func:`crc_parity` for the six NR
    polynomials (:data:`CRC_POLYNOMIALS`).
``segmentation``
    TS 38.212 §5.2.2 and §7.2.2: :func:`select_base_graph`, :func:`segmentation_info`,
    :func:`segment`, :func:`desegment`.
``ldpc``
    TS 38.212 §5.3.2 and §5.4.2: base graphs, encoder, decoders, rate matching and recovery
    (see :mod:`opennr.coding.ldpc`).
``polar``
    TS 38.212 §5.3.1 and §5.4.1: polar construction, encoder, rate matching, decoders (see
    :mod:`opennr.coding.polar`).
``bch``
    TS 38.212 §7.1: :class:`Mib`, :func:`bch_encode`, :func:`bch_decode` (PBCH payload,
    scrambling, CRC24C, polar, rate matching to 864 bits).
``dci``
    TS 38.212 §7.3: :func:`dci_encode`, :func:`dci_decode` (RNTI-masked CRC24C for blind
    decoding).
``small_block``
    TS 38.212 §5.3.3, §5.4.3: repetition, simplex and (32, K) Reed-Muller codes with ML decoding.
``uci``
    TS 38.212 §6.3.1: :func:`uci_encode`, :func:`uci_decode` (small block codes or CRC-aided
    polar with PC bits, segmentation, channel interleaving).
``concatenation``
    TS 38.212 §5.5: :func:`concatenate_code_blocks`, :func:`split_code_blocks`.
``sch``
    TS 38.212 §7.2 / §6.2: the DL-SCH / UL-SCH chain, :func:`sch_info`, :func:`sch_encode`,
    :func:`sch_decode`.
"""

from opennr.coding.bch import BchDecodeResult, Mib, bch_decode, bch_encode
from opennr.coding.dci import DciDecodeResult, dci_decode, dci_encode
from opennr.coding.concatenation import concatenate_code_blocks, split_code_blocks
from opennr.coding.crc import CRC_POLYNOMIALS, crc_attach, crc_check, crc_length, crc_parity
from opennr.coding.sch import SchDecodeResult, SchInfo, sch_decode, sch_encode, sch_info
from opennr.coding.small_block import small_block_decode, small_block_encode
from opennr.coding.uci import UciDecodeResult, UciInfo, uci_decode, uci_encode, uci_info
from opennr.coding.segmentation import (
    SegmentationInfo,
    desegment,
    segment,
    segmentation_info,
    select_base_graph,
)

__all__ = [
    "CRC_POLYNOMIALS",
    "crc_length",
    "crc_parity",
    "crc_attach",
    "crc_check",
    "select_base_graph",
    "SegmentationInfo",
    "segmentation_info",
    "segment",
    "desegment",
    "concatenate_code_blocks",
    "split_code_blocks",
    "Mib",
    "BchDecodeResult",
    "bch_encode",
    "bch_decode",
    "DciDecodeResult",
    "dci_encode",
    "dci_decode",
    "small_block_encode",
    "small_block_decode",
    "UciInfo",
    "UciDecodeResult",
    "uci_info",
    "uci_encode",
    "uci_decode",
    "SchInfo",
    "SchDecodeResult",
    "sch_info",
    "sch_encode",
    "sch_decode",
]
