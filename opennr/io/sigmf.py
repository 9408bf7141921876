"""SigMF v1.x recordings and raw interleaved IQ files: read into ``complex64``, write from arrays.

A recording on disk is either a SigMF pair (``NAME.sigmf-meta`` JSON + ``NAME.sigmf-data``
samples, https://sigmf.org, the ``sigmf`` package parses and validates the metadata) or a raw file
of interleaved I/Q samples whose sample rate and datatype the caller states. Four SigMF datatypes
are supported: ``cf32_le``, ``cf64_le`` (complex floats) and ``ci16_le``, ``ci32_le`` (complex
fixed point, scaled by ``1 / 2**15`` and ``1 / 2**31`` to ``[-1, 1)`` as the ``sigmf`` package's
own reader does).

:func:`read_recording` returns a :class:`Recording` whose ``samples`` are always ``complex64`` of
shape ``[channels, S]`` (one row per channel, even for a single channel). It refuses, with a
``ValueError`` naming the file: a data file whose size is not a whole number of samples
(truncated), an unknown datatype, metadata that disagrees with the data (a capture or annotation
past the end, a ``core:sha512`` that does not match, a stated sample rate or datatype that
contradicts the metadata) and NaN or infinite samples.

:func:`write_sigmf` writes ``samples`` (``[S]`` or ``[channels, S]``) as a SigMF pair with the
checksum, the centre frequency in a capture segment and caller-supplied keys under the
``opennr:`` namespace of the global object.
"""

from __future__ import annotations

import hashlib
import json
import math
import warnings
from dataclasses import dataclass, field
from numbers import Real
from pathlib import Path

import numpy as np

__all__ = [
    "SIGMF_DATATYPES",
    "Recording",
    "read_recording",
    "write_sigmf",
]

_CLAUSE = "SigMF v1.x core:datatype"
_META_EXT = ".sigmf-meta"
_DATA_EXT = ".sigmf-data"
_NAMESPACE = "opennr"

#: Supported SigMF datatypes -> (numpy component dtype, scale applied on reading).
SIGMF_DATATYPES: dict[str, tuple[str, float]] = {
    "cf32_le": ("<f4", 1.0),
    "cf64_le": ("<f8", 1.0),
    "ci16_le": ("<i2", 2.0**-15),
    "ci32_le": ("<i4", 2.0**-31),
}


@dataclass(frozen=True, eq=False)
class Recording:
    """SigMF v1.x: an IQ recording in memory, ``complex64`` samples ``[channels, S]``.

    Attributes
    ----------
    samples : numpy.ndarray of complex64, shape [channels, S]
        The samples, one row per channel (a single-channel recording has shape ``(1, S)``);
        fixed-point datatypes are scaled to ``[-1, 1)``.
    sample_rate : float
        Sample rate in Hz (``core:sample_rate``).
    center_frequency : float or None
        Centre frequency in Hz of the first capture segment (``core:frequency``), None if
        unknown.
    datatype : str
        SigMF datatype of the file (``cf32_le``, ``ci16_le``, ``ci32_le``, ``cf64_le``).
    metadata : dict
        The SigMF metadata (``global``, ``captures``, ``annotations``); for a raw file a
        synthesised minimal one.
    path : pathlib.Path
        The file the samples came from (the ``.sigmf-data`` or raw file).

    Examples
    --------
    >>> import numpy as np
    >>> rec = Recording(np.zeros((1, 4), np.complex64), 1e6, None, "cf32_le", {}, Path("x"))
    >>> rec.num_channels, rec.num_samples, rec.duration
    (1, 4, 4e-06)
    """

    samples: np.ndarray
    sample_rate: float
    center_frequency: float | None
    datatype: str
    metadata: dict = field(repr=False)
    path: Path

    @property
    def num_channels(self) -> int:
        """Number of channels (rows of :attr:`samples`)."""
        return int(self.samples.shape[0])

    @property
    def num_samples(self) -> int:
        """Number of samples per channel ``S``."""
        return int(self.samples.shape[1])

    @property
    def duration(self) -> float:
        """Length of the recording in seconds, ``S / sample_rate``."""
        return self.num_samples / self.sample_rate

    @property
    def annotations(self) -> list:
        """The SigMF ``annotations`` list (empty for a raw file)."""
        return list(self.metadata.get("annotations", []))


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------
def _check_datatype(datatype, name: str, path: Path | None = None) -> str:
    if not isinstance(datatype, str) or datatype not in SIGMF_DATATYPES:
        where = f" in {path}" if path is not None else ""
        allowed = ", ".join(SIGMF_DATATYPES)
        raise ValueError(
            f"{name}{where}: unknown or unsupported datatype {datatype!r}; supported: {allowed} "
            f"({_CLAUSE})"
        )
    return datatype


def _check_rate(sample_rate, name: str = "sample_rate") -> float:
    if isinstance(sample_rate, bool) or not isinstance(sample_rate, Real):
        raise TypeError(f"{name} must be a real number of samples per second, got {sample_rate!r}")
    rate = float(sample_rate)
    if not math.isfinite(rate) or rate <= 0:
        raise ValueError(f"{name} must be a finite positive number of Hz, got {sample_rate!r}")
    return rate


def _check_frequency(freq, name: str = "center_frequency") -> float | None:
    if freq is None:
        return None
    if isinstance(freq, bool) or not isinstance(freq, Real) or not math.isfinite(float(freq)):
        raise ValueError(f"{name} must be a finite number of Hz or None, got {freq!r}")
    return float(freq)


def _locate(path: Path) -> tuple[Path | None, Path]:
    """(meta path or None, data path) for a ``.sigmf-meta``, ``.sigmf-data``, base or raw path."""
    name = path.name
    if name.endswith(_META_EXT):
        base = path.with_name(name[: -len(_META_EXT)])
        return path, base.with_name(base.name + _DATA_EXT)
    if name.endswith(_DATA_EXT):
        base = path.with_name(name[: -len(_DATA_EXT)])
        meta = base.with_name(base.name + _META_EXT)
        return (meta if meta.is_file() else None), path
    meta = path.with_name(name + _META_EXT)
    if not path.exists() and meta.is_file():
        return meta, path.with_name(name + _DATA_EXT)
    return None, path


def _decode(raw: np.ndarray, datatype: str, channels: int, path: Path) -> np.ndarray:
    comp, scale = SIGMF_DATATYPES[datatype]
    x = raw.view(comp)
    out = np.empty(x.size // 2, dtype=np.complex64)
    with np.errstate(invalid="ignore", over="ignore"):
        out.real = x[0::2] * scale if scale != 1.0 else x[0::2]
        out.imag = x[1::2] * scale if scale != 1.0 else x[1::2]
    s = out.size // channels
    samples = np.ascontiguousarray(out.reshape(s, channels).T)
    bad = ~np.isfinite(samples)
    if bad.any():
        ch, idx = np.argwhere(bad)[0]
        raise ValueError(
            f"{path}: {int(bad.sum())} NaN or infinite sample(s) (first at channel {int(ch)}, "
            f"sample {int(idx)}); a recording must hold finite samples (wrong datatype or a "
            f"corrupt file?)"
        )
    return samples


def _read_samples(path: Path, datatype: str, channels: int, offset: int = 0,
                  trailing: int = 0) -> np.ndarray:
    if not path.is_file():
        raise ValueError(f"{path}: data file not found")
    comp, _ = SIGMF_DATATYPES[datatype]
    sample_bytes = 2 * np.dtype(comp).itemsize * channels
    size = path.stat().st_size - offset - trailing
    if size < 0:
        raise ValueError(f"{path}: the file ({path.stat().st_size} bytes) is shorter than its "
                         f"declared header/trailing bytes ({offset} + {trailing})")
    if size % sample_bytes:
        raise ValueError(
            f"{path}: {size} bytes of sample data is not a whole number of {datatype} samples "
            f"({sample_bytes} bytes each over {channels} channel(s)); the file is truncated or "
            f"the datatype is wrong"
        )
    with open(path, "rb") as fh:
        fh.seek(offset)
        raw = np.frombuffer(fh.read(size), dtype=np.uint8)
    return _decode(raw, datatype, channels, path)


def _parse_meta(meta_path: Path) -> dict:
    try:
        text = meta_path.read_text(encoding="utf-8")
        meta = json.loads(text)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{meta_path}: cannot read SigMF metadata: {exc}") from exc
    if not isinstance(meta, dict) or not isinstance(meta.get("global"), dict):
        raise ValueError(  # noqa: TRY004 - a bad file, not a bad argument
            f"{meta_path}: SigMF metadata must be a JSON object with a 'global' object")
    import sigmf  # local import: keeps `import opennr` light

    try:
        with warnings.catch_warnings():  # undeclared extension namespaces are only deprecated
            warnings.simplefilter("ignore", DeprecationWarning)
            sigmf.SigMFFile(metadata=meta, skip_checksum=True).validate()
    except Exception as exc:  # jsonschema.ValidationError and friends
        msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ValueError(f"{meta_path}: SigMF metadata does not validate: {msg}") from exc
    return meta


# --------------------------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------------------------
def read_recording(path, *, sample_rate: float | None = None, datatype: str | None = None,
                   center_frequency: float | None = None) -> Recording:
    """SigMF v1.x: read a SigMF recording or a raw interleaved IQ file, ``file -> [channels, S]``.

    Parameters
    ----------
    path : str or os.PathLike
        A ``.sigmf-meta`` file, its ``.sigmf-data`` file, their common base name, or a raw file
        of interleaved little-endian I/Q samples.
    sample_rate : float, optional
        Sample rate in Hz. Required for a raw file; for a SigMF file it must agree with
        ``core:sample_rate`` if given.
    datatype : {'cf32_le', 'ci16_le', 'ci32_le', 'cf64_le'}, optional
        Sample format. Required for a raw file; for a SigMF file it must agree with
        ``core:datatype`` if given.
    center_frequency : float, optional
        Centre frequency in Hz; overrides the metadata's ``core:frequency`` (raw files have
        none otherwise).

    Returns
    -------
    Recording
        ``samples`` complex64 ``[channels, S]``.

    Raises
    ------
    ValueError
        Naming the file: missing file, truncated data, unknown datatype, metadata that disagrees
        with the data (capture/annotation beyond the end, checksum, stated rate or datatype), NaN
        or infinite samples, a raw file without ``sample_rate``/``datatype``.

    Examples
    --------
    >>> import numpy as np, tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> x = (0.5 * np.exp(2j * np.pi * 0.01 * np.arange(1000))).astype(np.complex64)
    >>> meta = write_sigmf(d / "tone", x, 1e6, center_frequency=3.5e9, datatype="ci16_le")
    >>> rec = read_recording(meta)
    >>> rec.samples.shape, rec.sample_rate, rec.center_frequency, rec.datatype
    ((1, 1000), 1000000.0, 3500000000.0, 'ci16_le')
    >>> bool(np.abs(rec.samples[0] - x).max() < 1e-4)
    True
    >>> np.concatenate([x.real[:, None], x.imag[:, None]], 1).tofile(d / "tone.raw")
    >>> read_recording(d / "tone.raw", sample_rate=1e6, datatype="cf32_le").num_samples
    1000
    """
    path = Path(path)
    if sample_rate is not None:
        sample_rate = _check_rate(sample_rate)
    if datatype is not None:
        _check_datatype(datatype, "datatype")
    center_frequency = _check_frequency(center_frequency)
    meta_path, data_path = _locate(path)

    if meta_path is None:  # raw file
        if not data_path.is_file():
            raise ValueError(f"{data_path}: file not found")
        if sample_rate is None or datatype is None:
            raise ValueError(
                f"{data_path}: a raw IQ file (no .sigmf-meta beside it) needs sample_rate and "
                f"datatype (one of {', '.join(SIGMF_DATATYPES)})"
            )
        samples = _read_samples(data_path, datatype, 1)
        meta = {
            "global": {"core:datatype": datatype, "core:sample_rate": sample_rate,
                       "core:version": "1.0.0", "core:num_channels": 1},
            "captures": [{"core:sample_start": 0}
                         | ({} if center_frequency is None
                            else {"core:frequency": center_frequency})],
            "annotations": [],
        }
        return Recording(samples, sample_rate, center_frequency, datatype, meta, data_path)

    if not meta_path.is_file():
        raise ValueError(f"{meta_path}: file not found")
    meta = _parse_meta(meta_path)
    glob = meta["global"]
    meta_dtype = glob.get("core:datatype")
    _check_datatype(meta_dtype, "core:datatype", meta_path)
    if datatype is not None and datatype != meta_dtype:
        raise ValueError(f"{meta_path}: datatype {datatype!r} disagrees with the metadata's "
                         f"core:datatype {meta_dtype!r}")
    meta_rate = glob.get("core:sample_rate")
    if meta_rate is None:
        if sample_rate is None:
            raise ValueError(f"{meta_path}: core:sample_rate is missing; give sample_rate")
        rate = sample_rate
    else:
        rate = _check_rate(meta_rate, f"{meta_path}: core:sample_rate")
        if sample_rate is not None and not math.isclose(sample_rate, rate, rel_tol=1e-9):
            raise ValueError(f"{meta_path}: sample_rate {sample_rate:g} disagrees with the "
                             f"metadata's core:sample_rate {rate:g}")
    channels = int(glob.get("core:num_channels", 1))
    if channels < 1:
        raise ValueError(f"{meta_path}: core:num_channels must be >= 1, got {channels}")
    if glob.get("core:metadata_only"):
        raise ValueError(f"{meta_path}: the recording is metadata-only (core:metadata_only)")
    dataset = glob.get("core:dataset")
    if dataset:  # non-conforming dataset named in the metadata
        data_path = meta_path.with_name(str(dataset))
    if not data_path.is_file():
        raise ValueError(f"{meta_path}: its data file {data_path.name} is missing")
    caps = meta.get("captures") or [{}]
    # non-conforming datasets: header bytes before the first capture (SigMF core:header_bytes)
    offset = int(caps[0].get("core:header_bytes", glob.get("core:header_bytes", 0)) or 0)
    trailing = int(glob.get("core:trailing_bytes", 0) or 0)

    sha = glob.get("core:sha512")
    if sha:
        h = hashlib.sha512()
        with open(data_path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 22), b""):
                h.update(chunk)
        if h.hexdigest().lower() != str(sha).lower():
            raise ValueError(f"{data_path}: the data does not match the metadata's core:sha512 "
                             f"(altered, truncated or the wrong file)")
    samples = _read_samples(data_path, meta_dtype, channels, offset, trailing)
    n = samples.shape[1]
    for i, cap in enumerate(meta.get("captures", [])):
        start = int(cap.get("core:sample_start", 0))
        if start > n or (start == n and n > 0) or start < 0:
            raise ValueError(f"{meta_path}: capture {i} starts at sample {start} but the data "
                             f"file holds {n} samples (metadata and data size disagree)")
    for i, ann in enumerate(meta.get("annotations", [])):
        start = int(ann.get("core:sample_start", 0))
        end = start + int(ann.get("core:sample_count", 0))
        if start < 0 or end > n or (start >= n and n > 0 and ann.get("core:sample_count")):
            raise ValueError(f"{meta_path}: annotation {i} covers samples {start}..{end} but the "
                             f"data file holds {n} samples (metadata and data size disagree)")
    if n == 0:
        raise ValueError(f"{data_path}: the recording holds no samples")
    if center_frequency is None:
        caps = meta.get("captures") or [{}]
        freq = caps[0].get("core:frequency")
        center_frequency = None if freq is None else float(freq)
    return Recording(samples, rate, center_frequency, meta_dtype, meta, data_path)


def _to_fixed(x: np.ndarray, comp: str, scale: float, name: str) -> np.ndarray:
    info = np.iinfo(np.dtype(comp))
    y = np.round(x.astype(np.float64) / scale)
    if y.size and (y.max() > info.max + 1 or y.min() < info.min):
        peak = float(np.abs(x).max())
        raise ValueError(
            f"{name}: a fixed-point datatype holds real and imaginary parts in [-1, 1]; the "
            f"largest component here is {peak:.4g}. Scale the samples down or use cf32_le"
        )
    return np.clip(y, info.min, info.max).astype(comp)


def write_sigmf(path, samples, sample_rate: float, *, center_frequency: float = 0.0,
                datatype: str = "cf32_le", description: str = "", extra: dict | None = None,
                overwrite: bool = True) -> Path:
    """SigMF v1.x: write ``samples`` ``[S]`` or ``[channels, S]`` as ``.sigmf-data`` + ``.sigmf-meta``.

    Parameters
    ----------
    path : str or os.PathLike
        Base name; a ``.sigmf-meta`` or ``.sigmf-data`` suffix is stripped.
    samples : array_like of complex, shape [S] or [channels, S]
        Samples; channels are interleaved sample by sample in the data file (SigMF). For the
        fixed-point datatypes each real/imaginary part must lie in ``[-1, 1]`` (``+1``
        saturates to the largest code, ``(2**15 - 1) / 2**15`` for ``ci16_le``).
    sample_rate : float
        Sample rate in Hz (> 0).
    center_frequency : float, optional
        Centre frequency in Hz, stored as ``core:frequency`` of the single capture segment.
    datatype : {'cf32_le', 'ci16_le', 'ci32_le', 'cf64_le'}, optional
        Sample format on disk. Default ``cf32_le``.
    description : str, optional
        ``core:description``.
    extra : dict, optional
        JSON-serialisable keys for the global object; each key gets the ``opennr:`` namespace
        prefix unless it already has a namespace (``ns:key``).
    overwrite : bool, optional
        Replace existing files (default True).

    Returns
    -------
    pathlib.Path
        Path of the ``.sigmf-meta`` file.

    Raises
    ------
    ValueError
        Unknown datatype, non-finite samples, out-of-range fixed-point samples, bad shape,
        non-serialisable ``extra``, or existing files with ``overwrite=False``.

    Examples
    --------
    >>> import numpy as np, tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> x = (np.arange(8) * (0.1 + 0.05j)).astype(np.complex64)
    >>> meta = write_sigmf(d / "ramp.sigmf-meta", x, 15.36e6, extra={"pci": 500})
    >>> meta.name, (d / "ramp.sigmf-data").stat().st_size
    ('ramp.sigmf-meta', 64)
    >>> read_recording(meta).metadata["global"]["opennr:pci"]
    500
    """
    path = Path(path)
    for ext in (_META_EXT, _DATA_EXT):
        if path.name.endswith(ext):
            path = path.with_name(path.name[: -len(ext)])
    meta_path = path.with_name(path.name + _META_EXT)
    data_path = path.with_name(path.name + _DATA_EXT)
    rate = _check_rate(sample_rate)
    freq = _check_frequency(center_frequency)
    freq = 0.0 if freq is None else freq
    _check_datatype(datatype, "datatype")
    if not isinstance(description, str):
        raise TypeError(f"description must be a str, got {type(description).__name__}")
    x = np.asarray(samples)
    if not (np.issubdtype(x.dtype, np.number)) or x.dtype == bool:
        raise TypeError(f"samples must be a numeric (complex) array, got dtype {x.dtype}")
    if x.ndim == 1:
        x = x[None, :]
    if x.ndim != 2 or x.shape[1] == 0:
        raise ValueError(f"samples must have shape [S] or [channels, S] with S >= 1, got "
                         f"{np.asarray(samples).shape}")
    if not np.isfinite(x).all():
        raise ValueError("samples contain NaN or infinite values; SigMF recordings must be finite")
    if not overwrite and (meta_path.exists() or data_path.exists()):
        raise ValueError(f"{meta_path}: exists (overwrite=False)")
    channels, _ = x.shape
    comp, scale = SIGMF_DATATYPES[datatype]
    inter = np.empty((x.shape[1], channels, 2), dtype=np.float64)
    xt = x.T
    inter[..., 0] = xt.real
    inter[..., 1] = xt.imag
    if scale == 1.0:
        raw = inter.astype(comp)
    else:
        raw = _to_fixed(inter, comp, scale, "samples")

    glob: dict = {
        "core:datatype": datatype,
        "core:sample_rate": rate,
        "core:version": "1.0.0",
        "core:num_channels": int(channels),
        "core:recorder": "opennr",
    }
    if description:
        glob["core:description"] = description
    if extra is not None and not isinstance(extra, dict):
        raise TypeError(f"extra must be a dict or None, got {type(extra).__name__}")
    if extra:
        glob["core:extensions"] = [{"name": _NAMESPACE, "version": "1.0.0", "optional": True}]
        if not isinstance(extra, dict):
            raise TypeError(f"extra must be a dict, got {type(extra).__name__}")
        for key, value in extra.items():
            k = str(key) if ":" in str(key) else f"{_NAMESPACE}:{key}"
            try:
                json.dumps(value)
            except (TypeError, ValueError) as exc:
                raise ValueError(f"extra[{key!r}] is not JSON-serialisable: {exc}") from exc
            glob[k] = value
    data_path.parent.mkdir(parents=True, exist_ok=True)
    raw_bytes = np.ascontiguousarray(raw).tobytes()
    data_path.write_bytes(raw_bytes)
    glob["core:sha512"] = hashlib.sha512(raw_bytes).hexdigest()
    meta = {"global": glob,
            "captures": [{"core:sample_start": 0, "core:frequency": freq}],
            "annotations": []}
    import sigmf  # local import: keeps `import opennr` light

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            handle = sigmf.SigMFFile(metadata=meta, skip_checksum=True)
            handle.validate()
    except Exception as exc:
        msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ValueError(f"{meta_path}: the metadata would not validate as SigMF: {msg}") from exc
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        handle.tofile(path, overwrite=True)  # writes NAME.sigmf-meta (the data is written above)
    return meta_path
