"""Market signals and their diffusion (MODEL.md §6.1; seed 003).

A signal is a demand shift in one (market, segment) or the opening of a market. Firms learn of
it by their own or pooled research and by an independent cascade over ties and the structure:
an aware firm passes it over a strong tie with ``p_strong``, over a weak tie with ``p_weak``,
over a structure link with ``p_structure``; a star's aware centre reaches each member with
``p_hub``. Own dissemination raises a sender's tie probability: ``1 − (1 − p)(1 − d_j)``.
The survival probability of an unaware firm is a product over aware neighbours, computed as one
sparse matrix product of log-probabilities for all tracked signals at once.
Aware firms act (adapt) with probability equal to their market orientation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from clustermarketing.engine import kernels
from clustermarketing.engine.state import State, World
from clustermarketing.engine.streams import Draws
from clustermarketing.engine.structures import Structure
from clustermarketing.scenario.dynamics import DiffusionConfig


@dataclass(frozen=True)
class Signals:
    """The signal slots after this period (new arrays) and the signals closed this period."""

    sig_active: np.ndarray
    sig_start: np.ndarray
    sig_market: np.ndarray
    sig_segment: np.ndarray
    sig_new_market: np.ndarray
    sig_t90: np.ndarray
    aware: np.ndarray
    adapted: np.ndarray
    closed: list[tuple[int, int]]

    def fields(self) -> dict[str, np.ndarray]:
        """The state fields to write back."""
        return {k: v for k, v in self.__dict__.items() if k != "closed"}


def arrive(*, state: State, world: World, cfg: DiffusionConfig, u: np.ndarray) -> Signals:
    """Close expired signals and maybe start a new one (u: 4 uniforms from the signal stream)."""
    t = state.t
    sig = {f: getattr(state, f).copy() for f in _FIELDS}
    closed: list[tuple[int, int]] = []
    # close signals whose window ended
    ended = sig["sig_active"] & (t - sig["sig_start"] >= cfg.signal_window)
    for k in np.flatnonzero(ended):
        closed.append((int(sig["sig_start"][k]), int(sig["sig_t90"][k])))
    sig["sig_active"] &= ~ended
    if u[0] < cfg.signal_rate:
        free = np.flatnonzero(~sig["sig_active"])
        k = int(free[0]) if free.size else int(np.argmin(sig["sig_start"]))
        if sig["sig_active"][k]:
            closed.append((int(sig["sig_start"][k]), int(sig["sig_t90"][k])))
        sig["sig_active"][k] = True
        sig["sig_start"][k] = t
        sig["sig_market"][k] = min(int(u[1] * world.n_markets), world.n_markets - 1)
        sig["sig_segment"][k] = min(int(u[2] * world.n_segments), world.n_segments - 1)
        sig["sig_new_market"][k] = u[3] < cfg.new_market_share
        sig["sig_t90"][k] = -1
        sig["aware"][:, k] = False
        sig["adapted"][:, k] = False
    return Signals(**sig, closed=closed)


_FIELDS = (
    "sig_active",
    "sig_start",
    "sig_market",
    "sig_segment",
    "sig_new_market",
    "sig_t90",
    "aware",
    "adapted",
)


def spread(
    *,
    state: State,
    world: World,
    cfg: DiffusionConfig,
    structure: Structure | None,
    tie_log: sp.csr_matrix,
    detect_own: np.ndarray,
    detect_hub: float,
    dissemination_own: np.ndarray,
    dissemination_pooled: float,
    d: Draws,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One period of detection, cascade and adaptation for every tracked signal.

    ``detect_own`` (n,) is each firm's detection probability from its own research;
    ``detect_hub`` the cooperative's (pooled research). Draws come from ``d``, one stream per
    use and signal slot, so both arms of a comparison see the same numbers. Returns the new
    ``(aware, adapted, sig_t90)``.
    """
    aware = state.aware.copy()
    adapted = state.adapted.copy()
    t90 = state.sig_t90.copy()
    if not state.sig_active.any():
        return aware, adapted, t90
    act = state.sig_active
    n = world.n
    alive = state.active
    n_alive = max(1, int(alive.sum()))
    fast = kernels.compiled()
    # only signals that some live firm has not heard of yet need the cascade
    cols = np.flatnonzero(act & (_alive_counts(aware[:n], alive, fast) < n_alive))
    if cols.size:
        prev = state.aware  # awareness before this period (aware is written below)
        # detection
        p_det = 1.0 - (1.0 - cfg.base_detection) * (1.0 - detect_own)
        ld = None
        if np.any(dissemination_own > 0):
            # sender j's own dissemination multiplies its ties' survival by (1 − d_j)
            ld = np.log1p(-np.minimum(dissemination_own, 1 - 1e-12))
        hub_col = hub_add = extra = None
        if structure is not None and structure.links:
            ps = 1.0 - (1.0 - cfg.p_structure) * (1.0 - dissemination_pooled)
            ph = 1.0 - (1.0 - cfg.p_hub) * (1.0 - dissemination_pooled)
            hub_send = prev[n, cols].astype(np.float64)
            if structure.hub_edges:
                # star: the centre broadcasts with p_hub; members report back with p_structure
                hub_col = structure.hub_linked
                hub_add = np.log1p(-min(ph, 1 - 1e-12)) * hub_send
            else:
                send = prev[:n, cols] * alive.astype(np.float64)[:, None]
                a_send = np.vstack([send, hub_send[None, :]])
                full = structure.adj @ (a_send * np.log1p(-min(ps, 1 - 1e-12)))
                extra = full[:n]
                hub_p = 1.0 - np.exp(full[n])
        newly, _, reporters = cascade(
            tie_log=tie_log,
            prev=prev,
            alive=alive,
            cols=cols,
            ld=ld,
            hub_col=hub_col,
            hub_add=hub_add,
            extra=extra,
            p_det=p_det,
            u_detect=d.columns("detect", cols),
            u_spread=d.columns("spread", cols),
        )
        if structure is not None and structure.links:
            if structure.hub_edges:
                hub_p = 1.0 - (1.0 - ps) ** reporters
            hub_p = 1.0 - (1.0 - hub_p) * (1.0 - detect_hub)
            if state.hub_alive:
                aware[n, cols] |= d.uniform("hub", state.sig_active.size)[cols] < hub_p
        if fast:
            kernels.or_columns_kernel(aware, cols, newly)
        else:
            aware[:n, cols] |= newly
    # adaptation: aware firms act with probability = market orientation
    acting = np.flatnonzero(act)
    if fast:
        if kernels.any_tries_kernel(aware, adapted, alive, acting):
            u_act = d.columns("act", acting)
            kernels.adapt_kernel(aware, adapted, alive, acting, u_act, world.mo)
    else:
        tries = aware[:n, acting] & ~adapted[:, acting] & alive[:, None]
        if tries.any():
            adapted[:, acting] |= tries & (d.columns("act", acting) < world.mo[:, None])
    # time to 90% awareness
    frac = _alive_counts(aware[:n], alive, fast) / n_alive
    hit = act & (t90 < 0) & (frac >= 0.9)
    t90[hit] = state.t - state.sig_start[hit]
    return aware, adapted, t90


def _alive_counts(aware: np.ndarray, alive: np.ndarray, fast: bool) -> np.ndarray:
    """How many live firms know each signal slot (float64 counts)."""
    if fast:
        return kernels.alive_counts_kernel(aware, alive)
    return alive.astype(np.float64) @ aware


def cascade(
    *,
    tie_log: sp.csr_matrix,
    prev: np.ndarray,
    alive: np.ndarray,
    cols: np.ndarray,
    ld: np.ndarray | None,
    hub_col: np.ndarray | None,
    hub_add: np.ndarray | None,
    extra: np.ndarray | None,
    p_det: np.ndarray,
    u_detect: np.ndarray,
    u_spread: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Detection and the tie cascade for the signal slots ``cols``.

    ``prev`` (n + 1, K) is the awareness before this period; the live firms' log-probability of
    not hearing a signal is ``Σ_j (tie_log_ij + ld_j) prev_j alive_j`` (``ld`` the senders' own
    dissemination ``log(1 − d_j)``, or None), plus the star centre's ``hub_col_i hub_add_c`` or
    the structure's ``extra_ic``. A live firm learns the signal if its detection draw is below
    ``p_det`` or its spread draw below ``1 − survival``. Returns ``(newly, log_surv, reporters)``:
    ``newly`` (n, len(cols)) the firms that learn it, ``reporters`` (star only) the live aware
    members linked to the centre. The compiled path (:func:`.kernels.cascade_kernel`) computes
    ``log_surv`` and ``reporters`` in one pass (``log_surv`` is left 0 for dead firms and may be
    for firms that knew the signal already, whose outcome it cannot change); the thresholds
    are the same NumPy expressions on both paths.
    """
    use_hub = hub_add is not None
    if kernels.compiled():
        empty = np.zeros(0)
        log_surv, reporters = kernels.cascade_kernel(
            tie_log.indptr,
            tie_log.indices,
            tie_log.data,
            empty if ld is None else ld,
            ld is not None,
            prev,
            alive,
            cols,
            hub_col if use_hub else np.zeros(0, dtype=bool),
            hub_add if use_hub else empty,
            use_hub,
            np.zeros((0, 0)) if extra is None else np.ascontiguousarray(extra),
            extra is not None,
        )
        # the reference's thresholds with fewer temporaries (the same values, compared alike)
        threshold = np.expm1(log_surv)
        np.negative(threshold, out=threshold)
        newly = kernels.newly_aware_kernel(
            threshold,
            u_spread,
            u_detect,
            kernels.per_firm(p_det, alive.size),
            alive,
        )
        return newly, log_surv, (reporters if use_hub else None)
    n = alive.size
    alive_f = alive.astype(np.float64)
    send = prev[:n, cols] * alive_f[:, None]
    newly = (u_detect < p_det[:, None]) & alive[:, None]
    # tie cascade: log survival = Σ_j (W_s log(1−p_s) + W_w log(1−p_w))_ij a_j + Σ_j W_ij a_j log(1−d_j)
    if ld is not None:
        # fold the senders' dissemination into the weights (tie_log has the ties' sparsity
        # pattern) and do one product
        weighted = tie_log.copy()
        weighted.data += ld[tie_log.indices]
        log_surv = weighted @ send
    else:
        log_surv = tie_log @ send
    reporters = None
    if use_hub:
        log_surv += np.outer(hub_col, hub_add)
        reporters = hub_col.astype(np.float64) @ send
    if extra is not None:
        log_surv += extra
    newly |= (u_spread < -np.expm1(log_surv)) & alive[:, None]
    return newly, log_surv, reporters


def tie_log_matrix(world: World, cfg: DiffusionConfig) -> sp.csr_matrix:
    """``W_s log(1 − p_strong) + W_w log(1 − p_weak)``: one matrix for the tie cascade."""
    ls = np.log1p(-min(cfg.p_strong, 1 - 1e-12))
    lw = np.log1p(-min(cfg.p_weak, 1 - 1e-12))
    strong, weak = world.strong, world.weak
    if kernels.compiled() and strong.has_sorted_indices and weak.has_sorted_indices:
        # one merge of the two matrices' sorted rows, no sum of sparse matrices and no sort
        ptr, idx, data = kernels.tie_log_kernel(
            strong.indptr, strong.indices, strong.data, weak.indptr, weak.indices, weak.data,
            float(ls), float(lw),
        )  # fmt: skip
        return sp.csr_matrix((data, idx, ptr), shape=strong.shape, copy=False)
    # keep every tie as an entry even where its weight is 0 (own dissemination is folded in later)
    kind = (strong + 2.0 * weak).tocsr()  # 1 strong, 2 weak: the two never overlap
    kind.sort_indices()
    out = kind.copy()
    out.data = np.where(kind.data == 1.0, ls, lw)
    return out


def awareness_share(state: State) -> float:
    """Mean share of active firms aware of the currently tracked signals."""
    if not state.sig_active.any():
        return float("nan")
    n = state.active.size
    n_alive = int(state.active.sum())
    if not n_alive:
        return float("nan")
    counts = state.active.astype(np.float64) @ state.aware[:n]
    return float(counts[state.sig_active].mean() / n_alive)
