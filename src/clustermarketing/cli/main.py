"""The ``clustermarketing`` command (Typer).

User errors — a bad scenario, override, option value or input file — print one message to
stderr prefixed ``error:`` and exit with code 2, never a traceback. Machine-readable output
(``run --format json|csv``) is the only thing written to stdout; progress goes to stderr.
"""

from __future__ import annotations

import contextlib
import sys
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
    """Print ``error: message`` to stderr; continuation lines are indented under it."""
    first, *rest = str(message).strip().splitlines() or [""]
    text = "\n".join([f"error: {first}", *(f"  {line}" for line in rest)])
    print(text, file=sys.stderr, flush=True)


def fail(message: str) -> NoReturn:
    """Report a user error and exit with code 2."""
    print_error(message)
    raise typer.Exit(EXIT_USAGE)


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

    with user_errors():
        return load_scenario(source, list(overrides))


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
) -> None:
    """Check a scenario file (or example) and summarise it."""
    scenario = load(file, set_ or ())
    preset = scenario.model.get("preset", "independent")
    typer.echo(
        f"OK: {scenario.name} ({firm_count(scenario)} firms, model {preset}, "
        f"{scenario.horizon} periods)"
    )


@app.command()
def new(
    file: Annotated[Path, typer.Argument(help="Where to write the scenario template.")],
    example: Annotated[
        str | None,
        typer.Option("--example", "-e", help="Start from this built-in example's values."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", "-f", help="Overwrite FILE.")] = False,
) -> None:
    """Write an annotated scenario template: every field, its value, meaning, unit and range."""
    from clustermarketing.io import atomic_write_text
    from clustermarketing.scenario.template import annotated_template

    if file.is_dir():
        fail(f"{file}: is a directory; expected a file name")
    if file.exists() and not force:
        fail(f"{file}: already exists; use --force to overwrite it")
    with user_errors():
        text = annotated_template(example)
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
def models() -> None:
    """List the marketing-model presets."""
    from clustermarketing.models import PRESETS

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
) -> None:
    """Simulate a marketing model against the independent baseline and compare them."""
    from clustermarketing.cli.output import summary_csv, summary_table, summary_to_json

    sc = load(scenario, set_ or ())
    try:  # unknown or planned model, overrides that do not fit it: fail before running
        sc.model_config_for(model)
    except ValueError as e:
        fail(f"--model: {e}" if model is not None else str(e))
    from clustermarketing import simulate

    reps = replicates or sc.replicates
    steps = periods or sc.horizon
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
        )
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


#: Above this much work (replicates × periods × firms) a run counts as long: plain progress
#: lines go to stderr even when it is not a terminal (e.g. in a batch job's log).
LONG_RUN_WORK = 2_000_000


@contextlib.contextmanager
def _progress_reporter(
    enabled: bool | None, work: int
) -> Iterator[Callable[[int, int], None] | None]:
    """A ``progress(done, total)`` callback writing to stderr, or None when progress is off."""
    terminal = stderr.is_terminal
    if enabled is False or (enabled is None and not terminal and work < LONG_RUN_WORK):
        yield None
        return
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
            task = bar.add_task("simulating", total=None)

            def update(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            yield update
        return
    last = [-1]

    def lines(done: int, total: int) -> None:
        step = max(1, total // 10)
        if done == total or done // step != last[0]:
            last[0] = done // step
            print(f"progress: {done}/{total} arm-periods", file=sys.stderr, flush=True)

    yield lines


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


__all__ = ["app", "fail", "main", "print_error", "user_errors"]
