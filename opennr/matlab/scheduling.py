"""MATLAB 5G Toolbox compatible scheduling functions (TS 38.214 §5.1.3.2, §6.1.4.2)."""

from __future__ import annotations

from numbers import Real

import numpy as np

from opennr.matlab.coding import MODULATION_ORDERS, _choice_arg, _int_arg
from opennr.scheduling.tbs import transport_block_sizes

__all__ = ["nrTBS"]

_CLAUSE = "TS 38.214 §5.1.3.2"
# nrTBS takes the data-channel modulations (no plain BPSK).
_TBS_MODULATIONS = tuple(m for m in MODULATION_ORDERS if m != "BPSK")


def _modulations(modulation) -> list[int]:
    names = [modulation] if isinstance(modulation, str) else list(np.asarray(modulation).ravel())
    if not 1 <= len(names) <= 2 or not all(isinstance(m, str | np.str_) for m in names):
        raise ValueError(
            f"modulation must be one modulation name or a list of two (one per codeword), "
            f"each one of {', '.join(map(repr, _TBS_MODULATIONS))}; got {modulation!r} ({_CLAUSE})"
        )
    return [MODULATION_ORDERS[_choice_arg(str(m), "modulation", _TBS_MODULATIONS, _CLAUSE)]
            for m in names]


def _rates(tcr, n_cw: int) -> list[float]:
    vals = np.asarray(tcr, dtype=object).ravel().tolist()
    if len(vals) not in (1, n_cw):
        raise ValueError(f"tcr must be a scalar or have one value per codeword ({n_cw}), got "
                         f"{tcr!r} ({_CLAUSE})")
    out = []
    for v in vals:
        if isinstance(v, bool) or not isinstance(v, Real | np.number):
            raise TypeError(f"tcr must be real, got {type(v).__name__} {v!r}")
        if not 0.0 < float(v) < 1.0:
            raise ValueError(f"tcr must be in (0, 1), got {v!r} ({_CLAUSE})")
        out.append(float(v))
    return out * n_cw if len(out) == 1 else out


def nrTBS(modulation, nlayers, nPRB, NREPerPRB, tcr, xOh=0, tbScaling=1):
    """TS 38.214 §5.1.3.2 / §6.1.4.2: transport block size, MATLAB ``nrTBS``.

    MATLAB syntax: ``tbs = nrTBS(modulation,nlayers,nPRB,NREPerPRB,tcr)``,
    ``tbs = nrTBS(modulation,nlayers,nPRB,NREPerPRB,tcr,xOh,tbScaling)``.

    Parameters
    ----------
    modulation : str or list of two str
        ``'pi/2-BPSK'``, ``'QPSK'``, ``'16QAM'``, ``'64QAM'``, ``'256QAM'`` or ``'1024QAM'``;
        a list of two for two codewords.
    nlayers : int
        Total number of layers (1..8; two codewords split them ``floor(v/2)``, ``ceil(v/2)``).
    nPRB : int
        Number of allocated PRBs.
    NREPerPRB : int
        REs per PRB for data before the overhead, ``12 N_symb - N_DMRS``.
    tcr : float or list of two float
        Target code rate(s) in (0, 1).
    xOh : int, default 0
        Overhead ``N_oh^PRB`` (0, 6, 12, 18).
    tbScaling : {1, 0.5, 0.25}, default 1
        TB scaling factor ``S`` (TS 38.214 Table 5.1.3.2-2).

    Returns
    -------
    tbs : int, or numpy.ndarray of int64, shape (2,) for two codewords

    Notes
    -----
    Native: :func:`opennr.scheduling.tbs.transport_block_sizes`.

    Examples
    --------
    >>> nrTBS('16QAM', 4, 52, 120, 0.48, 6, 0.25)
    11272
    >>> nrTBS(['QPSK', '64QAM'], 8, 106, 100, [0.3701, 0.4277])
    array([ 31240, 108552])
    """
    qms = _modulations(modulation)
    v = _int_arg(nlayers, "nlayers", low=len(qms), high=8, clause=_CLAUSE)
    n_prb = _int_arg(nPRB, "nPRB", low=1, high=275, clause=_CLAUSE)
    n_re = _int_arg(NREPerPRB, "NREPerPRB", low=1, high=168, clause=_CLAUSE)
    x_oh = _int_arg(xOh, "xOh", low=0, clause=_CLAUSE)
    if x_oh >= n_re:
        raise ValueError(f"xOh ({x_oh}) must be smaller than NREPerPRB ({n_re}) ({_CLAUSE})")
    if isinstance(tbScaling, bool) or not isinstance(tbScaling, Real | np.number) or float(
        tbScaling
    ) not in (1.0, 0.5, 0.25):
        raise ValueError(f"tbScaling must be one of 1, 0.5, 0.25; got {tbScaling!r} "
                         "(TS 38.214 Table 5.1.3.2-2)")
    rates = _rates(tcr, len(qms))
    tbs = transport_block_sizes(qms, v, n_prb, n_re, rates, x_overhead=x_oh,
                                tb_scaling=float(tbScaling))
    return int(tbs[0]) if len(qms) == 1 else np.array(tbs, dtype=np.int64)
