"""TS 38.101-4 V17 Annex B.2.3 / TS 38.104 V17 Annex G.2.3: MIMO correlation matrices for TDL channels.

Uniform linear arrays at both ends; the correlation between antennas ``i`` and ``j`` of an
``N``-element end with coefficient ``c`` is ``c^(((i - j) / (N - 1))^2)`` (so ``[1, c]`` for two
antennas, ``[1, c^(1/9), c^(4/9), c]`` for four, ``c^(k^2/49)`` for eight: Tables B.2.3.1-1/2). The
spatial correlation of the channel is the Kronecker product ``R = R_tx ⊗ R_rx`` (TR 38.901
§7.7.5.2): ``E[h_{r,t} h*_{r',t'}] = R_rx[r, r'] R_tx[t, t']`` for every tap.

Correlation levels (Table B.2.3.2-1 of TS 38.101-4; Table G.2.3.2-1 of TS 38.104), given as
``(gNB coefficient alpha, UE coefficient beta)``:

==================  =======  ========  ==========================================
level               alpha    beta      source
==================  =======  ========  ==========================================
``"low"``           0        0         TS 38.101-4 / TS 38.104
``"medium"``        0.3      0.9       TS 38.101-4 B.2.3.2 (downlink)
``"medium-a"``      0.3      0.3874    TS 38.101-4 B.2.3.2 ("Medium correlation A")
``"uplink-medium"`` 0.9      0.3       TS 38.104 G.2.3.2 (medium, uplink)
``"high"``          0.9      0.9       TS 38.101-4 / TS 38.104
==================  =======  ========  ==========================================

In the downlink the gNB transmits (``R_tx`` uses ``alpha``, ``R_rx`` uses ``beta``); in the uplink
the UE transmits. The spec tables list the matrices rounded to four digits and, for some
4-antenna cases, add ``a I`` (``R = (R + a I) / (1 + a)``, ``a`` about 1e-4) so that the *rounded*
matrices stay positive semi-definite; here the exact powers are used, which are positive
definite for ``c < 1``, so no such adjustment is needed (the difference is below 1e-4).
"""

from __future__ import annotations

import numpy as np

from opennr._validation import check_choice, check_int

__all__ = [
    "CORRELATION_LEVELS",
    "SUPPORTED_ANTENNA_COUNTS",
    "TRANSMISSION_DIRECTIONS",
    "antenna_correlation",
    "correlation_matrices",
    "matrix_sqrt",
    "spatial_correlation",
]

_CLAUSE = "TS 38.101-4 Annex B.2.3, TS 38.104 Annex G.2.3"

#: ``level -> (gNB coefficient alpha, UE coefficient beta)``.
CORRELATION_LEVELS = {
    "low": (0.0, 0.0),
    "medium": (0.3, 0.9),
    "medium-a": (0.3, 0.3874),
    "uplink-medium": (0.9, 0.3),
    "high": (0.9, 0.9),
}
#: Antenna counts per end that the spec tables define for a non-zero coefficient.
SUPPORTED_ANTENNA_COUNTS = (1, 2, 4, 8)
#: ``"downlink"``: the gNB transmits; ``"uplink"``: the UE transmits.
TRANSMISSION_DIRECTIONS = ("downlink", "uplink")


def antenna_correlation(num_antennas: int, coefficient: float) -> np.ndarray:
    """TS 38.101-4 Table B.2.3.1-1/2: correlation matrix of a uniform linear array end.

    ``R[i, j] = c^(((i - j) / (N - 1))^2)``, ``[N] -> [N, N]``. With ``c = 0`` the identity (any
    ``N``); otherwise ``N`` must be 1, 2, 4 or 8 (the counts the tables define).

    Examples
    --------
    >>> antenna_correlation(4, 0.9).round(4)[0].tolist()
    [1.0, 0.9884, 0.9543, 0.9]
    >>> antenna_correlation(3, 0.0).tolist()[1]
    [0.0, 1.0, 0.0]
    """
    n = check_int(num_antennas, "num_antennas", low=1, clause=_CLAUSE)
    c = float(coefficient)
    if not 0.0 <= c <= 1.0:
        raise ValueError(f"coefficient must be in [0, 1], got {coefficient!r} ({_CLAUSE})")
    if c == 0.0 or n == 1:
        return np.eye(n)
    if n not in SUPPORTED_ANTENNA_COUNTS:
        raise ValueError(
            f"num_antennas = {n} is not supported by a correlated profile: the tables define "
            f"{', '.join(map(str, SUPPORTED_ANTENNA_COUNTS))} antennas per end ({_CLAUSE})")
    k = np.arange(n)
    return c ** (((k[:, None] - k[None, :]) / (n - 1)) ** 2)


def correlation_matrices(level: str, n_rx: int, n_tx: int, *,
                         transmission_direction: str = "downlink") -> tuple[np.ndarray, np.ndarray]:
    """TS 38.101-4 Annex B.2.3 / TS 38.104 Annex G.2.3: ``(R_rx [n_rx, n_rx], R_tx [n_tx, n_tx])``.

    Parameters
    ----------
    level : {"low", "medium", "medium-a", "uplink-medium", "high"}
    n_rx, n_tx : int
        Receive and transmit antennas (1, 2, 4 or 8 for a correlated level; any for ``"low"``).
    transmission_direction : {"downlink", "uplink"}
        Which end is the gNB: the transmitter in the downlink, the receiver in the uplink.

    Examples
    --------
    >>> r_rx, r_tx = correlation_matrices("medium", 2, 2)
    >>> r_rx[0, 1], r_tx[0, 1]       # UE beta = 0.9 receives, gNB alpha = 0.3 transmits
    (np.float64(0.9), np.float64(0.3))
    """
    check_choice(level, "level", tuple(CORRELATION_LEVELS), clause=_CLAUSE)
    check_choice(transmission_direction, "transmission_direction", TRANSMISSION_DIRECTIONS,
                 clause=_CLAUSE)
    alpha, beta = CORRELATION_LEVELS[level]
    c_tx, c_rx = (alpha, beta) if transmission_direction == "downlink" else (beta, alpha)
    try:
        r_rx = antenna_correlation(n_rx, c_rx)
    except ValueError as exc:
        raise ValueError(f"n_rx: {exc} (level {level!r})") from None
    try:
        r_tx = antenna_correlation(n_tx, c_tx)
    except ValueError as exc:
        raise ValueError(f"n_tx: {exc} (level {level!r})") from None
    return r_rx, r_tx


def spatial_correlation(level: str, n_rx: int, n_tx: int, *,
                        transmission_direction: str = "downlink") -> np.ndarray:
    """TS 38.101-4 Table B.2.3.1-3: ``R_spat = R_tx ⊗ R_rx``, ``[n_tx n_rx, n_tx n_rx]``.

    Index ``t n_rx + r`` is the link from transmit antenna ``t`` to receive antenna ``r`` (the
    spec's ``R_gNB ⊗ R_UE`` ordering in the downlink).

    Examples
    --------
    >>> spatial_correlation("high", 2, 1).tolist()     # 1 x 2: the UE's two receive antennas
    [[1.0, 0.9], [0.9, 1.0]]
    """
    r_rx, r_tx = correlation_matrices(level, n_rx, n_tx,
                                      transmission_direction=transmission_direction)
    return np.kron(r_tx, r_rx)


def matrix_sqrt(r) -> np.ndarray:
    """Hermitian square root ``R^(1/2)`` of a positive semi-definite matrix (eigen-decomposition).

    Examples
    --------
    >>> s = matrix_sqrt([[1.0, 0.9], [0.9, 1.0]])
    >>> np.allclose(s @ s, [[1.0, 0.9], [0.9, 1.0]])
    True
    """
    r = np.asarray(r)
    if r.ndim != 2 or r.shape[0] != r.shape[1]:
        raise ValueError(f"correlation matrix must be square, got shape {r.shape}")
    if not np.allclose(r, r.conj().T, atol=1e-9):
        raise ValueError(f"correlation matrix must be Hermitian ({_CLAUSE})")
    w, v = np.linalg.eigh(r)
    if w.min() < -1e-6 * max(1.0, abs(w.max())):
        raise ValueError(
            f"correlation matrix must be positive semi-definite, smallest eigenvalue {w.min():.3g} "
            f"({_CLAUSE})")
    return (v * np.sqrt(np.clip(w, 0.0, None))) @ v.conj().T
