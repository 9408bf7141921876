"""TR 38.901 V17 §7.7.1: the CDL-A..E cluster tables and the ray offset angles of Table 7.5-3.

The tables are package data under ``opennr/propagation/data`` (``cdl_a.csv`` .. ``cdl_e.csv``,
``cdl_parameters.csv``, ``cdl_ray_offsets.csv``), loaded once through :func:`opennr._data.read_csv_rows`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from opennr._data import read_csv_rows
from opennr._validation import check_choice

__all__ = [
    "CDL_PROFILES",
    "CdlProfile",
    "cdl_profile",
    "ray_offset_angles",
]

_PKG = "opennr.propagation"
_CLAUSE = "TR 38.901 §7.7.1"

#: The five CDL delay profiles of TR 38.901 §7.7.1.
CDL_PROFILES: tuple[str, ...] = ("CDL-A", "CDL-B", "CDL-C", "CDL-D", "CDL-E")


@dataclass(frozen=True, eq=False)
class CdlProfile:
    """TR 38.901 §7.7.1 Tables 7.7.1-1..5: one CDL profile, one entry per table row.

    Attributes
    ----------
    name : str
        ``"CDL-A"`` .. ``"CDL-E"``.
    cluster : numpy.ndarray of int, [P]
        Cluster number ``n`` of each row (the specular LOS ray of CDL-D/E shares cluster 1).
    specular : numpy.ndarray of bool, [P]
        ``True`` for the LOS ray (cluster PAS "Specular"), ``False`` for Laplacian clusters.
    delays : numpy.ndarray of float64, [P]
        Normalised delays ``tau_n / DS`` (multiply by the delay spread, §7.7.3).
    powers_db : numpy.ndarray of float64, [P]
        Cluster powers in dB as tabulated (not normalised).
    aod, aoa, zod, zoa : numpy.ndarray of float64, [P]
        Cluster angles in degrees.
    c_asd, c_asa, c_zsd, c_zsa : float
        Cluster-wise rms angular spreads in degrees.
    xpr_db : float
        Cross-polarisation power ratio in dB.
    """

    name: str
    cluster: np.ndarray
    specular: np.ndarray
    delays: np.ndarray
    powers_db: np.ndarray
    aod: np.ndarray
    aoa: np.ndarray
    zod: np.ndarray
    zoa: np.ndarray
    c_asd: float
    c_asa: float
    c_zsd: float
    c_zsa: float
    xpr_db: float

    @property
    def num_paths(self) -> int:
        """Number of table rows ``P`` (each becomes one path of the channel)."""
        return int(self.delays.size)

    @property
    def has_los(self) -> bool:
        """Whether the profile has a specular LOS ray (CDL-D and CDL-E)."""
        return bool(self.specular.any())

    @property
    def powers(self) -> np.ndarray:
        """Linear cluster powers normalised to a unit sum, float64 [P]."""
        p = 10.0 ** (self.powers_db / 10.0)
        return p / p.sum()

    @property
    def k_factor_db(self) -> float:
        """Model K-factor in dB: LOS ray power over the sum of the Laplacian powers (§7.7.6)."""
        if not self.has_los:
            return float("-inf")
        p = self.powers
        return float(10 * np.log10(p[self.specular].sum() / p[~self.specular].sum()))


def _normalise_name(name) -> str:
    if isinstance(name, str):
        up = name.strip().upper()
        if len(up) == 1:
            up = "CDL-" + up
        if up in CDL_PROFILES:
            return up
    check_choice(name, "profile", CDL_PROFILES, clause=_CLAUSE)  # raises
    raise AssertionError  # pragma: no cover


@cache
def cdl_profile(name: str) -> CdlProfile:
    """TR 38.901 §7.7.1 Tables 7.7.1-1..5: the CDL profile ``name`` ("CDL-A".."CDL-E" or "A".."E").

    Parameters
    ----------
    name : str
        Profile name; case-insensitive, the ``"CDL-"`` prefix is optional.

    Returns
    -------
    CdlProfile
        The table rows (arrays are read-only).

    Examples
    --------
    >>> p = cdl_profile("CDL-D")
    >>> p.num_paths, p.has_los, p.c_asa, p.xpr_db
    (14, True, 8.0, 11.0)
    >>> round(p.k_factor_db, 2)
    8.98
    """
    key = _normalise_name(name)
    rows = read_csv_rows(_PKG, f"cdl_{key[-1].lower()}.csv")
    par = {r["model"]: r for r in read_csv_rows(_PKG, "cdl_parameters.csv")}[key[-1]]

    def col(field, dtype=np.float64):
        a = np.array([r[field] for r in rows], dtype=dtype)
        a.flags.writeable = False
        return a

    specular = np.array([r["pas"] == "specular" for r in rows])
    specular.flags.writeable = False
    return CdlProfile(
        name=key,
        cluster=col("cluster", np.int64),
        specular=specular,
        delays=col("delay"),
        powers_db=col("power_db"),
        aod=col("aod"),
        aoa=col("aoa"),
        zod=col("zod"),
        zoa=col("zoa"),
        c_asd=float(par["c_asd"]),
        c_asa=float(par["c_asa"]),
        c_zsd=float(par["c_zsd"]),
        c_zsa=float(par["c_zsa"]),
        xpr_db=float(par["xpr_db"]),
    )


@cache
def _ray_offsets() -> np.ndarray:
    rows = read_csv_rows(_PKG, "cdl_ray_offsets.csv")
    a = np.array([float(r["alpha"]) for r in sorted(rows, key=lambda r: int(r["m"]))])
    a.flags.writeable = False
    return a


def ray_offset_angles() -> np.ndarray:
    """TR 38.901 Table 7.5-3: the 20 ray offset angles ``alpha_m`` (degrees, 1 deg rms spread).

    Returns
    -------
    numpy.ndarray of float64, [20]
        ``+-0.0447, +-0.1413, ..., +-2.1551`` in the table's order (m = 1..20).

    Examples
    --------
    >>> a = ray_offset_angles()
    >>> a[:4].tolist(), a.size
    ([0.0447, -0.0447, 0.1413, -0.1413], 20)
    """
    return _ray_offsets()
