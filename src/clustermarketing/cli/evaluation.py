"""Commands of the evaluation system: ``ahp``, ``fuzzy``, ``evaluate``, ``recommend``, ``report``.

Formatting only: the numbers come from :mod:`clustermarketing.evaluation`. Tables go to stdout
through :func:`clustermarketing.cli.output.print_table`; ``--format json|csv`` print machine
output on stdout; progress goes to stderr.
"""

from __future__ import annotations

import csv
import io
import sys
import zlib
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.table import Table
from rich.text import Text

from clustermarketing.cli.output import print_table

__all__ = ["register"]


class Fmt(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class Method(StrEnum):
    eigenvector = "eigenvector"
    geometric_mean = "geometric_mean"
    arithmetic_mean = "arithmetic_mean"


class RI(StrEnum):
    saaty1980 = "saaty1980"
    saaty2005 = "saaty2005"
    donegan_dodd = "donegan_dodd"


class Operator(StrEnum):
    weighted_average = "weighted_average"
    min_max = "min_max"
    product_max = "product_max"
    bounded_sum = "bounded_sum"


class Weighting(StrEnum):
    ahp = "ahp"
    entropy = "entropy"
    critic = "critic"
    equal = "equal"


class Perturbation(StrEnum):
    lognormal = "lognormal"
    dirichlet = "dirichlet"


class Normalization(StrEnum):
    vector = "vector"
    minmax = "minmax"


class Pricing(StrEnum):
    nash = "nash"
    cartel = "cartel"


def _n(x: Any, digits: int = 4) -> str:
    if x is None:
        return "-"
    f = float(x)
    if not np.isfinite(f):
        return "-"
    return f"{f:.{digits}g}"


def _json(data: Any) -> str:
    from clustermarketing.io import summary_json

    return summary_json(data, indent=2)


def _provenance(**inputs: Any) -> dict[str, Any]:
    import clustermarketing

    return {"tool": {"name": "clustermarketing", "version": clustermarketing.__version__}, **inputs}


def _evaluation_rng(seed: int) -> np.random.Generator:
    """The robustness stream: a named child of the run's seed (same seed ⇒ same draws)."""
    tag = zlib.crc32(b"evaluation.weight_perturbation")
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(tag,)))


# ---------------------------------------------------------------- ahp


def _ahp_table(title: str, labels: list[str], res: Any) -> Table:
    t = Table(title=title)
    t.add_column("element")
    t.add_column("weight", justify="right")
    for k, (name, w) in enumerate(zip(labels, res.weights, strict=True)):
        t.add_row(name or str(k + 1), f"{w:.4f}")
    return t


def _consistency_caption(res: Any) -> str:
    s = (
        f"{res.method}, λmax = {res.lambda_max:.4f}, CI = {res.ci:.4f}, "
        f"RI({res.n}) = {res.ri:g} ({res.ri_table}), CR = {res.cr:.4f} — "
        + ("consistent (CR < 0.1)" if res.consistent else "INCONSISTENT (CR ≥ 0.1)")
    )
    j = res.most_inconsistent
    if j is not None and not res.consistent:
        a, b = j.labels if j.labels else (str(j.row + 1), str(j.col + 1))
        s += (
            f"; most inconsistent judgement: {a} vs {b} = {j.value:.4g}, "
            f"repair to {j.repair:.3g} (CR would be {j.cr_after:.4f})"
        )
    return s


def ahp_command(file: Path, method: str, ri: str, fmt: Fmt) -> None:
    from clustermarketing.cli.main import fail, user_errors
    from clustermarketing.evaluation import pairwise
    from clustermarketing.evaluation.io import read_yaml

    with user_errors():
        data = read_yaml(file)
        if not isinstance(data, dict):
            fail(f"{file}: expected a mapping with 'matrix' or 'upper' (or a whole hierarchy)")
        if "criteria" in data:
            return _ahp_hierarchy(file, data, method, ri, fmt)
        allowed = {"matrix", "upper", "labels", "experts", "expert_weights"}
        unknown = sorted(set(data) - allowed)
        if unknown:
            fail(
                f"{file}: unknown key(s) {', '.join(unknown)}; expected {', '.join(sorted(allowed))}"
            )
        given = [k for k in ("matrix", "upper", "experts") if k in data]
        if len(given) != 1:
            fail(
                f"{file}: give exactly one of 'matrix' (rows), 'upper' (upper triangle) or 'experts'"
            )
        try:
            if "experts" in data:
                experts = data["experts"]
                if not isinstance(experts, list):
                    fail(f"{file}: experts: expected a list of matrices (rows or upper triangles)")
                mats = [
                    e.get("matrix", e.get("upper")) if isinstance(e, dict) else e for e in experts
                ]
                a = pairwise.group_matrix(mats, data.get("expert_weights"))
            else:
                a = pairwise.as_matrix(data[given[0]])
        except ValueError as e:
            fail(f"{file}: {e}")
        labels = data.get("labels")
        if labels is None:
            labels = [str(k + 1) for k in range(a.shape[0])]
        if not isinstance(labels, list) or len(labels) != a.shape[0]:
            fail(f"{file}: labels: expected a list of {a.shape[0]} names (one per row)")
        labels = [str(x) for x in labels]
        if len(set(labels)) != len(labels):
            fail(f"{file}: labels: duplicate names {labels}")
        try:
            res = pairwise.ahp(a, method=method, ri=ri, labels=labels)
        except ValueError as e:
            fail(f"{file}: {e}")
    out = res.to_dict(labels) | {"matrix": a.tolist()} | _provenance(input=str(file))
    if fmt is Fmt.json:
        sys.stdout.write(_json(out) + "\n")
    elif fmt is Fmt.csv:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["element", "weight"])
        for name, x in zip(labels, res.weights, strict=True):
            w.writerow([name, repr(float(x))])
        sys.stdout.write(buf.getvalue())
    else:
        print_table(_ahp_table(f"AHP priorities of {file.name}", labels, res))
        sys.stdout.write(_consistency_caption(res) + "\n")
    return None


def _ahp_hierarchy(file: Path, data: dict, method: str, ri: str, fmt: Fmt) -> None:
    from clustermarketing.evaluation.hierarchy import build_hierarchy

    data = dict(data)
    data["ahp"] = {**(data.get("ahp") or {}), "method": method, "ri": ri}
    h = build_hierarchy(data, str(file))
    cw, local = h.weights()
    g = h.global_weights()
    cons = h.consistency()
    if fmt is Fmt.json:
        out = {
            "criteria": dict(zip(h.criteria, map(float, cw), strict=True)),
            "indicators": {
                i.name: {"criterion": i.criterion, "local": float(local[j]), "global": float(g[j])}
                for j, i in enumerate(h.indicators)
            },
            "consistency": cons,
        } | _provenance(input=str(file))
        sys.stdout.write(_json(out) + "\n")
        return
    if fmt is Fmt.csv:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["criterion", "criterion_weight", "indicator", "local_weight", "global_weight"])
        ci = h.criterion_index()
        for j, i in enumerate(h.indicators):
            w.writerow(
                [
                    i.criterion,
                    repr(float(cw[ci[j]])),
                    i.name,
                    repr(float(local[j])),
                    repr(float(g[j])),
                ]
            )
        sys.stdout.write(buf.getvalue())
        return
    t = Table(title=f"AHP weights of the hierarchy {h.spec.name!r} ({file.name})", show_lines=True)
    for col in ("criterion", "weight", "CR", "indicator", "local", "global"):
        t.add_column(col, justify="left" if col in ("criterion", "indicator") else "right")
    ci = h.criterion_index()
    for c, name in enumerate(h.criteria):
        sel = np.flatnonzero(ci == c)
        cr = cons[name].get("cr")
        t.add_row(
            name, f"{cw[c]:.4f}", _n(cr), "\n".join(h.indicators[k].name for k in sel),
            "\n".join(f"{local[k]:.4f}" for k in sel), "\n".join(f"{g[k]:.4f}" for k in sel),
        )  # fmt: skip
    goal = h.criterion_nodes
    print_table(t)
    sys.stdout.write(
        (_consistency_caption(goal.result) if goal.result else f"criterion weights: {goal.kind}")
        + "\n"
    )
    bad = [f"{k} (CR {v['cr']:.3f})" for k, v in cons.items() if not v.get("consistent", True)]
    if bad:
        sys.stdout.write("inconsistent judgements: " + ", ".join(bad) + "\n")


# ---------------------------------------------------------------- fuzzy


def fuzzy_command(file: Path, operator: str | None, normalize: bool | None, fmt: Fmt) -> None:
    from clustermarketing.cli.main import fail, user_errors
    from clustermarketing.evaluation.fuzzy import fuzzy_evaluate
    from clustermarketing.evaluation.io import read_yaml

    with user_errors():
        data = read_yaml(file)
        if not isinstance(data, dict):
            fail(f"{file}: expected a mapping with 'weights' and 'R'")
        allowed = {"weights", "R", "grades", "scores", "operator", "normalize", "labels"}
        unknown = sorted(set(data) - allowed)
        if unknown:
            fail(
                f"{file}: unknown key(s) {', '.join(unknown)}; expected {', '.join(sorted(allowed))}"
            )
        for key in ("weights", "R"):
            if key not in data:
                fail(f"{file}: '{key}' is missing; expected weights (one per row of R) and R")
        op = operator or data.get("operator", "weighted_average")
        norm = normalize if normalize is not None else bool(data.get("normalize", False))
        try:
            res = fuzzy_evaluate(
                data["weights"], data["R"], operator=op, normalize=norm,
                grades=data.get("grades"), scores=data.get("scores"),
            )  # fmt: skip
        except ValueError as e:
            fail(f"{file}: {e}")
    out = res.to_dict() | {"normalized": norm} | _provenance(input=str(file))
    if fmt is Fmt.json:
        sys.stdout.write(_json(out) + "\n")
    elif fmt is Fmt.csv:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow([*res.grades, "grade", "score"])
        w.writerow([*(repr(float(x)) for x in res.b), res.grade, repr(res.score)])
        sys.stdout.write(buf.getvalue())
    else:
        t = Table(
            title=f"Fuzzy comprehensive evaluation of {file.name}",
            caption=f"operator {op}{', B normalised' if norm else ''}; grade = maximum membership; "
            f"score = normalised B · ({', '.join(f'{s:g}' for s in res.scores)})",
        )
        for g in res.grades:
            t.add_column(g, justify="right")
        t.add_column("grade")
        t.add_column("score", justify="right")
        t.add_row(*(f"{x:.4f}" for x in res.b), res.grade, f"{res.score:.2f}")
        print_table(t)


# ---------------------------------------------------------------- recommend / evaluate


def _ranking_table(d: dict[str, Any], title: str, caption: str) -> Table:
    grades = d["fuzzy"]["grades"]
    t = Table(title=title, caption=caption, show_lines=True)
    for col, just in (
        ("rank", "right"), ("model", "left"), ("score", "right"), ("grade", "left"),
        ("memberships\n" + " / ".join(g[:4] for g in grades), "right"),
        ("P(first)\nweights", "right"), ("rank 95%\nweights", "right"),
        ("P(first)\nreplicates", "right"), ("TOPSIS\n(rank)", "right"),
    ):  # fmt: skip
        t.add_column(col, justify=just)
    crit = list(d["weights"]["criteria"])
    for c in crit:
        t.add_column(f"{c}\n(w {d['weights']['criteria'][c]:.2f})", justify="right")
    for name, m in d["models"].items():
        lo, hi = m["rank_interval"]
        t.add_row(
            str(m["rank"]), Text(name, style="bold" if m["rank"] == 1 else ""), f"{m['score']:.1f}",
            m["grade"], " / ".join(f"{m['memberships'][g]:.2f}" for g in grades),
            f"{m['p_first']:.2f}", f"{lo}–{hi}" if lo != hi else str(lo),
            _n(m["p_first_replicates"], 2), f"{m['topsis']:.3f} ({m['rank_topsis']})",
            *(f"{m['criteria'][c]['score']:.1f}" for c in crit),
        )  # fmt: skip
    return t


def _drivers_text(d: dict[str, Any]) -> str:
    dr = d.get("drivers")
    if not dr:
        return ""
    inds = d["models"][dr["top"]]["indicators"]
    lines = [
        f"Why {dr['top']} ranks first (score gap {dr['score_gap']:.2f} over {dr['runner_up']}):"
    ]
    pos = [c for c in dr["contributions"] if c["contribution"] > 0.005][:4]
    neg = [c for c in dr["contributions"][::-1] if c["contribution"] < -0.005][:3]
    for c in pos:
        lines.append(
            f"  + {c['indicator']} ({c['criterion']}): grade score {c['grade_score_top']:.0f} vs "
            f"{c['grade_score_runner_up']:.0f}, weight {c['weight']:.3f} → +{c['contribution']:.2f}"
        )
    for c in neg:
        lines.append(
            f"  − {c['indicator']} ({c['criterion']}): {c['grade_score_top']:.0f} vs "
            f"{c['grade_score_runner_up']:.0f} → {c['contribution']:.2f} (favours {dr['runner_up']})"
        )
    lines.append(f"What would make {dr['runner_up']} draw level (everything else unchanged):")
    needs = [n for n in dr["indicator_values_needed"] if n.get("needed") is not None]
    needs.sort(key=lambda n: abs(n["needed"] - n["current"]) / (abs(n["current"]) + 1e-9))
    for n in needs[:3]:
        unit = inds[n["indicator"]]["unit"]
        lines.append(f"  {n['indicator']}: {n['current']:.4g} → {n['needed']:.4g} ({unit})")
    if not needs:
        lines.append("  no single indicator change within the grade range would be enough")
    for w in dr["criterion_weights_needed"]:
        if w["needed"] is not None:
            lines.append(
                f"  weight of {w['criterion']}: {w['current']:.3f} → {w['needed']:.3f} "
                "(other criteria rescaled in proportion)"
            )
    return "\n".join(lines) + "\n"


def _recommend_csv(d: dict[str, Any]) -> str:
    grades = d["fuzzy"]["grades"]
    crit = list(d["weights"]["criteria"])
    inds = list(d["weights"]["indicators"])
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(
        ["model", "rank", "score", "grade", *(f"b_{g}" for g in grades), "topsis", "rank_topsis",
         "p_first", "rank_low", "rank_high", "p_first_replicates", "rank_low_replicates",
         "rank_high_replicates", *(f"criterion_{c}" for c in crit), *(f"indicator_{i}" for i in inds)]
    )  # fmt: skip
    for name, m in d["models"].items():
        rr = m["rank_interval_replicates"] or [None, None]
        w.writerow(
            [name, m["rank"], repr(m["score"]), m["grade"],
             *(repr(m["memberships"][g]) for g in grades), repr(m["topsis"]), m["rank_topsis"],
             repr(m["p_first"]), *m["rank_interval"],
             "" if m["p_first_replicates"] is None else repr(m["p_first_replicates"]),
             "" if rr[0] is None else rr[0], "" if rr[1] is None else rr[1],
             *(repr(m["criteria"][c]["score"]) for c in crit),
             *(repr(m["indicators"][i]["value"]) for i in inds)]
        )  # fmt: skip
    return buf.getvalue()


def _print_recommendation(d: dict[str, Any], fmt: Fmt, title: str, caption: str) -> None:
    if fmt is Fmt.json:
        sys.stdout.write(_json(d) + "\n")
    elif fmt is Fmt.csv:
        sys.stdout.write(_recommend_csv(d))
    else:
        print_table(_ranking_table(d, title, caption))
        sys.stdout.write(_drivers_text(d))
        c = d["consistency"]
        if not c["consistent"]:
            bad = [k for k, v in c["nodes"].items() if not v.get("consistent", True)]
            sys.stdout.write(
                f"warning: inconsistent AHP judgements (CR ≥ 0.1) at {', '.join(bad)}\n"
            )


def _hierarchy(path: Path | None, weights: Path | None) -> Any:
    from clustermarketing.evaluation.io import apply_weights_file, load_hierarchy

    h = load_hierarchy(path)
    if weights is not None:
        h = apply_weights_file(h, weights)
    return h


def evaluate_command(
    data: Path, hierarchy: Path | None, weights: Path | None, weighting: Weighting,
    baseline: str | None, perturbations: int, perturbation: Perturbation, sigma: float,
    concentration: float, seed: int, normalization: Normalization, fmt: Fmt,
) -> None:  # fmt: skip
    from clustermarketing.cli.main import user_errors
    from clustermarketing.evaluation.indicators import table_from_values
    from clustermarketing.evaluation.io import read_data_table
    from clustermarketing.evaluation.recommend import RobustnessOptions, recommend_from_table

    with user_errors():
        h = _hierarchy(hierarchy, weights)
        frame = read_data_table(data)
        table = table_from_values(frame, h, baseline)
        opts = RobustnessOptions(perturbations, perturbation.value, sigma, concentration)
        rec = recommend_from_table(
            table, h, _evaluation_rng(seed), weighting.value, opts, normalization.value,
            meta=_provenance(
                input=str(data), hierarchy=str(hierarchy) if hierarchy else "default",
                weights_file=str(weights) if weights else None, baseline=baseline, seed=seed,
            ),
        )  # fmt: skip
    d = rec.to_dict()
    cap = (
        f"hierarchy {d['hierarchy']['name']!r}, weighting {weighting.value}, operator "
        f"{d['fuzzy']['operator']}; score 0–100 (50 = fair); P(first) over {perturbations} "
        f"weight perturbations ({perturbation.value}); seed {seed}"
    )
    _print_recommendation(d, fmt, f"Evaluation of {data.name}", cap)


def recommend_run(
    scenario: str, models: list[str] | None, replicates: int | None, periods: int | None,
    seed: int | None, workers: int, set_: list[str] | None, pricing: Pricing | None,
    from_dir: Path | None, hierarchy: Path | None, weights: Path | None, weighting: Weighting,
    perturbations: int, perturbation: Perturbation, sigma: float, concentration: float,
    progress: bool | None,
) -> tuple[Any, Any, dict[str, Any]]:  # fmt: skip
    """Run (or read) the comparison and evaluate it. Returns (recommendation, comparison, meta)."""
    from clustermarketing.cli.main import _progress_reporter, fail, firm_count, load, user_errors
    from clustermarketing.evaluation.recommend import RobustnessOptions, recommend
    from clustermarketing.evaluation.runs import Comparison, check_models, run_comparison

    names = None
    if models:
        names = [m.strip() for item in models for m in item.split(",") if m.strip()]
    with user_errors():
        h = _hierarchy(hierarchy, weights)
        opts = RobustnessOptions(perturbations, perturbation.value, sigma, concentration)
        if opts.mode not in ("lognormal", "dirichlet"):
            fail(f"--perturbation: {opts.mode}")
    if from_dir is not None:
        if set_ or models or replicates or periods or seed is not None or pricing:
            fail(
                "--from reads a finished comparison; --models/--replicates/--periods/--seed/"
                "--set/--pricing cannot change it (run without --from instead)"
            )
        from clustermarketing.evaluation.io import read_comparison_dir

        with user_errors():
            got = read_comparison_dir(from_dir)
        summary = got["summary"]
        comp = Comparison(summary, got["cluster"], got["replicate_values"])
        sc = load(str(summary.get("scenario", scenario)), ())
        run_seed = int(summary.get("seed", 0))
        source = {"from": str(from_dir)}
    else:
        sc = load(scenario, set_ or ())
        with user_errors():
            names = check_models(names)
        reps = replicates or sc.replicates
        steps = periods or sc.horizon
        run_seed = sc.seed if seed is None else seed
        work = reps * steps * firm_count(sc) * 2 * len(names)
        with _progress_reporter(progress, work) as cb, user_errors():
            comp = run_comparison(
                sc, names, reps, steps, run_seed, workers, cb,
                pricing.value if pricing else None,
            )  # fmt: skip
        source = {"scenario_source": scenario, "set": list(set_ or [])}
    summary = comp.summary
    meta = _provenance(
        scenario=summary.get("scenario", sc.name), seed=summary.get("seed", run_seed),
        periods=summary.get("periods"), replicates=summary.get("replicates"),
        pricing=summary.get("pricing"), models_run=list(summary.get("models", {})),
        hierarchy=str(hierarchy) if hierarchy else "default",
        weights_file=str(weights) if weights else None, **source,
    )  # fmt: skip
    with user_errors():
        rec = recommend(
            comp.replicate_values, h, _evaluation_rng(int(meta["seed"])), weighting.value, opts,
            models=list(summary.get("models", {})) or None, meta=meta,
        )  # fmt: skip
    return rec, comp, meta | {"scenario_obj": sc}


# option types shared by the commands (module level: annotations are evaluated lazily)
FmtOpt = Annotated[Fmt, typer.Option("--format", "-f", help="What to print on stdout.")]
HierOpt = Annotated[
    Path | None,
    typer.Option("--hierarchy", help="Indicator hierarchy YAML (default: the shipped one)."),
]
WeightsOpt = Annotated[
    Path | None,
    typer.Option(
        "--weights",
        help="YAML with your judgements: criteria: {upper|matrix|weights|experts}, "
        "indicators: {CRITERION: {...}}.",
    ),
]
WeightingOpt = Annotated[Weighting, typer.Option("--weighting", help="Where weights come from.")]
PertN = Annotated[
    int, typer.Option("--perturbations", min=0, help="Weight perturbations for P(first).")
]
PertMode = Annotated[
    Perturbation,
    typer.Option("--perturbation", help="Log-normal noise on judgements, or Dirichlet on weights."),
]
SigmaOpt = Annotated[
    float, typer.Option("--sigma", min=0.0, help="σ of the log-normal noise on each judgement.")
]
KappaOpt = Annotated[
    float,
    typer.Option("--concentration", min=1e-9, help="Dirichlet concentration κ (α = κ·w)."),
]

ScenarioArg = Annotated[
    str, typer.Argument(help="Scenario YAML/JSON file or built-in example name.")
]
ModelsOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--models",
        "-m",
        help="Models to compare (comma-separated or repeated; default: all built).",
    ),
]
RepOpt = Annotated[
    int | None, typer.Option("--replicates", "-r", min=1, help="Replicates per model.")
]
PerOpt = Annotated[int | None, typer.Option("--periods", "-p", min=1, help="Periods to simulate.")]
SeedOpt = Annotated[int | None, typer.Option(min=0, help="Root seed (default: the scenario's).")]
WorkOpt = Annotated[
    int, typer.Option("--workers", "-w", min=1, help="Processes for the simulations.")
]
PriceOpt = Annotated[Pricing | None, typer.Option(help="Pricing of members.")]
FromOpt = Annotated[
    Path | None,
    typer.Option("--from", help="Read a finished `compare --out DIR` instead of running."),
]
ProgOpt = Annotated[
    bool | None, typer.Option("--progress/--no-progress", help="Progress on stderr.")
]

SetOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        "-s",
        metavar="PATH=VALUE",
        help="Override a scenario field, e.g. --set firms.count=500 (repeatable).",
    ),
]


def register(app: typer.Typer) -> None:
    """Add ``ahp``, ``fuzzy``, ``evaluate``, ``recommend`` and ``report``."""

    @app.command("ahp")
    def ahp_cmd(
        file: Annotated[
            Path,
            typer.Argument(help="YAML: matrix: rows | upper: triangle, labels:; or a hierarchy."),
        ],
        method: Annotated[Method, typer.Option(help="Priority method.")] = Method.eigenvector,
        ri: Annotated[RI, typer.Option(help="Random index table.")] = RI.saaty1980,
        fmt: FmtOpt = Fmt.table,
    ) -> None:
        """AHP weights, λmax, CI, CR and the most inconsistent judgement of a pairwise matrix."""
        ahp_command(file, method.value, ri.value, fmt)

    @app.command("fuzzy")
    def fuzzy_cmd(
        file: Annotated[
            Path, typer.Argument(help="YAML: weights: [...], R: [[...]], grades:, scores:.")
        ],
        operator: Annotated[
            Operator | None,
            typer.Option(help="Composition operator (default: the file's, else weighted_average)."),
        ] = None,
        normalize: Annotated[
            bool | None, typer.Option("--normalize/--no-normalize", help="Divide B by its sum.")
        ] = None,
        fmt: FmtOpt = Fmt.table,
    ) -> None:
        """Fuzzy comprehensive evaluation B = A ∘ R: memberships, grade and score."""
        fuzzy_command(file, operator.value if operator else None, normalize, fmt)

    @app.command("evaluate")
    def evaluate_cmd(
        data: Annotated[
            Path,
            typer.Argument(
                help="CSV: first column the alternative, then one column per indicator."
            ),
        ],
        hierarchy: HierOpt = None,
        weights: WeightsOpt = None,
        weighting: WeightingOpt = Weighting.ahp,
        baseline: Annotated[
            str | None,
            typer.Option(help="Row to compare the others with; columns are then metric names."),
        ] = None,
        perturbations: PertN = 1000,
        perturbation: PertMode = Perturbation.lognormal,
        sigma: SigmaOpt = 0.25,
        concentration: KappaOpt = 100.0,
        seed: Annotated[int, typer.Option(min=0, help="Seed of the weight perturbations.")] = 0,
        normalization: Annotated[
            Normalization, typer.Option(help="TOPSIS normalisation.")
        ] = Normalization.vector,
        fmt: FmtOpt = Fmt.table,
    ) -> None:
        """Evaluate measured indicator values (clusters, before/after) with the same system."""
        evaluate_command(
            data, hierarchy, weights, weighting, baseline, perturbations, perturbation, sigma,
            concentration, seed, normalization, fmt,
        )  # fmt: skip

    @app.command("recommend")
    def recommend_cmd(
        scenario: ScenarioArg = "optoelectronics",
        models: ModelsOpt = None,
        replicates: RepOpt = None,
        periods: PerOpt = None,
        seed: SeedOpt = None,
        workers: WorkOpt = 1,
        set_: SetOpt = None,
        pricing: PriceOpt = None,
        from_dir: FromOpt = None,
        hierarchy: HierOpt = None,
        weights: WeightsOpt = None,
        weighting: WeightingOpt = Weighting.ahp,
        perturbations: PertN = 1000,
        perturbation: PertMode = Perturbation.lognormal,
        sigma: SigmaOpt = 0.25,
        concentration: KappaOpt = 100.0,
        fmt: FmtOpt = Fmt.table,
        progress: ProgOpt = None,
    ) -> None:
        """Rank the marketing models for a cluster: indicators vs the baseline, AHP weights, fuzzy
        grade, TOPSIS, and how robust the ranking is."""
        rec, _, meta = recommend_run(
            scenario, models, replicates, periods, seed, workers, set_, pricing, from_dir,
            hierarchy, weights, weighting, perturbations, perturbation, sigma, concentration,
            progress,
        )  # fmt: skip
        d = rec.to_dict()
        cap = (
            f"{meta['replicates']} replicates × {meta['periods']} periods, seed {meta['seed']}; "
            f"each model vs independent marketing on common random numbers; weighting "
            f"{weighting.value}, operator {d['fuzzy']['operator']}; score 0–100 (50 = as good as "
            f"independent); P(first)/rank 95% over {perturbations} {perturbation.value} weight "
            "perturbations; P(first) replicates = share of replicates in which it ranks first"
        )
        _print_recommendation(d, fmt, f"{meta['scenario']}: which marketing model?", cap)

    @app.command("report")
    def report_cmd(
        scenario: ScenarioArg = "optoelectronics",
        out: Annotated[Path, typer.Option("--out", "-o", help="HTML file to write.")] = Path(
            "report.html"
        ),
        force: Annotated[bool, typer.Option("--force", help="Overwrite --out.")] = False,
        models: ModelsOpt = None,
        replicates: RepOpt = None,
        periods: PerOpt = None,
        seed: SeedOpt = None,
        workers: WorkOpt = 1,
        set_: SetOpt = None,
        pricing: PriceOpt = None,
        from_dir: FromOpt = None,
        hierarchy: HierOpt = None,
        weights: WeightsOpt = None,
        weighting: WeightingOpt = Weighting.ahp,
        perturbations: PertN = 1000,
        perturbation: PertMode = Perturbation.lognormal,
        sigma: SigmaOpt = 0.25,
        concentration: KappaOpt = 100.0,
        progress: ProgOpt = None,
    ) -> None:
        """Write one self-contained HTML report: structure, time series, advantage profiles,
        ranking with uncertainty, cost allocation, AHP weights, how to read it."""
        from clustermarketing.cli.main import fail, stderr, user_errors

        if out.is_dir():
            fail(f"--out {out}: is a directory; expected an .html file name")
        if out.exists() and not force:
            fail(f"--out {out}: already exists; use --force to overwrite it")
        if not out.parent.exists() and str(out.parent) not in ("", "."):
            fail(f"--out {out}: directory {out.parent} does not exist")
        try:
            from clustermarketing.evaluation import report as report_mod
        except ImportError as e:
            fail(f"the report needs Plotly ({e}); install clustermarketing[report]")
        rec, comp, meta = recommend_run(
            scenario, models, replicates, periods, seed, workers, set_, pricing, from_dir,
            hierarchy, weights, weighting, perturbations, perturbation, sigma, concentration,
            progress,
        )  # fmt: skip
        with user_errors():
            html = report_mod.build_report(rec, comp, meta["scenario_obj"])
            from clustermarketing.io import atomic_write_text

            atomic_write_text(out, html)
        stderr.print(f"wrote {out} ({len(html) / 1e6:.1f} MB)", highlight=False)
