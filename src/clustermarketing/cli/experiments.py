"""Commands ``experiment new``, ``sweep``, ``results`` and ``analyze`` (docs/experiments.md).

Heavy libraries (DuckDB, SALib, EMA Workbench, Ray, matplotlib) are imported inside the
commands, so ``clustermarketing --help`` stays fast and works without the extras.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sys
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console

from clustermarketing.cli.output import print_table

# cli.main imports this module to register its commands: take its helpers at call time
stderr = Console(stderr=True)


def fail(message: str) -> NoReturn:
    """Report a user error (``error: …`` on stderr) and exit with code 2."""
    from clustermarketing.cli.main import fail as main_fail

    main_fail(message)


def user_errors() -> contextlib.AbstractContextManager[None]:
    """User-input errors → one ``error:`` line and exit code 2 (see ``cli.main``)."""
    from clustermarketing.cli.main import user_errors as main_user_errors

    return main_user_errors()


experiment_app = typer.Typer(
    help="Declare experiments (sweeps over scenario parameters).", no_args_is_help=True
)


class Executor(StrEnum):
    local = "local"
    sequential = "sequential"
    ray = "ray"


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


class Method(StrEnum):
    sobol = "sobol"
    morris = "morris"
    prim = "prim"


class Arm(StrEnum):
    difference = "difference"
    model = "model"
    baseline = "baseline"


class Better(StrEnum):
    higher = "higher"
    lower = "lower"


def _note(text: str) -> None:
    """A plain line on stderr (never wrapped: file names and hashes stay whole)."""
    print(text, file=sys.stderr, flush=True)


def _need(module: str, extra: str) -> None:
    import importlib.util

    if importlib.util.find_spec(module) is None:
        fail(f"{module} is not installed; install it with pip install 'clustermarketing[{extra}]'")


@experiment_app.command("new")
def experiment_new(
    file: Annotated[Path, typer.Argument(help="Where to write the experiment template.")],
    force: Annotated[bool, typer.Option("--force", "-f", help="Overwrite FILE.")] = False,
) -> None:
    """Write an annotated experiment template (every field, its meaning and default)."""
    from clustermarketing.experiments.template import TEMPLATE
    from clustermarketing.io import atomic_write_text

    if file.is_dir():
        fail(f"{file}: is a directory; expected a file name")
    if file.exists() and not force:
        fail(f"{file}: already exists; use --force to overwrite it")
    with user_errors():
        atomic_write_text(file, TEMPLATE)
    typer.echo(f"Wrote {file}. Run it with: clustermarketing sweep {file} --out DIR")


class _Progress:
    """Runs done / total with rate and ETA on stderr: a bar on a terminal, else lines."""

    def __init__(self, enabled: bool | None) -> None:
        self.enabled = enabled is not False
        self.bar: Any = None
        self.t0 = time.perf_counter()
        self.start_done: int | None = None
        self.last = -1

    def __enter__(self) -> _Progress:
        if self.enabled and stderr.is_terminal:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self.bar = Progress(
                TextColumn("sweep"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("runs · {task.fields[failed]} failed"),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                console=stderr,
                transient=False,
            )
            self.bar.__enter__()
            self.task = self.bar.add_task("sweep", total=None, failed=0)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)

    def __call__(self, done: int, total: int, failed: int) -> None:
        if not self.enabled:
            return
        if self.start_done is None:
            self.start_done = done
            self.t0 = time.perf_counter()
        if self.bar is not None:
            self.bar.update(self.task, completed=done, total=total, failed=failed)
            return
        step = max(1, total // 20)
        if done != total and done // step == self.last:
            return
        self.last = done // step
        elapsed = time.perf_counter() - self.t0
        ran = done - self.start_done
        eta = "?"
        if ran > 0 or done == total:
            secs = elapsed / ran * (total - done) if done < total else 0.0
            eta = str(dt.timedelta(seconds=round(secs)))
        pct = 100 * done / total if total else 100
        print(
            f"progress: {done}/{total} runs ({pct:.0f}%), {failed} failed, ETA {eta}",
            file=sys.stderr,
            flush=True,
        )


def sweep(
    experiment: Annotated[Path, typer.Argument(help="Experiment YAML file.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Results directory (created).")],
    executor: Annotated[
        Executor, typer.Option("--executor", "-e", help="How runs are spread.")
    ] = Executor.local,
    workers: Annotated[
        int | None,
        typer.Option("--workers", "-w", help="Parallel runs (default: all CPUs).", min=1),
    ] = None,
    address: Annotated[
        str | None,
        typer.Option(help="Ray cluster address (executor ray; default: a local instance)."),
    ] = None,
    retry_failed: Annotated[
        bool, typer.Option("--retry-failed", help="Run again the runs recorded as failed.")
    ] = False,
    progress: Annotated[
        bool | None,
        typer.Option("--progress/--no-progress", help="Progress on stderr (default: on)."),
    ] = None,
) -> None:
    """Run every (design point, replicate) of EXPERIMENT into DIR; resumes an unfinished DIR."""
    from clustermarketing.experiments import read_experiment, run_sweep
    from clustermarketing.experiments.sweep import plan

    _need("duckdb", "experiments")
    if address is not None and executor is not Executor.ray:
        fail("--address: only used with --executor ray")
    with user_errors():
        exp = read_experiment(experiment)
        text = experiment.read_text()
        plan(exp)  # every check before any process or cluster is started
    if executor is Executor.ray:
        _need("ray", "ray")
        import clustermarketing.parallel.ray  # noqa: F401  (registers "ray")
    from clustermarketing.parallel import make_evaluator

    options = {"executor": executor.value, "workers": workers, "address": address}
    kwargs = {"address": address} if executor is Executor.ray else {}
    made: list[Any] = []

    def evaluator() -> Any:  # started only when runs remain
        with user_errors():
            made.append(make_evaluator(executor.value, workers, **kwargs))
        return made[-1]

    try:
        with user_errors(), _Progress(progress) as bar:
            report = run_sweep(
                exp,
                out,
                evaluator,
                source_text=text,
                retry_failed=retry_failed,
                progress=bar,
                options=options,
            )
    finally:
        for ev in made:
            ev.close()
    rate = report.ran / report.seconds if report.seconds > 0 else float("nan")
    _note(
        f"{report.done}/{report.total} runs in {out} ({report.ran} now, {rate:.2f} runs/s; "
        f"{report.already} already done); {report.failed} failed"
    )
    for line in report.failures[:5]:
        _note(f"  failed: {line}")
    if report.failed:
        _note(
            f'  see: clustermarketing results {out} --sql "SELECT point, replicate, error '
            "FROM runs WHERE status = 'failed'\""
        )


def _emit(df: Any, fmt: Format, title: str) -> None:
    from rich.table import Table

    if fmt is Format.csv:
        sys.stdout.write(df.to_csv(index=False))
        return
    if fmt is Format.json:
        from clustermarketing.io import jsonable

        records = df.astype(object).where(df.notna(), None).to_dict(orient="records")
        sys.stdout.write(json.dumps(jsonable(records), indent=2) + "\n")
        return
    table = Table(title=title)
    for c in df.columns:
        numeric = df[c].dtype.kind in "iuf"
        table.add_column(str(c), justify="right" if numeric else "left")
    for row in df.itertuples(index=False):
        table.add_row(*(_fmt(v) for v in row))
    print_table(table)


def _fmt(v: Any) -> str:
    import math

    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if isinstance(v, float):
        return f"{v:.6g}"
    return str(v)


def results(
    directory: Annotated[Path, typer.Argument(help="A sweep's results directory.")],
    sql: Annotated[
        str | None,
        typer.Option(help="A DuckDB query over the views runs, metrics, periods, design."),
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
) -> None:
    """Summarise a sweep (runs done / failed, outcomes by model and arm) or query it with SQL."""
    _need("duckdb", "experiments")
    import duckdb

    from clustermarketing.experiments import store

    with user_errors():
        manifest = store.check_results_dir(directory)
        con = store.connect(directory)
    have = {
        r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }
    if sql is not None:
        try:
            df = con.execute(sql).df()
        except duckdb.Error as e:
            msg = str(e).splitlines()[0]
            missing = sorted({"runs", "metrics", "periods"} - have)
            hint = f" (no {', '.join(missing)} in this store yet)" if missing else ""
            fail(f"--sql: {msg}{hint}")
        _emit(df, fmt, "query")
        return
    if "runs" not in have:
        fail(f"{directory}: no finished runs yet (0/{manifest['total_runs']})")
    counts = dict(con.execute("SELECT status, count(*) FROM runs GROUP BY status").fetchall())
    ok, bad = int(counts.get("ok", 0)), int(counts.get("failed", 0))
    total = manifest["total_runs"]
    if fmt is Format.table:
        _note(
            f"{directory}: {ok + bad}/{total} runs done ({ok} ok, {bad} failed); "
            f"{manifest['design_points']} design points × {manifest['replicates']} replicates; "
            f"experiment {manifest['experiment_hash'][:12]}"
        )
    if "metrics" not in have:
        fail(f"{directory}: no successful runs yet")
    parts = []
    for o in manifest["outcomes"]:
        q = '"' + o.replace('"', '""') + '"'
        parts.append(
            f"SELECT '{o}' AS outcome, model, arm, count({q}) AS n, avg({q}) AS mean, "
            f"stddev_samp({q}) AS sd, min({q}) AS min, max({q}) AS max "
            "FROM metrics GROUP BY model, arm"
        )
    df = con.execute(" UNION ALL ".join(parts) + " ORDER BY outcome, model, arm DESC").df()
    _emit(df, fmt, "Outcomes by model and arm over all design points and replicates")


def analyze(
    directory: Annotated[Path, typer.Argument(help="A sweep's results directory.")],
    outcome: Annotated[str, typer.Option("--outcome", help="Summary metric to analyse.")],
    method: Annotated[Method, typer.Option("--method", "-m", help="Analysis.")] = Method.sobol,
    model: Annotated[
        str | None, typer.Option("--model", help="Model (default: the sweep's first).")
    ] = None,
    arm: Annotated[
        Arm,
        typer.Option(help="Response: model − baseline (difference), model or baseline."),
    ] = Arm.difference,
    threshold: Annotated[
        float, typer.Option(help="PRIM: a point is of interest when the response beats this.")
    ] = 0.0,
    better: Annotated[
        Better, typer.Option(help="PRIM: higher (response > threshold) or lower.")
    ] = Better.higher,
    density: Annotated[
        float, typer.Option(help="PRIM: least density of the reported box.", min=0.0, max=1.0)
    ] = 0.8,
    seed: Annotated[int, typer.Option(help="Seed of the bootstrap CIs.", min=0)] = 0,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
    html: Annotated[
        Path | None, typer.Option(help="Also write a self-contained HTML page with plots.")
    ] = None,
) -> None:
    """Sobol' / Morris sensitivity indices or PRIM boxes of OUTCOME over a sweep."""
    from clustermarketing.experiments.analysis import analyze as run_analysis

    _need("duckdb", "experiments")
    _need("SALib", "experiments")
    if method is Method.prim:
        _need("ema_workbench", "experiments")
    if html is not None and html.is_dir():
        fail(f"--html {html}: is a directory; expected a file name")
    with user_errors():
        res = run_analysis(
            directory,
            outcome,
            method.value,
            model,
            arm.value,
            threshold=threshold,
            better=better.value,
            density=density,
            seed=seed,
        )
    if html is not None:
        from clustermarketing.experiments.report import html_report
        from clustermarketing.io import atomic_write_text

        with user_errors():
            atomic_write_text(html, html_report(res))
        _note(f"wrote {html}")
    if fmt is Format.json:
        sys.stdout.write(json.dumps(res.to_dict(), indent=2) + "\n")
        return
    table = res.table.reset_index()
    if fmt is Format.csv:
        sys.stdout.write(table.to_csv(index=False))
        return
    title = {
        "sobol": f"Sobol' indices of {outcome} ({res.arm}, {res.model}), 95% CI half-widths",
        "morris": f"Morris μ*, σ of {outcome} ({res.arm}, {res.model}), per unit of range",
        "prim": f"PRIM box: {res.info.get('condition', outcome)} ({res.model})",
    }[res.method]
    if res.method == "prim":
        table["min"] = table["min"].map(lambda v: v if not isinstance(v, list) else ",".join(v))
    _emit(table, Format.table, title)
    if res.s2 is not None:
        _emit(res.s2, Format.table, "Second-order Sobol' indices S2")
    if res.trajectory is not None:
        _emit(res.trajectory, Format.table, "PRIM peeling trajectory")
        sel = res.info.get("selected_box", {})
        _note(
            f"selected box {sel.get('box')}: coverage {sel.get('coverage', 0):.3f}, density "
            f"{sel.get('density', 0):.3f}, mass {sel.get('mass', 0):.3f}, "
            f"{sel.get('res_dim')} restricted parameters"
        )
    for n in res.notes:
        _note(f"note: {n}")


def register(app: typer.Typer) -> None:
    """Add ``experiment``, ``sweep``, ``results`` and ``analyze`` to the main command."""
    app.add_typer(experiment_app, name="experiment")
    app.command("sweep")(sweep)
    app.command("results")(results)
    app.command("analyze")(analyze)
