/* Survey page: upload responses (or the synthetic example), show reliability and comparisons. */
"use strict";

(() => {
  const { el, api, fmt, table, showProblem, clear, COLORS, PLOT_CONFIG } = CM;
  const problem = document.getElementById("problem");
  const results = document.getElementById("results");

  function p(x) {
    if (x === null || x === undefined) return "–";
    return x < 0.001 ? "<0.001" : x.toFixed(3);
  }

  async function render(a) {
    results.replaceChildren();
    const n = Object.entries(a.n).map(([g, k]) => `${g}: ${k}`).join(", ");
    results.append(el("h2", {}, `Analysis of ${a.source}`), el("p", {}, `Respondents — ${n}. Missing answers: ${a.missing.answers} of ${a.missing.cells} cells; policy ${a.options.missing}.`));
    const rel = a.reliability.map((r) => [r.title, String(r.k), String(r.n), fmt(r.alpha, 3),
      r.ci_low === null ? "–" : `[${fmt(r.ci_low, 3)}, ${fmt(r.ci_high, 3)}]`, r.omega === null ? `– (${r.omega_note || ""})` : fmt(r.omega, 3)]);
    results.append(el("h3", {}, "Reliability per construct"), el("div", { class: "table-wrap" }, table(["construct", "items", "n", "Cronbach's α", "95% CI (Feldt)", "McDonald's ω"], rel, { numeric: [1, 2, 3, 5] })));
    const relChart = el("div", { class: "chart", id: "chart-reliability" });
    results.append(relChart);
    const ok = a.reliability.filter((r) => r.alpha !== null);
    await Plotly.react(relChart, [{ type: "bar", orientation: "h", y: ok.map((r) => r.construct), x: ok.map((r) => r.alpha),
      error_x: { type: "data", symmetric: false, array: ok.map((r) => (r.ci_high ?? r.alpha) - r.alpha), arrayminus: ok.map((r) => r.alpha - (r.ci_low ?? r.alpha)) },
      marker: { color: COLORS[0] } }], { title: { text: "Cronbach's α with 95% CI (0.7 = the usual threshold)" }, xaxis: { range: [0, 1] },
      shapes: [{ type: "line", x0: 0.7, x1: 0.7, yref: "paper", y0: 0, y1: 1, line: { dash: "dash", color: "#999" } }],
      margin: { l: 160, r: 20, t: 45, b: 40 }, height: 80 + 28 * ok.length, template: "plotly_white" }, PLOT_CONFIG);
    if (a.group) {
      const groups = a.groups;
      const rows = a.constructs.map((c) => [c.title, ...groups.map((g) => fmt(c["mean:" + g], 3)),
        c.effect_size === undefined ? "–" : `${c.effect_measure} = ${fmt(c.effect_size, 3)}`,
        c.ci_low === undefined ? "–" : `[${fmt(c.ci_low, 3)}, ${fmt(c.ci_high, 3)}]`, p(c.p_adjusted)]);
      results.append(el("h3", {}, `Construct scores by ${a.group} (${groups.join(" vs ")})`),
        el("div", { class: "table-wrap" }, table(["construct", ...groups.map((g) => "mean " + g), "effect (first − second)", "95% CI", "p adjusted"], rows, { numeric: groups.map((_, i) => i + 1) })));
      const chart = el("div", { class: "chart", id: "chart-groups" });
      results.append(chart);
      await Plotly.react(chart, groups.map((g, i) => ({ type: "bar", name: `${a.group} = ${g}`, x: a.constructs.map((c) => c.construct),
        y: a.constructs.map((c) => c["mean:" + g]), marker: { color: COLORS[i % COLORS.length] } })),
        { title: { text: "Mean construct score by group (1–" + a.options.points + ")" }, barmode: "group", template: "plotly_white", height: 380,
          margin: { l: 50, r: 20, t: 45, b: 90 } }, PLOT_CONFIG);
      const items = a.comparisons.filter((c) => c.item !== null && (c.test === "mann_whitney" || c.test === "kruskal_wallis"));
      if (items.length) {
        results.append(el("details", {}, el("summary", {}, `Item-level tests (${items.length})`),
          el("div", { class: "table-wrap" }, table(["construct", "item", ...groups.map((g) => "mean " + g), "effect", "p adjusted"],
            items.map((c) => [c.construct, c.item, ...groups.map((g) => fmt(c.group_means[g], 3)), `${c.effect_measure} = ${fmt(c.effect_size, 3)}`, p(c.p_adjusted)])))));
      }
    }
  }

  document.getElementById("survey-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clear(problem);
    const fd = new FormData();
    const file = document.getElementById("responses").files[0];
    const synthetic = document.getElementById("synthetic").checked;
    if (synthetic) fd.append("synthetic", "true");
    else if (file) fd.append("file", file);
    for (const k of ["group", "missing", "correction"]) fd.append(k, document.getElementById(k).value);
    try {
      await render(await api("POST", "/api/survey/analyze", fd, { form: true }));
    } catch (e) {
      showProblem(problem, e);
    }
  });
})();
