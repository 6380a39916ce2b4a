"""Strong and weak ties: generated with geographic proximity, or read from an edge list.

Firms sit on a ring in slot order (a one-dimensional geography). A tie is local with probability
``proximity``: its partner is drawn from a window of ``locality × n`` slots around the firm;
otherwise the partner is uniform over all slots. A clustered industry (high degree, high
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
    n: int, mean_degree: float, proximity: float, locality: float, rng: np.random.Generator
) -> sp.csr_matrix:
    """A symmetric 0/1 tie matrix with the given mean degree and share of local ties."""
    if n < 2 or mean_degree <= 0:
        return sp.csr_matrix((n, n))
    # each firm initiates ~ degree/2 ties so that the symmetric degree averages `mean_degree`
    k = rng.poisson(mean_degree / 2.0, size=n)
    src = np.repeat(np.arange(n), k)
    m = src.size
    local = rng.random(m) < proximity
    half = max(1.0, locality * n / 2.0)
    offset = np.rint(rng.uniform(-half, half, size=m)).astype(np.int64)
    offset[offset == 0] = 1
    far = rng.integers(0, n, size=m)
    dst = np.where(local, (src + offset) % n, far)
    return _symmetric(src, dst, n)


def edgelist_ties(df: pd.DataFrame, n: int) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """Strong and weak tie matrices from a checked edge list (see scenario.inputs)."""
    out = []
    for kind in ("strong", "weak"):
        part = df[df["kind"] == kind]
        out.append(_symmetric(part["source"].to_numpy(), part["target"].to_numpy(), n))
    return out[0], out[1]
