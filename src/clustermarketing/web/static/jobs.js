/* The list of jobs (home page and Jobs page); refreshes while some are active. */
"use strict";

(async () => {
  const { el, api, pct, table } = CM;
  const box = document.getElementById("jobs");
  const limit = document.body.dataset.page === "Home" ? 8 : 100;
  function scenarioOf(req) {
    const s = req.scenario;
    return typeof s === "string" ? s : (s && s.name) || "scenario object";
  }
  async function refresh() {
    let data;
    try {
      data = await api("GET", `/api/jobs?limit=${limit}`);
    } catch (e) {
      box.replaceChildren(el("p", { class: "problem" }, e.message));
      return false;
    }
    if (!data.jobs.length) {
      box.replaceChildren(el("p", { class: "muted" }, "No jobs yet: start one from Run & compare."));
      return false;
    }
    const rows = data.jobs.map((j) => [
      el("a", { href: "/jobs/" + j.id }, j.id), j.kind, el("span", { class: "status-" + j.status }, j.status),
      el("progress", { max: "1", value: String(j.progress) }), scenarioOf(j.request),
      (j.created || "").replace("T", " ").replace("Z", ""), (j.finished || "").replace("T", " ").replace("Z", ""),
      ["failed", "interrupted"].includes(j.status)
        ? el("button", { type: "button", onclick: async () => { const r = await api("POST", `/api/jobs/${j.id}/rerun`); location.href = "/jobs/" + r.id; } }, "run again")
        : "",
    ]);
    box.replaceChildren(table(["job", "kind", "status", "progress", "scenario", "created (UTC)", "finished (UTC)", ""], rows));
    return data.jobs.some((j) => j.status === "queued" || j.status === "running");
  }
  for (;;) {
    const active = await refresh();
    await CM.sleep(active ? 1500 : 10000);
  }
})();
