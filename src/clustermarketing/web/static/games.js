/* Games page: a game typed in, a game file pasted or uploaded, or a scenario's game. */
"use strict";

(async () => {
  const { el, api, showProblem, clear, waitJob } = CM;
  const problem = document.getElementById("problem");
  const results = document.getElementById("results");
  const jobBox = document.getElementById("job");

  for (const b of document.querySelectorAll(".tabs button")) {
    b.addEventListener("click", () => {
      for (const o of document.querySelectorAll(".tabs button")) o.classList.toggle("active", o === b);
      for (const f of document.querySelectorAll("form.tab")) f.hidden = f.id !== "tab-" + b.dataset.tab;
    });
  }

  // --- typed-in game: one input per coalition
  const playersInput = document.getElementById("players");
  const coalBox = document.getElementById("coalitions");
  const MAX = 8;
  function players() {
    return playersInput.value.split(",").map((s) => s.trim()).filter(Boolean);
  }
  function drawCoalitions() {
    const p = players();
    if (p.length === 0 || p.length > MAX || new Set(p).size !== p.length) {
      coalBox.replaceChildren(el("p", { class: "warn" }, `Give 1 to ${MAX} distinct player names (more players: use a game file).`));
      return;
    }
    const old = {};
    for (const inp of coalBox.querySelectorAll("input")) old[inp.dataset.key] = inp.value;
    const masks = [...Array((1 << p.length) - 1).keys()].map((m) => m + 1)
      .sort((a, b) => popcount(a) - popcount(b) || a - b);
    const rows = masks.map((m) => {
      const members = p.filter((_, i) => (m >> i) & 1);
      const key = members.join("+");
      const dflt = 10 * members.length * members.length;
      return [`{${members.join(", ")}}`, el("input", { type: "number", step: "any", value: old[key] ?? String(dflt), dataset: { key }, "aria-label": `value of {${members.join(", ")}}` })];
    });
    coalBox.replaceChildren(CM.table(["coalition", "value"], rows, { numeric: [1] }));
  }
  function popcount(m) { let c = 0; while (m) { c += m & 1; m >>= 1; } return c; }
  playersInput.addEventListener("input", drawCoalitions);
  drawCoalitions();

  async function show(result) {
    results.replaceChildren();
    await Results.renderGame(result, results);
  }

  document.getElementById("tab-table").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clear(problem);
    try {
      const values = {};
      for (const inp of coalBox.querySelectorAll("input")) {
        if (inp.value.trim() === "") throw new CM.ApiError({ title: "Missing value", detail: `coalition {${inp.dataset.key.split("+").join(", ")}}: no value` });
        values[inp.dataset.key] = Number(inp.value);
      }
      const body = { players: players(), values, kind: document.getElementById("kind").value, unit: document.getElementById("unit").value.trim() || null };
      await show(await api("POST", "/api/games/solve", body));
    } catch (e) {
      showProblem(problem, e);
    }
  });

  document.getElementById("tab-file").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clear(problem);
    try {
      const fd = new FormData();
      const file = document.getElementById("game-file").files[0];
      if (file) fd.append("file", file);
      else {
        const text = document.getElementById("game-text").value;
        const isCsv = /^\s*(#.*\n\s*)*coalition\s*,/i.test(text) || /^\s*#/.test(text);
        fd.append("file", new Blob([text], { type: "text/plain" }), isCsv ? "game.csv" : "game.yaml");
      }
      await show(await api("POST", "/api/games/upload", fd, { form: true }));
    } catch (e) {
      showProblem(problem, e);
    }
  });

  await Source.init();
  const models = (await api("GET", "/api/models")).filter((m) => m.implemented && m.cooperative);
  const sel = document.getElementById("game-model");
  for (const m of models) sel.append(el("option", { value: m.name }, m.name));
  document.getElementById("tab-scenario").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clear(problem);
    results.replaceChildren();
    try {
      const body = { ...Source.value(), model: sel.value || null, players: document.getElementById("game-players").value,
                     cost: document.getElementById("game-cost").checked };
      const created = await api("POST", "/api/games/scenario", body);
      const job = await waitJob(created.id, jobBox);
      await Results.render(job, results);
    } catch (e) {
      showProblem(problem, e);
    }
  });
})();
