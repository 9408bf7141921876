"""MATLAB 5G Toolbox compatible carrier and OFDM functions (TS 38.211 §4, §5.3.1, §5.4).

Grids are MATLAB-shaped ``K x L x P`` (a ``K x L`` matrix for one port), waveforms ``T x P`` (a 1-D
array of ``T`` samples for one port); the native API (:mod:`opennr.ofdm`) is batch-first
``[..., P, K, L]`` / ``[..., P, T]``. Waveforms are computed in single precision (complex64).

Differences from MATLAB that a user may meet:

* no resampling: ``SampleRate`` must equal ``Nfft * SubcarrierSpacing * 1e3`` for some FFT size
  MATLAB's rule accepts (7.68, 15.36, 30.72, 46.08, 61.44, 122.88 ... Msps are fine);
* the default ``Windowing`` is half of the shortest cyclic prefix (it reproduces MATLAB's printed
  ``Windowing: 144`` for a 4096-point 15 kHz carrier, but MATLAB's full default table was not
  available to us); pass ``Windowing`` explicitly when bit-level agreement with MATLAB matters;
* the windowing overlap occupies the first ``Windowing`` samples of each cyclic prefix (see
  :mod:`opennr.ofdm.modulator`).
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Real

import numpy as np

from opennr.matlab._struct import MatlabStruct
from opennr.matlab.coding import _choice_arg, _int_arg
from opennr.ofdm.carrier import CarrierConfig
from opennr.ofdm.modulator import ofdm_demodulate, ofdm_modulate
from opennr.ofdm.ofdm_info import OfdmInfo, ofdm_info

__all__ = [
    "nrCarrierConfig",
    "nrOFDMDemodulate",
    "nrOFDMInfo",
    "nrOFDMModulate",
    "nrResourceGrid",
]

_CLAUSE = "TS 38.211 §5.3.1"


@dataclass
class nrCarrierConfig:
    """TS 38.211 §4.4.2: carrier configuration, MATLAB ``nrCarrierConfig``.

    MATLAB syntax: ``carrier = nrCarrierConfig('SubcarrierSpacing',30,'NSizeGrid',24)``, here
    ``nrCarrierConfig(SubcarrierSpacing=30, NSizeGrid=24)``. Properties can be set afterwards
    (``carrier.NSlot = 3``); they are checked when the object is used.

    Parameters
    ----------
    SubcarrierSpacing : {15, 30, 60, 120, 240, 480, 960}, default 15
    CyclicPrefix : {'normal', 'extended'}, default 'normal'
    NSizeGrid : int, default 52
        1..275 resource blocks.
    NStartGrid : int, default 0
        0..2199.
    NSlot : int, default 0
    NFrame : int, default 0
    NCellID : int, default 1
        0..1007.

    Notes
    -----
    Read-only: ``SymbolsPerSlot``, ``SlotsPerSubframe``, ``SlotsPerFrame``.
    Native: :class:`opennr.ofdm.CarrierConfig` (:meth:`to_native`).

    Examples
    --------
    >>> c = nrCarrierConfig(SubcarrierSpacing=60, CyclicPrefix='extended')
    >>> c.SymbolsPerSlot, c.SlotsPerSubframe, c.SlotsPerFrame
    (12, 4, 40)
    """

    SubcarrierSpacing: int = 15
    CyclicPrefix: str = "normal"
    NSizeGrid: int = 52
    NStartGrid: int = 0
    NSlot: int = 0
    NFrame: int = 0
    NCellID: int = 1

    def __post_init__(self) -> None:
        self.to_native()

    def to_native(self) -> CarrierConfig:
        """The equivalent :class:`opennr.ofdm.CarrierConfig` (validates every property)."""
        if not isinstance(self.CyclicPrefix, str):
            raise TypeError(f"CyclicPrefix must be 'normal' or 'extended', got {self.CyclicPrefix!r}")
        scs = self.SubcarrierSpacing
        if isinstance(scs, Real) and not isinstance(scs, bool) and float(scs) == int(scs):
            scs = int(scs)
        return CarrierConfig(
            subcarrier_spacing=scs,
            cyclic_prefix=self.CyclicPrefix.lower(),
            n_size_grid=_int_arg(self.NSizeGrid, "NSizeGrid", low=1, high=275,
                                 clause="TS 38.211 §4.4.2"),
            n_start_grid=_int_arg(self.NStartGrid, "NStartGrid", low=0, high=2199,
                                  clause="TS 38.211 §4.4.2"),
            n_cell_id=_int_arg(self.NCellID, "NCellID", low=0, high=1007,
                               clause="TS 38.211 §7.4.2"),
            n_slot=_int_arg(self.NSlot, "NSlot", low=0, clause="TS 38.211 §4.3.2"),
            n_frame=_int_arg(self.NFrame, "NFrame", low=0, clause="TS 38.211 §4.3.1"),
        )

    @property
    def SymbolsPerSlot(self) -> int:
        """14 (normal CP) or 12 (extended CP)."""
        return self.to_native().symbols_per_slot

    @property
    def SlotsPerSubframe(self) -> int:
        """``2^mu``."""
        return self.to_native().slots_per_subframe

    @property
    def SlotsPerFrame(self) -> int:
        """``10 * 2^mu``."""
        return self.to_native().slots_per_frame


def _native_carrier(carrier) -> CarrierConfig:
    if isinstance(carrier, nrCarrierConfig):
        return carrier.to_native()
    if isinstance(carrier, CarrierConfig):
        return carrier
    raise TypeError(f"carrier must be an nrCarrierConfig, got {type(carrier).__name__}")


def _optional_int(value, name: str, low: int, clause: str) -> int | None:
    if value is None or (isinstance(value, list | tuple | np.ndarray) and np.size(value) == 0):
        return None
    return _int_arg(value, name, low=low, clause=clause)


def _default_windowing(carrier: CarrierConfig, nfft, sample_rate) -> int:
    cp = ofdm_info(carrier, nfft=nfft, sample_rate=sample_rate).cp_lengths
    return int(cp.min()) // 2


def _info(carrier: CarrierConfig, Nfft, SampleRate, Windowing, CarrierFrequency) -> OfdmInfo:
    nfft = _optional_int(Nfft, "Nfft", 1, _CLAUSE)
    sr = None
    if SampleRate is not None and np.size(SampleRate) != 0:
        if isinstance(SampleRate, bool) or not isinstance(SampleRate, Real | np.number):
            raise TypeError(f"SampleRate must be a positive number in Hz, got {SampleRate!r}")
        sr = float(SampleRate)
    w = _optional_int(Windowing, "Windowing", 0, _CLAUSE)
    if w is None:
        w = _default_windowing(carrier, nfft, sr)
    if isinstance(CarrierFrequency, bool) or not isinstance(CarrierFrequency, Real | np.number):
        raise TypeError(f"CarrierFrequency must be a real number in Hz, got {CarrierFrequency!r}")
    return ofdm_info(carrier, nfft=nfft, sample_rate=sr, windowing=w,
                     carrier_frequency=float(CarrierFrequency))


def _struct(info: OfdmInfo) -> MatlabStruct:
    return MatlabStruct(
        Nfft=info.nfft,
        SampleRate=info.sample_rate,
        CyclicPrefixLengths=np.array(info.cp_lengths),
        SymbolLengths=np.array(info.symbol_lengths),
        Windowing=info.windowing,
        SymbolPhases=np.array(info.symbol_phases),
        SymbolsPerSlot=info.symbols_per_slot,
        SlotsPerSubframe=info.slots_per_subframe,
        SlotsPerFrame=info.slots_per_frame,
    )


def _carrier_from_nrb(nrb, scs, cyclic_prefix, initial_slot=0) -> CarrierConfig:
    cp = _choice_arg(cyclic_prefix, "CyclicPrefix", ("normal", "extended"), "TS 38.211 Table 4.2-1")
    return nrCarrierConfig(SubcarrierSpacing=scs, CyclicPrefix=cp, NSizeGrid=nrb,
                           NSlot=initial_slot).to_native()


def nrOFDMInfo(*args, Nfft=None, SampleRate=None, Windowing=None, CarrierFrequency=0,
               CyclicPrefix=None):
    """TS 38.211 §5.3.1, §5.4: OFDM dimensions, MATLAB ``nrOFDMInfo``.

    MATLAB syntax: ``info = nrOFDMInfo(carrier)``, ``info = nrOFDMInfo(nrb,scs)``,
    ``info = nrOFDMInfo(nrb,scs,'CyclicPrefix',cp)``, ``info = nrOFDMInfo(___,Name,Value)`` with
    ``Nfft``, ``SampleRate``, ``Windowing``, ``CarrierFrequency``.

    Returns
    -------
    MatlabStruct
        ``Nfft``, ``SampleRate``, ``CyclicPrefixLengths`` and ``SymbolLengths`` (one subframe),
        ``Windowing``, ``SymbolPhases`` (radians, one subframe; symbol ``l`` is multiplied by
        ``exp(-1j*SymbolPhases(l))``), ``SymbolsPerSlot``, ``SlotsPerSubframe``,
        ``SlotsPerFrame``.

    Notes
    -----
    Native: :func:`opennr.ofdm.ofdm_info`. Default ``Windowing``: see the module notes.

    Examples
    --------
    >>> info = nrOFDMInfo(150, 60, CyclicPrefix='extended')
    >>> info.Nfft, info.SampleRate, info.CyclicPrefixLengths.shape, int(info.SymbolLengths[0])
    (4096, 245760000.0, (48,), 5120)
    >>> nrOFDMInfo(nrCarrierConfig()).CyclicPrefixLengths.tolist()
    [80, 72, 72, 72, 72, 72, 72, 80, 72, 72, 72, 72, 72, 72]
    """
    if len(args) == 1:
        if CyclicPrefix is not None:
            raise TypeError("CyclicPrefix is an option of the nrOFDMInfo(nrb,scs) syntax only; "
                            "set carrier.CyclicPrefix instead")
        carrier = _native_carrier(args[0])
    elif len(args) == 2:
        carrier = _carrier_from_nrb(args[0], args[1], CyclicPrefix or "normal")
    else:
        raise TypeError("nrOFDMInfo expects (carrier) or (nrb, scs), plus name-value options")
    return _struct(_info(carrier, Nfft, SampleRate, Windowing, CarrierFrequency))


def _to_native_grid(grid, k: int) -> tuple[np.ndarray, bool]:
    arr = np.asarray(grid)
    if not np.issubdtype(arr.dtype, np.number) or arr.dtype == bool:
        raise TypeError(f"grid must be a numeric K-by-L-by-P array, got dtype {arr.dtype}")
    if arr.ndim == 1:
        arr = arr[:, None]
    one_port = arr.ndim == 2
    if one_port:
        arr = arr[:, :, None]
    if arr.ndim != 3 or arr.shape[0] != k:
        raise ValueError(
            f"grid must be K-by-L-by-P with K = 12*NSizeGrid = {k}, got shape {np.shape(grid)} "
            "(TS 38.211 §4.4.4)"
        )
    return np.moveaxis(arr, 2, 0), one_port  # [P, K, L]


def nrOFDMModulate(*args, Nfft=None, SampleRate=None, Windowing=None, CarrierFrequency=0,
                   CyclicPrefix=None):
    """TS 38.211 §5.3.1, §5.4: OFDM modulation, MATLAB ``nrOFDMModulate``.

    MATLAB syntax: ``[waveform,info] = nrOFDMModulate(carrier,grid)``,
    ``[waveform,info] = nrOFDMModulate(grid,scs,initialNSlot)``, ``(___,Name,Value)`` with
    ``Nfft``, ``SampleRate``, ``Windowing``, ``CarrierFrequency`` (and ``CyclicPrefix`` for the
    second syntax).

    Parameters
    ----------
    carrier : nrCarrierConfig
        The grid starts at slot ``carrier.NSlot``.
    grid : array, K-by-L-by-P (or K-by-L)
        ``K = 12*NSizeGrid``; ``L`` any number of symbols.

    Returns
    -------
    waveform : numpy.ndarray of complex64, T-by-P (T samples for a K-by-L grid)
    info : MatlabStruct
        As :func:`nrOFDMInfo`.

    Notes
    -----
    Native: :func:`opennr.ofdm.ofdm_modulate` (``normalization="backward"``: ``ifft``).

    Examples
    --------
    >>> carrier = nrCarrierConfig(SubcarrierSpacing=30, NSizeGrid=24)
    >>> grid = nrResourceGrid(carrier, 2)
    >>> waveform, info = nrOFDMModulate(carrier, grid)
    >>> waveform.shape, info.Nfft
    ((7680, 2), 512)
    """
    if len(args) == 2:
        if CyclicPrefix is not None:
            raise TypeError("CyclicPrefix is an option of the (grid,scs,initialNSlot) syntax only")
        carrier, grid = _native_carrier(args[0]), args[1]
    elif len(args) == 3:
        grid, scs, slot = args
        k = np.shape(grid)[0] if np.ndim(grid) else 0
        if k % 12 or k == 0:
            raise ValueError(f"grid must have a multiple of 12 rows (subcarriers), got {k} "
                             "(TS 38.211 §4.4.4)")
        carrier = _carrier_from_nrb(k // 12, scs, CyclicPrefix or "normal",
                                    _int_arg(slot, "initialNSlot", low=0, clause="TS 38.211 §4.3.2"))
    else:
        raise TypeError("nrOFDMModulate expects (carrier, grid) or (grid, scs, initialNSlot)")
    native, one_port = _to_native_grid(grid, carrier.num_subcarriers)
    info = _info(carrier, Nfft, SampleRate, Windowing, CarrierFrequency)
    wave = ofdm_modulate(native, carrier, nfft=info.nfft, windowing=info.windowing,
                         carrier_frequency=info.carrier_frequency)  # [P, T]
    wave = wave[0] if one_port else np.ascontiguousarray(wave.T)
    return wave, _struct(info)


def nrOFDMDemodulate(*args, Nfft=None, SampleRate=None, CarrierFrequency=0,
                     CyclicPrefixFraction=0.55, CyclicPrefix=None):
    """TS 38.211 §5.3.1, §5.4: OFDM demodulation, MATLAB ``nrOFDMDemodulate``.

    MATLAB syntax: ``grid = nrOFDMDemodulate(carrier,waveform)``,
    ``grid = nrOFDMDemodulate(waveform,nrb,scs,initialNSlot)``, ``(___,Name,Value)`` with
    ``Nfft``, ``SampleRate``, ``CarrierFrequency``, ``CyclicPrefixFraction`` (default 0.55) and
    ``CyclicPrefix`` (second syntax).

    Returns
    -------
    grid : numpy.ndarray of complex64, K-by-L-by-R (K-by-L for a 1-D waveform)
        Every whole OFDM symbol of the waveform, from the first symbol of ``carrier.NSlot``.

    Notes
    -----
    Native: :func:`opennr.ofdm.ofdm_demodulate`.

    Examples
    --------
    >>> carrier = nrCarrierConfig(NSizeGrid=11)
    >>> grid = np.random.default_rng(1).standard_normal((132, 14))
    >>> rx = nrOFDMDemodulate(carrier, nrOFDMModulate(carrier, grid, CarrierFrequency=2e9)[0],
    ...                       CarrierFrequency=2e9)
    >>> rx.shape, bool(np.abs(rx - grid).max() < 1e-5)
    ((132, 14), True)
    """
    if len(args) == 2:
        if CyclicPrefix is not None:
            raise TypeError("CyclicPrefix is an option of the (waveform,nrb,scs,initialNSlot) "
                            "syntax only")
        carrier, waveform = _native_carrier(args[0]), args[1]
    elif len(args) == 4:
        waveform, nrb, scs, slot = args
        carrier = _carrier_from_nrb(nrb, scs, CyclicPrefix or "normal",
                                    _int_arg(slot, "initialNSlot", low=0, clause="TS 38.211 §4.3.2"))
    else:
        raise TypeError("nrOFDMDemodulate expects (carrier, waveform) or "
                        "(waveform, nrb, scs, initialNSlot)")
    arr = np.asarray(waveform)
    if arr.ndim not in (1, 2):
        raise ValueError(f"waveform must be a T-by-R matrix or a vector, got shape {arr.shape} "
                         f"({_CLAUSE})")
    info = _info(carrier, Nfft, SampleRate, 0, CarrierFrequency)
    if isinstance(CyclicPrefixFraction, bool) or not isinstance(CyclicPrefixFraction,
                                                                Real | np.number):
        raise TypeError(f"CyclicPrefixFraction must be a number in [0, 1], got "
                        f"{CyclicPrefixFraction!r}")
    native = arr if arr.ndim == 1 else arr.T  # [R, T]
    grid = ofdm_demodulate(native, carrier, nfft=info.nfft,
                           carrier_frequency=info.carrier_frequency,
                           cp_fraction=float(CyclicPrefixFraction))
    return grid if arr.ndim == 1 else np.ascontiguousarray(np.moveaxis(grid, 0, 2))


def nrResourceGrid(carrier, nTxAnts=1, *, OutputDataType="double"):
    """TS 38.211 §4.4.4: empty carrier slot grid, MATLAB ``nrResourceGrid``.

    MATLAB syntax: ``grid = nrResourceGrid(carrier)``, ``nrResourceGrid(carrier,nTxAnts)``,
    ``nrResourceGrid(___,'OutputDataType',datatype)``.

    Returns
    -------
    numpy.ndarray, K-by-L-by-nTxAnts zeros (K-by-L for one antenna), complex128 ('double') or
    complex64 ('single').

    Notes
    -----
    Native: :func:`opennr.ofdm.resource_grid` (``[..., P, K, L]``).

    Examples
    --------
    >>> nrResourceGrid(nrCarrierConfig(), 4).shape
    (624, 14, 4)
    """
    c = _native_carrier(carrier)
    p = _int_arg(nTxAnts, "nTxAnts", low=1, clause="TS 38.211 §4.4.4")
    dt = _choice_arg(OutputDataType, "OutputDataType", ("double", "single"))
    shape = (c.num_subcarriers, c.symbols_per_slot) + ((p,) if p > 1 else ())
    return np.zeros(shape, dtype=np.complex128 if dt == "double" else np.complex64)
