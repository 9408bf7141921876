"""Sign conventions for soft bits.

OpenNR's LLRs are ``ln P(b=0) / P(b=1)``: a positive value means the bit is more likely 0, as in
MATLAB's 5G Toolbox and srsRAN. NVIDIA Sionna uses logits ``ln P(b=1) / P(b=0)``, the opposite
sign. Use these two converters at the boundary.

Examples
--------
>>> import numpy as np
>>> llr_from_logits(np.array([2.0, -1.0], dtype=np.float32))
array([-2.,  1.], dtype=float32)
"""

from __future__ import annotations

import numpy as np

__all__ = ["llr_from_logits", "logits_from_llr"]


def llr_from_logits(logits: np.ndarray) -> np.ndarray:
    """Convert Sionna-style logits ``ln P(1)/P(0)`` to OpenNR LLRs ``ln P(0)/P(1)``."""
    return -np.asarray(logits)


def logits_from_llr(llr: np.ndarray) -> np.ndarray:
    """Convert OpenNR LLRs ``ln P(0)/P(1)`` to Sionna-style logits ``ln P(1)/P(0)``."""
    return -np.asarray(llr)
