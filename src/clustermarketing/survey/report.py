"""Self-contained HTML: the printable questionnaire and the analysis report with its Likert chart.

The chart is a diverging stacked bar chart (Robbins & Heiberger 2011): for every item and group,
the shares of each answer, disagreement to the left of zero, agreement to the right and the
neutral midpoint split across zero, so groups that agree more sit further right. It is drawn with
matplotlib (the ``report`` extra) as inline SVG — no scripts, no network, deterministic output.
"""

from __future__ import annotations

import html
import io
import math
from typing import Any

import numpy as np
import pandas as pd

from clustermarketing.errors import ClusterMarketingError
from clustermarketing.survey.analysis import SurveyAnalysis
from clustermarketing.survey.instrument import Instrument

__all__ = ["analysis_html", "likert_chart_svg", "likert_shares", "questionnaire_html"]

_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em auto;max-width:64em;
color:#222;line-height:1.4;padding:0 1em}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:1em 0;font-size:.9em}
th,td{border:1px solid #ccc;padding:.25em .5em;vertical-align:top}
th{background:#f4f4f4;text-align:left}td.num{text-align:right;font-variant-numeric:tabular-nums}
.small{font-size:.85em;color:#555}.box{display:inline-block;width:1em;height:1em;
border:1px solid #333;border-radius:50%}td.choice{text-align:center}
.line{display:inline-block;min-width:20em;border-bottom:1px solid #333}
@media print{h2{page-break-after:avoid}tr{page-break-inside:avoid}}
"""


def _e(x: Any) -> str:
    return html.escape(str(x), quote=True)


def _num(x: Any, digits: int = 3) -> str:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return "–"
    if not math.isfinite(v):
        return "–"
    return f"{v:.{digits}f}"


def _p(x: Any) -> str:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return "–"
    if not math.isfinite(v):
        return "–"
    return "<0.001" if v < 0.001 else f"{v:.3f}"


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>\n{body}\n</body></html>\n"
    )


# --- questionnaire ------------------------------------------------------------------------------
def questionnaire_html(instrument: Instrument) -> str:
    """A printable questionnaire: background questions, then one table per construct."""
    sc = instrument.scale
    labels = [sc.label(k) for k in range(1, sc.points + 1)]
    parts = [f"<h1>{_e(instrument.title or instrument.name)}</h1>"]
    if instrument.instructions:
        parts.append(f"<p>{_e(instrument.instructions)}</p>")
    parts.append("<p class=small>Respondent id: <span class=line></span></p>")
    if instrument.background:
        parts.append("<h2>About your firm</h2><table>")
        for q in instrument.background:
            if q.type == "category":
                answer = " &nbsp; ".join(
                    f"<span class=box></span> {_e(c)}" for c in q.categories or []
                )
            else:
                unit = f" {_e(q.unit)}" if q.unit else ""
                answer = f"<span class=line></span>{unit}"
            parts.append(f"<tr><th>{_e(q.question)}</th><td>{answer}</td></tr>")
        parts.append("</table>")
    head = "".join(f"<th class=small>{k}<br>{_e(lab)}</th>" for k, lab in enumerate(labels, 1))
    for c in instrument.constructs:
        parts.append(f"<h2>{_e(c.title)}</h2><table><tr><th>Statement</th>{head}</tr>")
        for item in instrument.items:
            if item.construct != c.id:
                continue
            boxes = "".join("<td class=choice><span class=box></span></td>" for _ in labels)
            parts.append(
                f"<tr><td>{_e(item.text)} <span class=small>({_e(item.id)})</span></td>{boxes}</tr>"
            )
        parts.append("</table>")
    import clustermarketing

    parts.append(
        f"<p class=small>{_e(instrument.name)}, version {_e(instrument.version)}; "
        f"printed by clustermarketing {_e(clustermarketing.__version__)}. "
        "Enter answers in the CSV template from "
        "<code>clustermarketing survey instrument --format csv</code>: one row per respondent, "
        f"answers 1–{sc.points} under the item ids, blank when not answered.</p>"
    )
    return _page(instrument.title or instrument.name, "\n".join(parts))


# --- chart ---------------------------------------------------------------------------------------
def likert_shares(analysis: SurveyAnalysis) -> pd.DataFrame:
    """Share of each answer 1..K per item and group (recoded answers, answered only)."""
    answers = analysis.answers
    points = int(analysis.options.get("points", 0)) or int(np.nanmax(answers.to_numpy()))
    groups = analysis.groups or ["all"]
    rows = []
    for item in answers.columns:
        for g in groups:
            col = answers[item] if analysis.labels is None else answers[item][analysis.labels == g]
            col = col.dropna()
            n = len(col)
            shares = [
                float((col == k).sum()) / n if n else float("nan") for k in range(1, points + 1)
            ]
            rows.append(
                {"item": item, "group": g, "n": n, **{str(k): s for k, s in enumerate(shares, 1)}}
            )
    return pd.DataFrame(rows)


def likert_chart_svg(analysis: SurveyAnalysis, scale_labels: list[str] | None = None) -> str:
    """The diverging stacked bar chart of every item by group, as an SVG string."""
    try:
        import matplotlib
        from matplotlib.figure import Figure
    except ImportError:
        raise ClusterMarketingError(
            "the HTML report draws its chart with matplotlib, which is not installed; "
            "install it with: pip install 'clustermarketing[report]'"
        ) from None
    shares = likert_shares(analysis)
    points = len([c for c in shares.columns if c.isdigit()])
    rev = set(analysis.options.get("reverse_items", []))
    cmap = matplotlib.colormaps["RdBu"]
    colors = [cmap(0.1 + 0.8 * k / max(points - 1, 1)) for k in range(points)]
    if points % 2 == 1:
        colors[points // 2] = (0.85, 0.85, 0.85, 1.0)  # neutral in grey, not near-white
    n_rows = len(shares)
    fig = Figure(figsize=(9, 0.9 + 0.24 * n_rows))
    ax = fig.add_subplot()
    y = np.arange(n_rows)[::-1].astype(float)
    vals = shares[[str(k) for k in range(1, points + 1)]].to_numpy(dtype=float) * 100
    vals = np.nan_to_num(vals)
    # left edge: minus everything below the midpoint and half of the neutral answer
    below = vals[:, : points // 2].sum(axis=1)
    neutral = vals[:, points // 2] / 2 if points % 2 == 1 else 0
    left = -(below + neutral)
    for k in range(points):
        label = scale_labels[k] if scale_labels and len(scale_labels) == points else str(k + 1)
        ax.barh(y, vals[:, k], left=left, height=0.8, color=colors[k], label=label, linewidth=0)
        left = left + vals[:, k]
    ticks = [
        f"{r.item}{' (R)' if r.item in rev else ''} · {r.group} (n={r.n})"
        for r in shares.itertuples(index=False)
    ]
    ax.set_yticks(y, ticks, fontsize=7)
    ax.axvline(0, color="#333", linewidth=0.8)
    construct_of = analysis.options.get("item_construct", {})
    items = shares["item"].tolist()
    for k in range(1, n_rows):  # a thin line between constructs
        if construct_of.get(items[k]) != construct_of.get(items[k - 1]):
            ax.axhline(y[k] + 0.5, color="#999", linewidth=0.6)
    ax.set_xlim(-100, 100)
    ax.set_xlabel(
        "share of answers, % (disagree ← 0 → agree; neutral split at 0; (R) items recoded)"
    )
    ax.legend(
        ncols=min(points, 4),
        fontsize=7,
        loc="lower center",
        bbox_to_anchor=(0.5, 1.0),
        frameon=False,
    )
    fig.tight_layout()
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": "clustermarketing", "svg.fonttype": "none"}):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    svg = buf.getvalue()
    return svg[svg.index("<svg") :]


# --- analysis report ----------------------------------------------------------------------------
def _table(header: list[str], rows: list[list[str]], numeric: set[int]) -> str:
    out = ["<table><tr>", *(f"<th>{_e(h)}</th>" for h in header), "</tr>"]
    for r in rows:
        out.append("<tr>")
        out.extend(
            f"<td class=num>{c}</td>" if k in numeric else f"<td>{c}</td>" for k, c in enumerate(r)
        )
        out.append("</tr>")
    out.append("</table>")
    return "".join(out)


def analysis_html(
    analysis: SurveyAnalysis,
    provenance: dict[str, Any],
    scale_labels: list[str] | None = None,
) -> str:
    """The analysis as one self-contained HTML page (tables + inline SVG chart)."""
    d = analysis.to_dict()
    opts = d["options"]
    parts = [f"<h1>Survey analysis: {_e(d['source'])}</h1>"]
    n_text = ", ".join(f"{_e(g)}: {n}" for g, n in d["n"].items())
    miss = d["missing"]
    parts.append(
        f"<p>Respondents analysed — {n_text}. Missing answers: {miss['answers']} of "
        f"{miss['cells']} cells ({miss['respondents_with_missing']} respondents with any); "
        f"policy {_e(opts['missing'])}"
        + (
            f", {miss['dropped_listwise']} respondents dropped"
            if opts["missing"] == "listwise"
            else ""
        )
        + f". Reverse-coded items (R) recoded: {_e(', '.join(opts['reverse_items']) or 'none')}.</p>"
    )
    parts.append("<h2>Reliability</h2>")
    rows = []
    for r in d["reliability"]:
        items = "; ".join(
            f"{_e(i['item'])}: r={_num(i['item_total_r'], 2)}, α−={_num(i['alpha_if_deleted'], 2)}"
            for i in r["items"]
        )
        rows.append(
            [
                _e(r["title"]),
                str(r["k"]),
                str(r["n"]),
                _num(r["alpha"]),
                f"[{_num(r['ci_low'])}, {_num(r['ci_high'])}]",
                _num(r["omega"])
                + (f" <span class=small>({_e(r['omega_note'])})</span>" if r["omega_note"] else ""),
                f"<span class=small>{items}</span>",
            ]
        )
    parts.append(
        _table(
            ["construct", "items", "n", "α", "95% CI (Feldt)", "ω", "item–total r, α if deleted"],
            rows,
            {1, 2, 3, 4, 5},
        )
    )
    if d["comparisons"]:
        groups = d["groups"]
        parts.append(f"<h2>Group comparisons by {_e(d['group'])}</h2>")
        corr = {"bh": "Benjamini–Hochberg", "holm": "Holm"}[opts["correction"]]
        fam = "across the whole table" if opts["family"] == "table" else "within each test"
        parts.append(
            f"<p class=small>Effects are {_e(groups[0])} minus {_e(groups[1])}"
            if len(groups) == 2
            else "<p class=small>Kruskal–Wallis across all groups"
        )
        parts[-1] += (
            f"; U is the first group's U (pairs where it answers higher, ties ½). "
            f"p adjusted by {corr} {fam}. Construct rows (item –) compare the mean of the "
            "construct's items.</p>"
        )
        header = ["construct", "item"]
        header += [f"mean {g}" for g in groups] + [f"median {g}" for g in groups]
        header += ["test", "statistic", "p", "p adj.", "effect", "95% CI", "note"]
        rows = []
        for c in d["comparisons"]:
            rows.append(
                [
                    _e(analysis.constructs.get(c["construct"], c["construct"])),
                    _e(c["item"] or "–"),
                    *(_num(c["group_means"][g], 2) for g in groups),
                    *(_num(c["group_medians"][g], 1) for g in groups),
                    _e(c["test"]),
                    _num(c["statistic"], 3),
                    _p(c["p"]),
                    _p(c["p_adjusted"]),
                    f"{_e(c['effect_measure'])} {_num(c['effect_size'])}",
                    f"[{_num(c['ci_low'])}, {_num(c['ci_high'])}]",
                    f"<span class=small>{_e(c['note'] or '')}</span>",
                ]
            )
        k = len(groups)
        parts.append(
            _table(header, rows, set(range(2, 2 * k + 2)) | {2 * k + 3, 2 * k + 4, 2 * k + 5})
        )
    parts.append("<h2>Answers by item and group</h2>")
    parts.append(likert_chart_svg(analysis, scale_labels))
    prov = "; ".join(f"{_e(k)}: {_e(v)}" for k, v in provenance.items())
    parts.append(f"<p class=small>Provenance — {prov}</p>")
    return _page(f"Survey analysis: {d['source']}", "\n".join(parts))
