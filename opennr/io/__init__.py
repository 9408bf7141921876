"""Input/output of IQ recordings (SigMF, raw interleaved files)."""
