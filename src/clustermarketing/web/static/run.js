/* Run & compare page. */
"use strict";

(async () => {
  const { el, api, showProblem, clear, waitJob } = CM;
  const form = document.getElementById("run-form");
  const problem = document.getElementById("problem");
  const jobBox = document.getElementById("job");
  const results = document.getElementById("results");
  const modelsBox = document.getElementById("models");
  const modelSel = document.getElementById("model");
  await Source.init();
  const models = (await api("GET", "/api/models")).filter((m) => m.implemented);
  modelSel.append(el("option", { value: "" }, "the scenario's model"));
  for (const m of models) {
    modelSel.append(el("option", { value: m.name }, `${m.name} — ${m.title}`));
    if (!m.cooperative) continue;
    modelsBox.append(el("label", { title: m.summary }, el("input", { type: "checkbox", name: "models", value: m.name, checked: true }), ` ${m.title} `, el("code", {}, m.name)));
  }
  for (const r of document.querySelectorAll('input[name="mode"]')) {
    r.addEventListener("change", () => {
      const one = document.querySelector('input[name="mode"]:checked').value === "run";
      document.getElementById("one-model").hidden = !one;
      modelsBox.hidden = one;
      document.getElementById("submit").textContent = one ? "Run" : "Compare";
    });
  }
  document.getElementById("submit").textContent = "Compare";

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clear(problem);
    results.replaceChildren();
    const button = document.getElementById("submit");
    button.disabled = true;
    try {
      const mode = document.querySelector('input[name="mode"]:checked').value;
      const body = { ...Source.value(), replicates: Source.intOrNull("replicates"),
                     periods: Source.intOrNull("periods"), seed: Source.intOrNull("seed") };
      let created;
      if (mode === "run") {
        body.model = modelSel.value || null;
        created = await api("POST", "/api/runs", body);
      } else {
        body.models = [...document.querySelectorAll('input[name="models"]:checked')].map((c) => c.value);
        created = await api("POST", "/api/compare", body);
      }
      const job = await waitJob(created.id, jobBox);
      await Results.render(job, results);
    } catch (e) {
      showProblem(problem, e);
    } finally {
      button.disabled = false;
    }
  });
})();
