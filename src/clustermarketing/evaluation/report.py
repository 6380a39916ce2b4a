"""The HTML report of ``clustermarketing report``: one self-contained file.

Plotly figures with plotly.js inlined once (no network needed to open the file), plain HTML
tables, and a "how to read it" section. Built from a :class:`~.recommend.Recommendation`, the
comparison it came from and the scenario. This module draws; it computes nothing new except
the cost-allocation game of the recommended model (from :mod:`clustermarketing.games`) and the
network layout of the cluster's ties (networkx).
"""

from __future__ import annotations

import html
import math
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from clustermarketing.evaluation.recommend import Recommendation

#: Per-period metrics drawn as time series (those present in the comparison's cluster table).
SERIES: tuple[tuple[str, str], ...] = (
    ("sme_profit", "SME profit per firm (CU/period)"),
    ("employment", "Employment (jobs)"),
    ("output", "Output (units/period)"),
    ("regional_brand", "Regional brand (stock)"),
    ("membership_rate", "Membership rate"),
    ("unit_marketing_cost", "Marketing cost per unit (CU)"),
)
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2",
           "#bcbd22", "#7f7f7f")  # fmt: skip
BASELINE_COLOR = "#444444"


def _esc(x: Any) -> str:
    return html.escape(str(x))


def _fmt(x: Any, d: int = 4) -> str:
    if x is None:
        return "–"
    f = float(x)
    return "–" if not math.isfinite(f) else f"{f:.{d}g}"


def _fig_html(fig: go.Figure, first: bool, div_id: str) -> str:
    fig.update_layout(template="plotly_white", margin={"l": 60, "r": 20, "t": 50, "b": 50})
    return fig.to_html(
        full_html=False, include_plotlyjs=bool(first), div_id=div_id,
        config={"displaylogo": False, "responsive": True},
    )  # fmt: skip


def _table(header: list[str], rows: list[list[Any]], cls: str = "") -> str:
    th = "".join(f"<th>{_esc(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{_esc(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table class="{cls}"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>'


def _rgba(hex_color: str, alpha: float) -> str:
    h = hex_color.lstrip("#")
    r, g, b = (int(h[k : k + 2], 16) for k in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def network_figure(scenario: Any, model: str, seed: int, max_nodes: int = 400) -> go.Figure:
    """The cluster's ties at t = 0 (strong and weak) laid out by networkx, coloured by segment."""
    import networkx as nx

    from clustermarketing.engine.build import build
    from clustermarketing.engine.streams import Streams, child, seed_sequence

    cfg = scenario.model_config_for(model)
    # replicate 0's build streams: the firms and ties every model and the baseline start from
    world, state = build(scenario, cfg, Streams(child(seed_sequence(seed), 0)))
    active = np.flatnonzero(np.asarray(state.active))
    rng = np.random.default_rng(seed)
    nodes = (
        np.sort(rng.choice(active, max_nodes, replace=False)) if active.size > max_nodes else active
    )
    keep = set(nodes.tolist())
    g = nx.Graph()
    g.add_nodes_from(nodes.tolist())
    edges: dict[str, list[tuple[int, int]]] = {}
    for kind, mat in (("strong", world.strong), ("weak", world.weak)):
        coo = mat.tocoo()
        pairs = [
            (int(i), int(j))
            for i, j in zip(coo.row, coo.col, strict=True)
            if i < j and i in keep and j in keep
        ]
        edges[kind] = pairs
        g.add_edges_from(pairs)
    pos = nx.spring_layout(g, seed=seed % (2**32), k=1.5 / math.sqrt(max(len(g), 1)), iterations=60)
    fig = go.Figure()
    for kind, width, color in (
        ("weak", 0.4, "rgba(150,150,150,0.35)"),
        ("strong", 1.1, "rgba(60,60,60,0.7)"),
    ):
        xs: list[float | None] = []
        ys: list[float | None] = []
        for i, j in edges[kind]:
            xs += [pos[i][0], pos[j][0], None]
            ys += [pos[i][1], pos[j][1], None]
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line={"width": width, "color": color},
                                 hoverinfo="skip", name=f"{kind} ties ({len(edges[kind])})"))  # fmt: skip
    seg_names = [s.name for s in scenario.firms.segments]
    seg = np.asarray(world.segment)
    leader = np.asarray(world.leader)
    for k, name in enumerate(seg_names):
        sel = [int(n) for n in nodes if seg[n] == k]
        if not sel:
            continue
        fig.add_trace(
            go.Scatter(
                x=[pos[n][0] for n in sel], y=[pos[n][1] for n in sel], mode="markers",
                marker={"size": [14 if leader[n] else 6 for n in sel], "color": PALETTE[k % len(PALETTE)],
                        "line": {"width": [2 if leader[n] else 0 for n in sel], "color": "black"}},
                name=f"segment {name}", text=[f"firm {n}{' (leading enterprise)' if leader[n] else ''}" for n in sel],
                hoverinfo="text",
            )
        )  # fmt: skip
    shown = (
        f"{len(nodes)} of {active.size} firms"
        if active.size > len(nodes)
        else f"{active.size} firms"
    )
    fig.update_layout(
        title=f"Ties among firms ({shown}; large outlined markers: leading enterprises)",
        xaxis={"visible": False}, yaxis={"visible": False}, height=560, showlegend=True,
    )  # fmt: skip
    return fig


def series_figure(
    cluster: pd.DataFrame, models: list[str], baseline: str = "independent"
) -> go.Figure:
    """Mean and 95% band over replicates by period of key metrics, each model and the baseline."""
    from scipy import stats

    metrics = [(m, t) for m, t in SERIES if m in cluster.columns]
    cols = 2
    rows = max(1, math.ceil(len(metrics) / cols))
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[t for _, t in metrics])
    names = [*models, baseline]
    for k, (metric, _) in enumerate(metrics):
        r, c = k // cols + 1, k % cols + 1
        for a, name in enumerate(names):
            sub = cluster[cluster["model"] == name]
            if sub.empty:
                continue
            grp = sub.groupby("period")[metric]
            mean = grp.mean()
            n = grp.count().to_numpy()
            sd = grp.std(ddof=1).fillna(0).to_numpy()
            tq = stats.t.ppf(0.975, np.maximum(n - 1, 1))
            half = np.where(n > 1, tq * sd / np.sqrt(np.maximum(n, 1)), 0.0)
            x = mean.index.to_numpy()
            color = BASELINE_COLOR if name == baseline else PALETTE[a % len(PALETTE)]
            show = k == 0
            fig.add_trace(
                go.Scatter(x=np.concatenate([x, x[::-1]]), y=np.concatenate([mean + half, (mean - half)[::-1]]),
                           fill="toself", fillcolor=_rgba(color, 0.15), line={"width": 0}, hoverinfo="skip",
                           showlegend=False, legendgroup=name),
                row=r, col=c,
            )  # fmt: skip
            fig.add_trace(
                go.Scatter(x=x, y=mean, mode="lines", name=name, legendgroup=name, showlegend=show,
                           line={"color": color, "width": 2, "dash": "dash" if name == baseline else "solid"}),
                row=r, col=c,
            )  # fmt: skip
    fig.update_layout(
        height=320 * rows, title="Key metrics by period: mean over replicates with 95% band"
    )
    fig.update_xaxes(title_text="period")
    return fig


def profile_figure(d: dict[str, Any]) -> go.Figure:
    """Criterion scores (0–100, 50 = as independent) of each model as a radar."""
    crit = list(d["weights"]["criteria"])
    fig = go.Figure()
    for a, (name, m) in enumerate(d["models"].items()):
        vals = [m["criteria"][c]["score"] for c in crit]
        fig.add_trace(go.Scatterpolar(r=[*vals, vals[0]], theta=[*crit, crit[0]], name=name,
                                      line={"color": PALETTE[a % len(PALETTE)]}))  # fmt: skip
    fig.add_trace(go.Scatterpolar(r=[50] * (len(crit) + 1), theta=[*crit, crit[0]], name="independent (50)",
                                  line={"color": BASELINE_COLOR, "dash": "dot"}))  # fmt: skip
    fig.update_layout(polar={"radialaxis": {"range": [0, 100]}}, height=480,
                      title="Advantage profile: score of each criterion (0–100; 50 = as good as independent)")  # fmt: skip
    return fig


def ranking_figure(
    d: dict[str, Any], weight_scores: np.ndarray | None, names: tuple[str, ...]
) -> go.Figure:
    """Scores under weight perturbation (box) and P(first) (bars)."""
    fig = make_subplots(rows=1, cols=2, column_widths=[0.6, 0.4],
                        subplot_titles=("Score under weight perturbation", "Probability of ranking first"))  # fmt: skip
    order = list(d["models"])
    for a, name in enumerate(order):
        color = PALETTE[a % len(PALETTE)]
        if weight_scores is not None:
            k = names.index(name)
            fig.add_trace(go.Box(y=weight_scores[:, k], name=name, marker_color=color, boxpoints=False,
                                 showlegend=False), row=1, col=1)  # fmt: skip
        else:
            fig.add_trace(go.Bar(x=[name], y=[d["models"][name]["score"]], marker_color=color, showlegend=False),
                          row=1, col=1)  # fmt: skip
    fig.add_trace(go.Bar(x=order, y=[d["models"][n]["p_first"] for n in order], name="weight perturbation",
                         marker_color="#1f77b4"), row=1, col=2)  # fmt: skip
    if all(d["models"][n]["p_first_replicates"] is not None for n in order):
        fig.add_trace(go.Bar(x=order, y=[d["models"][n]["p_first_replicates"] for n in order],
                             name="replicates", marker_color="#ff7f0e"), row=1, col=2)  # fmt: skip
    fig.update_yaxes(title_text="score (0–100)", row=1, col=1)
    fig.update_yaxes(title_text="P(first)", range=[0, 1], row=1, col=2)
    fig.update_layout(height=440, barmode="group", title="Ranking and its uncertainty")
    return fig


def weights_figure(d: dict[str, Any]) -> go.Figure:
    inds = d["weights"]["indicators"]
    crit = list(d["weights"]["criteria"])
    fig = go.Figure()
    for a, c in enumerate(crit):
        names = [n for n, v in inds.items() if v["criterion"] == c]
        fig.add_trace(go.Bar(x=[inds[n]["global"] for n in names], y=names, orientation="h",
                             name=f"{c} ({d['weights']['criteria'][c]:.2f})",
                             marker_color=PALETTE[a % len(PALETTE)]))  # fmt: skip
    fig.update_layout(height=80 + 28 * len(inds), title="Global indicator weights (criterion weight × local weight)",
                      xaxis_title="weight", yaxis={"autorange": "reversed"})  # fmt: skip
    return fig


def allocation(scenario: Any, model: str) -> dict[str, Any]:
    """Pooled-cost allocation of ``model`` among segments: equal, proportional, dues, Shapley,
    nucleolus (prenucleolus when no imputation exists), and which rule the preset uses."""
    from clustermarketing.analysis.coalitions import scenario_game
    from clustermarketing.games.cooperative.allocation import AllocationProblem, allocate

    cfg = scenario.model_config_for(model)
    sg = scenario_game(scenario, model, "segment")
    game = sg.tu("cost")
    n = game.n
    total = float(game.values[-1])
    alone = game.values[1 << np.arange(n)]

    def cost(coalitions: np.ndarray) -> np.ndarray:
        c = np.atleast_2d(np.asarray(coalitions, dtype=bool))
        masks = c.astype(np.int64) @ (1 << np.arange(n, dtype=np.int64))
        return game.values[masks]

    problem = AllocationProblem(
        total=total, weights=np.maximum(alone, 0.0), coalition_cost=cost,
        dues_fixed_share=float(getattr(cfg.function_interest, "dues_fixed_share", 0.5)),
    )  # fmt: skip
    rules = {
        r: allocate(r, problem) for r in ("equal", "proportional", "dues", "shapley", "nucleolus")
    }
    return {
        "model": model,
        "players": [str(p) for p in game.players],
        "total": total,
        "stand_alone": alone.tolist(),
        "rule": str(cfg.function_interest.rule),
        "allocations": {k: v.tolist() for k, v in rules.items()},
    }


def allocation_figure(alloc: dict[str, Any]) -> go.Figure:
    fig = go.Figure()
    for a, (rule, vals) in enumerate(alloc["allocations"].items()):
        label = f"{rule} (preset's rule)" if rule == alloc["rule"] else rule
        fig.add_trace(go.Bar(x=alloc["players"], y=vals, name=label, marker_color=PALETTE[a % len(PALETTE)],
                             marker_line={"width": 3 if rule == alloc["rule"] else 0, "color": "black"}))  # fmt: skip
    fig.add_trace(go.Scatter(x=alloc["players"], y=alloc["stand_alone"], mode="markers", name="stand-alone cost C({i})",
                             marker={"symbol": "diamond", "size": 11, "color": "black"}))  # fmt: skip
    fig.update_layout(barmode="group", height=440, yaxis_title="share of the pooled cost (CU/period)",
                      title=f"Who pays for the pooled functions of {alloc['model']} (segments as players; C(N) = {alloc['total']:.4g} CU)")  # fmt: skip
    return fig


CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1180px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.7em;margin-bottom:.2em}h2{margin-top:2em;border-bottom:2px solid #eee;padding-bottom:.2em}
table{border-collapse:collapse;margin:.8em 0;font-size:.92em}th,td{border:1px solid #ddd;padding:4px 8px;text-align:left}
th{background:#f5f5f5}.verdict{background:#f0f7ff;border-left:4px solid #1f77b4;padding:.8em 1em}
.small{color:#666;font-size:.85em}.chart{margin:1em 0}
"""


def build_report(rec: Recommendation, comparison: Any, scenario: Any) -> str:
    """The whole report as one HTML string (plotly.js inlined once)."""
    import clustermarketing

    d = rec.to_dict()
    meta = rec.meta
    models = list(d["models"])
    best = d["best"]
    seed = int(meta.get("seed", 0))
    charts: list[str] = []

    def chart(fig: go.Figure, div_id: str) -> str:
        s = _fig_html(fig, first=not charts, div_id=div_id)
        charts.append(div_id)
        return f'<div class="chart">{s}</div>'

    dm = d["models"][best]
    dr = d.get("drivers") or {}
    lines = []
    if dr:
        pos = [c for c in dr["contributions"] if c["contribution"] > 0.005][:3]
        if pos:
            lines.append(
                "It leads mainly on "
                + ", ".join(f"{c['indicator']} (+{c['contribution']:.1f} points)" for c in pos)
                + "."
            )
    verdict = (
        f"<p><b>Recommended: {_esc(best)}</b> — score {dm['score']:.1f}/100, grade <b>{_esc(dm['grade'])}</b>, "
        f"ranks first in {dm['p_first']:.0%} of {d['robustness']['perturbations']} weight perturbations"
        + (
            f" and in {dm['p_first_replicates']:.0%} of the replicates"
            if dm["p_first_replicates"] is not None
            else ""
        )
        + f"; TOPSIS rank {dm['rank_topsis']}. {' '.join(lines)}</p>"
    )
    sc_rows = [
        ["scenario", scenario.name], ["description", scenario.description],
        ["firms at start", scenario.firms.count if scenario.firms.source != "csv" else "from CSV"],
        ["segments", ", ".join(s.name for s in scenario.firms.segments)],
        ["markets", ", ".join(getattr(m, "name", str(m)) for m in scenario.markets)],
        ["models compared", ", ".join(models)], ["baseline", "independent marketing (every firm alone)"],
        ["replicates × periods", f"{meta.get('replicates')} × {meta.get('periods')}"],
        ["seed", seed], ["pricing", meta.get("pricing")],
    ]  # fmt: skip
    rank_rows = [
        [n, m["rank"], f"{m['score']:.1f}", m["grade"],
         " / ".join(f"{m['memberships'][g]:.2f}" for g in d["fuzzy"]["grades"]),
         f"{m['p_first']:.2f}", f"{m['rank_interval'][0]}–{m['rank_interval'][1]}",
         _fmt(m["p_first_replicates"], 2), f"{m['topsis']:.3f} ({m['rank_topsis']})"]
        for n, m in d["models"].items()
    ]  # fmt: skip
    ind_rows = []
    for name, v in d["weights"]["indicators"].items():
        row = [name, v["criterion"], v["metric"], f"{v['global']:.3f}"]
        row += [
            f"{d['models'][m]['indicators'][name]['value']:.4g} ({d['models'][m]['indicators'][name]['grade']})"
            for m in models
        ]
        ind_rows.append(row)
    cons = d["consistency"]["nodes"]
    cons_rows = [[k, v.get("kind"), _fmt(v.get("lambda_max")), _fmt(v.get("cr"), 3),
                  "yes" if v.get("consistent", True) else "NO"] for k, v in cons.items()]  # fmt: skip
    parts = [
        f"<h1>Which cooperative marketing model for {_esc(scenario.name)}?</h1>",
        f'<p class="small">clustermarketing {clustermarketing.__version__} · hierarchy {_esc(d["hierarchy"]["name"])} · '
        f"weighting {_esc(d['weights']['weighting'])} · seed {seed}</p>",
        f'<div class="verdict">{verdict}</div>',
        "<h2>The scenario in brief</h2>",
        _table(["", ""], sc_rows),
        "<h2>The cluster's structure</h2>",
        f"<p>Firms and their ties at the start (the same draw for every model, common random numbers); "
        f"the recommended model organises them as a <b>{_esc(scenario.model_config_for(best).structure.kind)}</b> structure.</p>",
        chart(network_figure(scenario, best, seed), "chart-network"),
        "<h2>Key metrics over time</h2>",
        "<p>Each model (solid) against independent marketing (dashed), mean over replicates with a 95% band.</p>",
        chart(series_figure(comparison.cluster, models), "chart-series"),
        "<h2>The four advantages (and cluster performance)</h2>",
        chart(profile_figure(d), "chart-profile"),
        "<h2>Ranking and its uncertainty</h2>",
        _table(
            [
                "model",
                "rank",
                "score",
                "grade",
                "memberships " + "/".join(d["fuzzy"]["grades"]),
                "P(first) weights",
                "rank 95%",
                "P(first) replicates",
                "TOPSIS (rank)",
            ],
            rank_rows,
        ),
        chart(ranking_figure(d, rec.weight_scores, rec.names), "chart-ranking"),
        "<h3>Indicator values (grade)</h3>",
        _table(["indicator", "criterion", "metric", "weight", *models], ind_rows),
    ]
    if dr:
        need = [n for n in dr["indicator_values_needed"] if n.get("needed") is not None][:5]
        wneed = [w for w in dr["criterion_weights_needed"] if w["needed"] is not None]
        parts.append(f"<h3>What would make {_esc(dr['runner_up'])} draw level</h3><ul>")
        parts += [
            f"<li>{_esc(n['indicator'])}: {n['current']:.4g} → {n['needed']:.4g}</li>" for n in need
        ]
        parts += [
            f"<li>weight of {_esc(w['criterion'])}: {w['current']:.3f} → {w['needed']:.3f}</li>"
            for w in wneed
        ]
        if not need and not wneed:
            parts.append("<li>no single indicator or criterion-weight change would be enough</li>")
        parts.append("</ul>")
    parts.append("<h2>Who pays: the cost allocation among members</h2>")
    try:
        alloc = allocation(scenario, best)
    except ValueError as e:  # e.g. more than 16 segments: no exact game
        parts.append(f"<p>Not computed: {_esc(e)}</p>")
    else:
        parts.append(
            f"<p>The pooled functions of {_esc(best)} cost C(N) = {alloc['total']:.4g} CU per period. "
            f"The preset splits them by the <b>{_esc(alloc['rule'])}</b> rule; Shapley and nucleolus are the "
            "game-theoretic benchmarks (a share above the stand-alone cost invites a segment to leave).</p>"
        )
        parts.append(chart(allocation_figure(alloc), "chart-allocation"))
    parts += [
        "<h2>AHP weights and their consistency</h2>",
        chart(weights_figure(d), "chart-weights"),
        _table(["node", "judgements", "λmax", "CR", "consistent (CR < 0.1)"], cons_rows),
        "<h2>How to read this report</h2>",
        "<ul>"
        "<li>Every indicator compares a model with <b>independent marketing</b> on the same random numbers "
        "(same firms, same shocks). A score of 50 means “as good as marketing alone”; 100 means excellent on every "
        "indicator.</li>"
        "<li>The <b>grade</b> is the grade with the largest membership (fuzzy comprehensive evaluation); the "
        "memberships show how clear-cut it is.</li>"
        "<li>Weights come from pairwise AHP judgements (consistency ratio below 0.1 is acceptable). "
        "<b>P(first)</b> shows how often the model stays first when those judgements are perturbed, or across "
        "replicates of the simulation; a value near 1 is a firm recommendation, a spread means the choice depends "
        "on priorities or on luck.</li>"
        "<li><b>TOPSIS</b> is a second ranking from the raw indicator values; agreement with the fuzzy ranking "
        "adds confidence.</li>"
        "<li>The numbers come from a simulation of the scenario, not from a real cluster: read them as the "
        "consequences of the scenario's assumptions.</li></ul>",
        '<p class="small">Method: docs/evaluation.md of clustermarketing. Provenance: '
        + _esc({k: v for k, v in meta.items() if k != "scenario_obj"})
        + "</p>",
    ]
    body = "\n".join(parts)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>clustermarketing report: {_esc(scenario.name)}</title>"
        f'<meta name="generator" content="clustermarketing {clustermarketing.__version__}">'
        f"<style>{CSS}</style></head><body>\n{body}\n</body></html>\n"
    )


__all__ = ["build_report", "network_figure", "series_figure"]
