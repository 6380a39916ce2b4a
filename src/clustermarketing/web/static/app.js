/* clustermarketing web app: helpers shared by every page (no build step, no dependencies). */
"use strict";

const CM = (() => {
  /** An error answered by the API: problem details (RFC 7807). */
  class ApiError extends Error {
    constructor(problem) {
      super(problem.detail || problem.title || "error");
      this.problem = problem;
    }
  }

  async function api(method, url, body, { form = false } = {}) {
    const opts = { method, headers: { Accept: "application/json" } };
    if (body !== undefined) {
      if (form) opts.body = body;
      else {
        opts.body = JSON.stringify(body);
        opts.headers["Content-Type"] = "application/json";
      }
    }
    let res;
    try {
      res = await fetch(url, opts);
    } catch (e) {
      throw new ApiError({ title: "No connection", status: 0, detail: "the server did not answer: " + e.message });
    }
    const type = res.headers.get("content-type") || "";
    if (!res.ok) {
      let problem = { title: res.statusText, status: res.status, detail: "" };
      if (type.includes("json")) problem = await res.json();
      throw new ApiError(problem);
    }
    if (type.includes("json")) return res.json();
    return res;
  }

  /** Build an element: el("td", {class: "num"}, "text", child, ...). */
  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else if (k === "dataset") Object.assign(node.dataset, v);
      else node.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) {
      if (c === undefined || c === null || c === false) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }

  function fmt(x, digits = 4) {
    if (x === null || x === undefined || Number.isNaN(x)) return "–";
    if (typeof x !== "number") return String(x);
    if (x === 0) return "0";
    const a = Math.abs(x);
    if (a >= 1e6 || a < 1e-3) return x.toPrecision(digits);
    return Number(x.toPrecision(digits)).toLocaleString("en-US", { maximumFractionDigits: 6 });
  }

  function pct(x) {
    return x === null || x === undefined ? "–" : (100 * x).toFixed(0) + "%";
  }

  /** Show a problem in a box (title, detail lines, field errors). */
  function showProblem(box, err) {
    const p = err && err.problem ? err.problem : { title: "Error", detail: String(err) };
    box.hidden = false;
    box.replaceChildren(
      el("b", {}, p.title || "Error"),
      el("pre", { class: "detail" }, p.detail || "")
    );
  }

  function clear(box) {
    box.hidden = true;
    box.replaceChildren();
  }

  function table(header, rows, { numeric = [] } = {}) {
    return el("table", {},
      el("thead", {}, el("tr", {}, header.map((h) => el("th", {}, h)))),
      el("tbody", {}, rows.map((r) => el("tr", {}, r.map((c, i) =>
        el("td", { class: numeric.includes(i) ? "num" : null }, c))))));
  }

  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

  /** Poll a job until it ends; draws its progress bar in `box`. */
  async function waitJob(id, box) {
    const bar = el("progress", { max: "1", value: "0" });
    const label = el("span", { class: "muted" }, "queued");
    const link = el("a", { href: "/jobs/" + id }, "job " + id);
    box.replaceChildren(el("div", { class: "progress" }, link, " ", bar, " ", label));
    let delay = 300;
    for (;;) {
      const job = await api("GET", "/api/jobs/" + id);
      bar.value = job.progress;
      const d = job.progress_detail;
      label.textContent = job.status + (d.total ? ` · ${d.done}/${d.total} arm-periods` : "");
      if (["done", "failed", "interrupted"].includes(job.status)) {
        box.dataset.status = job.status;
        return job;
      }
      await sleep(delay);
      delay = Math.min(1500, delay * 1.3);
    }
  }

  function download(blob, name) {
    const a = el("a", { href: URL.createObjectURL(blob), download: name });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  }

  const STORE_KEY = "clustermarketing.scenario";
  function savedScenario() {
    try {
      const s = localStorage.getItem(STORE_KEY);
      return s ? JSON.parse(s) : null;
    } catch (e) {
      return null;
    }
  }
  function saveScenario(obj) {
    localStorage.setItem(STORE_KEY, JSON.stringify(obj));
  }

  const PLOT_CONFIG = { displaylogo: false, responsive: true };
  const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#bcbd22", "#7f7f7f"];

  return { ApiError, api, el, fmt, pct, showProblem, clear, table, waitJob, download, sleep,
           savedScenario, saveScenario, PLOT_CONFIG, COLORS };
})();
