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
``concatenation``
    TS 38.212 §5.5: :func:`concatenate_code_blocks`, :func:`split_code_blocks`.
``sch``
    TS 38.212 §7.2 / §6.2: the DL-SCH / UL-SCH chain, :func:`sch_info`, :func:`sch_encode`,
    :func:`sch_decode`.
"""

from opennr.coding.concatenation import concatenate_code_blocks, split_code_blocks
from opennr.coding.crc import CRC_POLYNOMIALS, crc_attach, crc_check, crc_length, crc_parity
from opennr.coding.sch import SchDecodeResult, SchInfo, sch_decode, sch_encode, sch_info
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
    "SchInfo",
    "SchDecodeResult",
    "sch_info",
    "sch_encode",
    "sch_decode",
]
