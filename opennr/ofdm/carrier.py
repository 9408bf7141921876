"""TS 38.211 V17 §4.4, §5.3.1: carrier configuration, resource grid size, point A and ``k_0``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from opennr._validation import check_int
from opennr.ofdm.numerology import Numerology, SubcarrierSpacingMixin, mu_from_subcarrier_spacing

__all__ = [
    "BandwidthPartConfig",
    "CarrierConfig",
    "extract_bwp_grid",
    "insert_bwp_grid",
    "k0",
    "subcarrier_offset_from_point_a",
]

_CLAUSE = "TS 38.211 §4.4.2"


@dataclass(frozen=True)
class CarrierConfig(SubcarrierSpacingMixin):
    """TS 38.211 §4.4.2, §4.3: one carrier (resource grid) of one numerology.

    Parameters
    ----------
    subcarrier_spacing : int, default 15
        ``Delta f`` in kHz: 15, 30, 60, 120, 240, 480, 960 (``mu`` = 0..6, Table 4.2-1).
    cyclic_prefix : {"normal", "extended"}, default "normal"
        Extended only for 60 kHz.
    n_size_grid : int, default 52
        ``N_grid^{size,mu}``: carrier bandwidth in resource blocks, 1..275 (§4.4.2).
    n_start_grid : int, default 0
        ``N_grid^{start,mu}``: first common resource block of the grid, 0..2199 (§4.4.2).
    n_cell_id : int, default 1
        ``N_ID^cell``, 0..1007 (§7.4.2).
    n_slot : int, default 0
        Slot number ``n_s^mu``; taken modulo the slots per frame where a slot in a frame is
        needed (MATLAB allows any non-negative value).
    n_frame : int, default 0
        System frame number ``n_f``, non-negative.

    Examples
    --------
    >>> c = CarrierConfig(subcarrier_spacing=30, n_size_grid=273)
    >>> c.mu, c.num_subcarriers, c.symbols_per_slot, c.slots_per_frame
    (1, 3276, 14, 20)
    """

    subcarrier_spacing: int = 15
    cyclic_prefix: str = "normal"
    n_size_grid: int = 52
    n_start_grid: int = 0
    n_cell_id: int = 1
    n_slot: int = 0
    n_frame: int = 0

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Check every field and the cross-field rules; raise naming the clause."""
        mu = mu_from_subcarrier_spacing(self.subcarrier_spacing)
        num = Numerology(mu, self.cyclic_prefix)  # extended CP only for mu = 2
        object.__setattr__(self, "subcarrier_spacing", num.subcarrier_spacing)
        object.__setattr__(self, "cyclic_prefix", num.cyclic_prefix)
        check_int(self.n_size_grid, "n_size_grid", low=1, high=275, clause=_CLAUSE)
        check_int(self.n_start_grid, "n_start_grid", low=0, high=2199, clause=_CLAUSE)
        check_int(self.n_cell_id, "n_cell_id", low=0, high=1007, clause="TS 38.211 §7.4.2")
        check_int(self.n_slot, "n_slot", low=0, clause="TS 38.211 §4.3.2")
        check_int(self.n_frame, "n_frame", low=0, clause="TS 38.211 §4.3.1")

    @property
    def num_subcarriers(self) -> int:
        """``K = N_grid^{size,mu} N_sc^RB = 12 n_size_grid``."""
        return 12 * self.n_size_grid

    @property
    def slot_in_frame(self) -> int:
        """``n_{s,f}^mu = n_slot mod N_slot^{frame,mu}``."""
        return self.n_slot % self.slots_per_frame

    @property
    def slot_in_subframe(self) -> int:
        """Slot index within its subframe, ``n_slot mod 2^mu``."""
        return self.n_slot % self.slots_per_subframe

    @property
    def first_symbol_in_subframe(self) -> int:
        """Index ``l`` within the subframe (§5.3.1) of the first symbol of slot ``n_slot``."""
        return self.slot_in_subframe * self.symbols_per_slot

    @property
    def bandwidth_hz(self) -> float:
        """Occupied bandwidth ``12 N_grid^{size,mu} Delta f`` in Hz."""
        return float(self.num_subcarriers * self.subcarrier_spacing * 1000)

    def replace(self, **changes) -> CarrierConfig:
        """A copy with some fields changed (``dataclasses.replace``), e.g. the next slot."""
        from dataclasses import replace

        return replace(self, **changes)


def subcarrier_offset_from_point_a(carrier: CarrierConfig) -> int:
    """TS 38.211 §4.4.4.3: subcarrier 0 of the carrier grid, in subcarriers of ``mu`` from point A.

    The centre of subcarrier 0 of common resource block 0 is point A (§4.4.4.2); the carrier grid
    starts at CRB ``N_grid^{start,mu}``, so its subcarrier ``k`` sits ``(12 N_grid^start + k)
    Delta f`` above point A.

    Examples
    --------
    >>> subcarrier_offset_from_point_a(CarrierConfig(n_start_grid=3))
    36
    """
    if not isinstance(carrier, CarrierConfig):
        raise TypeError(f"carrier must be a CarrierConfig, got {type(carrier).__name__}")
    return 12 * carrier.n_start_grid


def k0(carrier: CarrierConfig, carriers: Sequence[CarrierConfig] | None = None) -> int:
    """TS 38.211 §5.3.1: the subcarrier offset ``k_0^mu`` of a carrier in a multi-numerology list.

    ``k_0^mu = (N_grid^{start,mu} + N_grid^{size,mu}/2) N_sc^RB
    - (N_grid^{start,mu0} + N_grid^{size,mu0}/2) N_sc^RB 2^(mu0 - mu)``, where ``mu0`` is the
    largest ``mu`` among the carriers of ``scs-SpecificCarrierList`` (``carriers``, which must
    include ``carrier``'s numerology). It centres every numerology's grid on the same frequency
    ``f_0``; it is 0 for a single carrier.

    Parameters
    ----------
    carrier : CarrierConfig
        The carrier whose ``k_0`` is wanted.
    carriers : sequence of CarrierConfig, optional
        All SCS-specific carriers (one per numerology); default ``[carrier]``.

    Returns
    -------
    int
        ``k_0^mu`` in subcarriers of ``carrier``'s spacing.

    Examples
    --------
    >>> c15 = CarrierConfig(15, n_size_grid=106, n_start_grid=0)
    >>> c30 = CarrierConfig(30, n_size_grid=50, n_start_grid=1)
    >>> k0(c15, [c15, c30]), k0(c30, [c15, c30])
    (12, 0)
    """
    if not isinstance(carrier, CarrierConfig):
        raise TypeError(f"carrier must be a CarrierConfig, got {type(carrier).__name__}")
    carriers = [carrier] if carriers is None else list(carriers)
    if not carriers or not all(isinstance(c, CarrierConfig) for c in carriers):
        raise TypeError("carriers must be a non-empty sequence of CarrierConfig (TS 38.211 §5.3.1)")
    mus = [c.mu for c in carriers]
    if len(set(mus)) != len(mus):
        raise ValueError(
            "carriers must hold at most one carrier per subcarrier spacing "
            "(scs-SpecificCarrierList, TS 38.211 §5.3.1)"
        )
    if carrier.mu not in mus:
        raise ValueError(
            f"carriers must include a carrier of carrier's subcarrier spacing "
            f"{carrier.subcarrier_spacing} kHz (TS 38.211 §5.3.1)"
        )
    ref = max(carriers, key=lambda c: c.mu)
    mu0 = ref.mu
    value = (Fraction(carrier.n_start_grid) + Fraction(carrier.n_size_grid, 2)) * 12 - (
        Fraction(ref.n_start_grid) + Fraction(ref.n_size_grid, 2)
    ) * 12 * Fraction(2) ** (mu0 - carrier.mu)
    if value.denominator != 1:  # cannot happen: 6 N_size is an integer
        raise ValueError(f"k_0 = {value} is not an integer (TS 38.211 §5.3.1)")
    return int(value)


# --------------------------------------------------------------------------------------------
# Bandwidth parts
# --------------------------------------------------------------------------------------------

_BWP_CLAUSE = "TS 38.211 §4.4.5"
#: Largest ``N_BWP^start``: ``N_grid^start`` (<= 2199) plus ``RB_start`` (<= 274), TS 38.213 §12.
_MAX_N_START_BWP = 2199 + 274


@dataclass(frozen=True)
class BandwidthPartConfig(SubcarrierSpacingMixin):
    """TS 38.211 §4.4.5, TS 38.213 §12: one bandwidth part, a set of contiguous CRBs of a carrier.

    Parameters
    ----------
    n_size_bwp : int, default 52
        ``N_BWP,i^{size,mu}``: BWP size in resource blocks, 1..275 (§4.4.5).
    n_start_bwp : int, default 0
        ``N_BWP,i^{start,mu}``: first common resource block of the BWP, counted from point A,
        0..2473 (``N_grid^start + RB_start``, TS 38.213 §12 / TS 38.331 ``locationAndBandwidth``).
    subcarrier_spacing : int, default 15
        ``Delta f`` in kHz (Table 4.2-1); must equal the carrier's (one numerology per carrier).
    cyclic_prefix : {"normal", "extended"}, default "normal"
        Must equal the carrier's.

    Notes
    -----
    A BWP lies inside its carrier's resource grid:
    ``N_grid^{start,mu} <= N_BWP^{start,mu}`` and
    ``N_BWP^{start,mu} + N_BWP^{size,mu} <= N_grid^{start,mu} + N_grid^{size,mu}`` (§4.4.5), which
    :meth:`validate` checks given the carrier. Physical resource block ``n_PRB`` of the BWP is
    common resource block ``n_CRB = n_PRB + N_BWP^start`` (§4.4.4.4), hence carrier-grid
    subcarrier ``12 (N_BWP^start - N_grid^start) + k``.

    Examples
    --------
    >>> carrier = CarrierConfig(subcarrier_spacing=30, n_size_grid=106, n_start_grid=10)
    >>> bwp = BandwidthPartConfig(n_size_bwp=24, n_start_bwp=20, subcarrier_spacing=30)
    >>> bwp.validate(carrier)
    >>> bwp.first_subcarrier(carrier), bwp.num_subcarriers, bwp.crb_range
    (120, 288, range(20, 44))
    """

    n_size_bwp: int = 52
    n_start_bwp: int = 0
    subcarrier_spacing: int = 15
    cyclic_prefix: str = "normal"

    def __post_init__(self) -> None:
        self.validate()

    def validate(self, carrier: CarrierConfig | None = None) -> None:
        """TS 38.211 §4.4.5: check the fields and, given ``carrier``, that the BWP fits its grid.

        Raises ``TypeError``/``ValueError`` naming the parameter and the clause.
        """
        num = Numerology(mu_from_subcarrier_spacing(self.subcarrier_spacing), self.cyclic_prefix)
        object.__setattr__(self, "subcarrier_spacing", num.subcarrier_spacing)
        object.__setattr__(self, "cyclic_prefix", num.cyclic_prefix)
        check_int(self.n_size_bwp, "n_size_bwp", low=1, high=275, clause=_BWP_CLAUSE)
        check_int(
            self.n_start_bwp, "n_start_bwp", low=0, high=_MAX_N_START_BWP,
            clause=f"{_BWP_CLAUSE}, TS 38.213 §12",
        )  # fmt: skip
        if carrier is None:
            return
        if not isinstance(carrier, CarrierConfig):
            raise TypeError(f"carrier must be a CarrierConfig, got {type(carrier).__name__}")
        if (self.subcarrier_spacing, self.cyclic_prefix) != (
            carrier.subcarrier_spacing,
            carrier.cyclic_prefix,
        ):
            raise ValueError(
                f"the BWP numerology ({self.subcarrier_spacing} kHz, {self.cyclic_prefix} CP) must "
                f"equal the carrier's ({carrier.subcarrier_spacing} kHz, {carrier.cyclic_prefix} "
                f"CP) ({_BWP_CLAUSE})"
            )
        first, last = carrier.n_start_grid, carrier.n_start_grid + carrier.n_size_grid
        if not (first <= self.n_start_bwp and self.n_start_bwp + self.n_size_bwp <= last):
            raise ValueError(
                f"the BWP (CRBs {self.n_start_bwp}..{self.n_start_bwp + self.n_size_bwp - 1}, "
                f"n_start_bwp={self.n_start_bwp}, n_size_bwp={self.n_size_bwp}) must lie inside "
                f"the carrier grid (CRBs {first}..{last - 1}): need n_start_grid <= n_start_bwp "
                f"and n_start_bwp + n_size_bwp <= n_start_grid + n_size_grid ({_BWP_CLAUSE})"
            )

    @property
    def num_subcarriers(self) -> int:
        """``12 N_BWP^{size,mu}`` subcarriers."""
        return 12 * self.n_size_bwp

    @property
    def crb_range(self) -> range:
        """Common resource blocks ``N_BWP^start .. N_BWP^start + N_BWP^size - 1`` (§4.4.4.3)."""
        return range(self.n_start_bwp, self.n_start_bwp + self.n_size_bwp)

    def first_rb(self, carrier: CarrierConfig) -> int:
        """Index of the BWP's first RB within the carrier grid, ``N_BWP^start - N_grid^start``."""
        self.validate(carrier)
        return self.n_start_bwp - carrier.n_start_grid

    def first_subcarrier(self, carrier: CarrierConfig) -> int:
        """Carrier-grid index of the BWP's subcarrier 0, ``12 (N_BWP^start - N_grid^start)``."""
        return 12 * self.first_rb(carrier)

    def subcarrier_slice(self, carrier: CarrierConfig) -> slice:
        """The BWP's subcarriers as a slice of the carrier grid's ``K`` axis."""
        k = self.first_subcarrier(carrier)
        return slice(k, k + self.num_subcarriers)

    def replace(self, **changes) -> BandwidthPartConfig:
        """A copy with some fields changed (``dataclasses.replace``)."""
        from dataclasses import replace

        return replace(self, **changes)


def _bwp_args(carrier, bwp) -> slice:
    if not isinstance(carrier, CarrierConfig):
        raise TypeError(f"carrier must be a CarrierConfig, got {type(carrier).__name__}")
    if not isinstance(bwp, BandwidthPartConfig):
        raise TypeError(f"bwp must be a BandwidthPartConfig, got {type(bwp).__name__}")
    return bwp.subcarrier_slice(carrier)  # validates bwp against carrier


def _complex_grid(grid, name: str, k: int, what: str) -> np.ndarray:
    arr = np.asarray(grid)
    if not np.issubdtype(arr.dtype, np.complexfloating):
        raise TypeError(f"{name} must be a complex array [..., P, K, L], got dtype {arr.dtype}")
    if arr.ndim < 3 or arr.shape[-2] != k or arr.shape[-1] < 1:
        raise ValueError(
            f"{name} must have shape [..., P, K, L] with K = {what} = {k} subcarriers, got shape "
            f"{arr.shape} ({_BWP_CLAUSE})"
        )
    return arr


def extract_bwp_grid(grid, carrier: CarrierConfig, bwp: BandwidthPartConfig) -> np.ndarray:
    """TS 38.211 §4.4.5: a BWP's sub-grid of a carrier grid, ``[..., P, K, L] -> [..., P, K', L]``.

    Parameters
    ----------
    grid : array_like of complex, shape [..., P, K, L]
        Carrier grid, ``K = 12 N_grid^size``.
    carrier : CarrierConfig
    bwp : BandwidthPartConfig
        Must lie inside ``carrier`` (checked by :meth:`BandwidthPartConfig.validate`).

    Returns
    -------
    numpy.ndarray, shape [..., P, 12 N_BWP^size, L]
        A copy, same dtype as ``grid``; subcarrier ``k`` of the BWP is carrier subcarrier
        ``12 (N_BWP^start - N_grid^start) + k``.

    Examples
    --------
    >>> carrier = CarrierConfig(n_size_grid=4, n_start_grid=2)
    >>> bwp = BandwidthPartConfig(n_size_bwp=1, n_start_bwp=3)
    >>> g = np.arange(48, dtype=np.complex64).reshape(1, 48, 1) * np.ones(14, np.complex64)
    >>> sub = extract_bwp_grid(g, carrier, bwp)
    >>> sub.shape, float(sub[0, 0, 0].real), float(sub[0, -1, 0].real)
    ((1, 12, 14), 12.0, 23.0)
    """
    sl = _bwp_args(carrier, bwp)
    arr = _complex_grid(grid, "grid", carrier.num_subcarriers, "12 * n_size_grid")
    return arr[..., sl, :].copy()


def insert_bwp_grid(
    grid, bwp_grid, carrier: CarrierConfig, bwp: BandwidthPartConfig
) -> np.ndarray:
    """TS 38.211 §4.4.5: a carrier grid with the BWP's subcarriers replaced by ``bwp_grid``.

    ``[..., P, K, L], [..., P, K_BWP, L] -> [..., P, K, L]``; the inverse of
    :func:`extract_bwp_grid` on the BWP's subcarriers, the others are copied unchanged.

    Parameters
    ----------
    grid : array_like of complex, shape [..., P, K, L]
        Carrier grid, ``K = 12 N_grid^size``; not modified.
    bwp_grid : array_like of complex, shape [..., P, 12 N_BWP^size, L]
        The BWP's grid; its leading axes, ``P`` and ``L`` must equal ``grid``'s.
    carrier : CarrierConfig
    bwp : BandwidthPartConfig
        Must lie inside ``carrier``.

    Returns
    -------
    numpy.ndarray, shape [..., P, K, L]
        A new array of ``grid``'s dtype.

    Examples
    --------
    >>> carrier = CarrierConfig(n_size_grid=3)
    >>> bwp = BandwidthPartConfig(n_size_bwp=1, n_start_bwp=1)
    >>> g = insert_bwp_grid(np.zeros((1, 36, 14), np.complex64), np.ones((1, 12, 14)), carrier, bwp)
    >>> g.dtype, int(g.real.sum()), np.flatnonzero(g[0, :, 0]).tolist() == list(range(12, 24))
    (dtype('complex64'), 168, True)
    """
    sl = _bwp_args(carrier, bwp)
    arr = _complex_grid(grid, "grid", carrier.num_subcarriers, "12 * n_size_grid")
    sub = np.asarray(bwp_grid)
    if not np.issubdtype(sub.dtype, np.number):
        raise TypeError(f"bwp_grid must be a numeric (complex) array, got dtype {sub.dtype}")
    expected = arr.shape[:-2] + (bwp.num_subcarriers, arr.shape[-1])
    if sub.shape != expected:
        raise ValueError(
            f"bwp_grid must have shape [..., P, 12 * n_size_bwp, L] = {expected} to match grid "
            f"{arr.shape}, got {sub.shape} ({_BWP_CLAUSE})"
        )
    out = arr.copy()
    out[..., sl, :] = sub
    return out
