"""What a job does, run in a worker process: simulate, compare, recommend, or a scenario's game.

Each task gets plain data (the raw scenario as resolved by the server, the effective options)
and the job's directory, calls the package's own APIs — :func:`clustermarketing.simulate`,
:func:`clustermarketing.compare`, :mod:`clustermarketing.evaluation`,
:mod:`clustermarketing.analysis.coalitions` — and writes the results atomically:

* ``run``: ``cluster.parquet``, ``breakdown.parquet``, ``summary.json`` (what
  ``clustermarketing run --out`` writes); the summary is ``run --format json``;
* ``compare``: ``cluster.parquet``, ``baseline_groups.parquet``, ``replicates.parquet``,
  ``breakdown.parquet``, ``summary.json`` (``compare --out``);
* ``recommend``: the comparison's files plus ``recommendation.json`` (``recommend --format
  json``) and ``report.html`` (``report``);
* ``game``: ``summary.json`` (``game --scenario … --format json``).

Every summary carries ``units`` and a ``provenance`` record (command, options, the resolved
scenario, seed, input digests) like the command line's, so a run made in the browser can be
reproduced there. Progress (arm-periods) goes to the server through the reporter installed by
:func:`init_worker`, at most a few messages a second. Errors are returned, not raised: a user
error (:class:`~clustermarketing.errors.ClusterMarketingError`, e.g. a run whose numbers stop
being finite) with its message; anything else with its traceback, for the server's log only.
"""

from __future__ import annotations

import json
import signal
import time
import traceback
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["execute", "init_worker", "set_reporter", "warm"]

_report: Callable[[tuple[Any, ...]], None] | None = None
#: seconds between two progress messages of one job
PROGRESS_EVERY = 0.2


def set_reporter(report: Callable[[tuple[Any, ...]], None] | None) -> None:
    """Where progress messages go (a queue's ``put``)."""
    global _report
    _report = report


def init_worker(queue: Any) -> None:
    """Initializer of a worker process: report through ``queue``; leave Ctrl-C to the server."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    set_reporter(queue.put)


def warm() -> None:
    """Import what the tasks need, so that the first job does not wait for it (run once per
    worker process when the server starts)."""
    import clustermarketing.analysis
    import clustermarketing.evaluation.recommend
    import clustermarketing.io  # noqa: F401


def _send(message: tuple[Any, ...]) -> None:
    if _report is not None:
        _report(message)


def _progress(job_id: str) -> Callable[[int, int], None]:
    last = [0.0]

    def cb(done: int, total: int) -> None:
        t = time.monotonic()
        if done >= total or t - last[0] >= PROGRESS_EVERY:
            last[0] = t
            _send(("progress", job_id, int(done), int(total)))

    return cb


def _unresolve(obj: Any, uploads: dict[str, str]) -> Any:
    """``obj`` with the server's paths of uploaded files replaced by their references."""
    if not uploads:
        return obj
    text = json.dumps(obj, allow_nan=False)
    for path, ref in uploads.items():
        text = text.replace(json.dumps(path)[1:-1], ref)
    return json.loads(text)


def _provenance(
    command: str, options: dict[str, Any], a: dict[str, Any], sc: Any
) -> dict[str, Any]:
    from clustermarketing.io import jsonable, provenance

    inputs = {
        "firms.csv": sc.firms.csv if sc.firms.source == "csv" else None,
        "ties.edgelist": sc.ties.edgelist if sc.ties.source == "edgelist" else None,
    }
    prov = provenance(
        command,
        {**options, "interface": "web"},
        source=a["source"],
        scenario=sc.model_dump(mode="json"),
        overrides=a["overrides"],
        seed=a["seed"],
        inputs=inputs,
    )
    return _unresolve(jsonable(prov), a.get("uploads", {}))


def _units(summary: dict[str, Any]) -> dict[str, str]:
    from clustermarketing.units import unit_of

    metrics = summary.get("metrics")
    if metrics is None:
        metrics = next(iter(summary.get("models", {}).values()), {}).get("metrics", {})
    return {name: unit_of(name) for name in metrics}


def evaluation_rng(seed: int) -> Any:
    """The weight-perturbation stream of ``recommend``: the same child of the run's seed as the
    command line uses, so the browser and the command line give the same P(first)."""
    import numpy as np

    tag = zlib.crc32(b"evaluation.weight_perturbation")
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(tag,)))


def _run(job_dir: Path, a: dict[str, Any], cb: Callable[[int, int], None]) -> dict[str, Any]:
    from clustermarketing import simulate
    from clustermarketing.io import write_outputs
    from clustermarketing.scenario import load_scenario

    sc = load_scenario(a["scenario"])
    res = simulate(
        sc, model=a["model"], seed=a["seed"], replicates=a["replicates"], periods=a["periods"],
        pricing=a["pricing"], progress=cb, diagnostics=a["diagnostics"],
    )  # fmt: skip
    options = {
        "model": res.summary["model"], "seed": a["seed"], "replicates": a["replicates"],
        "periods": a["periods"], "pricing": res.summary["pricing"],
        "diagnostics": a["diagnostics"],
    }  # fmt: skip
    res.summary["units"] = _units(res.summary)
    res.summary["provenance"] = _provenance("run", options, a, sc)
    written = write_outputs(res, job_dir)
    return {"summary": res.summary, "files": [p.name for p in written]}


def _comparison(a: dict[str, Any], cb: Callable[[int, int], None]) -> tuple[Any, Any]:
    from clustermarketing import compare
    from clustermarketing.scenario import load_scenario

    sc = load_scenario(a["scenario"])
    res = compare(
        sc, a["models"], replicates=a["replicates"], periods=a["periods"], seed=a["seed"],
        progress=cb, pricing=a["pricing"],
    )  # fmt: skip
    return sc, res


def _write_comparison(job_dir: Path, res: Any) -> list[str]:
    from clustermarketing.io import write_tables

    tables = {
        "cluster.parquet": res.cluster,
        "baseline_groups.parquet": res.baseline_groups,
        "replicates.parquet": res.replicate_values,
    }
    if res.breakdown is not None and not res.breakdown.empty:
        tables["breakdown.parquet"] = res.breakdown
    return [p.name for p in write_tables(job_dir, tables, res.summary)]


def _compare(job_dir: Path, a: dict[str, Any], cb: Callable[[int, int], None]) -> dict[str, Any]:
    sc, res = _comparison(a, cb)
    options = {
        "models": a["models"], "replicates": a["replicates"], "periods": a["periods"],
        "seed": a["seed"], "pricing": res.summary["pricing"],
    }  # fmt: skip
    res.summary["units"] = _units(res.summary)
    res.summary["provenance"] = _provenance("compare", options, a, sc)
    return {"summary": res.summary, "files": _write_comparison(job_dir, res)}


def hierarchy(judgements: dict[str, Any] | None, spec: dict[str, Any] | str | None = None) -> Any:
    """The indicator hierarchy — ``spec`` (YAML text or object, as a ``--hierarchy`` file) or
    the shipped one — with the request's judgements (``criteria``: the goal's pairwise
    judgements of the criteria; ``indicators``: criterion → judgements of its indicators), each
    block checked against the node it replaces."""
    from clustermarketing.errors import ClusterMarketingError
    from clustermarketing.evaluation.hierarchy import build_hierarchy, parse_judgements
    from clustermarketing.evaluation.io import load_hierarchy, parse_yaml

    if spec is None:
        h = load_hierarchy(None)
    else:
        from clustermarketing.web.uploads import bounded

        data = bounded(
            parse_yaml(spec, "hierarchy") if isinstance(spec, str) else spec, "hierarchy"
        )
        if not isinstance(data, dict):
            raise ClusterMarketingError(
                f"hierarchy: expected a mapping with name, criteria, …, got {type(data).__name__}"
            )
        h = build_hierarchy(data, "hierarchy")
    if not judgements:
        return h
    unknown = sorted(set(judgements) - {"criteria", "indicators"})
    if unknown:
        raise ClusterMarketingError(
            f"judgements: unknown key(s) {', '.join(unknown)}; expected 'criteria' and/or 'indicators'"
        )
    spec = h.spec
    children = {"goal": [c.name for c in spec.criteria]}
    children.update({c.name: [i.name for i in c.indicators] for c in spec.criteria})
    blocks: dict[str, tuple[Any, str]] = {}
    if judgements.get("criteria") is not None:
        blocks["goal"] = (judgements["criteria"], "judgements.criteria")
    inds = judgements.get("indicators") or {}
    if not isinstance(inds, dict):
        raise ClusterMarketingError(
            "judgements.indicators: expected a mapping criterion → judgements"
        )
    for name, block in inds.items():
        if str(name) not in children or str(name) == "goal":
            raise ClusterMarketingError(
                f"judgements.indicators: unknown criterion {name!r}; expected one of "
                f"{', '.join(children['goal'])}"
            )
        blocks[str(name)] = (block, f"judgements.indicators.{name}")
    overrides = {}
    for node, (block, where) in blocks.items():
        j = parse_judgements(block, where)
        names = children[node]
        try:
            m = j.pairwise_matrix()
        except ValueError as e:
            raise ClusterMarketingError(f"{where}: {e}") from None
        if m is not None and m.shape[0] != len(names):
            raise ClusterMarketingError(
                f"{where}: judgements of {m.shape[0]} elements; expected {len(names)} "
                f"({', '.join(names)}), e.g. {len(names) * (len(names) - 1) // 2} upper-triangle values"
            )
        overrides[node] = j
    try:
        return h.with_judgements(overrides)
    except ClusterMarketingError as e:
        raise ClusterMarketingError(f"judgements: {e}") from None


def _recommend(job_dir: Path, a: dict[str, Any], cb: Callable[[int, int], None]) -> dict[str, Any]:
    import clustermarketing
    from clustermarketing.evaluation.recommend import RobustnessOptions, recommend
    from clustermarketing.evaluation.report import build_report
    from clustermarketing.evaluation.runs import Comparison
    from clustermarketing.io import atomic_write_text, summary_json

    h = hierarchy(a["judgements"], a.get("hierarchy"))
    opts = RobustnessOptions(a["perturbations"], a["perturbation"], a["sigma"], a["concentration"])
    sc, res = _comparison(a, cb)
    summary = res.summary
    comp = Comparison(summary, res.cluster, res.replicate_values)
    meta = {
        "tool": {"name": "clustermarketing", "version": clustermarketing.__version__},
        "scenario": summary.get("scenario", sc.name), "seed": a["seed"],
        "periods": summary.get("periods"), "replicates": summary.get("replicates"),
        "pricing": summary.get("pricing"), "models_run": list(summary.get("models", {})),
        "hierarchy": "default" if a.get("hierarchy") is None else "request",
        "weights_file": None, "judgements": a["judgements"],
        "scenario_source": a["source"], "set": list(a["overrides"]), "interface": "web",
    }  # fmt: skip
    rec = recommend(
        comp.replicate_values, h, evaluation_rng(int(a["seed"])), a["weighting"], opts,
        models=list(summary.get("models", {})) or None, meta=meta,
    )  # fmt: skip
    d = _unresolve(json.loads(summary_json(rec.to_dict())), a.get("uploads", {}))
    options = {
        "models": a["models"], "replicates": a["replicates"], "periods": a["periods"],
        "seed": a["seed"], "pricing": summary["pricing"], "weighting": a["weighting"],
        **opts.to_dict(),
    }  # fmt: skip
    summary["units"] = _units(summary)
    summary["provenance"] = _provenance("compare", options, a, sc)
    files = _write_comparison(job_dir, res)
    html = build_report(rec, comp, sc)
    atomic_write_text(job_dir / "report.html", html)
    atomic_write_text(
        job_dir / "recommendation.json", json.dumps(d, indent=2, sort_keys=True) + "\n"
    )
    return {"summary": d, "files": [*files, "recommendation.json", "report.html"]}


def _game(job_dir: Path, a: dict[str, Any], cb: Callable[[int, int], None]) -> dict[str, Any]:
    import numpy as np

    from clustermarketing.analysis.coalitions import scenario_game
    from clustermarketing.games.cooperative import TUGame
    from clustermarketing.io import atomic_write_text, summary_json
    from clustermarketing.scenario import load_scenario
    from clustermarketing.web.games import analyse

    sc = load_scenario(a["scenario"])
    sg = scenario_game(sc, a["model"], players=a["players"], seed=a["game_seed"])
    n = sg.n
    masks = np.arange(1 << n, dtype=np.int64)
    matrix = ((masks[:, None] >> np.arange(n)) & 1).astype(bool)
    fn = sg.cost if a["cost"] else sg.value
    total = int(masks.size)
    chunk = max(1, total // 50)
    parts = []
    for start in range(0, total, chunk):
        parts.append(fn(matrix[start : start + chunk]))
        cb(min(total, start + chunk), total)
    game = TUGame(np.concatenate(parts), cost=a["cost"], players=list(sg.players))
    result = analyse(game, "CU/period")
    options = {
        "model": sc.model_config_for(a["model"]).preset, "players": a["players"],
        "cost": a["cost"], "seed": a["game_seed"],
    }  # fmt: skip
    result["provenance"] = _provenance("game", options, a, sc)
    result = json.loads(summary_json(result))
    atomic_write_text(job_dir / "summary.json", json.dumps(result, indent=2, sort_keys=True) + "\n")
    return {"summary": result, "files": ["summary.json"]}


TASKS: dict[str, Callable[[Path, dict[str, Any], Callable[[int, int], None]], dict[str, Any]]] = {
    "run": _run,
    "compare": _compare,
    "recommend": _recommend,
    "game": _game,
}


def execute(kind: str, job_id: str, job_dir: str, args: dict[str, Any]) -> dict[str, Any]:
    """Run one job; returns ``{"ok": True, "summary", "files", "done", "total"}`` or
    ``{"ok": False, "user_error", "message", "traceback"}`` (never raises)."""
    from clustermarketing.errors import ClusterMarketingError
    from clustermarketing.web.store import now

    _send(("start", job_id, now()))
    seen = [0, 0]
    report = _progress(job_id)

    def cb(done: int, total: int) -> None:
        seen[0], seen[1] = int(done), int(total)
        report(done, total)

    try:
        out = TASKS[kind](Path(job_dir), args, cb)
    except ClusterMarketingError as e:
        return {"ok": False, "user_error": True, "message": str(e), "traceback": None}
    except Exception as e:
        return {
            "ok": False,
            "user_error": False,
            "message": f"{type(e).__name__}: {e}",
            "traceback": traceback.format_exc(),
        }
    return {"ok": True, "done": seen[0], "total": seen[1], **out}
