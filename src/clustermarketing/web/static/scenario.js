/* Scenario editor page. */
"use strict";

(async () => {
  const { el, api, download } = CM;
  const status = document.getElementById("status");
  const formEl = document.getElementById("form");
  const preview = document.getElementById("preview");
  const [schema, examples, models] = await Promise.all([
    api("GET", "/api/schema/scenario"), api("GET", "/api/examples"), api("GET", "/api/models")]);
  const select = document.getElementById("example");
  for (const e of examples) select.append(el("option", { value: e.name }, `${e.name} — ${e.description}`));
  const built = models.filter((m) => m.implemented);

  let doc = CM.savedScenario() || (await api("GET", "/api/examples/optoelectronics"));
  let form = null;
  let timer = null;
  let seq = 0;

  async function validate() {
    const mine = ++seq;
    preview.textContent = JSON.stringify(doc, null, 1);
    let r;
    try {
      r = await api("POST", "/api/scenarios/check", doc);
    } catch (e) {
      r = { valid: false, problem: e.problem || { detail: e.message, errors: [] } };
    }
    if (mine !== seq) return;
    if (r.valid) {
      const v = r.validation;
      form.mark([]);
      status.className = "status ok";
      const big = v.run_size > v.max_run_size;
      status.replaceChildren(
        el("b", {}, "OK: "), `${v.name} (${v.firms.toLocaleString()} firms, model ${v.model}, ${v.periods} periods, ${v.replicates} replicates); run size ${v.run_size.toLocaleString()} firm-periods (× the number of models when comparing)`,
        big ? el("span", { class: "warn" }, ` — above this server's cap of ${v.max_run_size.toLocaleString()}: use fewer firms, periods or replicates`) : "",
        ...v.warnings.map((w) => el("div", { class: "warn" }, "warning: " + w)));
      status.dataset.valid = "true";
    } else {
      const p = r.problem;
      form.mark(p.errors);
      status.className = "status bad";
      status.dataset.valid = "false";
      status.replaceChildren(el("b", {}, "Not valid: "), el("pre", { class: "detail" }, p.detail));
    }
  }

  function changed() {
    clearTimeout(timer);
    timer = setTimeout(validate, 300);
  }

  function load(newDoc) {
    doc = newDoc;
    form = SchemaForm.create(formEl, schema, doc, { onChange: changed, models: built });
    validate();
  }
  load(doc);

  document.getElementById("load-example").addEventListener("click", async () => {
    load(await api("GET", "/api/examples/" + encodeURIComponent(select.value)));
  });

  async function upload(input, handle) {
    const file = input.files[0];
    if (!file) return;
    const fd = new FormData();
    fd.append("file", file);
    try {
      await handle(fd, file);
    } catch (e) {
      status.className = "status bad";
      status.replaceChildren(el("b", {}, `${file.name}: `), el("pre", { class: "detail" }, e.message));
    } finally {
      input.value = "";
    }
  }
  document.getElementById("upload-scenario").addEventListener("change", (ev) =>
    upload(ev.target, async (fd) => load(await api("POST", "/api/scenarios/parse", fd, { form: true }))));
  document.getElementById("upload-firms").addEventListener("change", (ev) =>
    upload(ev.target, async (fd) => {
      const up = await api("POST", "/api/uploads", fd, { form: true });
      const firms = { ...(doc.firms || {}), source: "csv", csv: up.reference };
      delete firms.count; // taken from the file
      delete firms.leaders;
      load({ ...doc, firms });
    }));
  document.getElementById("upload-edges").addEventListener("change", (ev) =>
    upload(ev.target, async (fd) => {
      const up = await api("POST", "/api/uploads", fd, { form: true });
      load({ ...doc, ties: { ...(doc.ties || {}), source: "edgelist", edgelist: up.reference } });
    }));

  document.getElementById("download").addEventListener("click", async () => {
    try {
      const res = await api("POST", "/api/scenarios/yaml", doc);
      const cd = res.headers.get("content-disposition") || "";
      const m = /filename="([^"]+)"/.exec(cd);
      download(await res.blob(), m ? m[1] : "scenario.yaml");
    } catch (e) {
      status.className = "status bad";
      status.replaceChildren(el("b", {}, "Cannot download: "), el("pre", { class: "detail" }, e.message));
    }
  });
  document.getElementById("use").addEventListener("click", () => {
    CM.saveScenario(doc);
    location.href = "/run";
  });
})();
