"""Allocation rules for the function–interest mechanism (MODEL.md §4, §8).

A cluster's marketing organisation incurs a cost ``total`` for a pooled function (a trade fair,
a shared brand, a distribution centre) and must recover it from its ``n`` members. The rules
here turn an :class:`AllocationProblem` into a charge per member:

* ``"equal"`` – ``total / n`` each (a flat membership fee);
* ``"proportional"`` / ``"commission"`` – ``total · w_i / Σ w`` (per unit sold, i.e. charged on
  performance; falls back to equal when all weights are 0);
* ``"dues"`` – a fixed fee plus a commission: ``s·total/n + (1−s)·total·w_i/Σw`` with
  ``s = dues_fixed_share``;
* ``"shapley"`` – the Shapley value of the cost game ``C(S)`` (exact for
  ``n ≤ exact_max_players``, otherwise :func:`~.shapley.shapley_sampled` with ``samples``
  orders, rescaled to sum exactly to ``total``);
* ``"myerson"`` – the Myerson value of the cost game restricted to a communication graph among
  the members (``edges``): connected groups share their own cost, an isolated member pays its
  stand-alone cost (charges sum to the components' costs, not necessarily to ``total``);
* ``"owen"`` – the Owen value with a priori ``unions`` (e.g. segments);
* ``"nucleolus"`` – the nucleolus of the cost game (the allocation whose largest incentive to
  break away is smallest). For ``n > exact_max_players`` members are sorted by weight and cut
  into ``exact_max_players`` groups of (nearly) equal size — weight quantiles — the nucleolus
  of the *group game* ``C_G(T) = C(⋃_{g∈T} g)`` is computed exactly, and each group's share is
  split among its members in proportion to weight (equally if the group's weight is 0). This is
  an approximation: the game among groups is exact, the split within groups is proportional.
  If stand-alone costs are so low that no imputation exists (``Σ C({i}) < C(N)``), the
  prenucleolus is used instead.

Every rule returns an ``(n,)`` array of finite charges summing to ``total`` (the last rounding
error is spread equally). New rules are added with :func:`register_rule`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from clustermarketing.games.cooperative._graph_values import myerson, myerson_sampled
from clustermarketing.games.cooperative._unions import owen, owen_sampled
from clustermarketing.games.cooperative.nucleolus import nucleolus, prenucleolus
from clustermarketing.games.cooperative.shapley import shapley, shapley_sampled
from clustermarketing.games.cooperative.tu import TUGame

__all__ = [
    "ALLOCATION_RULES",
    "UNBALANCED_RULES",
    "AllocationProblem",
    "allocate",
    "register_rule",
    "shapley_with_error",
]

Rule = Callable[["AllocationProblem"], np.ndarray]

ALLOCATION_RULES: dict[str, Rule] = {}


@dataclass(frozen=True)
class AllocationProblem:
    """A cost to split among ``n`` members.

    Attributes
    ----------
    total:
        Amount to split (a cost, ``≥ 0``).
    weights:
        ``(n,)`` proportional key, e.g. units sold (``≥ 0``).
    coalition_cost:
        Vectorised stand-alone cost: boolean ``(k, n)`` coalitions → ``(k,)`` costs ``C(S)``,
        with ``C(all) == total``. Needed by ``"shapley"`` and ``"nucleolus"``.
    dues_fixed_share:
        Share of ``total`` paid as an equal fixed fee under ``"dues"``.
    exact_max_players:
        Above this many members Shapley is sampled and the nucleolus is computed on groups
        (default 16: exact for up to 16 groups of members).
    edges:
        For ``"myerson"``: the communication graph among the members (pairs of indices).
    unions:
        For ``"owen"``: a priori unions (a partition of the member indices).
    samples:
        Number of sampled orders for the sampled Shapley value.
    seed:
        Seed, ``SeedSequence`` or ``Generator`` for the sampled Shapley value.
    """

    total: float
    weights: np.ndarray
    coalition_cost: Callable[[np.ndarray], np.ndarray] | None = None
    dues_fixed_share: float = 0.5
    exact_max_players: int = 16
    samples: int = 2000
    seed: int | np.random.SeedSequence | np.random.Generator | None = None
    edges: np.ndarray | None = None  # (k, 2) member index pairs: the graph of "myerson"
    unions: list[np.ndarray] | None = None  # a partition of the members: the unions of "owen"

    @property
    def n(self) -> int:
        """Number of members."""
        return int(np.asarray(self.weights).reshape(-1).size)


def register_rule(name: str) -> Callable[[Rule], Rule]:
    """Decorator registering ``rule(problem) -> charges`` under ``name`` in ALLOCATION_RULES."""

    def decorate(rule: Rule) -> Rule:
        ALLOCATION_RULES[name] = rule
        return rule

    return decorate


def _weights(problem: AllocationProblem) -> np.ndarray:
    return np.asarray(problem.weights, dtype=float).reshape(-1)


def _need_cost(problem: AllocationProblem, rule: str) -> Callable[[np.ndarray], np.ndarray]:
    if problem.coalition_cost is None:
        raise ValueError(f"rule {rule!r} needs AllocationProblem.coalition_cost (C(S) of groups)")
    return problem.coalition_cost


def _cost_game(cost: Callable[[np.ndarray], np.ndarray], n: int, total: float) -> TUGame:
    game = TUGame.from_function(n, cost, cost=True)
    _check_grand(game.values[-1], total)
    return game


def _nucleolus_or_pre(game: TUGame) -> np.ndarray:
    """Nucleolus; the prenucleolus when the imputation set is empty (Σ C({i}) < C(N))."""
    if game.values[1 << np.arange(game.n)].sum() < game.values[-1]:
        return prenucleolus(game)
    return nucleolus(game)


def _check_grand(grand: float, total: float) -> None:
    if not np.isclose(grand, total, rtol=1e-6, atol=1e-9):
        raise ValueError(f"coalition_cost(all members) = {grand:g} differs from total = {total:g}")


@register_rule("equal")
def equal_rule(problem: AllocationProblem) -> np.ndarray:
    """``total / n`` each."""
    return np.full(problem.n, problem.total / problem.n)


@register_rule("proportional")
def proportional_rule(problem: AllocationProblem) -> np.ndarray:
    """``total · w_i / Σ w``; equal split when every weight is 0."""
    w = _weights(problem)
    if w.sum() <= 0:
        return equal_rule(problem)
    return problem.total * w / w.sum()


@register_rule("commission")
def commission_rule(problem: AllocationProblem) -> np.ndarray:
    """Charge on performance: proportional to the weights (units sold)."""
    return proportional_rule(problem)


@register_rule("dues")
def dues_rule(problem: AllocationProblem) -> np.ndarray:
    """Fixed fee ``s·total/n`` plus ``(1−s)·total`` proportional to the weights."""
    s = float(problem.dues_fixed_share)
    if not 0 <= s <= 1:
        raise ValueError(f"dues_fixed_share must be in [0, 1], got {s}")
    fixed = np.full(problem.n, s * problem.total / problem.n)
    rest = proportional_rule(
        AllocationProblem(total=(1 - s) * problem.total, weights=problem.weights)
    )
    return fixed + rest


def shapley_with_error(problem: AllocationProblem) -> tuple[np.ndarray, np.ndarray]:
    """Shapley cost allocation of ``C`` and the standard error of each charge.

    Exact (standard error 0) for at most ``exact_max_players`` members; beyond, sampled over
    ``samples`` orders (:func:`~.shapley.shapley_sampled`) and rescaled to sum to ``total``, with
    the sampling standard errors.
    """
    cost = _need_cost(problem, "shapley")
    n = problem.n
    if n <= problem.exact_max_players:
        return shapley(_cost_game(cost, n, problem.total)), np.zeros(n)
    est = shapley_sampled(cost, n=n, samples=problem.samples, seed=problem.seed)
    grand = float(np.asarray(cost(np.ones((1, n), dtype=bool)), dtype=float).reshape(-1)[0])
    _check_grand(grand, problem.total)
    s = est.values.sum()
    if s == 0:
        return est.values + problem.total / n, est.stderr
    scale = problem.total / s
    return est.values * scale, est.stderr * abs(scale)


@register_rule("shapley")
def shapley_rule(problem: AllocationProblem) -> np.ndarray:
    """Shapley cost allocation of ``C`` (exact, or sampled and rescaled above the threshold)."""
    return shapley_with_error(problem)[0]


@register_rule("nucleolus")
def nucleolus_rule(problem: AllocationProblem) -> np.ndarray:
    """Nucleolus of ``C`` (exact, or on weight-quantile groups above the threshold)."""
    cost = _need_cost(problem, "nucleolus")
    n = problem.n
    if n <= problem.exact_max_players:
        return _nucleolus_or_pre(_cost_game(cost, n, problem.total))
    w = _weights(problem)
    groups = np.array_split(np.argsort(w, kind="stable"), problem.exact_max_players)
    member_of = np.zeros((len(groups), n), dtype=bool)
    for g, idx in enumerate(groups):
        member_of[g, idx] = True

    def group_cost(coalitions: np.ndarray) -> np.ndarray:
        return cost(coalitions.astype(float) @ member_of.astype(float) > 0)

    shares = _nucleolus_or_pre(_cost_game(group_cost, len(groups), problem.total))
    out = np.empty(n)
    for g, idx in enumerate(groups):
        wg = w[idx]
        out[idx] = shares[g] * (wg / wg.sum() if wg.sum() > 0 else np.full(idx.size, 1 / idx.size))
    return out


@register_rule("myerson")
def myerson_rule(problem: AllocationProblem) -> np.ndarray:
    """Myerson value of the graph-restricted cost game (Myerson 1977): every connected group of
    members pays the Shapley split of its own cost; an isolated member pays its stand-alone cost
    ``C({i})``. The charges sum to ``Σ_components C(component)`` ≥ ``total`` (the cost is
    subadditive): this rule does not balance to ``total`` — the caller rebates the excess.
    Exact while every component has at most 26 members, sampled beyond.
    """
    cost = _need_cost(problem, "myerson")
    n = problem.n
    edges = np.zeros((0, 2), dtype=np.int64) if problem.edges is None else problem.edges
    try:
        return myerson(cost, [tuple(e) for e in np.asarray(edges, dtype=np.int64)], n=n)
    except ValueError:
        est = myerson_sampled(
            cost,
            [tuple(e) for e in np.asarray(edges)],
            n=n,
            samples=problem.samples,
            seed=problem.seed,
        )
        return est.values


@register_rule("owen")
def owen_rule(problem: AllocationProblem) -> np.ndarray:
    """Owen value of the cost game with a priori unions (Owen 1977): the unions split the cost
    among themselves as Shapley would among unions, and each union's share is split inside it as
    Shapley would among its members. Exact for small games, sampled (union-consistent orders)
    otherwise; rescaled to sum to ``total``.
    """
    cost = _need_cost(problem, "owen")
    n = problem.n
    unions = problem.unions if problem.unions is not None else [np.arange(n)]
    parts = [list(map(int, u)) for u in unions if len(u)]
    if n <= problem.exact_max_players:
        return owen(_cost_game(cost, n, problem.total), parts)
    est = owen_sampled(cost, parts, n=n, samples=problem.samples, seed=problem.seed).values
    s = est.sum()
    return est * (problem.total / s) if s != 0 else est + problem.total / n


#: rules whose charges need not sum to ``total`` (the caller handles the difference)
UNBALANCED_RULES = frozenset({"myerson"})


def allocate(rule: str | Rule, problem: AllocationProblem) -> np.ndarray:
    """Split ``problem.total`` among the members by ``rule`` (a registered name or a callable).

    Returns an ``(n,)`` array of finite charges summing to ``total``; ``n == 0`` gives an empty
    array and ``n == 1`` gives ``[total]``.

    Examples
    --------
    >>> allocate("dues", AllocationProblem(total=100.0, weights=np.array([1.0, 3.0]))).tolist()
    [37.5, 62.5]
    """
    if isinstance(rule, str):
        if rule not in ALLOCATION_RULES:
            raise ValueError(
                f"unknown allocation rule {rule!r}; valid: {', '.join(sorted(ALLOCATION_RULES))}"
            )
        func = ALLOCATION_RULES[rule]
    else:
        func = rule
    total = float(problem.total)
    w = _weights(problem)
    if not np.isfinite(total) or total < 0:
        raise ValueError(f"total must be finite and >= 0, got {problem.total!r}")
    if np.any(w < 0) or not np.all(np.isfinite(w)):
        raise ValueError("weights must be finite and >= 0")
    if w.size == 0:
        return np.zeros(0)
    if w.size == 1:
        return np.array([total])
    x = np.asarray(func(problem), dtype=float).reshape(-1)
    if x.shape != (w.size,) or not np.all(np.isfinite(x)):
        raise ValueError(f"allocation rule returned {x!r}; expected {w.size} finite charges")
    if isinstance(rule, str) and rule in UNBALANCED_RULES:
        return x
    return x + (total - x.sum()) / w.size
