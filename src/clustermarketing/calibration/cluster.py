"""The cluster itself: where it is, how big its firms are, how they are tied.

* **Location quotients** ``LQ_ri = (e_ri / e_r) / (e_i / e)``: region r's share of employment in
  industry i relative to the whole economy's (e = all employment in the data). LQ > 1 means r is
  specialised in i.
* **Herfindahl indices**: of an industry across regions, ``H_i = Σ_r (e_ri / e_i)²`` (geographic
  concentration; 1/R for an industry spread evenly over R regions), and of a region across
  industries, ``H_r = Σ_i (e_ri / e_r)²`` (specialisation).
* **Cluster identification** (cluster-mapping practice: Porter 2003; Delgado, Porter & Stern
  2016; the European Cluster Observatory's specialisation and size criteria): a region–industry
  pair is a cluster when ``LQ ≥ lq_min`` (default 1.25) and its employment ≥ ``min_employees``
  (default 1,000), optionally also ≥ ``min_share`` of the industry's employment.
* **Firm sizes**: a log-normal ``ln e ~ N(μ, σ²)`` fitted by maximum likelihood (``μ̂`` the
  mean of ``ln e``, ``σ̂`` its s.d. with divisor n), reported as the median ``e^μ̂`` and σ̂, with
  standard errors ``σ̂/√n`` and ``σ̂/√(2n)``, and goodness of fit by the Kolmogorov–Smirnov
  distance with the Lilliefors p-value (parameters estimated from the same data) and the
  Anderson–Darling statistic. Leaders are firms with at least ``leader_min`` employees (default
  250, the EU SME ceiling, Recommendation 2003/361/EC); SMEs and leaders are fitted separately,
  as the engine draws them from separate log-normals.
* **Ties**: degree statistics of the strong and the weak tie graphs from an edge list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from clustermarketing.calibration.data import CalibrationError, _require, _shown

__all__ = [
    "LogNormalFit",
    "firm_sizes",
    "fit_lognormal",
    "herfindahl",
    "identify_clusters",
    "location_quotients",
    "tie_degrees",
]


def _employment(
    df: pd.DataFrame, region: str, industry: str, employees: str, where: str
) -> pd.DataFrame:
    if df.empty:
        raise CalibrationError(f"{where}: no rows; expected one row per region and industry")
    for col, opt in ((region, "--region"), (industry, "--industry"), (employees, "--employees")):
        _require(df, col, opt, where)
    df = df.reset_index(drop=True)
    for col, opt in ((region, "--region"), (industry, "--industry")):
        blank = df[col].isna()
        if blank.any():
            row = int(np.flatnonzero(blank.to_numpy())[0])
            raise CalibrationError(
                f"{where} row {row + 1}, column {col!r} ({opt}): blank; expected a name"
            )
    e = pd.to_numeric(df[employees], errors="coerce").to_numpy(float)
    bad = ~np.isfinite(e) | (e < 0)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise CalibrationError(
            f"{where} row {row + 1}, column {employees!r} (--employees): got "
            f"{_shown(df[employees].iloc[row])}; expected a number of employees ≥ 0"
        )
    out = pd.DataFrame(
        {"region": df[region].astype(str), "industry": df[industry].astype(str), "employees": e}
    )
    dup = out.duplicated(["region", "industry"])
    if dup.any():
        row = int(np.flatnonzero(dup.to_numpy())[0])
        raise CalibrationError(
            f"{where} row {row + 1}: region {out['region'].iloc[row]!r} and industry "
            f"{out['industry'].iloc[row]!r} appear twice; expected one row per pair"
        )
    if out["employees"].sum() <= 0:
        raise CalibrationError(f"{where}: total employment is 0; expected some employees")
    return out


def location_quotients(
    df: pd.DataFrame,
    region: str = "region",
    industry: str = "industry",
    employees: str = "employees",
    *,
    where: str = "employment",
) -> pd.DataFrame:
    """Location quotient of every region–industry pair.

    Returns one row per input pair with ``employees``, the region's and the industry's totals,
    ``lq`` (NaN for a region without employment), ``share_of_industry`` (e_ri / e_i) and
    ``share_of_region`` (e_ri / e_r).

    >>> df = pd.DataFrame({"region": ["A", "A", "B", "B"], "industry": ["shoes", "food"] * 2,
    ...                    "employees": [300, 100, 100, 500]})
    >>> location_quotients(df)["lq"].round(3).tolist()
    [1.875, 0.417, 0.417, 1.389]
    """
    e = _employment(df, region, industry, employees, where)
    total = e["employees"].sum()
    e_r = e.groupby("region")["employees"].transform("sum")
    e_i = e.groupby("industry")["employees"].transform("sum")
    out = e.assign(region_total=e_r, industry_total=e_i)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["share_of_region"] = np.where(e_r > 0, e["employees"] / e_r, np.nan)
        out["share_of_industry"] = np.where(e_i > 0, e["employees"] / e_i, np.nan)
        out["lq"] = out["share_of_region"] / (e_i / total)
    return out


def herfindahl(lq: pd.DataFrame) -> dict[str, pd.Series]:
    """Herfindahl indices from :func:`location_quotients` output.

    ``industry``: concentration of each industry across regions, Σ_r (e_ri/e_i)²;
    ``region``: specialisation of each region across industries, Σ_i (e_ri/e_r)².
    """

    def hhi(s: pd.Series) -> float:  # NaN where the total is 0 (no shares to square)
        return float((s**2).sum(min_count=1))

    return {
        "industry": lq.groupby("industry")["share_of_industry"].apply(hhi),
        "region": lq.groupby("region")["share_of_region"].apply(hhi),
    }


def identify_clusters(
    lq: pd.DataFrame, lq_min: float = 1.25, min_employees: float = 1000.0, min_share: float = 0.0
) -> pd.DataFrame:
    """Region–industry pairs with LQ ≥ ``lq_min``, employment ≥ ``min_employees`` and a share of
    the industry's employment ≥ ``min_share``; sorted by LQ (highest first)."""
    if lq_min <= 0:
        raise CalibrationError(f"--lq-min: got {lq_min}; expected a location quotient > 0")
    if min_employees < 0:
        raise CalibrationError(f"--min-employees: got {min_employees}; expected ≥ 0")
    if not 0 <= min_share <= 1:
        raise CalibrationError(f"--min-share: got {min_share}; expected a share in [0, 1]")
    hit = (
        (lq["lq"] >= lq_min)
        & (lq["employees"] >= min_employees)
        & (lq["share_of_industry"] >= min_share)
    )
    return lq[hit].sort_values(["lq", "employees"], ascending=False).reset_index(drop=True)


@dataclass(frozen=True)
class LogNormalFit:
    """A log-normal fitted by maximum likelihood, with its goodness of fit."""

    n: int
    median: float  # e^μ̂
    sigma: float  # σ̂ (MLE, divisor n)
    mu_se: float  # s.e. of μ̂ = σ̂ / √n
    sigma_se: float  # s.e. of σ̂ = σ̂ / √(2n)
    ks: float  # Kolmogorov–Smirnov distance to the fitted distribution
    ks_p: float  # Lilliefors p-value (parameters estimated); tests need n ≥ 4, else NaN
    ad: float  # Anderson–Darling statistic of ln e against the normal (parameters estimated)
    ad_p: float  # its p-value (NaN with SciPy < 1.17)

    def to_dict(self) -> dict[str, Any]:
        """Plain data."""
        return dict(self.__dict__)


def fit_lognormal(x: np.ndarray) -> LogNormalFit:
    """Maximum-likelihood log-normal fit of positive values, with KS/Lilliefors and AD tests.

    >>> f = fit_lognormal(np.exp(np.array([0.0, 1.0, 2.0, 3.0, 4.0])))
    >>> round(f.median, 4), round(f.sigma, 4)
    (7.3891, 1.4142)
    """
    from scipy import stats
    from statsmodels.stats.diagnostic import lilliefors

    x = np.asarray(x, dtype=float)
    if x.size < 3:
        raise CalibrationError(f"firm sizes: {x.size} firm(s); expected at least 3 to fit")
    logx = np.log(x)
    mu, sigma = float(logx.mean()), float(logx.std(ddof=0))
    if sigma <= 0:
        raise CalibrationError("firm sizes: every firm has the same size; expected a spread")
    ks = ks_p = ad_stat = ad_p = float("nan")
    if x.size >= 4:  # the tables of both tests start at 4 observations
        ks, ks_p = lilliefors(logx, dist="norm", pvalmethod="table")
        try:  # SciPy ≥ 1.17: p-value interpolated from Stephens' tables
            ad = stats.anderson(logx, dist="norm", method="interpolate")
            ad_p = float(ad.pvalue)
        except TypeError:  # older SciPy: statistic only
            ad = stats.anderson(logx, dist="norm")
        ad_stat = float(ad.statistic)
    n = x.size
    return LogNormalFit(
        n=n,
        median=float(np.exp(mu)),
        sigma=sigma,
        mu_se=float(sigma / np.sqrt(n)),
        sigma_se=float(sigma / np.sqrt(2 * n)),
        ks=float(ks),
        ks_p=float(ks_p),
        ad=ad_stat,
        ad_p=ad_p,
    )


def firm_sizes(
    df: pd.DataFrame,
    employees: str = "employees",
    firm: str | None = None,
    leader_min: float = 250.0,
    *,
    where: str = "firms",
) -> dict[str, Any]:
    """Log-normal fits of all firms, of SMEs and of leaders, and the leaders themselves."""
    if df.empty:
        raise CalibrationError(f"{where}: no rows; expected one row per firm")
    _require(df, employees, "--firm-employees", where)
    if firm is not None:
        _require(df, firm, "--firm-id", where)
    df = df.reset_index(drop=True)
    e = pd.to_numeric(df[employees], errors="coerce").to_numpy(float)
    bad = ~np.isfinite(e) | (e <= 0)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise CalibrationError(
            f"{where} row {row + 1}, column {employees!r}: got {_shown(df[employees].iloc[row])}; "
            "expected a number of employees > 0"
        )
    if leader_min <= 0:
        raise CalibrationError(f"--leader-min: got {leader_min}; expected > 0")
    ids = df[firm].astype(str) if firm else pd.Series([str(i) for i in range(len(df))])
    lead = e >= leader_min
    out: dict[str, Any] = {
        "firms": int(e.size),
        "leader_min": leader_min,
        "all": fit_lognormal(e).to_dict(),
        "sme": fit_lognormal(e[~lead]).to_dict() if (~lead).sum() >= 3 else None,
        "leaders": fit_lognormal(e[lead]).to_dict() if lead.sum() >= 3 else _few(e[lead]),
        "leader_list": [
            {"firm": ids.iloc[i], "employees": float(e[i])}
            for i in np.argsort(-e, kind="stable")
            if lead[i]
        ],
        "total_employees": float(e.sum()),
    }
    return out


def _few(x: np.ndarray) -> dict[str, Any] | None:
    """One or two leaders: too few to fit; their geometric mean and log spread, no tests."""
    if x.size == 0:
        return None
    logx = np.log(x)
    return {"n": int(x.size), "median": float(np.exp(logx.mean())), "sigma": float(logx.std())}


def tie_degrees(
    edges: pd.DataFrame,
    source: str = "source",
    target: str = "target",
    kind: str = "kind",
    n_firms: int | None = None,
    *,
    where: str = "edges",
) -> dict[str, Any]:
    """Degree statistics of the strong and weak tie graphs (undirected, duplicates merged).

    A pair tied both strongly and weakly counts as strong (as in the engine). Firms are the
    union of the edge list's ids, or ``n_firms`` when given (isolated firms then have degree 0).
    Per kind: mean, median, s.d., max degree, share of isolated firms, density, mean local
    clustering coefficient (networkx).
    """
    import networkx as nx

    if edges.empty:
        raise CalibrationError(f"{where}: no rows; expected one row per tie")
    for col, opt in ((source, "--source"), (target, "--target"), (kind, "--kind")):
        _require(edges, col, opt, where)
    edges = edges.reset_index(drop=True)
    for col in (source, target):
        blank = edges[col].isna()
        if blank.any():
            row = int(np.flatnonzero(blank.to_numpy())[0])
            raise CalibrationError(f"{where} row {row + 1}, column {col!r}: blank; expected a firm")
    kinds = edges[kind].astype(str).str.strip().str.lower()
    bad = ~kinds.isin(["strong", "weak"])
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise CalibrationError(
            f"{where} row {row + 1}, column {kind!r}: got {_shown(edges[kind].iloc[row])}; "
            "expected 'strong' or 'weak'"
        )
    src, dst = edges[source].astype(str), edges[target].astype(str)
    loops = src == dst
    if loops.any():
        row = int(np.flatnonzero(loops.to_numpy())[0])
        raise CalibrationError(
            f"{where} row {row + 1}: firm {src.iloc[row]!r} is tied to itself; expected two firms"
        )
    nodes = list(dict.fromkeys([*src, *dst]))
    if n_firms is not None:
        if n_firms < len(nodes):
            raise CalibrationError(
                f"--n-firms: {n_firms} is fewer than the {len(nodes)} firms in the edge list"
            )
        nodes += [f"isolated-{k}" for k in range(n_firms - len(nodes))]
    strong, weak = nx.Graph(), nx.Graph()
    strong.add_nodes_from(nodes)
    weak.add_nodes_from(nodes)
    strong.add_edges_from(zip(src[kinds == "strong"], dst[kinds == "strong"], strict=True))
    weak.add_edges_from(
        (a, b)
        for a, b in zip(src[kinds == "weak"], dst[kinds == "weak"], strict=True)
        if not strong.has_edge(a, b)
    )
    out: dict[str, Any] = {"firms": len(nodes), "rows": len(edges)}
    for name, g in (("strong", strong), ("weak", weak)):
        deg = np.array([d for _, d in g.degree()], dtype=float)
        out[name] = {
            "ties": g.number_of_edges(),
            "mean_degree": float(deg.mean()),
            "median_degree": float(np.median(deg)),
            "sd_degree": float(deg.std(ddof=1)) if deg.size > 1 else 0.0,
            "max_degree": int(deg.max()),
            "isolated_share": float(np.mean(deg == 0)),
            "density": float(nx.density(g)),
            "clustering": float(nx.average_clustering(g)),
        }
    return out


def cluster_scenario(
    sizes: dict[str, Any] | None, ties: dict[str, Any] | None, cluster: dict[str, Any] | None
) -> dict[str, Any]:
    """The scenario sections these statistics calibrate (``firms``, ``ties``, name/description)."""
    sc: dict[str, Any] = {}
    if cluster is not None:
        sc["name"] = f"{cluster['industry']} in {cluster['region']}"
        sc["description"] = (
            f"Cluster identified from regional employment: {cluster['industry']} in "
            f"{cluster['region']}, {cluster['employees']:.0f} employees, location quotient "
            f"{cluster['lq']:.3g}"
        )
    if sizes is not None:
        firms: dict[str, Any] = {
            "count": sizes["firms"],
            "leaders": len(sizes["leader_list"]),
        }
        if sizes["sme"] is not None:
            firms["sme_employees"] = {
                "median": round(sizes["sme"]["median"], 6),
                "sigma": round(sizes["sme"]["sigma"], 6),
            }
        if sizes["leaders"] is not None:
            firms["leader_employees"] = {
                "median": round(sizes["leaders"]["median"], 6),
                "sigma": round(sizes["leaders"]["sigma"], 6),
            }
        sc["firms"] = firms
    if ties is not None:
        sc["ties"] = {
            "strong_degree": round(ties["strong"]["mean_degree"], 6),
            "weak_degree": round(ties["weak"]["mean_degree"], 6),
        }
    return sc
