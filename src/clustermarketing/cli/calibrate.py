"""``clustermarketing calibrate``: estimate a scenario's numbers from real data and check them.

* ``calibrate demand PRODUCTS.csv`` — logit / nested-logit demand with pyblp, recovered costs,
  elasticities; ``--scenario-out`` writes the scenario fragment the engine reads.
* ``calibrate cluster [EMPLOYMENT.csv] [--firms F.csv] [--edges E.csv]`` — location quotients,
  Herfindahl, cluster identification, firm-size distribution, tie degrees.
* ``calibrate validate SCENARIO DATA.csv`` — engine prices and shares against the data,
  in-sample and on held-out markets, with an HTML page.

This module parses options, reads and writes files and formats; every number comes from
:mod:`clustermarketing.calibration`. Details: docs/calibration.md.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from clustermarketing.cli.output import print_table

__all__ = ["register"]

stderr = Console(stderr=True)


class Format(StrEnum):
    table = "table"
    json = "json"


class Gmm(StrEnum):
    one = "1s"
    two = "2s"


def _split(values: list[str] | None) -> tuple[str, ...]:
    """Repeatable options that also accept comma-separated lists."""
    out: list[str] = []
    for v in values or []:
        out += [p.strip() for p in v.split(",") if p.strip()]
    return tuple(out)


def _dump(data: Any) -> None:
    from clustermarketing.io import jsonable

    sys.stdout.write(json.dumps(jsonable(data), indent=2, allow_nan=False) + "\n")


def _g(x: Any, digits: int = 6) -> str:
    if x is None:
        return "-"
    if isinstance(x, float):
        return f"{x:.{digits}g}"
    return str(x)


def _check_target(path: Path, force: bool, option: str) -> None:
    """Refuse an output that exists (without --force) or cannot be created, before any work."""
    from clustermarketing.cli.main import fail

    if path.is_dir():
        fail(f"{option} {path}: is a directory; expected a file name")
    if path.exists() and not force:
        fail(f"{option} {path}: already exists; use --force to overwrite it")
    parent = path.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        fail(f"{option} {path}: {parent} is not a directory")


def _provenance(command: str, inputs: dict[str, Path], options: dict[str, Any]) -> dict[str, Any]:
    from clustermarketing import __version__
    from clustermarketing.calibration.data import file_sha256

    return {
        "tool": f"clustermarketing {__version__}",
        "command": command,
        "inputs": {k: {"file": str(p), "sha256": file_sha256(str(p))} for k, p in inputs.items()},
        "options": options,
    }


# ---------------------------------------------------------------------------------- demand


def _demand_tables(est: Any, per_row: bool) -> None:
    spec = est.spec
    t = Table(title=f"Demand: {spec.model.replace('_', ' ')} estimated with pyblp (GMM {spec.gmm})")
    for col in ("coefficient", "estimate", "s.e.", "unit"):
        t.add_column(col, justify="left" if col in ("coefficient", "unit") else "right")
    for name, value in est.beta.items():
        unit = "utils per CU" if name == spec.price else "utils per unit of the column"
        t.add_row(name, _g(value), _g(est.beta_se[name]), unit)
    if est.rho is not None:
        t.add_row("rho (nesting)", _g(est.rho), _g(est.rho_se), "0 = plain logit, → 1 nests")
    print_table(t)
    c = est.cost_summary("cost")
    cs = est.cost_summary("cost_single")
    t = Table(title="Marginal costs from the Bertrand–Nash first-order conditions (CU/unit)")
    for col in ("ownership", "mean", "median", "min", "max", "negative", "mean margin"):
        t.add_column(col, justify="left" if col == "ownership" else "right")
    own = "data's firms" if spec.product else "one firm per row"
    t.add_row(
        own,
        *(_g(c[k]) for k in ("mean", "median", "min", "max")),
        str(c["negative"]),
        _g(c["mean_margin"], 4),
    )
    if spec.product:
        t.add_row(
            "single-product (engine)",
            *(_g(cs[k]) for k in ("mean", "median", "min", "max")),
            str(cs["negative"]),
            _g(cs["mean_margin"], 4),
        )
    print_table(t)
    t = Table(title="Price elasticities of demand (share w.r.t. price)")
    for col in ("elasticity", "mean", "median", "min", "max"):
        t.add_column(col, justify="left" if col == "elasticity" else "right")
    for k, label in (("own", "own price"), ("cross", "cross price (mean over rivals)")):
        e = est.elasticities[k]
        t.add_row(label, *(_g(e[x], 4) for x in ("mean", "median", "min", "max")))
    print_table(t)
    f = est.fit
    t = Table(title="Fit and identification")
    t.add_column("statistic")
    t.add_column("value", justify="right")
    t.add_column("meaning")
    n = est.counts
    t.add_row(
        "rows / markets / products / firms",
        f"{n['rows']} / {n['markets']} / {n['products']} / {n['firms']}",
        "",
    )
    zs = est.instruments
    t.add_row(
        "excluded instruments",
        str(len(zs)),
        zs[0] if len(zs) == 1 else f"{zs[0]} … {zs[-1]}",
    )
    t.add_row("first-stage F (price)", _g(f["first_stage_f"], 5), "weak instruments below ~10")
    t.add_row(
        "Hansen J",
        _g(f["hansen_j"], 5),
        f"overidentification, {f['hansen_dof']} dof, p = {_g(f['hansen_p'], 3)}",
    )
    t.add_row("R² of mean utility", _g(f["delta_r2"], 4), "1 − var(ξ)/var(δ)")
    print_table(t)
    if per_row:
        t = Table(title="Per row: recovered costs and elasticities")
        cols = [
            "market",
            "product",
            "firm",
            "price",
            "share",
            "utility",
            "cost",
            "cost_single",
            "own_elasticity",
        ]
        for col in cols:
            t.add_column(col, justify="left" if col in ("market", "product", "firm") else "right")
        for r in est.rows[cols].itertuples(index=False):
            t.add_row(*(_g(v, 6) for v in r))
        print_table(t)


def demand_command(
    products: Annotated[
        Path, typer.Argument(help="CSV (or Parquet): one row per product and market.")
    ],
    market: Annotated[str, typer.Option(help="Market id column.")] = "market_ids",
    firm: Annotated[str, typer.Option(help="Firm (owner) id column.")] = "firm_ids",
    product: Annotated[
        str | None,
        typer.Option(help="Product id column (default: the firm column, single-product firms)."),
    ] = None,
    price: Annotated[str, typer.Option(help="Price column (CU/unit).")] = "prices",
    share: Annotated[
        str | None, typer.Option(help="Market share column (0 < s < 1). Or --units with --size.")
    ] = None,
    units: Annotated[str | None, typer.Option(help="Units sold column (with --size).")] = None,
    size: Annotated[
        str | None,
        typer.Option(help="Market size column (units/period); also the scenario's sizes."),
    ] = None,
    characteristics: Annotated[
        list[str] | None,
        typer.Option(
            "--characteristics",
            "-x",
            help="Exogenous characteristic columns (repeatable or comma-separated).",
        ),
    ] = None,
    absorb: Annotated[
        list[str] | None,
        typer.Option(help="Fixed-effect columns to absorb, e.g. product_ids (repeatable)."),
    ] = None,
    instruments: Annotated[
        list[str] | None,
        typer.Option(help="Excluded instrument columns or globs (default 'demand_instruments*')."),
    ] = None,
    nest: Annotated[
        str | None, typer.Option(help="Nest column: estimate a nested logit (ρ).")
    ] = None,
    gmm: Annotated[Gmm, typer.Option(help="GMM steps: 1s (2SLS) or 2s (efficient).")] = Gmm.two,
    max_iterations: Annotated[
        int, typer.Option(help="Optimiser iterations for ρ (nested logit).", min=1)
    ] = 1000,
    rho_start: Annotated[
        float, typer.Option(help="Starting ρ (nested logit).", min=0.0, max=0.99)
    ] = 0.7,
    employees: Annotated[
        str | None,
        typer.Option(
            help="Employment column (per firm) for the scenario's firms; default: capacity 25% above demand."
        ),
    ] = None,
    scenario_out: Annotated[
        Path | None,
        typer.Option(help="Write the calibrated scenario (YAML + .firms.csv + .provenance.json)."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite --scenario-out files.")] = False,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output on stdout.")] = Format.table,
    per_row: Annotated[
        bool, typer.Option("--per-row", help="Also print per-row costs, utilities, elasticities.")
    ] = False,
) -> None:
    """Estimate the engine's logit demand from product–market data (pyblp)."""
    from clustermarketing.cli.main import fail, user_errors

    if scenario_out is not None:
        from clustermarketing.calibration.fragment import fragment_paths

        for p in fragment_paths(scenario_out):
            _check_target(p, force, "--scenario-out")
    try:
        import pyblp  # noqa: F401
    except ModuleNotFoundError:
        fail("calibrate demand needs pyblp: pip install 'clustermarketing[calibrate]'")
    from clustermarketing.calibration import DemandSpec, estimate_demand
    from clustermarketing.calibration.data import file_sha256, read_table

    with user_errors():
        df = read_table(str(products))
        spec = DemandSpec(
            market=market,
            firm=firm,
            product=product,
            price=price,
            share=share if share is not None else (None if units is not None else "shares"),
            units=units,
            size=size,
            characteristics=_split(characteristics),
            absorb=_split(absorb),
            instruments=_split(instruments) or ("demand_instruments*",),
            nest=nest,
            gmm=gmm.value,
            max_iterations=max_iterations,
            rho_start=rho_start,
        )
        if stderr.is_terminal:  # progress for people; logs and pipes get only results
            stderr.print(f"estimating {spec.model.replace('_', ' ')} demand on {products} …")
        est = estimate_demand(df, spec, where=products.name)
        emp = None
        if employees is not None:
            emp = _employment_by_product(df, spec, employees, products.name)
        written: list[Path] = []
        if scenario_out is not None:
            from clustermarketing import __version__
            from clustermarketing.calibration.fragment import demand_scenario, write_fragment

            cal = demand_scenario(
                est,
                data_name=products.name,
                data_sha256=file_sha256(str(products)),
                name=f"{products.stem}-calibrated",
                employees=emp,
                tool_version=__version__,
            )
            cal.provenance["options"] = {"employees": employees}
            written = write_fragment(cal, scenario_out)
            for note in cal.notes:
                stderr.print(f"note: {note}", highlight=False)
    for w in est.warnings:
        stderr.print(f"pyblp: {w.splitlines()[0]}", highlight=False)
    if fmt is Format.json:
        _dump(est.to_dict(per_row=per_row))
    else:
        _demand_tables(est, per_row)
    if written:
        stderr.print(f"wrote {', '.join(str(p) for p in written)}", highlight=False)


def _employment_by_product(df: Any, spec: Any, col: str, where: str) -> dict[str, float]:
    import numpy as np
    import pandas as pd

    from clustermarketing.calibration.data import CalibrationError, _require

    _require(df, col, "--employees", where)
    e = pd.to_numeric(df[col], errors="coerce")
    bad = ~np.isfinite(e.to_numpy(float)) | (e.to_numpy(float) <= 0)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise CalibrationError(
            f"{where} row {row + 1}, column {col!r} (--employees): got {df[col].tolist()[row]!r}; "
            "expected a number of employees > 0"
        )
    ids = df[spec.product_column].astype(str)
    per = pd.DataFrame({"id": ids, "e": e}).groupby("id")["e"].agg(["min", "max"])
    differs = per["min"] != per["max"]
    if differs.any():
        raise CalibrationError(
            f"{where}: column {col!r} (--employees) differs across the rows of "
            f"{per.index[differs.to_numpy()][0]!r}; expected one employment figure per firm"
        )
    return per["min"].astype(float).to_dict()


# ---------------------------------------------------------------------------------- cluster


def cluster_command(
    employment: Annotated[
        Path | None, typer.Argument(help="CSV of regional employment: region, industry, employees.")
    ] = None,
    region: Annotated[str, typer.Option(help="Region column of EMPLOYMENT.")] = "region",
    industry: Annotated[str, typer.Option(help="Industry column of EMPLOYMENT.")] = "industry",
    employees: Annotated[str, typer.Option(help="Employees column of EMPLOYMENT.")] = "employees",
    lq_min: Annotated[float, typer.Option(help="Cluster: location quotient at least this.")] = 1.25,
    min_employees: Annotated[
        float, typer.Option(help="Cluster: at least this many employees in the region–industry.")
    ] = 1000.0,
    min_share: Annotated[
        float, typer.Option(help="Cluster: at least this share of the industry's employment.")
    ] = 0.0,
    firms: Annotated[
        Path | None, typer.Option(help="CSV of the cluster's firms (employees).")
    ] = None,
    firm_employees: Annotated[str, typer.Option(help="Employees column of --firms.")] = "employees",
    firm_id: Annotated[str | None, typer.Option(help="Firm name column of --firms.")] = None,
    leader_min: Annotated[
        float,
        typer.Option(help="Leading enterprise: at least this many employees (EU SME ceiling 250)."),
    ] = 250.0,
    edges: Annotated[
        Path | None, typer.Option(help="Edge list CSV: source, target, kind (strong|weak).")
    ] = None,
    source: Annotated[str, typer.Option(help="Source column of --edges.")] = "source",
    target: Annotated[str, typer.Option(help="Target column of --edges.")] = "target",
    kind: Annotated[str, typer.Option(help="Kind column of --edges.")] = "kind",
    scenario_out: Annotated[
        Path | None,
        typer.Option(help="Write the matching scenario sections (YAML + .provenance.json)."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite --scenario-out files.")] = False,
    top: Annotated[int, typer.Option(help="Rows of the location-quotient table.", min=1)] = 20,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output on stdout.")] = Format.table,
) -> None:
    """Locate the cluster (location quotients, Herfindahl), fit firm sizes, measure ties."""
    from clustermarketing.cli.main import fail, user_errors

    if employment is None and firms is None and edges is None:
        fail("calibrate cluster: nothing to do; give EMPLOYMENT.csv, --firms or --edges")
    prov_path = None
    if scenario_out is not None:
        from clustermarketing.calibration.fragment import fragment_paths

        scenario_out, _, prov_path = fragment_paths(scenario_out)
        for p in (scenario_out, prov_path):
            _check_target(p, force, "--scenario-out")
    try:
        import statsmodels  # noqa: F401
    except ModuleNotFoundError:
        fail("calibrate cluster needs statsmodels: pip install 'clustermarketing[calibrate]'")
    from clustermarketing.calibration.cluster import (
        cluster_scenario,
        firm_sizes,
        herfindahl,
        identify_clusters,
        location_quotients,
        tie_degrees,
    )
    from clustermarketing.calibration.data import read_table

    result: dict[str, Any] = {}
    top_cluster = None
    with user_errors():
        if employment is not None:
            lq = location_quotients(
                read_table(str(employment)), region, industry, employees, where=employment.name
            )
            hhi = herfindahl(lq)
            found = identify_clusters(lq, lq_min, min_employees, min_share)
            result["location_quotients"] = lq.sort_values("lq", ascending=False).to_dict(
                orient="records"
            )
            result["herfindahl"] = {k: v.to_dict() for k, v in hhi.items()}
            result["clusters"] = found.to_dict(orient="records")
            result["rule"] = {
                "lq_min": lq_min,
                "min_employees": min_employees,
                "min_share": min_share,
            }
            top_cluster = result["clusters"][0] if result["clusters"] else None
        sizes = ties = None
        if firms is not None:
            sizes = firm_sizes(
                read_table(str(firms)), firm_employees, firm_id, leader_min, where=firms.name
            )
            result["firm_sizes"] = sizes
        if edges is not None:
            n = sizes["firms"] if sizes is not None else None
            ties = tie_degrees(read_table(str(edges)), source, target, kind, n, where=edges.name)
            result["ties"] = ties
        section = cluster_scenario(sizes, ties, top_cluster)
        result["scenario"] = section
        if scenario_out is not None:
            assert prov_path is not None
            inputs = {
                k: p
                for k, p in (("employment", employment), ("firms", firms), ("edges", edges))
                if p is not None
            }
            options = {
                "region": region,
                "industry": industry,
                "employees": employees,
                "lq_min": lq_min,
                "min_employees": min_employees,
                "min_share": min_share,
                "firm_employees": firm_employees,
                "firm_id": firm_id,
                "leader_min": leader_min,
                "source": source,
                "target": target,
                "kind": kind,
            }
            prov = _provenance("calibrate cluster", inputs, options)
            prov["numbers"] = _cluster_provenance(section, sizes, ties, top_cluster)
            _write_cluster_fragment(section, prov, scenario_out, prov_path)
    if fmt is Format.json:
        _dump(result)
    else:
        _cluster_tables(result, top)
    if scenario_out is not None:
        stderr.print(f"wrote {scenario_out}, {prov_path}", highlight=False)


def _cluster_provenance(section: dict[str, Any], sizes: Any, ties: Any, top: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if top is not None:
        out["name/description"] = {
            "source": "the identified cluster with the highest location quotient",
            "lq": top["lq"],
            "employees": top["employees"],
        }
    if sizes is not None:
        out["firms.count"] = {"source": "rows of the firms file", "value": sizes["firms"]}
        out["firms.leaders"] = {
            "source": f"firms with ≥ {sizes['leader_min']:g} employees",
            "value": len(sizes["leader_list"]),
        }
        for key, fit in (
            ("firms.sme_employees", sizes["sme"]),
            ("firms.leader_employees", sizes["leaders"]),
        ):
            if fit is not None:
                out[key] = {"source": "log-normal maximum likelihood (median e^μ̂, σ̂)", **fit}
    if ties is not None:
        for k in ("strong", "weak"):
            out[f"ties.{k}_degree"] = {
                "source": f"mean degree of the {k}-tie graph of the edge list",
                **ties[k],
            }
    return out


def _write_cluster_fragment(
    section: dict[str, Any], prov: dict[str, Any], path: Path, prov_path: Path
) -> None:
    import yaml

    from clustermarketing.io import atomic_write_text, jsonable

    header = [f"# Scenario sections calibrated by {prov['tool']} (calibrate cluster)."]
    for k, v in prov["inputs"].items():
        header.append(f"# {k}: {v['file']} (sha256 {v['sha256']})")
    for key, info in prov["numbers"].items():
        header.append(f"#   {key}: {info['source']}")
    header.append(
        f"# full provenance (estimates, standard errors, goodness of fit): {prov_path.name}"
    )
    body = yaml.safe_dump(section, sort_keys=False, allow_unicode=True) if section else "{}\n"
    atomic_write_text(prov_path, json.dumps(jsonable(prov), indent=2, allow_nan=False) + "\n")
    atomic_write_text(path, "\n".join(header) + "\n" + body)


def _cluster_tables(result: dict[str, Any], top: int) -> None:
    if "location_quotients" in result:
        rule = result["rule"]
        t = Table(title=f"Location quotients (top {top} of {len(result['location_quotients'])})")
        for col in ("region", "industry", "employees", "LQ", "share of industry", "cluster"):
            t.add_column(col, justify="left" if col in ("region", "industry") else "right")
        keys = {(c["region"], c["industry"]) for c in result["clusters"]}
        for r in result["location_quotients"][:top]:
            t.add_row(
                r["region"],
                r["industry"],
                _g(r["employees"]),
                _g(r["lq"], 4),
                _g(r["share_of_industry"], 4),
                "yes" if (r["region"], r["industry"]) in keys else "",
            )
        print_table(t)
        t = Table(
            title=f"Clusters: LQ ≥ {rule['lq_min']:g}, ≥ {rule['min_employees']:g} employees, "
            f"≥ {rule['min_share']:g} of the industry ({len(result['clusters'])} found)"
        )
        for col in ("region", "industry", "employees", "LQ", "industry HHI"):
            t.add_column(col, justify="left" if col in ("region", "industry") else "right")
        hhi_i = result["herfindahl"]["industry"]
        for r in result["clusters"]:
            t.add_row(
                r["region"],
                r["industry"],
                _g(r["employees"]),
                _g(r["lq"], 4),
                _g(hhi_i[r["industry"]], 4),
            )
        print_table(t)
    if "firm_sizes" in result:
        s = result["firm_sizes"]
        t = Table(
            title=f"Firm sizes: log-normal by maximum likelihood ({s['firms']} firms; leaders ≥ {s['leader_min']:g} employees)"
        )
        for col in (
            "group",
            "n",
            "median (persons)",
            "σ of ln",
            "s.e. μ",
            "s.e. σ",
            "KS",
            "Lilliefors p",
            "AD",
            "AD p",
        ):
            t.add_column(col, justify="left" if col == "group" else "right")
        for name in ("all", "sme", "leaders"):
            f = s[name]
            if f is None:
                continue
            t.add_row(
                name,
                str(f["n"]),
                _g(f["median"], 5),
                _g(f["sigma"], 4),
                _g(f.get("mu_se"), 3),
                _g(f.get("sigma_se"), 3),
                _g(f.get("ks"), 3),
                _g(f.get("ks_p"), 3),
                _g(f.get("ad"), 3),
                _g(f.get("ad_p"), 3),
            )
        print_table(t)
        if s["leader_list"]:
            t = Table(title="Leading enterprises")
            t.add_column("firm")
            t.add_column("employees", justify="right")
            for r in s["leader_list"]:
                t.add_row(r["firm"], _g(r["employees"]))
            print_table(t)
    if "ties" in result:
        tie = result["ties"]
        t = Table(title=f"Ties: degree statistics ({tie['firms']} firms)")
        for col in (
            "kind",
            "ties",
            "mean degree",
            "median",
            "s.d.",
            "max",
            "isolated",
            "density",
            "clustering",
        ):
            t.add_column(col, justify="left" if col == "kind" else "right")
        for k in ("strong", "weak"):
            d = tie[k]
            t.add_row(
                k,
                str(d["ties"]),
                _g(d["mean_degree"], 4),
                _g(d["median_degree"]),
                _g(d["sd_degree"], 4),
                str(d["max_degree"]),
                _g(d["isolated_share"], 3),
                _g(d["density"], 3),
                _g(d["clustering"], 3),
            )
        print_table(t)


# ---------------------------------------------------------------------------------- validate


def validate_command(
    scenario: Annotated[
        str, typer.Argument(help="Calibrated scenario (from calibrate demand --scenario-out).")
    ],
    data: Annotated[Path, typer.Argument(help="The observed product–market data.")],
    holdout: Annotated[
        float,
        typer.Option(
            help="Share of markets held out, re-estimated without, predicted.", min=0.0, max=0.95
        ),
    ] = 0.2,
    seed: Annotated[int, typer.Option(help="Seed of the held-out split.", min=0)] = 0,
    html: Annotated[
        Path | None,
        typer.Option(help="HTML page with the plots (default: SCENARIO.validation.html)."),
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output on stdout.")] = Format.table,
    per_row: Annotated[
        bool, typer.Option("--per-row", help="JSON: include every compared row.")
    ] = False,
) -> None:
    """Re-simulate the calibrated scenario's prices and shares and compare them with the data."""
    from clustermarketing.cli.main import fail, load, user_errors

    sc_path = Path(scenario)
    if not sc_path.is_file():
        fail(
            f"{scenario}: not a file; expected a scenario written by calibrate demand --scenario-out"
        )
    from clustermarketing.calibration.fragment import fragment_paths

    _, _, prov_path = fragment_paths(sc_path)
    if html is None:
        html = sc_path.with_name(f"{sc_path.stem}.validation.html")
    _check_target(html, True, "--html")
    if not prov_path.is_file():
        fail(
            f"{scenario}: no provenance file {prov_path.name} beside it; validate re-estimates with "
            "the specification that calibrate demand --scenario-out records there"
        )
    try:
        import pyblp  # noqa: F401
    except ModuleNotFoundError:
        fail("calibrate validate needs pyblp: pip install 'clustermarketing[calibrate]'")
    from clustermarketing.calibration.data import CalibrationError, DemandSpec, read_table
    from clustermarketing.calibration.validate import html_report, validate_demand
    from clustermarketing.io import atomic_write_text

    sc = load(scenario)
    with user_errors():
        try:
            recorded = json.loads(prov_path.read_text())
            spec = DemandSpec.from_dict(recorded["specification"])
        except (ValueError, KeyError, TypeError) as e:
            raise CalibrationError(
                f"{prov_path}: not a calibrate demand provenance file ({e})"
            ) from None
        df = read_table(str(data))
        if stderr.is_terminal:
            stderr.print(f"re-simulating {len(sc.markets)} markets, holdout {holdout:g} …")
        report = validate_demand(sc, df, spec, holdout=holdout, seed=seed, data_name=data.name)
        prov = _provenance(
            "calibrate validate",
            {"scenario": sc_path, "data": data},
            {"holdout": holdout, "seed": seed},
        )
        prov["scenario_calibrated_from"] = recorded.get("data")
        page = html_report(report, f"Validation of {sc_path.name} against {data.name}", prov)
        atomic_write_text(html, page)
    if fmt is Format.json:
        out = report.to_dict(per_row=per_row)
        out["provenance"] = prov
        out["html"] = str(html)
        _dump(out)
    else:
        t = Table(
            title="Engine Nash equilibrium vs observed (MAE: mean absolute error; MRE: mean relative error)"
        )
        for col in (
            "split",
            "rows",
            "markets",
            "price MAE (CU)",
            "price MRE",
            "share MAE",
            "share MRE",
        ):
            t.add_column(col, justify="left" if col == "split" else "right")
        for r in report.errors.to_dict(orient="records"):
            t.add_row(
                r["split"],
                str(r["rows"]),
                str(r["markets"]),
                _g(r["price_mae"], 4),
                _g(r["price_mre"], 4),
                _g(r["share_mae"], 4),
                _g(r["share_mre"], 4),
            )
        print_table(t)
        if report.holdout_estimate:
            h = report.holdout_estimate
            typer.echo(
                f"held-out markets ({len(report.holdout_markets)}): {', '.join(report.holdout_markets)}; "
                f"re-estimated on {h['training_markets']} markets: price coefficient "
                f"{h['price_coefficient']:.6g} (s.e. {h['price_se']:.4g})"
            )
    for note in report.notes:
        stderr.print(f"note: {note}", highlight=False)
    stderr.print(f"wrote {html}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add the ``calibrate`` command group to a Typer app."""
    group = typer.Typer(
        name="calibrate",
        help="Estimate scenario numbers from real data (demand, cluster) and validate them.",
        no_args_is_help=True,
    )
    group.command("demand")(demand_command)
    group.command("cluster")(cluster_command)
    group.command("validate")(validate_command)
    app.add_typer(group, name="calibrate")
