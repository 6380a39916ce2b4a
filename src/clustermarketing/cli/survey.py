"""``clustermarketing survey``: the managers' questionnaire, its analysis, simulated respondents.

Commands: ``instrument`` (the questionnaire as a table, printable HTML, CSV template or YAML),
``analyze`` (reliability and group comparisons of a response file), ``simulate`` (simulated
firms answering the questionnaire) and ``compare`` (two analyses side by side). Every number
comes from :mod:`clustermarketing.survey`; this module reads options, checks output paths before
any work, formats and writes files atomically with their provenance.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from clustermarketing.cli.main import fail, stderr, user_errors
from clustermarketing.cli.output import print_table

__all__ = ["register", "survey_app"]

survey_app = typer.Typer(
    name="survey",
    help="Managers' questionnaire on marketing cooperation: print it, analyse responses, "
    "simulate respondents, compare real and simulated clusters.",
    no_args_is_help=True,
)


class InstrumentFormat(StrEnum):
    table = "table"
    html = "html"
    csv = "csv"
    yaml = "yaml"


class AnalysisFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    html = "html"


class CompareFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


class Missing(StrEnum):
    pairwise = "pairwise"
    listwise = "listwise"


class Correction(StrEnum):
    bh = "bh"
    holm = "holm"


class Family(StrEnum):
    table = "table"
    test = "test"


class Clustered(StrEnum):
    auto = "auto"
    yes = "yes"
    no = "no"


InstrumentOption = Annotated[
    Path | None,
    typer.Option(
        "--instrument", "-i", help="Questionnaire YAML (default: the shipped questionnaire)."
    ),
]
OutOption = Annotated[
    Path | None, typer.Option("--out", "-o", help="Write to this file instead of stdout.")
]
ForceOption = Annotated[bool, typer.Option("--force", help="Overwrite an existing --out file.")]


# --- helpers ---------------------------------------------------------------------------------
def _check_out(out: Path | None, force: bool) -> None:
    """Fail before any work when the output target is unusable."""
    if out is None:
        return
    if out.is_dir():
        fail(f"--out {out}: is a directory; expected a file name")
    if out.exists() and not force:
        fail(f"--out {out}: already exists; use --force to overwrite it")
    parent = out.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if parent.exists() and not parent.is_dir():
        fail(f"--out {out}: {parent} is a file; expected a directory")


def _emit(text: str, out: Path | None, what: str) -> None:
    if out is None:
        sys.stdout.write(text)
        return
    from clustermarketing.io import atomic_write_text

    with user_errors():
        atomic_write_text(out, text)
    stderr.print(f"wrote {what} to {out}", highlight=False)


#: Response-file argument naming the shipped synthetic example (when no such file exists).
SYNTHETIC = "synthetic"


def _resolve(path: Path) -> Path:
    """``synthetic`` (and no file of that name) means the shipped synthetic response file."""
    from clustermarketing.survey import synthetic_responses_path

    return synthetic_responses_path() if str(path) == SYNTHETIC and not path.exists() else path


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _provenance(command: str, inputs: list[Path], options: dict[str, Any]) -> dict[str, Any]:
    import clustermarketing

    return {
        "tool": f"clustermarketing {clustermarketing.__version__}",
        "command": f"clustermarketing survey {command}",
        "inputs": {
            str(p): f"sha256:{_sha256(_resolve(p))}" for p in inputs if _resolve(p).is_file()
        },
        "options": options,
    }


def _instrument(path: Path | None) -> Any:
    from clustermarketing.survey import load_instrument

    with user_errors():
        return load_instrument(path)


def _num(x: Any, digits: int = 3) -> str:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return "-"
    return f"{v:.{digits}f}" if math.isfinite(v) else "-"


def _p(x: Any) -> str:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return "-"
    if not math.isfinite(v):
        return "-"
    return "<0.001" if v < 0.001 else f"{v:.3f}"


def _comment_lines(prov: dict[str, Any]) -> list[str]:
    return [f"provenance: {json.dumps(prov, sort_keys=True)}"]


# --- instrument --------------------------------------------------------------------------------
@survey_app.command("instrument")
def instrument_command(
    instrument: InstrumentOption = None,
    fmt: Annotated[
        InstrumentFormat,
        typer.Option(
            "--format",
            "-f",
            help="table: items on screen; html: printable questionnaire; csv: response template; "
            "yaml: the questionnaire file.",
        ),
    ] = InstrumentFormat.table,
    out: OutOption = None,
    force: ForceOption = False,
) -> None:
    """Print or save the questionnaire (validating a custom one given with --instrument)."""
    _check_out(out, force)
    inst = _instrument(instrument)
    if fmt is InstrumentFormat.table:
        if out is not None:
            fail("--out: the table format prints to the terminal; use --format html, csv or yaml")
        sc = inst.scale
        scale = ", ".join(f"{k} = {sc.label(k)}" for k in range(1, sc.points + 1))
        table = Table(
            title=f"{inst.title or inst.name} ({len(inst.items)} items, {sc.points}-point scale)",
            caption=f"scale: {scale}; R = reverse-coded (recoded {sc.points + 1} − answer)",
        )
        for col in ("construct", "item", "R", "statement"):
            table.add_column(col)
        for c in inst.constructs:
            for k, item_id in enumerate(inst.items_of(c.id)):
                item = inst.item(item_id)
                table.add_row(
                    f"{c.title} ({c.kind})" if k == 0 else "",
                    item.id,
                    "R" if item.reverse else "",
                    item.text,
                )
        for q in inst.background:
            extra = f" [{', '.join(q.categories)}]" if q.categories else ""
            table.add_row("background", q.id, "", f"{q.question} ({q.type}){extra}")
        print_table(table)
        return
    from clustermarketing.survey.io import instrument_yaml_text, template_csv_text
    from clustermarketing.survey.report import questionnaire_html

    if fmt is InstrumentFormat.html:
        text = questionnaire_html(inst)
    elif fmt is InstrumentFormat.csv:
        import clustermarketing

        text = (
            f"# response template: questionnaire {inst.name!r} version {inst.version} "
            f"(clustermarketing {clustermarketing.__version__}); one row per respondent, "
            f"answers 1-{inst.scale.points}, blank = not answered\n" + template_csv_text(inst)
        )
    else:
        with user_errors():
            text = instrument_yaml_text(instrument)
    _emit(text, out, f"the questionnaire ({fmt.value})")


# --- analyze -----------------------------------------------------------------------------------
def _run_analysis(
    responses: Path,
    group: str | None,
    groups: str | None,
    instrument: Path | None,
    missing: Missing,
    correction: Correction,
    family: Family,
    min_answered: float,
) -> Any:
    from clustermarketing.survey import analyze, read_responses, validate_responses

    inst = _instrument(instrument)
    with user_errors():
        frame = read_responses(_resolve(responses))
        resp = validate_responses(frame, inst, group=group, source=str(responses))
        if groups is not None:
            order = [g.strip() for g in groups.split(",") if g.strip()]
            if group is None:
                fail("--groups: needs --group")
            if sorted(order) != sorted(resp.groups) or len(set(order)) != len(order):
                fail(
                    f"--groups {groups!r}: expected each group of column {group!r} once "
                    f"({', '.join(resp.groups)})"
                )
            resp.groups = order
        return inst, analyze(
            resp,
            missing=missing.value,
            correction=correction.value,
            family=family.value,
            min_answered=min_answered,
        )


def _reliability_table(analysis: Any, caption: str) -> Table:
    t = Table(title=f"Reliability per construct ({analysis.source})", caption=caption)
    for col in (
        "construct",
        "k",
        "n",
        "alpha",
        "95% CI (Feldt)",
        "omega",
        "items: r_it / α if deleted",
    ):
        t.add_column(col, justify="right" if col in ("k", "n", "alpha", "omega") else "left")
    for r in analysis.reliability.itertuples(index=False):
        its = analysis.items[analysis.items.construct == r.construct]
        detail = ", ".join(
            f"{i.item}{'(R)' if i.reverse else ''} {_num(i.item_total_r, 2)}/{_num(i.alpha_if_deleted, 2)}"
            for i in its.itertuples(index=False)
        )
        omega = _num(r.omega) if r.omega_note == "" else f"- ({r.omega_note})"
        t.add_row(
            r.title,
            str(r.k),
            str(r.n),
            _num(r.alpha),
            f"[{_num(r.ci_low)}, {_num(r.ci_high)}]",
            omega,
            detail,
        )
    return t


def _comparison_table(analysis: Any) -> Table:
    groups = analysis.groups
    opts = analysis.options
    corr = {"bh": "Benjamini–Hochberg", "holm": "Holm"}[opts["correction"]]
    fam = "across the table" if opts["family"] == "table" else "within each test"
    direction = (
        f"effects = {groups[0]} − {groups[1]}; U = U of {groups[0]}"
        if len(groups) == 2
        else "Kruskal–Wallis across groups"
    )
    n_text = ", ".join(f"{g} n={n}" for g, n in analysis.n.items())
    t = Table(
        title=f"Comparison by {analysis.group} ({n_text})",
        caption=f"{direction}; p adjusted by {corr} {fam}; item '-' = construct score "
        "(mean of its items); r_rb rank-biserial, g Hedges, V Cramér, ε² epsilon-squared",
    )
    cols = ["construct", "item", *(f"mean {g}" for g in groups), *(f"median {g}" for g in groups)]
    cols += ["test", "statistic", "p", "p adj", "effect [95% CI]", "note"]
    for c in cols:
        t.add_column(c, justify="left" if c in ("construct", "item", "test", "note") else "right")
    short = {"rank_biserial": "r_rb", "hedges_g": "g", "cramers_v": "V", "epsilon_squared": "ε²"}
    prev = None
    for r in analysis.comparisons.to_dict("records"):
        title = analysis.constructs.get(r["construct"], r["construct"])
        ci = (
            f" [{_num(r['ci_low'], 2)}, {_num(r['ci_high'], 2)}]"
            if math.isfinite(float(r["ci_low"]))
            else ""
        )
        t.add_row(
            title if title != prev else "",
            "-"
            if r["item"] is None or (isinstance(r["item"], float) and math.isnan(r["item"]))
            else r["item"],
            *(_num(r[f"mean:{g}"], 2) for g in groups),
            *(_num(r[f"median:{g}"], 1) for g in groups),
            r["test"],
            _num(r["statistic"], 2),
            _p(r["p"]),
            _p(r["p_adjusted"]),
            Text(
                f"{short.get(r['effect_measure'], r['effect_measure'])} {_num(r['effect_size'], 2)}{ci}"
            ),
            r["note"] or "",
        )
        prev = title
    return t


def _analysis_csv(analysis: Any, prov: dict[str, Any]) -> str:
    buf = io.StringIO()
    for line in _comment_lines(prov):
        buf.write(f"# {line}\n")
    if analysis.comparisons is not None:
        frame = analysis.comparisons.copy()
        frame.insert(1, "title", frame["construct"].map(analysis.constructs))
    else:
        frame = analysis.items.merge(
            analysis.reliability[["construct", "alpha", "ci_low", "ci_high", "omega"]],
            on="construct",
        )
    frame.to_csv(buf, index=False, lineterminator="\n", float_format="%.10g")
    return buf.getvalue()


@survey_app.command("analyze")
def analyze_command(
    responses: Annotated[
        Path,
        typer.Argument(
            help="Responses: CSV or Excel (.xlsx), one row per respondent; 'synthetic' = the shipped example."
        ),
    ],
    group: Annotated[
        str | None,
        typer.Option("--group", "-g", help="Background column to compare by, e.g. clustered."),
    ] = None,
    groups: Annotated[
        str | None,
        typer.Option(help="Group order, comma-separated (effects are first minus second)."),
    ] = None,
    instrument: InstrumentOption = None,
    missing: Annotated[
        Missing,
        typer.Option(
            help="Missing answers: pairwise (each statistic uses what it can) or listwise."
        ),
    ] = Missing.pairwise,
    correction: Annotated[
        Correction,
        typer.Option(help="Multiple-testing correction: bh (Benjamini–Hochberg) or holm."),
    ] = Correction.bh,
    family: Annotated[
        Family, typer.Option(help="Adjust p-values across the whole table or within each test.")
    ] = Family.table,
    min_answered: Annotated[
        float,
        typer.Option(
            help="Share of a construct's items needed for a construct score.", min=0.01, max=1.0
        ),
    ] = 0.5,
    items: Annotated[
        bool,
        typer.Option(
            "--items/--no-items",
            help="Show the item rows of the comparison (--no-items: construct scores only; "
            "p-values stay adjusted over every test run).",
        ),
    ] = True,
    fmt: Annotated[
        AnalysisFormat, typer.Option("--format", "-f", help="Output format.")
    ] = AnalysisFormat.table,
    out: OutOption = None,
    force: ForceOption = False,
) -> None:
    """Reliability per construct and group comparisons of a response file."""
    _check_out(out, force)
    if fmt is AnalysisFormat.table and out is not None:
        fail("--out: the table format prints to the terminal; use --format csv, json or html")
    if group is None and (groups is not None or not items):
        fail(f"{'--groups' if groups is not None else '--no-items'}: needs --group COLUMN")
    inst, analysis = _run_analysis(
        responses, group, groups, instrument, missing, correction, family, min_answered
    )
    if not items and analysis.comparisons is not None:
        analysis.comparisons = analysis.comparisons[analysis.comparisons["item"].isna()]
    options = {
        "group": group,
        "groups": analysis.groups,
        "items": items,
        "instrument": str(instrument) if instrument else "shipped",
        **{
            k: v
            for k, v in analysis.options.items()
            if k not in ("reverse_items", "points", "item_construct")
        },
    }
    prov = _provenance("analyze", [responses, *([instrument] if instrument else [])], options)
    if fmt is AnalysisFormat.json:
        from clustermarketing.io import summary_json

        payload = {"provenance": prov, **analysis.to_dict()}
        _emit(summary_json(payload, indent=2) + "\n", out, "the analysis (json)")
    elif fmt is AnalysisFormat.csv:
        _emit(_analysis_csv(analysis, prov), out, "the analysis (csv)")
    elif fmt is AnalysisFormat.html:
        from clustermarketing.survey.report import analysis_html

        with user_errors():
            text = analysis_html(analysis, prov, inst.scale.labels)
        _emit(text, out, "the analysis (html)")
    else:
        m = analysis.missing
        pol = analysis.options["missing"]
        caption = (
            f"missing answers: {m['answers']} of {m['cells']} cells, {m['respondents_with_missing']} "
            f"respondents with any; policy {pol}"
            + (f" ({m['dropped_listwise']} dropped)" if pol == "listwise" else "")
            + "; reverse-coded items (R) recoded before analysis"
        )
        print_table(_reliability_table(analysis, caption))
        if analysis.comparisons is not None:
            print_table(_comparison_table(analysis))


# --- simulate ----------------------------------------------------------------------------------
@survey_app.command("simulate")
def simulate_command(
    scenarios: Annotated[
        list[str],
        typer.Argument(
            help="Scenario file(s) or example name(s); several are surveyed into one file."
        ),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Response CSV to write.")],
    model: Annotated[
        str | None,
        typer.Option("--model", "-m", help="Marketing-model preset (default: each scenario's)."),
    ] = None,
    seed: Annotated[
        int | None, typer.Option(help="Root seed (default: each scenario's).", min=0)
    ] = None,
    periods: Annotated[
        int | None,
        typer.Option("--periods", "-p", help="Periods to simulate (default: horizon).", min=1),
    ] = None,
    replicates: Annotated[
        int, typer.Option("--replicates", "-r", help="Replicates per scenario.", min=1)
    ] = 1,
    clustered: Annotated[
        Clustered,
        typer.Option(help="Answer to 'clustered': auto = yes when ties.proximity ≥ 0.5."),
    ] = Clustered.auto,
    measurement: Annotated[
        Path | None,
        typer.Option(help="YAML of measurement-model parameters (see docs/survey.md)."),
    ] = None,
    missing_rate: Annotated[
        float | None,
        typer.Option(
            help="Chance that a simulated answer is left blank (overrides --measurement).",
            min=0.0,
            max=0.99,
        ),
    ] = None,
    instrument: InstrumentOption = None,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", "-s", metavar="PATH=VALUE", help="Scenario override (repeatable)."),
    ] = None,
    force: ForceOption = False,
) -> None:
    """Simulate the scenario(s) and let every surviving firm answer the questionnaire."""
    _check_out(out, force)
    inst = _instrument(instrument)
    mm_data: dict[str, Any] = {}
    if measurement is not None:
        import yaml

        from clustermarketing.survey.io import _UniqueKeyLoader

        with user_errors():
            try:
                mm_data = yaml.load(measurement.read_text(), Loader=_UniqueKeyLoader) or {}
            except yaml.YAMLError as e:
                fail(f"--measurement {measurement}: not valid YAML: {e}")
        if not isinstance(mm_data, dict):
            fail(f"--measurement {measurement}: expected a mapping of parameters")
    from pydantic import ValidationError

    from clustermarketing.survey import MeasurementModel, simulate_responses
    from clustermarketing.survey.io import responses_csv_text

    if missing_rate is not None:
        mm_data["missing_rate"] = missing_rate
    try:
        mm = MeasurementModel.model_validate(mm_data)
    except ValidationError as e:
        from clustermarketing.scenario.load import format_validation_error

        fail(format_validation_error(e, prefix=f"--measurement {measurement}: "))
    # load every scenario (and check the model) before the first simulation
    from clustermarketing.cli.main import load

    for s in scenarios:
        sc = load(s, set_ or ())
        try:
            sc.model_config_for(model)
        except ValueError as e:
            fail(f"--model: {e}" if model is not None else str(e))
    flag = None if clustered is Clustered.auto else clustered is Clustered.yes
    with user_errors():
        table = simulate_responses(
            scenarios,
            model=model,
            seed=seed,
            periods=periods,
            replicates=replicates,
            instrument=inst,
            measurement=mm,
            clustered=flag,
            overrides=set_ or (),
        )
    opts = {
        "scenarios": list(scenarios),
        "model": model,
        "models": table.attrs["models"],
        "seeds": table.attrs["seeds"],
        "periods": table.attrs["periods"],
        "replicates": replicates,
        "clustered": table.attrs["clustered"],
        "set": list(set_ or ()),
        "instrument": str(instrument) if instrument else "shipped",
        "measurement": mm.model_dump(),
    }
    prov = _provenance("simulate", [p for p in [instrument, measurement] if p], opts)
    comments = [
        "SYNTHETIC DATA: answers of simulated firms (clustermarketing survey simulate), "
        "not real survey responses",
        *_comment_lines(prov),
    ]
    _emit(responses_csv_text(table, comments), out, f"{len(table)} simulated respondents")
    counts = table.groupby(table["respondent"].str.rsplit("-r", n=1).str[0]).size()
    for name, n in counts.items():
        yn = "yes" if table.attrs["clustered"][name] else "no"
        stderr.print(f"  {name}: {n} respondents, clustered={yn}", highlight=False)


# --- compare -----------------------------------------------------------------------------------
@survey_app.command("compare")
def compare_command(
    real: Annotated[
        Path,
        typer.Argument(help="Surveyed responses (CSV/Excel; 'synthetic' = the shipped example)."),
    ],
    simulated: Annotated[Path, typer.Argument(help="Simulated responses (CSV/Excel).")],
    group: Annotated[
        str, typer.Option("--group", "-g", help="Background column to compare by.")
    ] = "clustered",
    instrument: InstrumentOption = None,
    missing: Annotated[Missing, typer.Option(help="Missing-data policy.")] = Missing.pairwise,
    correction: Annotated[Correction, typer.Option(help="bh or holm.")] = Correction.bh,
    fmt: Annotated[
        CompareFormat, typer.Option("--format", "-f", help="Output format.")
    ] = CompareFormat.table,
    out: OutOption = None,
    force: ForceOption = False,
) -> None:
    """Two analyses side by side: construct means by group, effects, agreement of their signs."""
    from clustermarketing.survey.side_by_side import agreement_summary, compare_analyses

    _check_out(out, force)
    if fmt is CompareFormat.table and out is not None:
        fail("--out: the table format prints to the terminal; use --format csv or json")
    args = (group, None, instrument, missing, correction, Family.table, 0.5)
    _, first = _run_analysis(real, *args)
    _, second = _run_analysis(simulated, *args)
    with user_errors():
        table = compare_analyses(first, second)
    summary = agreement_summary(table)
    options = {"group": group, "missing": missing.value, "correction": correction.value}
    prov = _provenance("compare", [real, simulated], options)
    names = ("real", "simulated")
    if fmt is CompareFormat.json:
        from clustermarketing.io import summary_json

        rows = []
        for r in table.to_dict("records"):
            row = {
                "construct": r["construct"],
                "title": r["title"],
                "kind": r["kind"],
                "agree": r["agree"],
                "both_ci_include_zero": bool(r["both_ci_include_zero"]),
            }
            for n in names:
                row[n] = {
                    "n": (first if n == "real" else second).n,
                    "group_means": {g: r[f"{n}:mean:{g}"] for g in first.groups},
                    "effect_size": r[f"{n}:effect"],
                    "ci_low": r[f"{n}:ci_low"],
                    "ci_high": r[f"{n}:ci_high"],
                    "p_adjusted": r[f"{n}:p_adjusted"],
                    "alpha": r[f"{n}:alpha"],
                }
            rows.append(row)
        payload = {
            "provenance": prov,
            "group": group,
            "groups": first.groups,
            "effect_measure": table.attrs["effect_measure"],
            "constructs": rows,
            "summary": summary,
        }
        _emit(summary_json(payload, indent=2) + "\n", out, "the comparison (json)")
        return
    if fmt is CompareFormat.csv:
        buf = io.StringIO()
        for line in _comment_lines(prov):
            buf.write(f"# {line}\n")
        table.to_csv(buf, index=False, lineterminator="\n", float_format="%.10g")
        _emit(buf.getvalue(), out, "the comparison (csv)")
        return
    g = first.groups
    signed = len(g) == 2
    eff = f"r_rb ({g[0]} − {g[1]})" if signed else "ε²"
    t = Table(
        title=f"Real ({real.name}) vs simulated ({simulated.name}) by {group}",
        caption=f"construct score = mean of its items; effect {eff} with 95% CI, "
        f"p adjusted ({correction.value}) within each analysis; α = Cronbach's alpha. "
        f"Signs agree on {summary['agree']} of {summary['judged']} constructs; mean effect over "
        f"cooperation constructs: real {_num(summary['mean_cooperation_effect']['real'], 2)}, "
        f"simulated {_num(summary['mean_cooperation_effect']['simulated'], 2)}",
    )
    t.add_column("construct")
    for n in names:
        for grp in g:
            t.add_column(f"{n} mean {grp}", justify="right")
        t.add_column(f"{n} effect [95% CI]", justify="right")
        t.add_column(f"{n} p adj", justify="right")
        t.add_column(f"{n} α", justify="right")
    t.add_column("signs agree")
    for r in table.to_dict("records"):
        cells = [r["title"]]
        for n in names:
            cells += [_num(r[f"{n}:mean:{grp}"], 2) for grp in g]
            ci = f" [{_num(r[f'{n}:ci_low'], 2)}, {_num(r[f'{n}:ci_high'], 2)}]" if signed else ""
            cells += [
                f"{_num(r[f'{n}:effect'], 2)}{ci}",
                _p(r[f"{n}:p_adjusted"]),
                _num(r[f"{n}:alpha"], 2),
            ]
        agree = "-" if r["agree"] is None else ("yes" if r["agree"] else "NO")
        cells.append(agree + (" (both CIs include 0)" if r["both_ci_include_zero"] else ""))
        t.add_row(*cells)
    print_table(t)


def register(app: typer.Typer) -> None:
    """Add the ``survey`` command group to the main application."""
    app.add_typer(survey_app, name="survey")
