"""MATLAB 5G Toolbox compatible modulation, layer mapping and transform precoding (TS 38.211).

Same names, argument order and defaults as MathWorks' functions; name-value pairs are keyword
arguments with MATLAB's names. Conventions of this layer:

* a MATLAB column vector is a 1-D array; bits may be double, int8 or logical 0/1;
* outputs are double (``complex128``/``float64``) unless the input or ``OutputDataType`` is single;
* ``nrSymbolDemodulate`` soft output is the approximate (max-log) LLR ``ln P(0)/P(1)`` (positive
  means 0) scaled by ``nVar``, default ``nVar = 1e-10`` (SNR 100 dB), ``nVar = 0`` taken as
  ``1e-10`` as MATLAB does; hard output is ``int8``;
* ``nrLayerMap`` takes one column vector or a list (MATLAB cell array) of one or two codewords and
  returns an ``M_layer``-by-``nlayers`` matrix (one layer per column); ``nrLayerDemap`` returns a
  list of one or two column vectors.
"""

from __future__ import annotations

from numbers import Real

import numpy as np

from opennr.matlab.coding import _choice_arg, _int_arg
from opennr.modulation import (
    MODULATIONS,
    demodulate_hard,
    demodulate_soft,
    modulate,
)
from opennr.physical_channels import (
    codeword_layers,
    layer_demap,
    layer_map,
    transform_deprecode,
    transform_precode,
)

__all__ = [
    "nrLayerDemap",
    "nrLayerMap",
    "nrSymbolDemodulate",
    "nrSymbolModulate",
    "nrTransformDeprecode",
    "nrTransformPrecode",
]

_MOD_CLAUSE = "TS 38.211 §5.1"
_LAYER_CLAUSE = "TS 38.211 §7.3.1.3"
_TP_CLAUSE = "TS 38.211 §6.3.1.4"


def _mod_name(mod) -> str:
    if not isinstance(mod, str):
        raise TypeError(f"mod must be a character vector or string such as 'QPSK', got {mod!r}")
    return _choice_arg(mod, "mod", MODULATIONS, _MOD_CLAUSE)


def _column(x, name: str, clause: str) -> np.ndarray:
    arr = np.asarray(x)
    if arr.ndim == 2 and 1 in arr.shape:
        arr = arr.reshape(-1)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a column vector (1-D array), got shape {arr.shape} "
                         f"({clause})")
    return arr


def _complex_column(x, name: str, clause: str) -> np.ndarray:
    arr = _column(x, name, clause)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.number):
        raise TypeError(f"{name} must be numeric (double or single), got dtype {arr.dtype}")
    single = arr.dtype in (np.float32, np.complex64)
    return arr.astype(np.complex64 if single else np.complex128), single


def nrSymbolModulate(in_, mod, *, OutputDataType: str = "double") -> np.ndarray:
    """TS 38.211 §5.1: MATLAB syntax: ``sym = nrSymbolModulate(in, mod)``; native :func:`modulate`.

    Parameters
    ----------
    in_ : array_like of 0/1, shape (N,)
        Bits (double, int8 or logical), ``N`` a multiple of ``Q_m``.
    mod : str
        'pi/2-BPSK', 'BPSK', 'QPSK', '16QAM', '64QAM', '256QAM' or '1024QAM' (any case).
    OutputDataType : {'double', 'single'}, keyword-only

    Returns
    -------
    numpy.ndarray of complex128 (complex64 for 'single'), shape (N / Q_m,)

    Examples
    --------
    >>> nrSymbolModulate([0, 1, 1, 1], "QPSK").round(4)
    array([ 0.7071-0.7071j, -0.7071-0.7071j])
    """
    name = _mod_name(mod)
    out_type = _choice_arg(OutputDataType, "OutputDataType", ("double", "single"))
    bits = _column(in_, "in", _MOD_CLAUSE)
    if bits.dtype == bool:
        bits = bits.astype(np.uint8)
    elif np.issubdtype(bits.dtype, np.floating):
        if bits.size and not np.isin(bits, (0, 1)).all():
            raise ValueError(f"in must contain only 0 and 1 ({_MOD_CLAUSE})")
        bits = bits.astype(np.uint8)
    return modulate(bits, name, dtype=np.complex64 if out_type == "single" else np.complex128)


def nrSymbolDemodulate(in_, mod, nVar=1e-10, *, DecisionType: str = "soft"):
    """TS 38.211 §5.1 (inverse): MATLAB syntax: ``out = nrSymbolDemodulate(in, mod, nVar)``.

    Native :func:`~opennr.modulation.demodulate_soft` (``method="max-log"``, MATLAB's approximate
    LLR) or :func:`~opennr.modulation.demodulate_hard`.

    Parameters
    ----------
    in_ : array_like of complex, shape (N,)
        Received symbols.
    mod : str
        Modulation scheme (as for :func:`nrSymbolModulate`).
    nVar : float, optional
        Noise variance (>= 0; default ``1e-10``; 0 is taken as ``1e-10``). Soft decisions only.
    DecisionType : {'soft', 'hard'}, keyword-only

    Returns
    -------
    numpy.ndarray, shape (N Q_m,)
        Soft: float64 (float32 for single input) LLRs, positive means 0. Hard: int8 bits.

    Examples
    --------
    >>> sym = nrSymbolModulate([0, 1, 1, 0], "QPSK")
    >>> nrSymbolDemodulate(sym, "QPSK", 0.5).round(4)
    array([ 4., -4., -4.,  4.])
    >>> nrSymbolDemodulate(sym, "QPSK", DecisionType="hard")
    array([0, 1, 1, 0], dtype=int8)
    """
    name = _mod_name(mod)
    decision = _choice_arg(DecisionType, "DecisionType", ("soft", "hard"))
    y, single = _complex_column(in_, "in", _MOD_CLAUSE)
    if decision == "hard":
        return demodulate_hard(y, name).astype(np.int8)
    if isinstance(nVar, bool) or not isinstance(nVar, Real | np.number):
        nv = np.asarray(nVar)
        if nv.size != 1 or not np.issubdtype(nv.dtype, np.number):
            raise TypeError(f"nVar must be a nonnegative real scalar, got {nVar!r}")
        nVar = nv.reshape(()).item()
    nv = float(nVar)
    if not np.isfinite(nv) or nv < 0:
        raise ValueError(f"nVar must be a nonnegative finite scalar, got {nVar!r}")
    llr = demodulate_soft(y, name, max(nv, 1e-10), method="max-log")
    return llr if single else llr.astype(np.float64)


def nrLayerMap(in_, nlayers) -> np.ndarray:
    """TS 38.211 §7.3.1.3 / §6.3.1.3: MATLAB syntax: ``out = nrLayerMap(in, nlayers)``; native :func:`layer_map`.

    Parameters
    ----------
    in_ : array_like (column vector) or list of one or two column vectors
        Modulation symbols of the codeword(s) (a MATLAB cell array is a list).
    nlayers : int
        Number of layers, 1-8 (two codewords for 5-8).

    Returns
    -------
    numpy.ndarray, shape (M_layer, nlayers)
        One layer per column.

    Examples
    --------
    >>> nrLayerMap([[0, 1, 2, 3, 4, 5]], 2).tolist()
    [[0, 1], [2, 3], [4, 5]]
    """
    nl = _int_arg(nlayers, "nlayers", low=1, high=8, clause=_LAYER_CLAUSE)
    if isinstance(in_, list | tuple) and in_ and not np.isscalar(in_[0]):
        cws = [_column(c, f"in{{{q + 1}}}", _LAYER_CLAUSE) for q, c in enumerate(in_)]
    else:
        cws = [_column(in_, "in", _LAYER_CLAUSE)]
    if len(cws) != len(codeword_layers(nl)):
        raise ValueError(
            f"nlayers = {nl} needs {len(codeword_layers(nl))} codeword(s) in the cell array in "
            f"(1 for 1-4 layers, 2 for 5-8 layers), got {len(cws)} ({_LAYER_CLAUSE})"
        )
    x = layer_map(tuple(cws) if len(cws) == 2 else cws[0], nl)
    return np.ascontiguousarray(x.T)


def nrLayerDemap(in_) -> list[np.ndarray]:
    """TS 38.211 §7.3.1.3 (inverse): MATLAB syntax: ``out = nrLayerDemap(in)``; native :func:`layer_demap`.

    Parameters
    ----------
    in_ : array_like, shape (M_layer, nlayers)
        One layer per column (a column vector for one layer).

    Returns
    -------
    list of one or two numpy.ndarray, shape (M,)
        The codewords (a MATLAB cell array).

    Examples
    --------
    >>> [c.tolist() for c in nrLayerDemap([[0, 1], [2, 3], [4, 5]])]
    [[0, 1, 2, 3, 4, 5]]
    """
    arr = np.asarray(in_)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise ValueError(f"in must be an M_layer-by-nlayers matrix, got shape {arr.shape} "
                         f"({_LAYER_CLAUSE})")
    out = layer_demap(arr.T)
    return list(out) if isinstance(out, tuple) else [out]


def _tp_input(x, mrb, name):
    m = _int_arg(mrb, "mrb", low=1, clause=_TP_CLAUSE)
    arr, _ = _complex_column(x, name, _TP_CLAUSE)
    return arr, m


def nrTransformPrecode(in_, mrb) -> np.ndarray:
    """TS 38.211 §6.3.1.4: MATLAB syntax: ``out = nrTransformPrecode(in, mrb)``; native :func:`transform_precode`.

    Examples
    --------
    >>> import numpy as np
    >>> out = nrTransformPrecode(np.ones(12), 1)
    >>> round(float(out[0].real), 6), out.dtype
    (3.464102, dtype('complex128'))
    """
    arr, m = _tp_input(in_, mrb, "in")
    return transform_precode(arr, m)


def nrTransformDeprecode(in_, mrb) -> np.ndarray:
    """TS 38.211 §6.3.1.4 (inverse): MATLAB syntax: ``out = nrTransformDeprecode(in, mrb)``; native :func:`transform_deprecode`.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.arange(24) + 1j
    >>> bool(np.allclose(nrTransformDeprecode(nrTransformPrecode(x, 2), 2), x))
    True
    """
    arr, m = _tp_input(in_, mrb, "in")
    return transform_deprecode(arr, m)
