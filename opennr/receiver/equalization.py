"""TS 38.211 §6.3.1 / §7.3.1 receiver side: per-RE MIMO equalisation of the shared-channel layers.

Model per resource element: ``y = H x + n`` with ``y [R]``, ``H [R, v]`` (the effective channel of
the ``v`` layers, e.g. from :func:`opennr.receiver.dmrs_channel_estimate`), unit-energy symbols
``E[x x^H] = I`` and white noise ``E[n n^H] = sigma^2 I``. Both equalisers return per-layer symbol
estimates and the variance of the remaining error, which is what a soft demapper
(:func:`opennr.modulation.demodulate_soft`) needs as its noise variance.

* ZF: ``x_hat = (H^H H)^-1 H^H y``; ``noise_var_eff_i = sigma^2 [(H^H H)^-1]_ii``.
* Unbiased LMMSE: ``C = (H^H H + sigma^2 I)^-1``, ``x_mmse = C H^H y``; its gain on layer ``i`` is
  ``g_i = [C H^H H]_ii = 1 - sigma^2 C_ii``; ``x_hat_i = x_mmse_i / g_i`` and
  ``noise_var_eff_i = (1 - g_i) / g_i`` (= 1 / SINR_i).

One and two layers use closed forms; more layers a batched ``numpy.linalg.inv``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["lmmse_equalize", "zf_equalize"]

_CLAUSE = "TS 38.211 §6.3.1 / §7.3.1 (receiver)"


def _check(y, h, noise_var):
    y = np.asarray(y)
    h = np.asarray(h)
    for name, arr in (("y", y), ("h", h)):
        if not (np.issubdtype(arr.dtype, np.complexfloating) or np.issubdtype(arr.dtype, np.floating)):
            raise TypeError(f"{name} must be a complex (or real) floating-point array, got dtype {arr.dtype}")
    if y.ndim < 2:
        raise ValueError(f"y must have shape [..., R, N], got shape {y.shape} ({_CLAUSE})")
    if h.ndim < 3 or h.shape[-3] != y.shape[-2] or h.shape[-1] != y.shape[-1]:
        raise ValueError(f"h must have shape [..., R, v, N] with R = {y.shape[-2]} and N = {y.shape[-1]} "
                         f"matching y {y.shape}, got shape {h.shape} ({_CLAUSE})")
    nv = np.asarray(noise_var)
    if not (np.issubdtype(nv.dtype, np.floating) or np.issubdtype(nv.dtype, np.integer)):
        raise TypeError(f"noise_var must be a real number or array, got dtype {nv.dtype}")
    for name, arr in (("y", y), ("h", h), ("noise_var", nv)):
        if arr.size and not np.isfinite(arr).all():
            raise ValueError(f"{name} contains NaN or infinite values ({_CLAUSE})")
    if nv.size and nv.min() < 0:
        raise ValueError(f"noise_var must be >= 0, got minimum {nv.min()} ({_CLAUSE})")
    batch = np.broadcast_shapes(y.shape[:-2], h.shape[:-3])
    try:
        nv = np.broadcast_to(nv, batch + (y.shape[-1],))
    except ValueError:
        raise ValueError(f"noise_var of shape {nv.shape} must broadcast to [..., N] = "
                         f"{batch + (y.shape[-1],)} (pass a per-slot [...] estimate as noise_var[..., None])"
                         ) from None
    y = np.broadcast_to(y, batch + y.shape[-2:])
    h = np.broadcast_to(h, batch + h.shape[-3:])
    return y.astype(np.complex128), h.astype(np.complex128), nv.astype(np.float64)


def _gram(y, h):
    """``A = H^H H`` as [..., v, v, N] and ``z = H^H y`` as [..., v, N]."""
    a = np.einsum("...rin,...rjn->...ijn", h.conj(), h)
    z = np.einsum("...rin,...rn->...in", h.conj(), y)
    return a, z


def _inverse(a, load):
    """``(A + load I)^-1`` of Hermitian [..., v, v, N] matrices; ``load`` [..., N]."""
    v = a.shape[-2]
    if v == 1:
        return 1.0 / (a + load[..., None, None, :])
    if v == 2:
        a00 = a[..., 0, 0, :].real + load
        a11 = a[..., 1, 1, :].real + load
        a01 = a[..., 0, 1, :]
        det = a00 * a11 - np.abs(a01) ** 2
        out = np.empty_like(a)
        out[..., 0, 0, :] = a11 / det
        out[..., 1, 1, :] = a00 / det
        out[..., 0, 1, :] = -a01 / det
        out[..., 1, 0, :] = -a01.conj() / det
        return out
    m = np.moveaxis(a, -1, -3) + load[..., :, None, None] * np.eye(v)
    return np.moveaxis(np.linalg.inv(m), -3, -1)


def zf_equalize(y, h, noise_var=0.0):
    """TS 38.211 §6.3.1 / §7.3.1 (receiver): zero-forcing equalisation per resource element.

    ``y [..., R, N], h [..., R, v, N] -> x_hat [..., v, N], noise_var_eff [..., v, N]``.

    Parameters
    ----------
    y : array_like of complex, shape [..., R, N]
        Received samples of ``N`` REs on ``R`` antennas.
    h : array_like of complex, shape [..., R, v, N]
        Channel of the ``v`` layers at those REs (``v <= R``, full column rank).
    noise_var : float or array_like, default 0.0
        ``sigma^2`` per RE, broadcastable to ``[..., N]``; only scales ``noise_var_eff``.

    Returns
    -------
    x_hat : numpy.ndarray of complex64, shape [..., v, N]
        ``(H^H H)^-1 H^H y``.
    noise_var_eff : numpy.ndarray of float32, shape [..., v, N]
        ``sigma^2 [(H^H H)^-1]_ii``: variance of the error ``x_hat - x`` per layer.

    Raises
    ------
    TypeError, ValueError
        Wrong dtype, mismatched shapes, NaN/inf, negative noise variance.

    Notes
    -----
    A rank-deficient ``H`` gives infinite or NaN outputs; use :func:`lmmse_equalize` there.

    Examples
    --------
    >>> h = np.array([[[1.0, 0.5]], [[0.2j, 1.0]]], np.complex64).transpose(0, 2, 1)  # [R=2, v=2, N=1]
    >>> x = np.array([[1 + 1j], [-1 + 1j]]) / np.sqrt(2)                               # [v=2, N=1]
    >>> y = np.einsum("rvn,vn->rn", h, x)
    >>> x_hat, nv = zf_equalize(y, h, 0.1)
    >>> bool(np.allclose(x_hat, x, atol=1e-6)), nv.shape
    (True, (2, 1))
    """
    y, h, nv = _check(y, h, noise_var)
    a, z = _gram(y, h)
    c = _inverse(a, np.zeros(a.shape[:-3] + (a.shape[-1],)))
    x = np.einsum("...ijn,...jn->...in", c, z)
    diag = np.diagonal(c, axis1=-3, axis2=-2).real  # [..., N, v]
    nv_eff = np.moveaxis(diag, -1, -2) * nv[..., None, :]
    return x.astype(np.complex64), nv_eff.astype(np.float32)


def lmmse_equalize(y, h, noise_var):
    """TS 38.211 §6.3.1 / §7.3.1 (receiver): unbiased LMMSE equalisation per resource element.

    ``y [..., R, N], h [..., R, v, N] -> x_hat [..., v, N], noise_var_eff [..., v, N]``.

    Parameters
    ----------
    y : array_like of complex, shape [..., R, N]
    h : array_like of complex, shape [..., R, v, N]
    noise_var : float or array_like
        ``sigma^2`` per RE, broadcastable to ``[..., N]`` (from a :class:`ChannelEstimate` of shape
        ``[...]``: ``noise_var[..., None]``). Symbols are assumed of unit energy.

    Returns
    -------
    x_hat : numpy.ndarray of complex64, shape [..., v, N]
        ``x_mmse_i / g_i`` with ``x_mmse = (H^H H + sigma^2 I)^-1 H^H y`` and
        ``g_i = 1 - sigma^2 [(H^H H + sigma^2 I)^-1]_ii`` (unbiased: ``E[x_hat_i | x_i] = x_i``).
    noise_var_eff : numpy.ndarray of float32, shape [..., v, N]
        ``(1 - g_i) / g_i``: variance of the error (noise plus inter-layer interference) of
        ``x_hat_i``, i.e. ``1 / SINR_i``.

    Raises
    ------
    TypeError, ValueError
        Wrong dtype, mismatched shapes, NaN/inf, negative noise variance.

    Notes
    -----
    With ``sigma^2 = 0`` this is zero forcing. The LMMSE estimate has a lower mean-square error than
    ZF; unbiasing rescales it by ``1/g_i`` without changing the SINR.

    Examples
    --------
    >>> h = np.ones((1, 1, 3), np.complex64) * 2    # [R=1, v=1, N=3]
    >>> y = 2 * np.array([[1, -1, 1j]], np.complex64)
    >>> x_hat, nv = lmmse_equalize(y, h, 0.4)
    >>> np.round(x_hat, 6).tolist(), bool(np.allclose(nv, 0.1))   # sigma^2 / |h|^2 = 0.1
    ([[(1+0j), (-1+0j), 1j]], True)
    """
    y, h, nv = _check(y, h, noise_var)
    a, z = _gram(y, h)
    c = _inverse(a, nv)
    x = np.einsum("...ijn,...jn->...in", c, z)
    e = np.moveaxis(np.diagonal(c, axis1=-3, axis2=-2).real, -1, -2) * nv[..., None, :]  # sigma^2 C_ii
    g = 1.0 - e
    with np.errstate(divide="ignore", invalid="ignore"):
        x_hat = x / g
        nv_eff = e / g
    return x_hat.astype(np.complex64), nv_eff.astype(np.float32)
