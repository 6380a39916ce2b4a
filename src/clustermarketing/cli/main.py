"""The ``clustermarketing`` command (Typer).

User errors — a bad scenario, override, option value, input file or output target — print one
message to stderr prefixed ``error:`` and exit with code 2, never a traceback; output targets are
checked before any work starts. Warnings (an empty scenario file, too few replicates, a long run)
print one ``warning:`` line on stderr. Machine-readable output (``run --format json|csv``) is
the only thing written to stdout; progress goes to stderr. Every JSON output carries a
``provenance`` record (:func:`clustermarketing.io.provenance`) and a ``units`` map.
"""

from __future__ import annotations

import contextlib
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table
from typer import _click  # Typer's vendored Click: its exceptions are what the parser raises
from typer.core import TyperGroup

from clustermarketing.cli.output import print_table
from clustermarketing.errors import ClusterMarketingError

EXIT_USAGE = 2


def print_error(message: str) -> None:
    """Print ``error: message`` to stderr; continuation lines are indented under it.

    Pydantic's ``Value error,`` prefixes (from a validator's message passed on) are dropped.
    """
    from clustermarketing.scenario.load import clean_message

    first, *rest = clean_message(str(message)).strip().splitlines() or [""]
    text = "\n".join([f"error: {first}", *(f"  {line}" for line in rest)])
    print(text, file=sys.stderr, flush=True)


def fail(message: str) -> NoReturn:
    """Report a user error and exit with code 2."""
    print_error(message)
    raise typer.Exit(EXIT_USAGE)


def warn(message: str) -> None:
    """Print ``warning: message`` to stderr; continuation lines are indented under it."""
    first, *rest = str(message).strip().splitlines() or [""]
    text = "\n".join([f"warning: {first}", *(f"  {line}" for line in rest)])
    print(text, file=sys.stderr, flush=True)


@contextlib.contextmanager
def reported_warnings() -> Iterator[None]:
    """Print the warnings raised inside (e.g. a ScenarioWarning) as ``warning:`` lines."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            yield
        finally:
            seen: set[str] = set()
            for w in caught:
                if issubclass(w.category, UserWarning) and str(w.message) not in seen:
                    seen.add(str(w.message))
                    warn(str(w.message))


class _Group(TyperGroup):
    """Typer group that reports parser and user errors as one ``error:`` line, exit code 2."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except _click.exceptions.NoArgsIsHelpError as e:  # help was already printed
            sys.exit(e.exit_code)
        except _click.exceptions.ClickException as e:
            hint = ""
            ctx = getattr(e, "ctx", None)
            if ctx is not None:
                hint = f" (see '{ctx.command_path} --help')"
            print_error(e.format_message() + hint)
            sys.exit(EXIT_USAGE if e.exit_code == EXIT_USAGE else e.exit_code)
        except (typer.Abort, KeyboardInterrupt):
            print_error("aborted")
            sys.exit(130)
        except ClusterMarketingError as e:
            print_error(str(e))
            sys.exit(EXIT_USAGE)
        sys.exit(rv if isinstance(rv, int) else 0)


app = typer.Typer(
    cls=_Group,
    name="clustermarketing",
    help="Simulate cooperative marketing in industrial clusters.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
stdout = Console(soft_wrap=False)
stderr = Console(stderr=True)


def _version(value: bool) -> None:
    if value:
        from clustermarketing import __version__

        typer.echo(f"clustermarketing {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", "-V", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Simulate cooperative marketing in industrial clusters."""


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Turn errors of user input (ValueError and subclasses, unusable paths) into exit code 2."""
    try:
        yield
    except typer.Exit:
        raise
    except (ClusterMarketingError, ValueError) as e:
        fail(str(e))
    except FileNotFoundError as e:
        fail(f"{e.filename}: file not found")
    except IsADirectoryError as e:
        fail(f"{e.filename}: is a directory; expected a file")
    except OSError as e:  # permission denied, a file where a directory is needed, disk full...
        fail(f"{e.filename or ''}: {e.strerror or e}")


def load(source: str, overrides: Sequence[str] = ()) -> Any:
    """Load and validate a scenario (path or example name) with ``--set`` overrides."""
    from clustermarketing.scenario import load_scenario

    with user_errors(), reported_warnings():
        return load_scenario(source, list(overrides))


def scenario_inputs(source: str, scenario: Any) -> dict[str, Any]:
    """The input files of a scenario, for provenance: the scenario file, firms CSV, edge list."""
    from pathlib import Path as _Path

    return {
        "scenario": source if _Path(source).is_file() else None,
        "firms.csv": scenario.firms.csv if scenario.firms.source == "csv" else None,
        "ties.edgelist": scenario.ties.edgelist if scenario.ties.source == "edgelist" else None,
    }


def make_provenance(
    command: str,
    options: dict[str, Any],
    source: str,
    scenario: Any,
    overrides: Sequence[str],
    seed: int | None,
) -> dict[str, Any]:
    """The provenance record of an output of ``command`` (see :func:`clustermarketing.io.provenance`)."""
    from clustermarketing.io import provenance

    with user_errors():
        return provenance(
            command,
            options,
            source=source,
            scenario=scenario.model_dump(mode="json"),
            overrides=list(overrides),
            seed=seed,
            inputs=scenario_inputs(source, scenario),
        )


def check_out_dir(out: Path, force: bool) -> None:
    """Fail (exit 2, naming ``--out``) unless ``out`` can take a run's files."""
    from clustermarketing.io import check_output_dir

    try:
        check_output_dir(out, force)
    except ClusterMarketingError as e:
        fail(f"--out: {e}")


def check_out_file(out: Path, force: bool, option: str = "--out") -> None:
    """Fail (exit 2, naming the option) unless a file can be written at ``out``."""
    from clustermarketing.io import check_output_file

    try:
        check_output_file(out, force)
    except ClusterMarketingError as e:
        fail(f"{option}: {e}")


def warn_few_replicates(replicates: int) -> None:
    """Warn when too few replicates make the 95% intervals (nearly) meaningless."""
    from clustermarketing.analysis.stats import FEW_REPLICATES

    if replicates == 1:
        warn(
            "1 replicate: no confidence intervals can be computed; use --replicates "
            f"{2 * FEW_REPLICATES} or more to compare the model with the baseline"
        )
    elif replicates < FEW_REPLICATES:
        from scipy import stats

        t = stats.t.ppf(0.975, replicates - 1)
        warn(
            f"{replicates} replicates: the 95% intervals are very wide (t = {t:.1f} instead of "
            f"about 2); use --replicates {2 * FEW_REPLICATES} or more before reading differences"
        )


def firm_count(scenario: Any) -> int:
    """Number of firms at t=0: the generated count or the rows of the firms CSV."""
    if scenario.firms.source == "csv":
        from clustermarketing.scenario.inputs import read_firms_csv

        with user_errors():
            return len(read_firms_csv(scenario.firms.csv, scenario))
    return int(scenario.firms.count)


SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        "-s",
        metavar="PATH=VALUE",
        help="Override a scenario field, e.g. --set firms.count=500 (repeatable).",
    ),
]


@app.command()
def validate(
    file: Annotated[str, typer.Argument(help="Scenario YAML/JSON file or built-in example name.")],
    set_: SetOption = None,
    estimate: Annotated[
        bool,
        typer.Option(
            "--estimate/--no-estimate",
            help="Measure small runs here to estimate the full run's time and memory.",
        ),
    ] = True,
) -> None:
    """Check a scenario file (or example), summarise it and estimate the cost of running it."""
    scenario = load(file, set_ or ())
    preset = scenario.model.get("preset", "independent")
    n = firm_count(scenario)
    typer.echo(f"OK: {scenario.name} ({n} firms, model {preset}, {scenario.horizon} periods)")
    size = n * scenario.horizon * scenario.replicates * 2
    typer.echo(
        f"run size: {n:,} firms × {scenario.horizon} periods × {scenario.replicates} replicates "
        f"× 2 arms = {size:,} firm-periods"
    )
    if scenario.replicates < 4:
        warn_few_replicates(scenario.replicates)
    if not estimate:
        return
    from clustermarketing.cli.estimate import (
        LONG_SECONDS,
        MEMORY_SHARE,
        estimate_run,
        format_bytes,
        format_seconds,
        physical_memory,
    )

    with user_errors():
        est = estimate_run(scenario)
    typer.echo(
        f"estimate on this machine (rough): {format_seconds(est.seconds)} and "
        f"{format_bytes(est.memory)} for `clustermarketing run` with one worker; "
        f"--firm-panel adds {format_bytes(est.panel)}"
    )
    ram = physical_memory()
    if est.seconds > LONG_SECONDS:
        warn(
            f"a long run (≈ {format_seconds(est.seconds)}): try it first with fewer periods, "
            "replicates or firms, and use --workers to run replicates in parallel"
        )
    if ram is not None and est.memory > MEMORY_SHARE * ram:
        warn(
            f"≈ {format_bytes(est.memory)} of memory is more than {MEMORY_SHARE:.0%} of this "
            f"machine's {format_bytes(ram)}; use fewer firms or replicates"
        )


#: The model of the template ``new`` writes when no example is given: a cooperative one, so that
#: the first ``run`` compares something with the independent baseline.
NEW_MODEL = "collective_mark"


@app.command()
def new(
    file: Annotated[Path, typer.Argument(help="Where to write the scenario template.")],
    example: Annotated[
        str | None,
        typer.Option("--example", "-e", help="Start from this built-in example's values."),
    ] = None,
    model: Annotated[
        str | None,
        typer.Option(
            "--model",
            "-m",
            help=f"Marketing-model preset of the template (default: {NEW_MODEL}, or the "
            "example's).",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", "-f", help="Overwrite FILE.")] = False,
) -> None:
    """Write an annotated scenario template: every field, its value, meaning, unit and range."""
    from clustermarketing.io import atomic_write_text
    from clustermarketing.scenario.template import annotated_template

    check_out_file(file, force, "FILE")
    if model is not None:
        from clustermarketing.models import preset_settings

        try:
            preset_settings(model)  # unknown or planned: say so before writing anything
        except ValueError as e:
            fail(f"--model: {e}")
    chosen = model if model is not None else (NEW_MODEL if example is None else None)
    with user_errors():
        text = annotated_template(example, chosen)
        atomic_write_text(file, text)
    typer.echo(f"Wrote {file}. Check it with: clustermarketing validate {file}")


@app.command()
def examples() -> None:
    """List the built-in example scenarios."""
    from clustermarketing.scenario.load import EXAMPLES, example

    table = Table(title="Built-in examples (use the name wherever a scenario file is expected)")
    for col in ("name", "description", "firms", "model"):
        table.add_column(col, justify="right" if col == "firms" else "left")
    for name in EXAMPLES:
        s = example(name)
        table.add_row(name, s.description, str(firm_count(s)), s.model.get("preset", "-"))
    print_table(table)


@app.command()
def models(
    table1: Annotated[
        bool,
        typer.Option(
            "--table",
            help="Seed 000's Table 1: what each operating mechanism does in each traditional "
            "model (from the presets' metadata).",
        ),
    ] = False,
) -> None:
    """List the marketing-model presets."""
    from clustermarketing.models import PRESETS

    if table1:
        mechanisms = ("function-interest", "regulation", "contract")
        table = Table(
            title="Operating mechanisms of the traditional cluster marketing models "
            "(seed 000, Table 1)",
            show_lines=True,
        )
        table.add_column("model", style="bold")
        for m in mechanisms:
            table.add_column(m)
        for p in PRESETS.values():
            if p.family == "traditional":
                table.add_row(p.name, *(p.mechanisms.get(m, "-") for m in mechanisms))
        print_table(table)
        return
    table = Table(title="Marketing models (presets)")
    for col in ("name", "title", "family", "seed", "status", "summary"):
        table.add_column(col)
    for p in PRESETS.values():
        status = "built" if p.implemented else "planned"
        table.add_row(p.name, p.title, p.family, p.seed, status, p.summary)
    print_table(table)


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class Breakdown(StrEnum):
    market = "market"
    segment = "segment"
    size = "size"


class Pricing(StrEnum):
    nash = "nash"
    cartel = "cartel"


@app.command()
def run(
    scenario: Annotated[
        str, typer.Argument(help="Scenario YAML/JSON file or built-in example name.")
    ] = "optoelectronics",
    model: Annotated[
        str | None,
        typer.Option("--model", "-m", help="Marketing-model preset (default: the scenario's)."),
    ] = None,
    seed: Annotated[
        int | None, typer.Option(help="Root seed (default: the scenario's).", min=0)
    ] = None,
    replicates: Annotated[
        int | None, typer.Option("--replicates", "-r", help="Replicates per arm.", min=1)
    ] = None,
    periods: Annotated[
        int | None, typer.Option("--periods", "-p", help="Periods to simulate.", min=1)
    ] = None,
    pricing: Annotated[
        Pricing | None, typer.Option(help="Pricing of members (default: the scenario's).")
    ] = None,
    set_: SetOption = None,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Write cluster.parquet, firms.parquet and summary.json to this directory."
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Let --out be a non-empty directory: replace the run's files in it, keep the rest.",
        ),
    ] = False,
    fmt: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="What to print on stdout.")
    ] = OutputFormat.table,
    firm_panel: Annotated[
        bool, typer.Option("--firm-panel", help="Keep the per-firm panel (firms.parquet).")
    ] = False,
    progress: Annotated[
        bool | None,
        typer.Option(
            "--progress/--no-progress",
            help="Progress on stderr (default: a bar when stderr is a terminal).",
        ),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            "-w",
            help="Processes running replicates (results do not depend on it).",
            min=1,
        ),
    ] = 1,
    by: Annotated[
        Breakdown | None,
        typer.Option(
            "--by",
            help="Also print the key metrics by market, product segment or size class "
            "(leaders / SMEs); the JSON always has them under 'breakdown'.",
        ),
    ] = None,
    diagnostics: Annotated[
        bool,
        typer.Option(
            "--diagnostics",
            help="Check that membership is a best response: one-period deviations of 25 sampled "
            "firms in each of the last 4 periods, on the same random numbers (slower).",
        ),
    ] = False,
) -> None:
    """Simulate a marketing model against the independent baseline and compare them."""
    from clustermarketing.cli.output import summary_csv, summary_table, summary_to_json

    sc = load(scenario, set_ or ())
    try:  # unknown or planned model, overrides that do not fit it: fail before running
        m_cfg = sc.model_config_for(model)
    except ValueError as e:
        fail(f"--model: {e}" if model is not None else str(e))
    if out is not None:  # before the simulation: an unusable target must cost nothing
        check_out_dir(out, force)
    from clustermarketing import simulate

    reps = replicates or sc.replicates
    steps = periods or sc.horizon
    warn_few_replicates(reps)
    options = {
        "model": m_cfg.preset,
        "seed": seed if seed is not None else sc.seed,
        "replicates": reps,
        "periods": steps,
        "pricing": pricing.value if pricing is not None else sc.pricing,
        "out": str(out.absolute()) if out is not None else None,
        "force": force,
        "format": fmt.value,
        "firm_panel": firm_panel,
        "workers": workers,
        "by": by.value if by is not None else None,
        "diagnostics": diagnostics,
    }
    prov = make_provenance("run", options, scenario, sc, set_ or (), options["seed"])
    # Errors raised by the engine are not wrapped: ClusterMarketingError is reported by the
    # group as a user error, anything else is a bug and keeps its traceback.
    with _progress_reporter(progress, work=reps * steps * firm_count(sc)) as callback:
        result = simulate(
            sc,
            model=model,
            seed=seed,
            replicates=replicates,
            periods=periods,
            firm_panel=firm_panel,
            pricing=pricing.value if pricing is not None else None,
            progress=callback,
            workers=workers,
            diagnostics=diagnostics,
        )
    add_units_and_provenance(result.summary, prov)
    if out is not None:
        from clustermarketing.io import write_outputs

        with user_errors():
            written = write_outputs(result, out)
        stderr.print(f"wrote {', '.join(p.name for p in written)} to {out}", highlight=False)
    summary = result.summary
    if fmt is OutputFormat.json:
        sys.stdout.write(summary_to_json(summary) + "\n")
    elif fmt is OutputFormat.csv:
        sys.stdout.write(summary_csv(summary))
    else:
        print_table(summary_table(summary))
        if by is not None:
            from clustermarketing.cli.output import breakdown_table

            print_table(breakdown_table(summary, by.value))
        if diagnostics:
            d = summary.get("diagnostics", {})
            stderr.print(
                "membership best response: "
                f"{d.get('membership_best_response', float('nan')):.3f} of "
                f"{int(d.get('cases', 0))} sampled (firm, period) deviations "
                f"(members {d.get('members_best_response')}, non-members "
                f"{d.get('nonmembers_best_response')}; tolerance 1% of revenue)",
                highlight=False,
            )


def add_units_and_provenance(summary: dict[str, Any], prov: dict[str, Any]) -> None:
    """Add the ``units`` map (metric → unit) and the ``provenance`` record to a run summary."""
    from clustermarketing.units import unit_of

    metrics = summary.get("metrics")
    if metrics is None:  # a comparison: {"models": {name: {"metrics": ...}}}
        metrics = next(iter(summary.get("models", {}).values()), {}).get("metrics", {})
    summary["units"] = {name: unit_of(name) for name in metrics}
    summary["provenance"] = prov


#: Above this much work (replicates × periods × firms) a run counts as long: plain progress
#: lines go to stderr even when it is not a terminal (e.g. in a batch job's log).
LONG_RUN_WORK = 2_000_000


#: Shown while the first period compiles the engine's numba kernels (empty cache).
COMPILING = (
    "compiling the engine's kernels (first run after an install, about 10 s; cached afterwards)"
)


@contextlib.contextmanager
def _progress_reporter(
    enabled: bool | None,
    work: int,
    unit: str = "arm-periods",
    description: str = "simulating",
) -> Iterator[Callable[[int, int], None] | None]:
    """A ``progress(done, total)`` callback writing to stderr, or None when progress is off.

    ``done``/``total`` count ``unit`` (for ``run``: simulated periods, both arms, every
    replicate). Off by default when stderr is not a terminal and ``work`` is below
    :data:`LONG_RUN_WORK`; then plain lines every 10%.
    """
    terminal = stderr.is_terminal
    if enabled is False or (enabled is None and not terminal and work < LONG_RUN_WORK):
        yield None
        return
    from clustermarketing.engine.kernels import uncached_kernels

    compiling = bool(uncached_kernels())  # the first period will compile them: say so
    if terminal:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        with Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=stderr,
            transient=True,
        ) as bar:
            label = f"{description} ({unit})"
            first = f"{COMPILING}, then {label}" if compiling else label
            task = bar.add_task(first, total=None)

            def update(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total, description=label)

            yield update
        return
    last = [-1]
    if compiling:
        print(f"note: {COMPILING}", file=sys.stderr, flush=True)

    def lines(done: int, total: int) -> None:
        step = max(1, total // 10)
        if done == total or done // step != last[0]:
            last[0] = done // step
            percent = 100 * done // total if total else 100
            print(f"progress: {done}/{total} {unit} ({percent}%)", file=sys.stderr, flush=True)

    yield lines


progress_reporter = _progress_reporter


#: Command modules under ``clustermarketing.cli``; each defines ``register(app)``. A module
#: whose optional dependencies are not installed is skipped (its commands are then absent).
EXTENSIONS: tuple[str, ...] = (
    "compare",
    "game",
    "evaluation",
    "survey",
    "calibrate",
    "experiments",
    "web",
)


def _register_extensions() -> None:
    import importlib

    for name in EXTENSIONS:
        try:
            module = importlib.import_module(f"clustermarketing.cli.{name}")
        except ModuleNotFoundError as e:
            if e.name == f"clustermarketing.cli.{name}":
                continue  # not built yet
            raise
        module.register(app)


_register_extensions()


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point."""
    app(args=list(argv) if argv is not None else None, prog_name="clustermarketing")


__all__ = [
    "app",
    "check_out_dir",
    "check_out_file",
    "fail",
    "main",
    "make_provenance",
    "print_error",
    "reported_warnings",
    "user_errors",
    "warn",
]
