"""Estimate the engine's logit demand from product–market data with pyblp.

The model (Berry 1994; pyblp's plain and nested logit, Conlon & Gortmaker 2020): consumer n's
utility from product j in market t is ``U_njt = δ_jt + ε_njt`` with mean utility
``δ_jt = x_jt β + α p_jt + FE + ξ_jt`` and the outside good's ``U_n0t = ε_n0t``. With type-I
extreme-value ε, shares are ``s_jt = e^{δ_jt} / (1 + Σ_k e^{δ_kt})``, so
``ln s_jt − ln s_0t = δ_jt`` is linear and is estimated by IV-GMM (prices are endogenous:
``E[ξ_jt z_jt] = 0`` for the excluded instruments z). The nested logit adds ``ρ ln s_{j|h}``
(ρ estimated, with at least one more instrument).

This is exactly the engine's demand (MODEL.md appendix): ``b_m = −α``, the firm's utility net of
price ``a_m q_i + ξ_im = δ_jt − α p_jt``, outside utility ``u_0m = 0`` (pyblp's normalisation).
Marginal costs come from the Bertrand–Nash first-order conditions ``p = c + Δ⁻¹ s`` given
ownership (pyblp ``compute_costs``); for the engine's single-product pricing game this is
``c = p − 1 / (b (1 − s))``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from clustermarketing.calibration.data import (
    CalibrationError,
    DemandSpec,
    ProductData,
    check_products,
)

__all__ = ["DemandEstimate", "estimate_demand"]


@dataclass(frozen=True)
class DemandEstimate:
    """The estimated demand, the recovered costs and what they imply.

    ``rows`` has one row per input row (same order): market, firm, product, price, share,
    ``delta`` (mean utility δ), ``xi`` (ξ, the structural error after fixed effects),
    ``utility`` (δ − α p: utility net of price, the engine's ``a q + ξ``), ``cost`` (marginal
    cost from the Nash FOCs given the data's ownership), ``markup`` (p − cost), ``margin``
    ((p − cost) / p), ``cost_single`` (cost under single-product pricing, the engine's game),
    ``own_elasticity`` and ``cross_elasticity`` (mean elasticity of the product's share with
    respect to the other products' prices in its market).
    """

    spec: DemandSpec
    price_coefficient: float  # α (utils per currency unit; negative for downward demand)
    price_se: float
    beta: dict[str, float]  # every linear coefficient by its column name, price included
    beta_se: dict[str, float]
    rho: float | None  # nested logit ρ
    rho_se: float | None
    rows: pd.DataFrame
    elasticities: dict[str, Any]
    fit: dict[str, Any]
    converged: bool
    instruments: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def negative_costs(self) -> int:
        """Rows whose recovered marginal cost is negative (a sign of misspecification)."""
        return int((self.rows["cost"] < 0).sum())

    def cost_summary(self, column: str = "cost") -> dict[str, float]:
        """Mean, s.d., quantiles of a cost column."""
        c = self.rows[column].to_numpy(float)
        return {
            "mean": float(c.mean()),
            "sd": float(c.std(ddof=1)) if c.size > 1 else 0.0,
            "min": float(c.min()),
            "p25": float(np.quantile(c, 0.25)),
            "median": float(np.median(c)),
            "p75": float(np.quantile(c, 0.75)),
            "max": float(c.max()),
            "negative": int((c < 0).sum()),
            "mean_margin": float(np.mean((self.rows["price"] - c) / self.rows["price"])),
        }

    def to_dict(self, per_row: bool = False) -> dict[str, Any]:
        """JSON-ready result. ``per_row`` adds the per-row costs, utilities and elasticities."""
        costs: dict[str, Any] = {
            "summary": self.cost_summary("cost"),
            "single_product_summary": self.cost_summary("cost_single"),
            "ownership": "firm" if self.spec.product else "single-product (one row per firm)",
        }
        if per_row:
            costs["rows"] = self.rows.to_dict(orient="records")
        return {
            "model": self.spec.model,
            "price_coefficient": self.price_coefficient,
            "price_se": self.price_se,
            "beta": self.beta,
            "beta_se": self.beta_se,
            "rho": self.rho,
            "rho_se": self.rho_se,
            "costs": costs,
            "negative_costs": self.negative_costs,
            "elasticities": self.elasticities,
            "fit": self.fit,
            "converged": self.converged,
            "counts": self.counts,
            "instruments": list(self.instruments),
            "specification": self.spec.to_dict(),
            "warnings": list(self.warnings),
        }


def estimate_demand(
    df: pd.DataFrame, spec: DemandSpec | None = None, *, where: str = "products", **options: Any
) -> DemandEstimate:
    """Estimate plain or nested logit demand on product–market data with pyblp.

    ``spec`` (or keyword options with the same names: ``market``, ``firm``, ``product``,
    ``price``, ``share``, ``units``, ``size``, ``characteristics``, ``absorb``, ``instruments``,
    ``nest``, ``gmm``, ``max_iterations``, ``rho_start``) names the columns. Bad data, collinear
    instruments and non-convergence raise :class:`CalibrationError` with one clear line that
    starts with ``where`` (the data's name).

    >>> import pandas as pd, pyblp
    >>> nevo = pd.read_csv(pyblp.data.NEVO_PRODUCTS_LOCATION)
    >>> est = estimate_demand(nevo, product="product_ids", absorb=("product_ids",))
    >>> round(est.price_coefficient, 2), round(est.price_se, 2)
    (-30.05, 1.01)
    """
    if spec is None:
        for k in ("characteristics", "absorb", "instruments"):
            if isinstance(options.get(k), str):
                options[k] = (options[k],)
            elif k in options:
                options[k] = tuple(options[k])
        try:
            spec = DemandSpec(**options)
        except TypeError as e:
            raise CalibrationError(f"estimate_demand: {e}") from None
    elif options:
        raise CalibrationError("estimate_demand: give either spec or keyword options, not both")
    if spec.gmm not in ("1s", "2s"):
        raise CalibrationError(f"--gmm: got {spec.gmm!r}; expected '1s' or '2s'")
    if spec.max_iterations < 1:
        raise CalibrationError(f"--max-iterations: got {spec.max_iterations}; expected ≥ 1")
    data = check_products(df, spec, where=where)
    return _estimate(data, spec, where=where)


@contextlib.contextmanager
def _quiet_pyblp() -> Iterator[Any]:
    import pyblp

    old = pyblp.options.verbose
    pyblp.options.verbose = False
    try:
        yield pyblp
    finally:
        pyblp.options.verbose = old


def _pyblp_frame(data: ProductData, spec: DemandSpec) -> tuple[dict[str, Any], str, str | None]:
    f, raw = data.frame, data.raw
    prod: dict[str, Any] = {
        "market_ids": f["market"].to_numpy(object),
        "firm_ids": f["firm"].to_numpy(object),
        "product_ids": f["product"].to_numpy(object),
        "shares": f["share"].to_numpy(float),
        "prices": f["price"].to_numpy(float),
    }
    for k, z in enumerate(data.instruments):
        prod[f"demand_instruments{k}"] = pd.to_numeric(raw[z]).to_numpy(float)
    terms = ["prices"]
    for k, c in enumerate(data.characteristics):
        prod[f"x{k}"] = pd.to_numeric(raw[c]).to_numpy(float)
        terms.append(f"x{k}")
    for k, a in enumerate(data.absorb):
        prod[f"fe{k}"] = raw[a].astype(str).to_numpy(object)
    if spec.nest:
        prod["nesting_ids"] = raw[spec.nest].astype(str).to_numpy(object)
    absorb = " + ".join(f"C(fe{k})" for k in range(len(data.absorb))) or None
    return prod, " + ".join(terms), absorb


def _label(name: str, data: ProductData, spec: DemandSpec) -> str:
    if name == "prices":
        return spec.price
    if name == "1":
        return "constant"
    m = re.fullmatch(r"x(\d+)", name)
    return data.characteristics[int(m.group(1))] if m else name


def _absorbed_residuals(mat: np.ndarray, fe: np.ndarray | None) -> np.ndarray:
    """``mat`` with the fixed effects partialled out (pyhdfe, pyblp's own absorber)."""
    if fe is None:
        return mat
    import pyhdfe

    return np.asarray(pyhdfe.create(fe).residualize(mat))


def collinear_columns(
    columns: dict[str, np.ndarray], fe: np.ndarray | None, constant: bool
) -> tuple[str, list[str]] | None:
    """The first column that is a linear combination of earlier ones (after the fixed effects).

    Returns ``(column, [the columns it combines])``; an empty list means it is absorbed by the
    fixed effects (or is constant). None when the columns have full rank.
    """
    names = list(columns)
    mat = np.column_stack([columns[n] for n in names]).astype(float)
    if constant and fe is None:
        mat = mat - mat.mean(axis=0)  # the intercept is an instrument too
    mat = _absorbed_residuals(mat, fe)
    scale = np.maximum(np.abs(np.column_stack([columns[n] for n in names])).max(axis=0), 1e-300)
    for j in range(mat.shape[1]):
        col = mat[:, j]
        if np.linalg.norm(col) <= 1e-9 * scale[j] * np.sqrt(col.size):
            return names[j], []
        if j == 0:
            continue
        prev = mat[:, :j]
        coef, *_ = np.linalg.lstsq(prev, col, rcond=None)
        resid = col - prev @ coef
        if np.linalg.norm(resid) <= 1e-8 * np.linalg.norm(col):
            used = [names[k] for k in np.flatnonzero(np.abs(coef) > 1e-8)]
            return names[j], used
    return None


def _collinearity_message(data: ProductData, spec: DemandSpec, where: str) -> str | None:
    raw = data.raw
    fe = None
    if data.absorb:
        fe = np.column_stack([pd.factorize(raw[a].astype(str))[0] for a in data.absorb]).astype(
            np.int64
        )
    absorbed = f" and the fixed effects of {', '.join(data.absorb)}" if data.absorb else ""
    exog = {c: pd.to_numeric(raw[c]).to_numpy(float) for c in data.characteristics}
    sets = {
        "regressors": {spec.price: data.frame["price"].to_numpy(float), **exog},
        "instruments": {
            **exog,
            **{z: pd.to_numeric(raw[z]).to_numpy(float) for z in data.instruments},
        },
    }
    for kind, cols in sets.items():
        if not cols:
            continue
        hit = collinear_columns(cols, fe, constant=not data.absorb)
        if hit is None:
            continue
        col, others = hit
        if not others:
            what = (
                f"is constant within each {' × '.join(data.absorb)} (absorbed by the fixed effects)"
                if data.absorb
                else "is constant (collinear with the intercept)"
            )
            return f"{where}: {kind[:-1]} {col!r} {what}; drop it"
        return (
            f"{where}: collinear {kind}: {col!r} is a linear combination of "
            f"{', '.join(repr(o) for o in others)}{absorbed}; drop one of them"
        )
    return None


def _estimate(data: ProductData, spec: DemandSpec, where: str = "demand") -> DemandEstimate:
    message = _collinearity_message(data, spec, where)
    if message:
        raise CalibrationError(message)
    with _quiet_pyblp() as pyblp, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        prod, formula, absorb = _pyblp_frame(data, spec)
        try:
            problem = pyblp.Problem(pyblp.Formulation(formula, absorb=absorb), prod)
            kwargs: dict[str, Any] = {"method": spec.gmm}
            if spec.nest:
                kwargs["rho"] = spec.rho_start
                kwargs["optimization"] = pyblp.Optimization(
                    "l-bfgs-b", {"maxiter": spec.max_iterations}
                )
            results = problem.solve(**kwargs)
        except (ValueError, np.linalg.LinAlgError) as e:
            first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            raise CalibrationError(
                f"{where}: pyblp could not estimate the model: {first}"
            ) from None
        trouble = [str(w.message).strip() for w in caught]
        trouble = [t for t in trouble if "collinear" in t.lower() or "singular" in t.lower()]
        if trouble:
            raise CalibrationError(f"{where}: {trouble[0].splitlines()[0]}")
        converged = bool(np.all(results.converged))
        if spec.nest and not converged:
            raise CalibrationError(
                f"{where}: the nested-logit estimation did not converge in {spec.max_iterations} "
                f"iterations (last ρ = {float(np.ravel(results.rho)[0]):.4g}); raise "
                "--max-iterations or change --rho-start"
            )
        est = _collect(results, data, spec, converged)
        notes = tuple(dict.fromkeys(str(w.message).strip() for w in caught))
    return dataclasses.replace(est, warnings=notes)


def _collect(results: Any, data: ProductData, spec: DemandSpec, converged: bool) -> DemandEstimate:
    from scipy import stats

    labels = [_label(str(x), data, spec) for x in results.beta_labels]
    beta = dict(zip(labels, np.ravel(results.beta).astype(float).tolist(), strict=True))
    beta_se = dict(zip(labels, np.ravel(results.beta_se).astype(float).tolist(), strict=True))
    alpha = beta[spec.price]
    f = data.frame
    n = len(f)
    price = f["price"].to_numpy(float)
    share = f["share"].to_numpy(float)
    delta = np.ravel(results.delta).astype(float)
    xi = np.ravel(results.xi).astype(float)
    cost = np.ravel(results.compute_costs()).astype(float)
    if spec.nest:
        cost_single = np.ravel(results.compute_costs(firm_ids=np.arange(n))).astype(float)
    else:
        cost_single = price + 1.0 / (alpha * (1.0 - share))
    el = np.asarray(results.compute_elasticities(), dtype=float)
    own = np.ravel(results.extract_diagonals(el)).astype(float)
    finite = np.isfinite(el)
    cross_sum = np.where(finite, el, 0.0).sum(axis=1) - own
    cross_n = finite.sum(axis=1) - 1
    cross = np.divide(cross_sum, cross_n, out=np.zeros(n), where=cross_n > 0)
    rows = pd.DataFrame(
        {
            "market": f["market"],
            "firm": f["firm"],
            "product": f["product"],
            "price": price,
            "share": share,
            "delta": delta,
            "xi": xi,
            "utility": delta - alpha * price,
            "cost": cost,
            "markup": price - cost,
            "margin": (price - cost) / price,
            "cost_single": cost_single,
            "own_elasticity": own,
            "cross_elasticity": cross,
        }
    )
    if "size" in f.columns:
        rows["size"] = f["size"].to_numpy(float)
    for c in data.characteristics:  # kept for predictions in markets not estimated
        if c not in rows.columns:
            rows[c] = pd.to_numeric(data.raw[c]).to_numpy(float)
    zd = np.asarray(results.problem.products.ZD)
    n_params = len(labels) + (1 if spec.nest else 0)
    dof = int(zd.shape[1] - n_params)
    hansen = float(results.run_hansen_test()) if dof > 0 else float("nan")
    var_delta = float(np.var(delta))
    fit = {
        "observations": n,
        "gmm_objective": float(np.ravel(results.objective)[0]),
        "gmm_steps": spec.gmm,
        "hansen_j": hansen,
        "hansen_dof": dof,
        "hansen_p": float(stats.chi2.sf(hansen, dof)) if dof > 0 else float("nan"),
        "first_stage_f": _first_stage_f(data, spec),
        "delta_r2": float(1.0 - np.var(xi) / var_delta) if var_delta > 0 else float("nan"),
    }
    el_summary = {
        "own": _summary(own),
        "cross": _summary(cross),
        "note": "own: ∂ln s_j/∂ln p_j; cross: mean over k ≠ j of ∂ln s_j/∂ln p_k in j's market",
    }
    rho = rho_se = None
    if spec.nest:
        rho = float(np.ravel(results.rho)[0])
        rho_se = float(np.ravel(results.rho_se)[0])
    counts = {
        "rows": n,
        "markets": int(f["market"].nunique()),
        "products": int(f["product"].nunique()),
        "firms": int(f["firm"].nunique()),
    }
    return DemandEstimate(
        spec=spec,
        price_coefficient=float(alpha),
        price_se=float(beta_se[spec.price]),
        beta=beta,
        beta_se=beta_se,
        rho=rho,
        rho_se=rho_se,
        rows=rows,
        elasticities=el_summary,
        fit=fit,
        converged=converged,
        instruments=data.instruments,
        counts=counts,
    )


def _summary(x: np.ndarray) -> dict[str, float]:
    return {
        "mean": float(np.mean(x)),
        "median": float(np.median(x)),
        "min": float(np.min(x)),
        "max": float(np.max(x)),
    }


def _first_stage_f(data: ProductData, spec: DemandSpec) -> float:
    """F statistic of the excluded instruments in the first stage of price (homoskedastic).

    Price regressed on the exogenous characteristics and the excluded instruments, fixed
    effects partialled out; F = ((RSS_r − RSS_u)/q) / (RSS_u / (N − k_u − levels)). A value
    below about 10 warns of weak instruments (Staiger & Stock 1997).
    """
    raw = data.raw
    fe = None
    levels = 1
    if data.absorb:
        codes = [pd.factorize(raw[a].astype(str))[0] for a in data.absorb]
        fe = np.column_stack(codes).astype(np.int64)
        levels = sum(int(c.max()) + 1 for c in codes) - (len(codes) - 1)
    y = data.frame["price"].to_numpy(float)[:, None]
    x = [pd.to_numeric(raw[c]).to_numpy(float) for c in data.characteristics]
    z = [pd.to_numeric(raw[c]).to_numpy(float) for c in data.instruments]
    mat = np.column_stack([y, *x, *z]) if (x or z) else y
    if fe is None:
        mat = mat - mat.mean(axis=0)
    mat = _absorbed_residuals(mat, fe)
    yr, xr, zr = mat[:, 0], mat[:, 1 : 1 + len(x)], mat[:, 1 + len(x) :]
    n, q = yr.size, zr.shape[1]

    def rss(a: np.ndarray) -> float:
        if a.shape[1] == 0:
            return float(yr @ yr)
        coef, *_ = np.linalg.lstsq(a, yr, rcond=None)
        r = yr - a @ coef
        return float(r @ r)

    rss_r = rss(xr)
    rss_u = rss(np.column_stack([xr, zr]))
    dof = n - xr.shape[1] - q - levels
    if q == 0 or dof <= 0 or rss_u <= 0:
        return float("nan")
    return float(((rss_r - rss_u) / q) / (rss_u / dof))
