/* Drawing a finished job: tables, Plotly charts, downloads. Used by the Run, Recommend, Games
   and Job pages. */
"use strict";

const Results = (() => {
  const { el, fmt, pct, table, api, COLORS, PLOT_CONFIG } = CM;
  const KEY_METRICS = ["member_profit", "sme_profit", "profit", "output", "employment",
    "consumer_surplus", "unit_marketing_cost", "membership_rate", "cooperation_rate", "firms"];

  function rgba(hex, a) {
    const n = parseInt(hex.slice(1), 16);
    return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${a})`;
  }

  function bandTraces(line, color, periods, { dash = "solid", showBand = true } = {}) {
    const out = [];
    if (showBand && line.low.some((v) => v !== null)) {
      out.push({ x: periods, y: line.high, mode: "lines", line: { width: 0 }, hoverinfo: "skip",
                 showlegend: false, legendgroup: line.name });
      out.push({ x: periods, y: line.low, mode: "lines", line: { width: 0 }, fill: "tonexty",
                 fillcolor: rgba(color, 0.15), hoverinfo: "skip", showlegend: false, legendgroup: line.name });
    }
    out.push({ x: periods, y: line.mean, mode: "lines", name: line.name, legendgroup: line.name,
               line: { color, dash, width: 2 } });
    return out;
  }

  function layout(title, ytitle) {
    return { title: { text: title, font: { size: 15 } }, margin: { l: 70, r: 20, t: 45, b: 45 },
             xaxis: { title: { text: "period" } }, yaxis: { title: { text: ytitle } },
             legend: { orientation: "h", y: -0.2 }, template: "plotly_white", height: 380 };
  }

  function colorOf(names) {
    const m = {};
    names.forEach((n, i) => { m[n] = COLORS[i % COLORS.length]; });
    return m;
  }

  async function drawSeries(job, metric, boxes) {
    const s = await api("GET", `/api/jobs/${job.id}/series?metric=${encodeURIComponent(metric)}`);
    const models = s.differences.map((d) => d.name);
    const colors = colorOf(models);
    const traces = [];
    for (const line of s.lines) {
      const isBase = line.arm === "baseline";
      const owner = models.find((m) => line.name === m || line.name.includes(`(${m}'s`));
      const color = isBase && !owner ? "#444444" : colors[owner] || "#444444";
      traces.push(...bandTraces(line, color, s.periods, { dash: isBase ? "dash" : "solid" }));
    }
    await Plotly.react(boxes.series, traces, layout(`${metric}: models (solid) and independent marketing (dashed), 95% bands`, s.unit), PLOT_CONFIG);
    const dtraces = s.differences.flatMap((d) => bandTraces(d, colors[d.name], s.periods));
    const dl = layout(`${metric}: difference model − independent (paired, 95% band)`, s.unit);
    dl.shapes = [{ type: "line", xref: "paper", x0: 0, x1: 1, y0: 0, y1: 0, line: { color: "#999", width: 1 } }];
    await Plotly.react(boxes.diff, dtraces, dl, PLOT_CONFIG);
    return s;
  }

  function modelMetrics(summary) {
    if (summary.models) return summary.models;
    return { [summary.model]: { metrics: summary.metrics } };
  }

  async function drawBars(summary, metric, box) {
    const models = modelMetrics(summary);
    const names = Object.keys(models).filter((n) => models[n].metrics[metric]);
    if (!names.length) { box.replaceChildren(); return; }
    const d = names.map((n) => models[n].metrics[metric].difference);
    const y = d.map((x) => x.mean);
    const hi = d.map((x) => (x.ci_high === null ? 0 : x.ci_high - x.mean));
    const lo = d.map((x) => (x.ci_low === null ? 0 : x.mean - x.ci_low));
    const colors = colorOf(names);
    await Plotly.react(box, [{ type: "bar", x: names, y, marker: { color: names.map((n) => colors[n]) },
      error_y: { type: "data", symmetric: false, array: hi, arrayminus: lo, color: "#333" } }],
      { ...layout(`${metric}: difference vs independent over the run (mean, 95% CI)`, (summary.units || {})[metric] || ""),
        xaxis: { title: { text: "model" } }, showlegend: false }, PLOT_CONFIG);
  }

  function differenceTable(summary) {
    const models = modelMetrics(summary);
    const names = Object.keys(models);
    const units = summary.units || {};
    const rows = KEY_METRICS.filter((m) => models[names[0]].metrics[m]).map((m) => [
      el("span", {}, m, el("br"), el("small", { class: "muted" }, units[m] || "")),
      ...names.map((n) => {
        const d = models[n].metrics[m].difference;
        const sig = d.ci_low !== null && d.ci_high !== null && (d.ci_low > 0 || d.ci_high < 0);
        return el("span", { class: sig ? "sig" : null }, fmt(d.mean) + (sig ? " *" : ""), el("br"),
          el("small", { class: "muted" }, d.ci_low === null ? "" : `[${fmt(d.ci_low)}, ${fmt(d.ci_high)}]`));
      }),
    ]);
    const t = table(["metric [unit]", ...names], rows, { numeric: names.map((_, i) => i + 1) });
    t.classList.add("results-table");
    return el("div", { class: "table-wrap" }, t,
      el("p", { class: "muted" }, `Cell: mean paired difference model − independent over ${summary.replicates} replicates × ${summary.periods} periods (seed ${JSON.stringify(summary.seed)}), [95% CI]; * = the interval excludes 0.`));
  }

  function downloads(job) {
    const files = job.files || [];
    const links = [];
    for (const f of files) {
      links.push(el("a", { href: `/api/jobs/${job.id}/files/${f}`, download: "" }, f));
      if (f.endsWith(".parquet")) {
        const csv = f.replace(".parquet", ".csv");
        links.push(el("a", { href: `/api/jobs/${job.id}/files/${csv}`, download: "" }, csv));
      }
    }
    return el("p", { class: "downloads" }, "Download: ", ...links.flatMap((a, i) => (i ? [" · ", a] : [a])));
  }

  async function comparisonSection(job, box, summary) {
    const select = el("select", { id: "metric", "aria-label": "metric" });
    const charts = { series: el("div", { class: "chart", id: "chart-series" }),
                     diff: el("div", { class: "chart", id: "chart-diff" }),
                     bars: el("div", { class: "chart", id: "chart-bars" }) };
    box.append(el("h2", {}, "Over time"), el("label", {}, "Metric ", select), charts.series, charts.diff, charts.bars);
    const first = "sme_profit";
    const s = await drawSeries(job, first, charts);
    for (const m of s.metrics) select.append(el("option", { value: m, selected: m === first }, m));
    await drawBars(summary, first, charts.bars);
    select.addEventListener("change", async () => {
      await drawSeries(job, select.value, charts);
      await drawBars(summary, select.value, charts.bars);
    });
  }

  async function renderComparison(job, box) {
    const s = job.summary;
    const title = s.models ? `${s.scenario}: ${Object.keys(s.models).length} model(s) vs independent marketing`
                           : `${s.scenario}: ${s.model} vs independent marketing`;
    box.append(el("h2", {}, title), differenceTable(s), downloads(job));
    await comparisonSection(job, box, s);
  }

  async function renderRecommend(job, box) {
    const d = job.summary;
    const names = Object.keys(d.models);
    const best = d.models[d.best];
    box.append(el("h2", {}, `Recommended: ${d.best}`),
      el("p", { class: "verdict" }, `Score ${best.score.toFixed(1)}/100, grade ${best.grade}; first in ${pct(best.p_first)} of ${d.robustness.perturbations} weight perturbations` +
        (best.p_first_replicates !== null ? ` and in ${pct(best.p_first_replicates)} of the replicates` : "") + `; TOPSIS rank ${best.rank_topsis}.`));
    const rows = names.map((n) => {
      const m = d.models[n];
      return [String(m.rank), n, m.score.toFixed(1), m.grade, pct(m.p_first),
              `${m.rank_interval[0]}–${m.rank_interval[1]}`, m.p_first_replicates === null ? "–" : pct(m.p_first_replicates),
              `${m.topsis.toFixed(3)} (${m.rank_topsis})`];
    });
    const t = table(["rank", "model", "score", "grade", "P(first) weights", "rank 95%", "P(first) replicates", "TOPSIS (rank)"], rows, { numeric: [0, 2, 4, 6, 7] });
    t.id = "ranking";
    box.append(el("div", { class: "table-wrap" }, t));
    const chart = el("div", { class: "chart", id: "chart-ranking" });
    box.append(chart);
    await Plotly.react(chart, [
      { type: "bar", x: names, y: names.map((n) => d.models[n].score), name: "score (0–100)", marker: { color: COLORS[0] } },
      { type: "scatter", mode: "markers", x: names, y: names.map((n) => d.models[n].p_first), name: "P(first)", yaxis: "y2", marker: { size: 12, color: COLORS[1] } },
    ], { ...layout("Score and probability of ranking first", "score (50 = as good as independent)"),
         margin: { l: 70, r: 70, t: 45, b: 45 },
         xaxis: { title: { text: "model" } }, yaxis2: { overlaying: "y", side: "right", range: [0, 1], title: { text: "P(first)" } } }, PLOT_CONFIG);
    const dr = d.drivers;
    if (dr) {
      const pos = (dr.contributions || []).filter((c) => c.contribution >= 0.05).slice(0, 4);
      box.append(el("h3", {}, "Why"),
        el("ul", {}, pos.map((c) => el("li", {}, `${c.indicator}: +${c.contribution.toFixed(1)} points over ${dr.runner_up}`)),
          (dr.indicator_values_needed || []).filter((n) => n.needed !== null).slice(0, 3).map((n) =>
            el("li", {}, `${dr.runner_up} would draw level if ${n.indicator} went from ${fmt(n.current)} to ${fmt(n.needed)}`))));
    }
    const c = d.consistency;
    box.append(el("p", { class: c.consistent ? "muted" : "warn" },
      `AHP consistency: CR of the criteria ${fmt(c.cr, 3)}; ${c.consistent ? "all judgements consistent (CR < 0.1)" : "some judgements are inconsistent (CR ≥ 0.1)"}.`));
    box.append(el("p", {}, el("a", { class: "button primary", id: "report-link", href: `/api/jobs/${job.id}/files/report.html`, download: `report-${job.id}.html` }, "Download the HTML report")));
    box.append(downloads(job));
    // the comparison behind the recommendation, over time
    const comp = await api("GET", `/api/jobs/${job.id}/series?metric=sme_profit`).catch(() => null);
    if (comp) {
      const charts = { series: el("div", { class: "chart", id: "chart-series" }), diff: el("div", { class: "chart", id: "chart-diff" }) };
      box.append(el("h2", {}, "SME profit over time"), charts.series, charts.diff);
      await drawSeries(job, "sme_profit", charts);
    }
  }

  async function renderGame(result, box) {
    const players = result.players;
    const rules = Object.keys(result.allocations);
    const unit = result.unit ? ` [${result.unit}]` : "";
    box.append(el("h2", {}, `${result.kind === "cost" ? "Cost" : "Value"} game of ${players.length} players: ${result.kind === "cost" ? "c" : "v"}(N) = ${fmt(result.grand_coalition_value)}${unit}`));
    const rows = players.map((p) => [p, fmt(result.stand_alone[p]), ...rules.map((r) => fmt(result.allocations[r].values[p]))]);
    rows.push(["total", fmt(Object.values(result.stand_alone).reduce((a, b) => a + b, 0)),
      ...rules.map((r) => fmt(Object.values(result.allocations[r].values).reduce((a, b) => a + b, 0)))]);
    const header = ["player", "alone", ...rules.map((r) => result.allocations[r].method || r)];
    const t = table(header, rows, { numeric: header.map((_, i) => i).slice(1) });
    t.id = "allocations";
    box.append(el("div", { class: "table-wrap" }, t));
    const stab = rules.map((r) => {
      const a = result.allocations[r];
      return [a.method || r, a.in_core ? "yes" : "no", fmt(a.max_excess), a.blocking_coalition.length ? `{${a.blocking_coalition.join(", ")}}` : "–"];
    });
    box.append(el("h3", {}, `Stability — core ${result.core_empty ? "EMPTY" : "non-empty"}, least-core ε = ${fmt(result.least_core_epsilon)}`),
      el("div", { class: "table-wrap" }, table(["rule", "in the core", "largest excess", "blocked by"], stab, { numeric: [2] })));
    box.append(el("ul", { class: "reading" }, result.reading.map((l) => el("li", {}, l))));
    for (const w of result.warnings || []) box.append(el("p", { class: "warn" }, w));
    const chart = el("div", { class: "chart", id: "chart-allocations" });
    box.append(chart);
    await Plotly.react(chart, rules.map((r, i) => ({ type: "bar", name: result.allocations[r].method || r, x: players,
      y: players.map((p) => result.allocations[r].values[p]), marker: { color: COLORS[i % COLORS.length] } })).concat([
      { type: "scatter", mode: "markers", name: "alone", x: players, y: players.map((p) => result.stand_alone[p]),
        marker: { symbol: "line-ew-open", size: 28, color: "#000" } }]),
      { ...layout("Allocations by rule (marker: stand-alone value)", result.unit || "value"), barmode: "group", xaxis: { title: { text: "player" } } }, PLOT_CONFIG);
    const cv = Object.entries(result.coalition_values).map(([k, v]) => [k, fmt(v)]);
    box.append(el("details", {}, el("summary", {}, `All ${cv.length} coalition values`), el("div", { class: "table-wrap" }, table(["coalition", "value"], cv, { numeric: [1] }))));
  }

  async function render(job, box) {
    box.replaceChildren();
    if (job.status !== "done") {
      const e = job.error || { title: job.status, detail: "" };
      box.append(el("div", { class: "problem" }, el("b", {}, `${job.status}: ${e.title}`), el("pre", { class: "detail" }, e.detail)),
        el("button", { type: "button", onclick: async () => {
          const r = await api("POST", `/api/jobs/${job.id}/rerun`);
          location.href = "/jobs/" + r.id;
        } }, "Run it again"));
      return;
    }
    if (job.kind === "recommend") await renderRecommend(job, box);
    else if (job.kind === "game") await renderGame(job.summary, box);
    else await renderComparison(job, box);
    box.dataset.rendered = job.kind;
  }

  return { render, renderGame, drawSeries };
})();
