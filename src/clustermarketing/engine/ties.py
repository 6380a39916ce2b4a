"""Strong and weak ties: generated with geographic proximity, or read from an edge list.

Firms sit on a ring in slot order (a one-dimensional geography). A tie is local with probability
``proximity``: its partner is drawn from a window of ``locality × n`` firms around the firm;
otherwise the partner is uniform over all firms. A clustered industry (high degree, high
proximity) gets dense, triangle-rich local ties; a dispersed one sparse random ties (seed 003).
Reserved entrant slots get their ties at build time too, so entry needs no matrix surgery.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp


def _symmetric(rows: np.ndarray, cols: np.ndarray, n: int) -> sp.csr_matrix:
    keep = rows != cols
    r = np.concatenate([rows[keep], cols[keep]])
    c = np.concatenate([cols[keep], rows[keep]])
    m = sp.csr_matrix((np.ones(r.size, dtype=np.float64), (r, c)), shape=(n, n))
    m.sum_duplicates()
    m.data[:] = 1.0
    return m


def generate_ties(
    n: int,
    mean_degree: float,
    proximity: float,
    locality: float,
    rng: np.random.Generator,
    n_initial: int | None = None,
) -> sp.csr_matrix:
    """A symmetric 0/1 tie matrix over ``n`` slots.

    The first ``n_initial`` firms get ``mean_degree`` ties on average among themselves. Each
    reserved entrant slot ``i`` brings its own ``Poisson(mean_degree)`` ties to slots before it,
    local (around a random incumbent it settles next to) with probability ``proximity``, so an
    entrant is as embedded as an incumbent and incumbents' degrees are not diluted by empty slots.

    >>> t = generate_ties(200, 6.0, 0.8, 0.05, np.random.default_rng(1))
    >>> bool((t != t.T).nnz == 0), bool(t.diagonal().sum() == 0)  # symmetric, no self-ties
    (True, True)
    """
    n0 = n if n_initial is None else min(n, n_initial)
    if n < 2 or mean_degree <= 0:
        return sp.csr_matrix((n, n))
    # a neighbourhood is wide enough to hold a firm's ties (else they would collapse into duplicates)
    half = max(1.0, locality * n0 / 2.0, 1.5 * mean_degree)
    # incumbents: each initiates ~ degree/2 ties so that the symmetric degree averages `mean_degree`
    k = rng.poisson(mean_degree / 2.0, size=n0)
    src = np.repeat(np.arange(n0), k)
    offset = np.rint(rng.uniform(-half, half, size=src.size)).astype(np.int64)
    offset[offset == 0] = 1
    local = rng.random(src.size) < proximity
    dst = np.where(local, (src + offset) % n0, rng.integers(0, n0, size=src.size))
    # entrants: ties to earlier slots only
    ke = rng.poisson(mean_degree, size=n - n0)
    esrc = np.repeat(np.arange(n0, n), ke)
    anchor = (rng.random(esrc.size) * np.minimum(esrc, n0)).astype(np.int64)
    eoff = np.rint(rng.uniform(-half, half, size=esrc.size)).astype(np.int64)
    elocal = rng.random(esrc.size) < proximity
    far = (rng.random(esrc.size) * esrc).astype(np.int64)
    edst = np.where(elocal, (anchor + eoff) % n0, far)
    return _symmetric(np.concatenate([src, esrc]), np.concatenate([dst, edst]), n)


def edgelist_ties(df: pd.DataFrame, n: int) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """Strong and weak tie matrices from a checked edge list (see scenario.inputs)."""
    out = []
    for kind in ("strong", "weak"):
        part = df[df["kind"] == kind]
        out.append(_symmetric(part["source"].to_numpy(), part["target"].to_numpy(), n))
    return out[0], out[1]
