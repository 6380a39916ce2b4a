"""``clustermarketing compare``: every marketing model against one shared baseline.

Runs the chosen models (default: every built cooperative model) and the independent baseline —
run once per replicate and shared — on common random numbers, and prints one table: a row per
model, a column per key metric, each cell the paired difference from the baseline with its 95%
confidence interval, marked ``*`` where the interval excludes zero. This module only parses and
formats; the numbers come from :func:`clustermarketing.analysis.compare`.
"""

from __future__ import annotations

import csv
import io
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from clustermarketing.cli.main import SetOption, fail, load, user_errors
from clustermarketing.cli.output import print_table
from clustermarketing.units import unit_of

#: metrics shown by default (every metric is in the JSON)
KEY_METRICS = (
    "member_profit",
    "sme_profit",
    "profit",
    "output",
    "employment",
    "consumer_surplus",
    "unit_marketing_cost",
    "membership_rate",
    "cooperation_rate",
    "firms",
)


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def _num(x: Any) -> str:
    if x is None:
        return "-"
    f = float(x)
    if f == 0:
        f = 0.0  # no "-0"
    return f"{f:.4g}"


def _excludes_zero(d: dict[str, Any]) -> bool:
    lo, hi = d.get("ci_low"), d.get("ci_high")
    return lo is not None and hi is not None and (lo > 0 or hi < 0)


def comparison_table(summary: dict[str, Any], metrics: list[str], sort: str | None) -> Table:
    """Rows = models, columns = metrics, cells = difference vs baseline [95% CI] (``*``: ≠ 0)."""
    models = summary["models"]
    names = list(models)
    if sort is not None:

        def key(name: str) -> float:
            mean = models[name]["metrics"][sort]["difference"]["mean"]
            return -float(mean) if mean is not None else float("inf")

        names.sort(key=key)
    table = Table(
        title=(
            f"{summary['scenario']}: models vs the independent baseline "
            f"({summary['replicates']} replicates × {summary['periods']} periods, seed "
            f"{summary['seed']})"
        ),
        caption=(
            "cell = mean paired difference model − baseline on common random numbers, "
            "[95% CI] below; * = CI excludes 0; † = the model's level, where the baseline has none "
            "(no members, so no cooperation rate); - = undefined"
            + (f"; sorted by {sort}, largest gain first" if sort else "")
        ),
        show_lines=True,
    )
    table.add_column("model", style="bold")
    for m in metrics:
        table.add_column(Text(f"{m}\n[{unit_of(m)}]"), justify="right")
    for name in names:
        cells: list[Text | str] = [name]
        for m in metrics:
            leaf = models[name]["metrics"][m]
            d = leaf["difference"]
            mark = "*" if _excludes_zero(d) else ""
            if d.get("mean") is None and (leaf.get("model") or {}).get("mean") is not None:
                d, mark = leaf["model"], "†"  # undefined in the baseline: show the level
            cell = Text(_num(d["mean"]) + mark)
            if d.get("ci_low") is not None:
                cell.append(f"\n[{_num(d['ci_low'])}, {_num(d['ci_high'])}]", style="dim")
            cells.append(cell)
        table.add_row(*cells)
    return table


def comparison_csv(summary: dict[str, Any]) -> str:
    """One row per (model, metric): model/baseline/difference mean and CI."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    arms = ("model", "baseline", "difference")
    stats = ("mean", "ci_low", "ci_high")
    w.writerow(["model", "metric", "unit", *(f"{a}_{s}" for a in arms for s in stats)])
    for name, body in summary["models"].items():
        for metric, leaf in body["metrics"].items():
            row: list[Any] = [name, metric, unit_of(metric)]
            for a in arms:
                for s in stats:
                    v = leaf[a][s]
                    row.append("" if v is None else repr(float(v)))
            w.writerow(row)
    return buf.getvalue()


#: The files ``compare --out DIR`` writes (``--force`` replaces these, keeps the rest).
COMPARE_FILES = (
    "cluster.parquet",
    "baseline_groups.parquet",
    "replicates.parquet",
    "firms.parquet",
    "summary.json",
)


def _check_out(out: Path, force: bool) -> None:
    from clustermarketing.errors import ClusterMarketingError
    from clustermarketing.io import check_output_dir

    try:
        check_output_dir(out, force, owned=COMPARE_FILES)
    except ClusterMarketingError as e:
        fail(f"--out: {e}")


def compare_command(
    scenario: Annotated[
        str, typer.Argument(help="Scenario YAML/JSON file or built-in example name.")
    ] = "footwear",
    models: Annotated[
        str | None,
        typer.Option(
            "--models",
            "-m",
            help="Comma-separated models (default: every built cooperative model).",
        ),
    ] = None,
    replicates: Annotated[
        int | None, typer.Option("--replicates", "-r", help="Replicates.", min=1)
    ] = None,
    periods: Annotated[int | None, typer.Option("--periods", "-p", help="Periods.", min=1)] = None,
    seed: Annotated[
        int | None, typer.Option(help="Root seed (default: the scenario's).", min=0)
    ] = None,
    set_: SetOption = None,
    sort: Annotated[
        str | None,
        typer.Option("--sort", help="Sort models by this metric's gain (largest first)."),
    ] = None,
    metrics: Annotated[
        str | None,
        typer.Option(
            "--metrics", help="Comma-separated metrics for the table (default: key metrics)."
        ),
    ] = None,
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help="What to print on stdout.")
    ] = Format.table,
    out: Annotated[
        Path | None,
        typer.Option(help="Write cluster/baseline_groups/replicates Parquet + summary.json here."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace results in a non-empty --out.")
    ] = False,
    firm_panel: Annotated[
        bool, typer.Option("--firm-panel", help="Also write the per-firm panel (firms.parquet).")
    ] = False,
    workers: Annotated[
        int, typer.Option("--workers", "-w", help="Processes (results do not depend on it).", min=1)
    ] = 1,
    progress: Annotated[
        bool | None,
        typer.Option(
            "--progress/--no-progress", help="Progress on stderr (default: on a terminal)."
        ),
    ] = None,
) -> None:
    """Run several marketing models and the shared independent baseline; compare them."""
    from clustermarketing.analysis import compare
    from clustermarketing.cli.main import _progress_reporter, firm_count
    from clustermarketing.engine.metrics import METRICS
    from clustermarketing.models import PRESETS

    sc = load(scenario, set_ or ())
    names = [m.strip() for m in models.split(",")] if models else None
    if names is not None:
        for name in names:
            if name not in PRESETS:
                fail(f"--models: unknown model {name!r}; expected some of {', '.join(PRESETS)}")
            try:
                sc.model_config_for(name)
            except ValueError as e:
                fail(f"--models: {e}")
    shown = [m.strip() for m in metrics.split(",")] if metrics else list(KEY_METRICS)
    for m in [*shown, *([sort] if sort else [])]:
        if m not in METRICS:
            fail(f"--metrics/--sort: unknown metric {m!r}; expected one of {', '.join(METRICS)}")
    if out is not None:
        _check_out(out, force)
    n_models = len(names) if names else sum(p.implemented for p in PRESETS.values()) - 1
    reps = replicates or sc.replicates
    steps = periods or sc.horizon
    with (
        _progress_reporter(progress, work=reps * steps * firm_count(sc) * (n_models + 1)) as cb,
        user_errors(),
    ):
        res = compare(
            sc,
            names,
            replicates=replicates,
            periods=periods,
            seed=seed,
            workers=workers,
            progress=cb,
            firm_panel=firm_panel,
        )
    from clustermarketing.cli.main import add_units_and_provenance, make_provenance

    options = {
        "models": names,
        "replicates": reps,
        "periods": steps,
        "seed": seed if seed is not None else sc.seed,
        "sort": sort,
        "metrics": shown,
        "format": fmt.value,
        "out": str(out.absolute()) if out is not None else None,
        "force": force,
        "firm_panel": firm_panel,
        "workers": workers,
    }
    prov = make_provenance("compare", options, scenario, sc, set_ or (), options["seed"])
    add_units_and_provenance(res.summary, prov)
    if out is not None:
        from clustermarketing.io import write_tables

        tables = {
            "cluster.parquet": res.cluster,
            "baseline_groups.parquet": res.baseline_groups,
            "replicates.parquet": res.replicate_values,
        }
        if res.firms is not None:
            tables["firms.parquet"] = res.firms
        with user_errors():
            written = write_tables(out, tables, res.summary, owned=COMPARE_FILES)
        print(f"wrote {', '.join(p.name for p in written)} to {out}", file=sys.stderr)
    if fmt is Format.json:
        from clustermarketing.io import summary_json

        sys.stdout.write(summary_json(res.summary) + "\n")
    elif fmt is Format.csv:
        sys.stdout.write(comparison_csv(res.summary))
    else:
        print_table(comparison_table(res.summary, shown, sort))


def register(app: typer.Typer) -> None:
    """Add ``compare`` to the command line."""
    app.command("compare")(compare_command)
