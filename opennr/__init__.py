"""OpenNR: an open, auditable 5G NR physical layer.

Catalogue (each entry cites the clause it implements):

``opennr.coding``
    CRC (TS 38.212 §5.1), LDPC code-block segmentation (§5.2.2), LDPC base graphs,
    encoding and decoding (§5.3.2), LDPC rate matching and recovery (§5.4.2),
    code-block concatenation (§5.5), DL-SCH / UL-SCH transport-channel chains
    (§7.2, §6.2).
    Polar codes (§5.3.1, §5.4.1), small block codes (§5.3.3), BCH (§7.1), DCI (§7.3), UCI (§6.3.1).
``opennr.sequences``
    Gold sequence (TS 38.211 §5.2.1), low-PAPR sequences (§5.2.2, §5.2.3).
``opennr.modulation``
    Modulation mapping and soft / hard demapping (TS 38.211 §5.1).
``opennr.ofdm``
    Numerologies, carrier and bandwidth-part configuration, resource grids, OFDM modulation and
    demodulation (TS 38.211 §4, §5.3, §5.4).
``opennr.physical_channels``
    Scrambling, layer mapping, transform precoding, precoding, PDSCH / PUSCH configuration and
    transmitters (TS 38.211 §6.3.1, §7.3.1).
``opennr.signals``
    DM-RS and PT-RS of the shared channels (TS 38.211 §6.4.1, §7.4.1).
``opennr.receiver``
    Channel estimation, equalisation and the shared-channel receive chain.
``opennr.scheduling``
    MCS tables and transport-block size determination (TS 38.214 §5.1.3, §6.1.4).
``opennr.link``
    Link-level simulation (BLER / throughput vs SNR).
``opennr.matlab``
    MATLAB 5G Toolbox compatible wrappers (1-based, MATLAB argument order).

Conventions (see README): bits are ``uint8`` 0/1 in transmission order; LLR = ln P(b=0)/P(b=1);
arrays are batch-first with bits/symbols/samples on the last axis; ``float32``/``complex64``
by default; randomness only through an explicit :class:`numpy.random.Generator`.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("opennr")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+local"

__all__ = ["__version__"]
