"""Input/output of IQ recordings: SigMF (v1.x, through the ``sigmf`` package) and raw files.

:func:`read_recording` reads a ``.sigmf-meta`` / ``.sigmf-data`` pair (``cf32_le``, ``ci16_le``,
``ci32_le``, ``cf64_le``) or a raw interleaved file (given its sample rate and datatype) into a
:class:`Recording` (``samples`` complex64 ``[channels, S]``); :func:`write_sigmf` writes one.
Truncated data, unknown datatypes, metadata that disagrees with the data size and NaN samples
raise ``ValueError`` naming the file.
"""

from opennr.io.sigmf import SIGMF_DATATYPES, Recording, read_recording, write_sigmf

__all__ = ["Recording", "read_recording", "write_sigmf", "SIGMF_DATATYPES"]
