"""A self-contained HTML page of an analysis: tables, plots (inline SVG) and provenance.

Sobol': S1 and ST bars with their confidence intervals (and the S2 table); Morris: μ* bars with
CIs and the μ*–σ plane; PRIM: the peeling trajectory (coverage against density, coloured by the
number of restricted parameters) and the selected box. No file or network access is needed to
view the page.
"""

from __future__ import annotations

import html
import io
import json
from typing import Any

import numpy as np
import pandas as pd

from clustermarketing.experiments.analysis import Analysis


def _svg(fig: Any) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg") :]


def _plots(a: Analysis) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t = a.table
    out = []
    if a.method == "sobol":
        fig, ax = plt.subplots(figsize=(7, 0.5 + 0.45 * len(t)))
        y = np.arange(len(t))
        ax.barh(y - 0.2, t["S1"], 0.4, xerr=t["S1_conf"], label="S1 (first order)", capsize=3)
        ax.barh(y + 0.2, t["ST"], 0.4, xerr=t["ST_conf"], label="ST (total)", capsize=3)
        ax.set_yticks(y, t.index)
        ax.invert_yaxis()
        ax.set_xlabel("Sobol' index (share of variance), bars: 95% CI")
        ax.axvline(0, color="black", lw=0.5)
        ax.legend()
        out.append(_svg(fig))
    elif a.method == "morris":
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 0.8 + 0.45 * len(t)))
        y = np.arange(len(t))
        ax1.barh(y, t["mu_star"], xerr=t["mu_star_conf"], capsize=3)
        ax1.set_yticks(y, t.index)
        ax1.invert_yaxis()
        ax1.set_xlabel(f"μ* of {a.outcome} per unit of range (95% CI)")
        ax2.scatter(t["mu_star"], t["sigma"])
        for name, row in t.iterrows():
            ax2.annotate(str(name), (row["mu_star"], row["sigma"]), fontsize=8)
        ax2.set_xlabel("μ* (importance)")
        ax2.set_ylabel("σ (interactions, non-linearity)")
        out.append(_svg(fig))
    elif a.method == "prim" and a.trajectory is not None:
        tr = a.trajectory
        fig, ax = plt.subplots(figsize=(7, 5))
        sc = ax.scatter(tr["coverage"], tr["density"], c=tr["res_dim"], cmap="viridis")
        ax.plot(tr["coverage"], tr["density"], color="grey", lw=0.5)
        sel = a.info.get("selected_box", {})
        if sel:
            ax.scatter(
                [sel["coverage"]], [sel["density"]], s=160, facecolors="none", edgecolors="red"
            )
        ax.set_xlabel("coverage")
        ax.set_ylabel("density")
        fig.colorbar(sc, label="restricted parameters")
        ax.set_title("PRIM peeling trajectory (red: selected box)")
        out.append(_svg(fig))
    return out


def _table(df: pd.DataFrame | None, index: bool = False) -> str:
    if df is None or df.empty:
        return ""
    return df.to_html(index=index, float_format=lambda v: f"{v:.4g}", na_rep="–", border=0)


def html_report(a: Analysis) -> str:
    """The page as a string (write it with ``clustermarketing.io.atomic_write_text``)."""
    from clustermarketing import __version__

    title = f"{a.method} analysis of {a.outcome} — {a.model} ({a.arm})"
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'>",
        f"<title>{html.escape(title)}</title>",
        "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;}"
        "table{border-collapse:collapse;margin:1em 0}td,th{padding:3px 8px;"
        "border-bottom:1px solid #ddd;text-align:right}pre{background:#f6f6f6;padding:1em;"
        "overflow-x:auto}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
    ]
    parts += [f"<p>{html.escape(n)}</p>" for n in a.notes]
    parts += [f"<figure>{svg}</figure>" for svg in _plots(a)]
    parts.append("<h2>Indices</h2>" if a.method != "prim" else "<h2>Selected box</h2>")
    parts.append(_table(a.table, index=True))
    if a.s2 is not None:
        parts += ["<h2>Second-order indices</h2>", _table(a.s2)]
    if a.trajectory is not None:
        parts += ["<h2>Peeling trajectory</h2>", _table(a.trajectory)]
    prov = {"tool": f"clustermarketing {__version__}", **a.info}
    parts += [
        "<h2>Provenance</h2>",
        f"<pre>{html.escape(json.dumps(prov, indent=2, default=str))}</pre>",
        "</body></html>",
    ]
    return "\n".join(parts)
