"""Compiled kernels (numba) for the engine's hottest loops, with the NumPy code as reference.

Each kernel computes exactly what its NumPy reference computes, fused into one pass over the
arrays instead of a chain of temporaries: the same arithmetic in the same order, and the
transcendental functions (``exp``, ``log1p``, ``expm1``) left to NumPy between compiled passes
(NumPy's SIMD routines differ from the C library's that numba calls in the last bit, and are
faster). So the two paths give the same results to the bit: ``tests/test_kernels.py`` checks each
kernel on random inputs and whole runs of every preset (byte-identical summary JSON). The backend
is chosen once per process:

* ``CLUSTERMARKETING_KERNELS=numpy`` (environment) or :func:`set_backend` ``("numpy")`` — the
  NumPy reference path;
* ``numba`` (default when numba imports) — the compiled path. Compilation is cached on disk
  (``cache=True``), so only the first run on a machine pays it.
"""

from __future__ import annotations

import os

import numpy as np

try:  # numba is a regular dependency; keep the engine usable if it cannot load here
    import numba as _nb

    _HAVE_NUMBA = True
except ImportError:  # pragma: no cover - exercised only without numba
    _nb = None
    _HAVE_NUMBA = False

_BACKEND = os.environ.get("CLUSTERMARKETING_KERNELS", "numba" if _HAVE_NUMBA else "numpy")
if _BACKEND not in ("numpy", "numba"):
    raise ValueError(f"CLUSTERMARKETING_KERNELS: {_BACKEND!r}; expected 'numpy' or 'numba'")
if _BACKEND == "numba" and not _HAVE_NUMBA:  # pragma: no cover
    _BACKEND = "numpy"


def backend() -> str:
    """The backend in use: ``"numba"`` or ``"numpy"``."""
    return _BACKEND


def set_backend(name: str) -> None:
    """Use the ``"numba"`` kernels or the ``"numpy"`` reference from now on (this process)."""
    global _BACKEND
    if name not in ("numpy", "numba"):
        raise ValueError(f"backend: {name!r}; expected 'numpy' or 'numba'")
    if name == "numba" and not _HAVE_NUMBA:
        raise ValueError("backend 'numba': numba is not installed")
    _BACKEND = name


def compiled() -> bool:
    """Whether the compiled kernels are in use."""
    return _BACKEND == "numba"


def per_firm(x, n: int) -> np.ndarray:
    """``x`` (a scalar or an ``(n,)`` array) as the C-contiguous float64 ``(n,)`` array the
    kernels take (a hook may return a scalar where it changes nothing).

    The two common cases skip ``broadcast_to`` (≈10 µs a call, ~27 calls a period: a tenth of a
    small cluster's period) and return what it would: a read-only view of a float64 array (so a
    kernel keeps one compiled signature) or a new writable array for a scalar.
    """
    if type(x) is np.ndarray:
        if x.dtype == np.float64 and x.shape == (n,) and x.flags.c_contiguous:
            view = x.view()
            view.flags.writeable = False
            return view
    elif isinstance(x, float | int | np.floating | np.integer):
        return np.full(n, x, dtype=np.float64)
    return np.ascontiguousarray(np.broadcast_to(np.asarray(x, dtype=np.float64), (n,)))


def uncached_kernels() -> list[str]:
    """Names of the compiled kernels whose first call will compile (no usable on-disk cache).

    Empty on the NumPy path, when every kernel is cached, or when numba's cache cannot be read
    (then nobody is told to wait for nothing). The command line uses it to say why the first run
    after an install pauses for several seconds (docs/performance.md, "First call").
    """
    if not compiled():
        return []
    try:
        from numba.core.registry import CPUDispatcher

        return sorted(
            name
            for name, fn in globals().items()
            if isinstance(fn, CPUDispatcher)
            and not fn.signatures
            # numba's own index of cached overloads (empty when missing or stale)
            and not fn._cache._cache_file._load_index()
        )
    except Exception:  # a private API of numba: unknown means "say nothing"
        return []


def _njit(f):
    if not _HAVE_NUMBA:  # pragma: no cover
        return f
    # error_model='numpy': IEEE results (inf/nan) as in the NumPy reference, no Python checks
    return _nb.njit(cache=True, fastmath=False, nogil=True, error_model="numpy")(f)


@_njit
def pricing_start_kernel(p0: np.ndarray, cost: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The pricing game's start: the warm-start price, at least the markup floor ``c + 1/b``."""
    n = cost.size
    p = np.empty(n)
    for k in range(n):
        floor = cost[k] + 1.0 / b[k]
        p[k] = p0[k] if p0[k] > floor else floor
    return p


@_njit
def exponent_kernel(delta: np.ndarray, b: np.ndarray, p: np.ndarray, cap: float, out: np.ndarray):
    """``out = min(δ − b p, cap)`` per pair (``cap = inf`` for none), in place. The ``exp`` that
    follows is NumPy's: its SIMD routine is ~8× faster than the C library's scalar ``exp`` that
    numba calls, and it is the reference's, so results agree to the bit."""
    for k in range(p.size):
        x = delta[k] - b[k] * p[k]
        out[k] = cap if x > cap else x


@_njit
def pricing_step_kernel(
    ev: np.ndarray,
    cost: np.ndarray,
    b: np.ndarray,
    p: np.ndarray,
    group: np.ndarray,
    exp_u0: np.ndarray,
    members: np.ndarray,
    cartel: bool,
    share: np.ndarray,
    step: np.ndarray,
    sums: np.ndarray,
    msum: np.ndarray,
) -> float:
    """One ζ-markup step of :func:`.pricing.solve_packed` from ``ev = e^{δ − b p}``: the group
    sums (in pair order, as ``bincount``), the logit shares, the cartel members' share sums, the
    step ``c + 1/b + s (p − c) − p`` (into ``step``) and its max-norm (returned)."""
    n = ev.size
    sums[:] = 0.0
    for k in range(n):
        sums[group[k]] += ev[k]
    if cartel:
        msum[:] = 0.0
    for k in range(n):
        share[k] = ev[k] / (exp_u0[group[k]] + sums[group[k]])
        if cartel and members[k]:
            msum[group[k]] += share[k]
    gap = 0.0
    for k in range(n):
        own = msum[group[k]] if (cartel and members[k]) else share[k]
        st = cost[k] + 1.0 / b[k] + own * (p[k] - cost[k]) - p[k]
        step[k] = st
        a = abs(st)
        if a > gap:
            gap = a
    return gap


@_njit
def pricing_update_kernel(p: np.ndarray, step: np.ndarray, damping: float) -> None:
    """``p += damping · step`` in place."""
    for k in range(p.size):
        p[k] += damping * step[k]


@_njit
def group_shares_kernel(
    ev: np.ndarray, group: np.ndarray, exp_u0: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Logit shares ``ev / (e^{u0} + Σ_group ev)`` and the group sums (in pair order)."""
    n = ev.size
    sums = np.zeros(exp_u0.size)
    for k in range(n):
        sums[group[k]] += ev[k]
    share = np.empty(n)
    for k in range(n):
        share[k] = ev[k] / (exp_u0[group[k]] + sums[group[k]])
    return share, sums


@_njit
def best_response_step_kernel(
    e: np.ndarray, cost: np.ndarray, b: np.ndarray, others: np.ndarray, p: np.ndarray
) -> float:
    """One sweep of the best responses of :func:`.deviation.best_response_prices` from
    ``e = e^{min(δ − b p, 700)}``: share ``e / (others + e)``, ``p ← c + 1/b + s (p − c)`` in
    place; returns the largest change."""
    worst = 0.0
    for k in range(p.size):
        s = e[k] / (others[k] + e[k])
        new = cost[k] + 1.0 / b[k] + s * (p[k] - cost[k])
        d = abs(new - p[k])
        if d > worst:
            worst = d
        p[k] = new
    return worst


@_njit
def plan_kernel(
    order: np.ndarray,
    fixed: np.ndarray,
    var_intensity: np.ndarray,
    pooled: np.ndarray,
    output: np.ndarray,
    budget: np.ndarray,
    active: np.ndarray,
    member: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The percentage-of-sales plan of :func:`.functions.plan_functions`, fused per function."""
    n_f = fixed.size
    n = output.size
    alone = np.empty((n_f, n), dtype=np.bool_)
    outside = np.empty((n_f, n), dtype=np.bool_)
    own_cost = np.zeros(n)
    outside_cost = np.zeros(n)
    spent = np.zeros(n)
    # function by function over all firms (each firm's running total in the same order as the
    # reference): streaming loops over the firm arrays, which run about twice as fast as nine
    # strided rows per firm
    for jj in range(n_f):
        j = order[jj]
        f = fixed[j]
        v = var_intensity[j]
        pj = pooled[j]
        for i in range(n):
            c = f + v * output[i]
            sp = spent[i] + c
            spent[i] = sp
            # bitwise and selects, no branches on the firms' random flags; adding 0.0 where a
            # function is not run is what the reference's np.where does
            runs_outside = (sp <= budget[i]) & active[i]
            outside[j, i] = runs_outside
            outside_cost[i] += c if runs_outside else 0.0
            runs = runs_outside & (not (pj & member[i]))
            alone[j, i] = runs
            own_cost[i] += c if runs else 0.0
    return alone, outside, own_cost, outside_cost


@_njit
def alive_counts_kernel(aware: np.ndarray, alive: np.ndarray) -> np.ndarray:
    """Per signal slot, how many live firms know it (``alive @ aware[:n]``, exact counts)."""
    n = alive.size
    k_sig = aware.shape[1]
    cnt = np.zeros(k_sig, dtype=np.int64)
    for i in range(n):
        if alive[i]:
            for k in range(k_sig):
                cnt[k] += aware[i, k]
    return cnt.astype(np.float64)


@_njit
def cascade_kernel(
    indptr: np.ndarray,
    indices: np.ndarray,
    data: np.ndarray,
    ld: np.ndarray,
    use_ld: bool,
    prev: np.ndarray,
    alive: np.ndarray,
    cols: np.ndarray,
    hub_col: np.ndarray,
    hub_add: np.ndarray,
    use_hub: bool,
    extra: np.ndarray,
    use_extra: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """The log-survival of :func:`.signals.cascade`: one pass over the senders, one over the ties.

    The first pass packs, per sender ``j``, ``ld_j`` and the flags ``prev[j, cols] · alive_j``
    (0/1 floats: the reference's ``send``) into one row, so that each tie entry touches one cache
    line, and counts the star's reporters (live aware members linked to the centre). The second
    pass gives each live firm ``i`` and slot ``c`` the sum ``Σ_k (data_k + ld_j) send_jc`` in CSR
    order, term for term the reference's sparse product with the dissemination folded into the
    weights (no copy of the matrix, no gather of ``ld``), plus the star's ``hub_col_i hub_add_c``
    or the structure's ``extra_ic``. The sum is skipped (left 0) for dead firms and for firms
    that already know the slots of the pass (their survival decides nothing: ``aware |= newly``);
    there the result differs from the reference, everywhere else it is the same to the bit.
    """
    n = alive.size
    m = cols.size
    src = np.empty((n, m + 1))
    reporters = np.zeros(m)
    for j in range(n):
        src[j, 0] = ld[j] if use_ld else 0.0
        a = 1.0 if alive[j] else 0.0
        for c in range(m):
            src[j, c + 1] = a if prev[j, cols[c]] else 0.0
        if use_hub and hub_col[j]:
            for c in range(m):
                reporters[c] += src[j, c + 1]
    log_surv = np.zeros((n, m))
    # slots two at a time with scalar accumulators (a loop over a runtime width is much slower)
    for c0 in range(0, m, 2):
        pair = c0 + 1 < m
        for i in range(n):
            if not alive[i] or (prev[i, cols[c0]] and (not pair or prev[i, cols[c0 + 1]])):
                continue  # dead, or knows the slots already: its survival decides nothing
            a0 = 0.0
            a1 = 0.0
            for kk in range(indptr[i], indptr[i + 1]):
                j = np.uint32(indices[kk])  # unsigned: no negative-index wraparound check
                w = data[kk] + src[j, 0] if use_ld else data[kk]
                a0 += w * src[j, c0 + 1]
                if pair:
                    a1 += w * src[j, c0 + 2]
            log_surv[i, c0] = a0
            if pair:
                log_surv[i, c0 + 1] = a1
    if use_hub or use_extra:
        for i in range(n):
            hub = 1.0 if (use_hub and hub_col[i]) else 0.0
            for c in range(m):
                if use_hub:
                    log_surv[i, c] += hub * hub_add[c]
                if use_extra:
                    log_surv[i, c] += extra[i, c]
    return log_surv, reporters


@_njit
def adapt_kernel(
    aware: np.ndarray,
    adapted: np.ndarray,
    alive: np.ndarray,
    acting: np.ndarray,
    u_act: np.ndarray,
    mo: np.ndarray,
) -> None:
    """Aware, live firms that have not adapted adapt with probability ``mo`` (in place)."""
    for i in range(alive.size):
        if not alive[i]:
            continue
        for c in range(acting.size):
            k = acting[c]
            adapted[i, k] |= aware[i, k] & (np.float64(u_act[i, c]) < mo[i])


@_njit
def any_tries_kernel(aware: np.ndarray, adapted: np.ndarray, alive: np.ndarray, acting) -> bool:
    """Whether some live firm knows an acting signal it has not adapted to yet."""
    for i in range(alive.size):
        if alive[i]:
            for k in acting:
                if aware[i, k] and not adapted[i, k]:
                    return True
    return False


@_njit
def market_pairs_kernel(
    flat: np.ndarray,
    m_count: int,
    n_seg: int,
    firm_cost: np.ndarray,
    scale: np.ndarray,
    brand: np.ndarray,
    promo: np.ndarray,
    quality: np.ndarray,
    log_var: np.ndarray,
    segment: np.ndarray,
    dist: np.ndarray,
    a: np.ndarray,
    brand_sens: np.ndarray,
    b: np.ndarray,
    market_cost: np.ndarray,
    xi: np.ndarray,
    price: np.ndarray,
    sig_market: np.ndarray,
    sig_segment: np.ndarray,
    sig_adapted: np.ndarray,
    signal_value: float,
    route: np.ndarray,
    use_route: bool,
):
    """The per-pair terms of :func:`.market.clear_market` before pricing, one pass over the pairs.

    Per pair ``k`` (firm ``i``, market ``m``): the extra cost ``dist_m + market_cost_im`` (+ the
    route cost), the marginal cost ``(firm_cost_i + extra) scale_i``, the persuasive utility
    ``brand_i bs_m + promo_i``, ``δ = a_m q_i + ln V_i + ξ_im`` (+ the signal bonus of each
    adapted, matching signal, added in slot order) ``+ persuasive``, the (market, segment) group,
    ``b_m`` and the warm-start price — the reference's expressions in the reference's order.
    """
    n_p = flat.size
    n_k = sig_market.size
    fi = np.empty(n_p, dtype=np.int64)
    fm = np.empty(n_p, dtype=np.int64)
    extra = np.empty(n_p)
    cost = np.empty(n_p)
    persuasive = np.empty(n_p)
    delta = np.empty(n_p)
    group = np.empty(n_p, dtype=np.int64)
    b_pair = np.empty(n_p)
    p0 = np.empty(n_p)
    for k in range(n_p):
        f = flat[k]
        i = f // m_count
        m = f - i * m_count
        fi[k] = i
        fm[k] = m
        e = dist[m] + market_cost[i, m]
        if use_route:
            e = e + route[k]
        extra[k] = e
        cost[k] = (firm_cost[i] + e) * scale[i]
        pers = brand[i] * brand_sens[m] + promo[i]
        persuasive[k] = pers
        base = a[m] * quality[i] + log_var[i] + xi[i, m]
        seg = segment[i]
        for s in range(n_k):
            # bitwise and a select (adding 0.0 changes nothing): no branch on the random flags
            hit = (sig_market[s] == m) & (sig_segment[s] == seg) & sig_adapted[i, s]
            base += signal_value if hit else 0.0
        delta[k] = base + pers
        group[k] = m * n_seg + seg
        b_pair[k] = b[m]
        p0[k] = price[i, m]
    return fi, fm, extra, cost, persuasive, delta, group, b_pair, p0


@_njit
def market_demand_kernel(
    fi: np.ndarray,
    fm: np.ndarray,
    segment: np.ndarray,
    market_size: np.ndarray,
    seg_weight: np.ndarray,
    share: np.ndarray,
    n: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Demand per pair ``size_m · weight_seg · share`` and its sum per firm (``bincount``)."""
    n_p = fi.size
    demand = np.empty(n_p)
    total = np.zeros(n)
    for k in range(n_p):
        i = fi[k]
        d = market_size[fm[k]] * seg_weight[segment[i]] * share[k]
        demand[k] = d
        total[i] += d
    return demand, total


@_njit
def market_sales_kernel(
    fi: np.ndarray,
    demand: np.ndarray,
    factor: np.ndarray,
    price: np.ndarray,
    cost: np.ndarray,
    extra: np.ndarray,
    delta: np.ndarray,
    persuasive: np.ndarray,
    b_pair: np.ndarray,
    n: int,
    route_factor: np.ndarray,
    use_route: bool,
):
    """Sales within capacity and channels and their per-firm sums, one pass over the pairs.

    ``sales = demand · factor_i`` (× ``route_factor`` where ``use_route``), ``margin = (p − c) sales``, the exponent of the fixed
    inclusive value ``δ − persuasive − b p`` (its ``exp`` stays NumPy's), and per firm the units,
    revenue ``Σ p sales`` and distribution cost ``Σ sales · extra`` in pair order (as ``bincount``).
    """
    n_p = fi.size
    sales = np.empty(n_p)
    margin = np.empty(n_p)
    fixed_arg = np.empty(n_p)
    units = np.zeros(n)
    revenue = np.zeros(n)
    distribution = np.zeros(n)
    for k in range(n_p):
        i = fi[k]
        s = demand[k] * factor[i]
        if use_route:
            s = s * route_factor[k]
        sales[k] = s
        margin[k] = (price[k] - cost[k]) * s
        fixed_arg[k] = delta[k] - persuasive[k] - b_pair[k] * price[k]
        units[i] += s
        revenue[i] += price[k] * s
        distribution[i] += s * extra[k]
    return sales, margin, fixed_arg, units, revenue, distribution


@_njit
def market_firms_kernel(
    eff: np.ndarray,
    contributes: np.ndarray,
    contrib: np.ndarray,
    base_cost: np.ndarray,
    cost_factor: np.ndarray,
    unit_charge: np.ndarray,
    trust: np.ndarray,
    goodwill: np.ndarray,
    member_brand: np.ndarray,
    promo_member: np.ndarray,
    promo_outside: np.ndarray,
    club: float,
    saving: float,
    fee: float,
    transaction_cost: float,
    member_scale: float,
):
    """The per-firm cost and utility terms of :func:`.market.firm_costs`, one pass per firm."""
    n = eff.size
    free_rider = np.empty(n, dtype=np.bool_)
    unit_cost = np.empty(n)
    cheat_unit = np.empty(n)
    base = np.empty(n)
    firm_cost = np.empty(n)
    scale = np.empty(n)
    brand = np.empty(n)
    promo = np.empty(n)
    cheat_factor = 1.0 - saving
    for i in range(n):
        e = eff[i]
        fr = e and not contributes[i]
        free_rider[i] = fr
        cheat = cheat_factor if fr else 1.0
        bc = base_cost[i] * (cost_factor[i] if e else 1.0)
        base[i] = bc
        uc = bc * cheat
        unit_cost[i] = uc
        cheat_unit[i] = bc * (1.0 - cheat)
        f = fee if contrib[i] else 0.0
        tr = transaction_cost * (1.0 - trust[i])
        firm_cost[i] = uc + ((f + tr + unit_charge[i]) if e else 0.0)
        scale[i] = member_scale if e else 1.0
        brand[i] = goodwill[i] + (member_brand[i] if e else 0.0)
        promo[i] = (promo_member[i] + club) if e else promo_outside[i]
    return free_rider, unit_cost, cheat_unit, base, firm_cost, scale, brand, promo


@_njit
def current_eu_kernel(
    flat: np.ndarray,
    market: np.ndarray,
    firm: np.ndarray,
    share: np.ndarray,
    exp_u0: np.ndarray,
    inclusive: np.ndarray,
    segment: np.ndarray,
    size: int,
) -> np.ndarray:
    """Each sold pair's current ``e^u = s (e^{u0} + Σ e^u)`` at its flat index, 0 elsewhere."""
    out = np.zeros(size)
    for k in range(flat.size):
        m = market[k]
        out[flat[k]] = share[k] * (exp_u0[m] + inclusive[m, segment[firm[k]]])
    return out


@_njit
def deviation_pairs_kernel(
    sel: np.ndarray,
    own: np.ndarray,
    coop: np.ndarray,
    routes: np.ndarray,
    use_routes: bool,
    pair_util: np.ndarray,
    use_pair_util: bool,
    route_cost: np.ndarray,
    use_route_cost: bool,
    quality: np.ndarray,
    log_var: np.ndarray,
    a: np.ndarray,
    xi: np.ndarray,
    segment: np.ndarray,
    sig_market: np.ndarray,
    sig_segment: np.ndarray,
    sig_adapted: np.ndarray,
    signal_value: float,
    brand: np.ndarray,
    brand_sens: np.ndarray,
    promo: np.ndarray,
    firm_cost: np.ndarray,
    dist: np.ndarray,
    market_cost: np.ndarray,
    divisor: float,
    b: np.ndarray,
    exp_u0: np.ndarray,
    inclusive: np.ndarray,
    cur_eu: np.ndarray,
):
    """One side of :func:`.deviation.membership_values` (leavers or joiners), the pairs.

    For every selected firm ``i`` and every market it would reach (``own``, or the
    cooperative's ``coop``, or a mechanism's ``routes``), in firm-major order: the deviating
    firm's ``δ`` (real attributes + adapted signals in slot order + ``brand_i bs_m + promo_i`` +
    the pair utility), its marginal cost ``(firm_cost_i + dist_m + market_cost_im + route)/divisor``,
    ``b_m`` and the others' ``Σ e^u`` without its own current term — the reference's expressions.
    The best responses follow (:func:`.deviation.best_response_prices`), then
    :func:`deviation_sales_kernel`."""
    n = sel.size
    m_count = coop.size
    n_k = sig_market.size
    count = 0
    for i in range(n):
        if sel[i]:
            for m in range(m_count):
                if own[i, m] or coop[m] or (use_routes and routes[i, m]):
                    count += 1
    fi = np.empty(count, dtype=np.int64)
    fm = np.empty(count, dtype=np.int64)
    delta = np.empty(count)
    cost = np.empty(count)
    bb = np.empty(count)
    others = np.empty(count)
    k = 0
    for i in range(n):
        if not sel[i]:
            continue
        seg = segment[i]
        for m in range(m_count):
            via = use_routes and routes[i, m]
            if not (own[i, m] or coop[m] or via):
                continue
            fi[k] = i
            fm[k] = m
            base = a[m] * quality[i] + log_var[i] + xi[i, m]
            for s in range(n_k):
                hit = (sig_market[s] == m) & (sig_segment[s] == seg) & sig_adapted[i, s]
                base += signal_value if hit else 0.0  # branch-free, as in market_pairs_kernel
            d = base + (brand[i] * brand_sens[m] + promo[i])
            if use_pair_util:
                d = d + pair_util[i, m]
            delta[k] = d
            c = firm_cost[i] + (dist[m] + market_cost[i, m])
            if use_route_cost:
                c = c + (route_cost[i, m] if via else 0.0)
            cost[k] = c / divisor
            bb[k] = b[m]
            total = exp_u0[m] + inclusive[m, seg]
            o = total - cur_eu[i * m_count + m]
            others[k] = o if o > exp_u0[m] else exp_u0[m]
            k += 1
    return fi, fm, delta, cost, bb, others


@_njit
def deviation_sales_kernel(
    fi: np.ndarray,
    fm: np.ndarray,
    price: np.ndarray,
    share: np.ndarray,
    cost: np.ndarray,
    routes: np.ndarray,
    use_routes: bool,
    route_factor: np.ndarray,
    segment: np.ndarray,
    market_size: np.ndarray,
    seg_weight: np.ndarray,
    capacity: np.ndarray,
    channel: np.ndarray,
    divisor: float,
    n: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per firm, from the deviation's best responses (pairs in firm-major order): the units sold
    within capacity and channel, pro rata over its markets (× the route rationing on route pairs),
    and ``Σ (p − c) sales``, ``Σ sales``, ``Σ p sales``, ``Σ c·divisor·sales`` — the reference's
    expressions, summed in pair order like ``bincount``."""
    count = fi.size
    margin = np.zeros(n)
    units = np.zeros(n)
    revenue = np.zeros(n)
    variable = np.zeros(n)
    k = 0
    while k < count:
        i = fi[k]
        end = k
        total = 0.0
        while end < count and fi[end] == i:
            total += market_size[fm[end]] * seg_weight[segment[i]] * share[end]
            end += 1
        limit = capacity[i] if capacity[i] < channel[i] else channel[i]
        factor = 1.0
        if total > limit:
            factor = limit / total
            if factor > 1.0:
                factor = 1.0
        for kk in range(k, end):
            m = fm[kk]
            s = market_size[m] * seg_weight[segment[i]] * share[kk] * factor
            if use_routes and routes[i, m]:  # rationed as the members' route orders were
                s = s * route_factor[m]
            margin[i] += (price[kk] - cost[kk]) * s
            units[i] += s
            revenue[i] += price[kk] * s
            variable[i] += cost[kk] * divisor * s
        k = end
    return margin, units, revenue, variable


@_njit
def any_neighbour_kernel(
    indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, flag: np.ndarray
) -> np.ndarray:
    """Per row of a CSR matrix of non-negative weights: whether a positive-weight neighbour has
    ``flag`` (``(M @ flag) > 0``), stopping at the first."""
    n = indptr.size - 1
    out = np.zeros(n, dtype=np.bool_)
    for i in range(n):
        for k in range(indptr[i], indptr[i + 1]):
            if data[k] > 0 and flag[np.uint32(indices[k])]:
                out[i] = True
                break
    return out


@_njit
def trust_kernel(
    indptr: np.ndarray,
    indices: np.ndarray,
    data: np.ndarray,
    member: np.ndarray,
    contributes: np.ndarray,
    active: np.ndarray,
    trust: np.ndarray,
    threshold: float,
    gain: float,
    loss: float,
) -> np.ndarray:
    """:func:`.cooperation.update_trust` in one pass: the member neighbours each firm observes
    and the contributors among them, then trust up or down."""
    n = indptr.size - 1
    out = trust.copy()
    for i in range(n):
        seen = 0.0
        good = 0.0
        for k in range(indptr[i], indptr[i + 1]):  # branch-free: w·flag, as the reference
            j = np.uint32(indices[k])
            mj = np.float64(member[j])
            seen += data[k] * mj
            good += data[k] * (mj * np.float64(contributes[j]))
        if seen > 0 and active[i]:
            if good >= threshold * seen:
                out[i] += gain * (1.0 - out[i])
            else:
                out[i] *= 1.0 - loss
    return out


@_njit
def access_lapse_kernel(
    access: np.ndarray, pair_margin: np.ndarray, maint: np.ndarray
) -> tuple[np.ndarray, int]:
    """Own access kept where last period's margin covered its upkeep, and how many lapsed."""
    n, m_count = access.shape
    out = np.empty((n, m_count), dtype=np.bool_)
    lapsed = 0
    for i in range(n):
        for m in range(m_count):
            a = access[i, m]
            lapse = a & (pair_margin[i, m] < maint[m]) & (maint[m] > 0)  # bitwise: no branches
            out[i, m] = a & (not lapse)
            lapsed += lapse
    return out, lapsed


@_njit
def access_final_kernel(
    access: np.ndarray,
    eff: np.ndarray,
    coop_access: np.ndarray,
    active: np.ndarray,
    maint: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Available pairs (own access or, for members, the cooperative's; active firms), each
    firm's upkeep of its own access, and per market the members reaching it only through the
    cooperative — one pass over the (firm, market) pairs."""
    n, m_count = access.shape
    avail = np.empty((n, m_count), dtype=np.bool_)
    own_maint = np.zeros(n)
    users = np.zeros(m_count, dtype=np.int64)
    for i in range(n):
        act = active[i]
        e = eff[i]
        s = 0.0
        for m in range(m_count):  # bitwise and selects: the flags are random, branches mispredict
            acc = access[i, m]
            avail[i, m] = (acc | (e & coop_access[m])) & act
            s += maint[m] if (acc & act) else 0.0
            users[m] += e & (not acc) & coop_access[m] & act
        own_maint[i] = s
    return avail, own_maint, users


@_njit
def promotion_args_kernel(
    output: np.ndarray,
    intensity: np.ndarray,
    outside: np.ndarray,
    pooled: np.ndarray,
    funcs: np.ndarray,
    scale: float,
) -> np.ndarray:
    """The arguments of the own-promotion logarithms of :func:`.market.firm_terms`, one pass.

    Row ``2c`` (member) and ``2c + 1`` (outside) for the ``c``-th function ``j`` of ``funcs``:
    ``x_ij / scale`` with ``x_ij = output_i intensity_j`` where the firm would run ``j`` — as a
    member only if the cooperative does not pool it, outside wherever it would run it alone —
    else 0. The ``log1p`` stays NumPy's (its SIMD result differs from libm's in the last bit)."""
    n = output.size
    args = np.empty((2 * funcs.size, n))
    for i in range(n):
        for c in range(funcs.size):
            j = funcs[c]
            x = output[i] * intensity[j]
            out = outside[j, i]
            kept = out & (not pooled[j])
            args[2 * c, i] = (x if kept else 0.0) / scale
            args[2 * c + 1, i] = (x if out else 0.0) / scale
    return args


@_njit
def flag_count_kernel(
    indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, flag: np.ndarray
) -> np.ndarray:
    """``M @ flag`` for a CSR matrix and a boolean vector, in CSR order (SciPy's sum, to the
    bit: the terms are the weights or 0)."""
    n = indptr.size - 1
    out = np.zeros(n)
    for i in range(n):
        s = 0.0
        for k in range(indptr[i], indptr[i + 1]):
            s += data[k] * np.float64(flag[np.uint32(indices[k])])
        out[i] = s
    return out


@_njit
def csr_prefix_kernel(
    indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, length: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The CSR arrays of ``M[:length, :length]``: the first ``length`` rows, entries with a column
    below ``length``, in their order (what SciPy's slicing returns), in two passes."""
    out_ptr = np.empty(length + 1, dtype=indptr.dtype)
    out_ptr[0] = 0
    count = 0
    for i in range(length):
        for k in range(indptr[i], indptr[i + 1]):
            if indices[k] < length:
                count += 1
        out_ptr[i + 1] = count
    out_idx = np.empty(count, dtype=indices.dtype)
    out_data = np.empty(count, dtype=data.dtype)
    c = 0
    for i in range(length):
        for k in range(indptr[i], indptr[i + 1]):
            if indices[k] < length:
                out_idx[c] = indices[k]
                out_data[c] = data[k]
                c += 1
    return out_ptr, out_idx, out_data


@_njit
def tie_log_kernel(
    s_ptr: np.ndarray,
    s_idx: np.ndarray,
    s_data: np.ndarray,
    w_ptr: np.ndarray,
    w_idx: np.ndarray,
    w_data: np.ndarray,
    log_strong: float,
    log_weak: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The CSR arrays of :func:`.signals.tie_log_matrix` from the strong and weak tie matrices
    (each with sorted rows): each row's two sorted lists merged, an entry's kind
    ``strong + 2 weak`` (entries summing to 0 dropped, as SciPy's sum drops them), its weight
    ``log_strong`` where the kind is 1 and ``log_weak`` elsewhere — the reference's matrix."""
    n = s_ptr.size - 1
    out_ptr = np.empty(n + 1, dtype=s_ptr.dtype)
    cap = (s_ptr[n] - s_ptr[0]) + (w_ptr[n] - w_ptr[0])
    out_idx = np.empty(cap, dtype=s_idx.dtype)
    out_data = np.empty(cap)
    out_ptr[0] = 0
    c = 0
    for i in range(n):
        a, a_end = s_ptr[i], s_ptr[i + 1]
        b, b_end = w_ptr[i], w_ptr[i + 1]
        while a < a_end or b < b_end:
            if b >= b_end or (a < a_end and s_idx[a] < w_idx[b]):
                col, kind = s_idx[a], s_data[a]
                a += 1
            elif a >= a_end or w_idx[b] < s_idx[a]:
                col, kind = w_idx[b], 2.0 * w_data[b]
                b += 1
            else:  # both (never, for ties built by the engine)
                col, kind = s_idx[a], s_data[a] + 2.0 * w_data[b]
                a += 1
                b += 1
            if kind != 0.0:
                out_idx[c] = col
                out_data[c] = log_strong if kind == 1.0 else log_weak
                c += 1
        out_ptr[i + 1] = c
    return out_ptr, out_idx[:c].copy(), out_data[:c].copy()


@_njit
def operating_costs_kernel(
    unit_cost: np.ndarray,
    units: np.ndarray,
    distribution: np.ndarray,
    active: np.ndarray,
    overhead_per_employee: float,
    employees: np.ndarray,
    fee: float,
    contrib: np.ndarray,
    transaction_cost: float,
    trust: np.ndarray,
    eff: np.ndarray,
    contracting_cost: float,
    commission: float,
    revenue: np.ndarray,
) -> tuple[np.ndarray, ...]:
    """The cost lines of :func:`.accounts.operating_costs` in one pass per firm: production,
    overhead, dues, transaction, contracting and commission — the reference's expressions."""
    n = units.size
    production = np.empty(n)
    overhead = np.empty(n)
    fees = np.empty(n)
    transaction = np.empty(n)
    contracting = np.empty(n)
    comm = np.empty(n)
    for i in range(n):
        e = eff[i]
        production[i] = unit_cost[i] * units[i] + distribution[i]
        overhead[i] = overhead_per_employee * employees[i] if active[i] else 0.0
        fees[i] = fee * (units[i] if contrib[i] else 0.0)
        transaction[i] = transaction_cost * (1.0 - trust[i]) * (units[i] if e else 0.0)
        contracting[i] = contracting_cost * (1.0 - trust[i]) if e else 0.0
        comm[i] = commission * revenue[i] if e else 0.0
    return production, overhead, fees, transaction, contracting, comm


@_njit
def profit_kernel(
    revenue: np.ndarray,
    production: np.ndarray,
    overhead: np.ndarray,
    own_cost: np.ndarray,
    entry_paid: np.ndarray,
    own_maintenance: np.ndarray,
    share: np.ndarray,
    fees: np.ndarray,
    transaction: np.ndarray,
    contracting: np.ndarray,
    commission: np.ndarray,
    fines: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Own marketing ``own + entry + upkeep`` and the profit of :func:`.accounts.settle`
    (revenue minus every cost line, subtracted in the reference's order), one pass per firm."""
    n = revenue.size
    own_marketing = np.empty(n)
    profit = np.empty(n)
    for i in range(n):
        om = own_cost[i] + entry_paid[i] + own_maintenance[i]
        own_marketing[i] = om
        profit[i] = (
            revenue[i]
            - production[i]
            - overhead[i]
            - om
            - share[i]
            - fees[i]
            - transaction[i]
            - contracting[i]
            - commission[i]
            - fines[i]
        )
    return own_marketing, profit


@_njit
def newly_aware_kernel(
    threshold: np.ndarray,
    u_spread: np.ndarray,
    u_detect: np.ndarray,
    p_det: np.ndarray,
    alive: np.ndarray,
) -> np.ndarray:
    """Who learns each signal of the pass: a live firm whose spread draw is below
    ``1 − survival`` (``threshold``) or whose detection draw is below ``p_det``."""
    n, m = threshold.shape
    out = np.empty((n, m), dtype=np.bool_)
    for i in range(n):
        a = alive[i]
        for c in range(m):  # bitwise, not and/or: no branches on random data
            out[i, c] = a & ((u_spread[i, c] < threshold[i, c]) | (u_detect[i, c] < p_det[i]))
    return out


@_njit
def or_columns_kernel(aware: np.ndarray, cols: np.ndarray, newly: np.ndarray) -> None:
    """``aware[:n, cols] |= newly`` in place (``n`` the rows of ``newly``)."""
    n, m = newly.shape
    for i in range(n):
        for c in range(m):  # branch-free: the flags are random, a branch mispredicts
            aware[i, cols[c]] |= newly[i, c]


@_njit
def stream_state_kernel(pool: np.ndarray, mult: np.uint64, words: np.ndarray) -> np.ndarray:
    """The four 64-bit words NumPy's ``SeedSequence(...).generate_state(4, np.uint64)`` gives.

    ``pool`` / ``mult`` are the SeedSequence pool and hash multiplier after the run's common
    entropy and spawn key (``streams._pool_prefix``); ``words`` the remaining 32-bit key words
    (period, stream id, slot). Each word is mixed into every pool word, then the pool is
    expanded — O'Neill's ``seed_seq_fe`` as NumPy implements it, in 32-bit arithmetic held in
    uint64. ``streams.Streams.gen`` seeds ``PCG64`` with it in ≈3.7 µs instead of ≈28 µs.
    """
    mask = np.uint64(0xFFFFFFFF)
    sh = np.uint64(16)
    p = pool.copy()
    h = mult
    for w in words:
        for d in range(4):
            v = w ^ h
            h = (h * np.uint64(0x931E8875)) & mask
            v = (v * h) & mask
            v ^= v >> sh
            r = (np.uint64(0xCA01F9DD) * p[d] - np.uint64(0x4973F715) * v) & mask
            p[d] = r ^ (r >> sh)
    hb = np.uint64(0x8B51F9DD)
    out = np.empty(4, dtype=np.uint64)
    for i in range(4):
        lo = p[(2 * i) & 3] ^ hb
        hb = (hb * np.uint64(0x58F38DED)) & mask
        lo = (lo * hb) & mask
        lo ^= lo >> sh
        hi = p[(2 * i + 1) & 3] ^ hb
        hb = (hb * np.uint64(0x58F38DED)) & mask
        hi = (hi * hb) & mask
        hi ^= hi >> sh
        out[i] = lo | (hi << np.uint64(32))
    return out
