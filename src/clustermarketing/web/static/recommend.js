/* Recommend page: models, the AHP grid with its live consistency ratio, the ranking. */
"use strict";

(async () => {
  const { el, api, fmt, showProblem, clear, waitJob } = CM;
  const problem = document.getElementById("problem");
  await Source.init();
  const models = (await api("GET", "/api/models")).filter((m) => m.implemented && m.cooperative);
  const box = document.getElementById("models");
  for (const m of models) box.append(el("label", { title: m.summary }, el("input", { type: "checkbox", name: "models", value: m.name, checked: true }), ` ${m.title} `, el("code", {}, m.name)));

  // --- the pairwise grid of the criteria
  const h = await api("GET", "/api/hierarchy");
  const names = h.criteria.map((c) => c.name);
  const n = names.length;
  const upper = (h.judgements && h.judgements.upper) || Array(n * (n - 1) / 2).fill(1);
  const inputs = [];
  const recip = {};
  function parse(text) {
    const t = String(text).trim();
    if (t.includes("/")) {
      const [a, b] = t.split("/").map(Number);
      return a / b;
    }
    return Number(t);
  }
  function show(x) {
    if (x >= 1) return String(Math.round(x * 1000) / 1000);
    return "1/" + String(Math.round(1000 / x) / 1000);
  }
  const rows = [];
  let k = 0;
  for (let i = 0; i < n; i++) {
    const cells = [el("th", { title: h.criteria[i].label }, names[i])];
    for (let j = 0; j < n; j++) {
      if (i === j) cells.push(el("td", { class: "diag" }, "1"));
      else if (j > i) {
        const inp = el("input", { class: "judgement", "aria-label": `${names[i]} vs ${names[j]}`, value: show(upper[k]), size: "5", dataset: { i, j } });
        inputs.push(inp);
        k++;
        cells.push(el("td", {}, inp));
      } else {
        const span = el("span", { class: "muted" });
        recip[`${j},${i}`] = span;
        cells.push(el("td", {}, span));
      }
    }
    rows.push(el("tr", {}, cells));
  }
  const grid = el("table", { class: "ahp" }, el("thead", {}, el("tr", {}, el("th", {}, ""), names.map((c, i) => el("th", { title: h.criteria[i].label }, c)))), el("tbody", {}, rows));
  document.getElementById("ahp-grid").replaceChildren(grid);
  const out = document.getElementById("ahp-result");

  function values() {
    return inputs.map((inp) => parse(inp.value));
  }
  let timer = null;
  async function check() {
    const v = values();
    inputs.forEach((inp, idx) => {
      const ok = Number.isFinite(v[idx]) && v[idx] > 0;
      inp.classList.toggle("invalid", !ok);
      const span = recip[`${inp.dataset.i},${inp.dataset.j}`];
      span.textContent = ok ? show(1 / v[idx]) : "?";
    });
    if (v.some((x) => !(Number.isFinite(x) && x > 0))) {
      out.className = "status bad";
      out.textContent = "Each judgement must be a positive number such as 3 or 1/3.";
      return null;
    }
    try {
      const r = await api("POST", "/api/ahp", { upper: v, labels: names });
      out.className = "status " + (r.consistent ? "ok" : "bad");
      const w = Object.entries(r.weights).map(([c, x]) => `${c} ${(100 * x).toFixed(1)}%`).join(", ");
      let text = `Weights: ${w}. λmax = ${fmt(r.lambda_max, 4)}, CR = ${r.cr.toFixed(3)} — ${r.consistent ? "consistent" : "inconsistent (CR ≥ 0.1)"}.`;
      const m = r.most_inconsistent;
      if (m) text += ` Most inconsistent: ${m.labels ? m.labels.join(" vs ") : m.row + " vs " + m.col} = ${fmt(m.value, 3)}; ${fmt(m.repair, 3)} would bring CR to ${m.cr_after.toFixed(3)}.`;
      out.textContent = text;
      out.dataset.cr = String(r.cr);
      return v;
    } catch (e) {
      out.className = "status bad";
      out.textContent = e.message;
      return null;
    }
  }
  for (const inp of inputs) inp.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(check, 250); });
  await check();

  document.getElementById("rec-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clear(problem);
    const results = document.getElementById("results");
    results.replaceChildren();
    const button = document.getElementById("submit");
    button.disabled = true;
    try {
      const body = { ...Source.value(), replicates: Source.intOrNull("replicates"), periods: Source.intOrNull("periods"),
        seed: Source.intOrNull("seed"), weighting: document.getElementById("weighting").value,
        perturbations: Source.intOrNull("perturbations") ?? 1000,
        models: [...document.querySelectorAll('input[name="models"]:checked')].map((c) => c.value),
        judgements: { criteria: { upper: values() } } };
      const own = document.getElementById("hierarchy").files[0];
      if (own) {
        body.hierarchy = await own.text();
        body.judgements = null; // the file's own judgements
      }
      const created = await api("POST", "/api/recommend", body);
      const job = await waitJob(created.id, document.getElementById("job"));
      await Results.render(job, results);
    } catch (e) {
      showProblem(problem, e);
    } finally {
      button.disabled = false;
    }
  });
})();
