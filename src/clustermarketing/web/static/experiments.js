/* Experiments page: the sweeps in the data directory and read-only queries. */
"use strict";

(async () => {
  const { el, api, table, showProblem, clear } = CM;
  const box = document.getElementById("sweeps");
  const form = document.getElementById("query-form");
  const problem = document.getElementById("problem");
  const results = document.getElementById("results");
  let current = null;

  function choose(s) {
    current = s.name;
    form.hidden = false;
    document.getElementById("sweep-name").textContent = s.name;
    const o = s.outcomes[0] || "profit";
    document.getElementById("sql").value =
      `SELECT model, arm, count(*) AS n, avg("${o}") AS mean_${o.replace(/\W/g, "_")}\nFROM metrics GROUP BY model, arm ORDER BY model, arm`;
  }

  async function refresh() {
    const sweeps = await api("GET", "/api/experiments");
    if (!sweeps.length) {
      box.replaceChildren(el("p", { class: "muted" }, "No sweeps in this data directory yet."));
      return false;
    }
    box.replaceChildren(table(["sweep", "progress", "runs done / failed / total", "design points × replicates", "models", "outcomes", ""],
      sweeps.map((s) => [s.name, el("progress", { max: "1", value: String(s.progress) }),
        `${s.runs_done} / ${s.runs_failed} / ${s.total_runs}`, `${s.design_points ?? "?"} × ${s.replicates ?? "?"}`,
        s.models.join(", "), s.outcomes.join(", "), s.error ? el("span", { class: "warn" }, s.error) : el("button", { type: "button", onclick: () => choose(s) }, "query")])));
    return sweeps.some((s) => s.progress < 1);
  }

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clear(problem);
    results.replaceChildren();
    try {
      const r = await api("POST", `/api/experiments/${encodeURIComponent(current)}/query`, { sql: document.getElementById("sql").value });
      results.append(el("div", { class: "table-wrap" }, table(r.columns, r.rows.map((row) => row.map((v) => (typeof v === "number" ? CM.fmt(v, 6) : String(v)))))),
        el("p", { class: "muted" }, `${r.row_count} row(s)${r.truncated ? " (cut: more rows exist)" : ""}`));
    } catch (e) {
      showProblem(problem, e);
    }
  });

  for (;;) {
    let active = false;
    try { active = await refresh(); } catch (e) { showProblem(problem, e); }
    await CM.sleep(active ? 3000 : 15000);
  }
})();
