/* A form generated from the scenario's JSON Schema. The scenario object stays sparse: a field is
   written only when the user changes it (defaults stay defaults, as in a YAML file), while the
   form shows every field's effective value, unit, range and seed source. */
"use strict";

const SchemaForm = (() => {
  const { el } = CM;

  function deref(root, node) {
    if (!node) return {};
    let n = node;
    if (n.allOf && n.allOf.length === 1 && !n.type) n = { ...n.allOf[0], ...n, allOf: undefined };
    if (n.$ref) {
      const name = n.$ref.split("/").pop();
      const target = (root.$defs || {})[name] || {};
      const { $ref, ...rest } = n;
      n = { ...target, ...rest };
    }
    return n;
  }

  /** The non-null branch of an optional field, and whether null is allowed. */
  function branch(root, node) {
    let n = deref(root, node);
    if (n.anyOf) {
      const opts = n.anyOf.map((o) => deref(root, o));
      const nonNull = opts.filter((o) => o.type !== "null");
      const nullable = nonNull.length < opts.length;
      const { anyOf, ...rest } = n;
      n = { ...(nonNull[0] || {}), ...rest, nullable };
    }
    return n;
  }

  const clone = (x) => (x === undefined ? undefined : JSON.parse(JSON.stringify(x)));

  function create(container, root, doc, { onChange, models = [] } = {}) {
    const seeds = root["x-seeds"] || {};
    const containers = {}; // path key → effective value of containers (to materialise lists)

    function get(path) {
      let v = doc;
      for (const k of path) {
        if (v === null || v === undefined || typeof v !== "object") return undefined;
        v = v[k];
      }
      return v;
    }

    function set(path, value) {
      let node = doc;
      for (let i = 0; i < path.length - 1; i++) {
        const k = path[i];
        if (node[k] === undefined || node[k] === null) {
          const next = path[i + 1];
          const eff = containers[path.slice(0, i + 1).join(".")];
          node[k] = typeof next === "number" ? clone(eff) || [] : {};
        }
        node = node[k];
      }
      const last = path[path.length - 1];
      if (value === undefined) delete node[last];
      else node[last] = value;
      onChange && onChange();
    }

    function help(n) {
      const parts = [];
      if (n.description) parts.push(n.description);
      if (n.unit && n.unit !== "-") parts.push("unit: " + n.unit);
      const lo = n.minimum ?? n.exclusiveMinimum;
      const hi = n.maximum ?? n.exclusiveMaximum;
      if (lo !== undefined || hi !== undefined) {
        const l = n.exclusiveMinimum !== undefined ? "(" : "[";
        const r = n.exclusiveMaximum !== undefined ? ")" : "]";
        parts.push(`range ${l}${lo ?? "−∞"}, ${hi ?? "∞"}${r}`);
      }
      if (n.seed) parts.push("source: " + (seeds[n.seed] || n.seed));
      return parts.join(" · ");
    }

    function humanize(key) {
      const t = String(key).replace(/_/g, " ");
      return t.charAt(0).toUpperCase() + t.slice(1);
    }

    function labelFor(path, n, value) {
      const key = path[path.length - 1];
      if (typeof key === "number") {
        const parent = humanize(path[path.length - 2] ?? "item").replace(/s$/, "");
        const v = value ?? {};
        return `${parent} ${key + 1}` + (v && v.name ? ` — ${v.name}` : "");
      }
      // a field's own title ("P Strong") reads worse than its key; a section's title is its class
      return humanize(key);
    }

    function scalarInput(path, n, value) {
      const key = path.join(".");
      if (n.enum) {
        const sel = el("select", { "data-path": key, id: "f-" + key }, n.enum.map((o) => el("option", { value: o, selected: o === value }, String(o))));
        sel.addEventListener("change", () => set(path, sel.value));
        return sel;
      }
      if (n.type === "boolean") {
        const cb = el("input", { type: "checkbox", "data-path": key, id: "f-" + key, checked: !!value });
        cb.addEventListener("change", () => set(path, cb.checked));
        return cb;
      }
      if (n.type === "number" || n.type === "integer") {
        const inp = el("input", { type: "number", step: n.type === "integer" ? "1" : "any", "data-path": key, id: "f-" + key,
          value: value === null || value === undefined ? "" : String(value), min: n.minimum, max: n.maximum,
          placeholder: n.nullable ? "none" : "" });
        inp.addEventListener("input", () => {
          const t = inp.value.trim();
          if (t === "") set(path, n.nullable ? null : undefined);
          else if (!Number.isNaN(Number(t))) set(path, Number(t));
        });
        return inp;
      }
      if (n.format === "path") {
        return el("input", { type: "text", readonly: true, "data-path": key, id: "f-" + key, value: value ?? "",
          placeholder: "upload a CSV with the buttons above" });
      }
      const inp = el("input", { type: "text", "data-path": key, id: "f-" + key, value: value ?? "" });
      inp.addEventListener("input", () => set(path, inp.value === "" && n.nullable ? null : inp.value));
      return inp;
    }

    function listInput(path, n, value) {
      const key = path.join(".");
      const item = branch(root, n.items || {});
      const numeric = item.type === "number" || item.type === "integer";
      const inp = el("input", { type: "text", "data-path": key, id: "f-" + key,
        value: Array.isArray(value) ? value.join(", ") : "", placeholder: n.nullable ? "none (comma-separated values)" : "comma-separated values" });
      inp.addEventListener("input", () => {
        const t = inp.value.trim();
        if (t === "") return set(path, n.nullable ? null : []);
        const parts = t.split(",").map((s) => s.trim());
        set(path, numeric ? parts.map(Number) : parts);
      });
      return inp;
    }

    function jsonInput(path, value, onValue) {
      const key = path.join(".");
      const ta = el("textarea", { rows: "3", "data-path": key, id: "f-" + key, spellcheck: "false" });
      ta.value = JSON.stringify(value ?? {}, null, 1);
      ta.addEventListener("input", () => {
        try {
          const v = JSON.parse(ta.value || "{}");
          ta.classList.remove("invalid");
          onValue(v);
        } catch (e) {
          ta.classList.add("invalid");
        }
      });
      return ta;
    }

    function modelField(path, n, value) {
      const spec = value || { preset: "independent" };
      const { preset = "independent", ...rest } = spec;
      const sel = el("select", { "data-path": "model.preset", id: "f-model.preset" },
        models.map((m) => el("option", { value: m.name, selected: m.name === preset }, `${m.name} — ${m.title}`)));
      let overrides = rest;
      const update = () => set(path, { preset: sel.value, ...overrides });
      sel.addEventListener("change", update);
      const ta = jsonInput(["model", "overrides"], rest, (v) => { overrides = v; update(); });
      return el("div", { class: "field" },
        el("label", { for: "f-model.preset" }, "Marketing model"), sel,
        el("small", { class: "help" }, help(n) + " · preset: the marketing model; overrides: any ModelConfig field as JSON"),
        el("label", { for: "f-model.overrides" }, "Model overrides (JSON)"), ta);
    }

    function field(path, node, dflt, depth) {
      const n = branch(root, node);
      const stored = get(path);
      const value = stored !== undefined ? stored : dflt;
      const key = path.join(".");
      if (key === "model") return modelField(path, n, value);
      if (n.type === "object" && n.properties) {
        containers[key] = value;
        const body = el("div", { class: "fields" });
        for (const [k, p] of Object.entries(n.properties)) {
          const pd = value && typeof value === "object" && k in value ? value[k] : deref(root, p).default;
          body.append(field([...path, k], p, pd, depth + 1));
        }
        return el("details", { class: "group", open: depth === 0 && ["firms", "markets"].includes(key) ? true : null, "data-group": key },
          el("summary", {}, labelFor(path, n, value),
            typeof path[path.length - 1] === "number" ? "" : el("small", { class: "muted" }, " " + (n.description || ""))), body);
      }
      if (n.type === "array" && n.items && branch(root, n.items).properties) {
        containers[key] = value;
        const itemSchema = n.items;
        const list = Array.isArray(value) ? value : [];
        const body = el("div", { class: "fields list" });
        list.forEach((item, i) => {
          const sub = field([...path, i], itemSchema, item, depth + 1);
          const rm = el("button", { type: "button", class: "small" }, "remove");
          rm.addEventListener("click", () => {
            set(path, clone(get(path) ?? list).filter((_, j) => j !== i));
            redraw();
          });
          sub.querySelector("summary").append(" ", rm);
          body.append(sub);
        });
        const add = el("button", { type: "button", class: "small", "data-add": key }, "add " + (labelFor(path, n).replace(/s$/, "")));
        add.addEventListener("click", () => {
          set(path, [...clone(get(path) ?? list), {}]);
          redraw();
        });
        body.append(add);
        return el("details", { class: "group", open: depth === 0 && key === "markets" ? true : null, "data-group": key },
          el("summary", {}, `${labelFor(path, n)} (${list.length})`, el("small", { class: "muted" }, " " + (n.description || ""))), body);
      }
      let input;
      if (n.type === "array") input = listInput(path, n, value);
      else if (n.type === "object") input = jsonInput(path, value, (v) => set(path, v));
      else input = scalarInput(path, n, value);
      return el("div", { class: "field" },
        el("label", { for: "f-" + key }, labelFor(path, n)), input,
        el("small", { class: "help" }, help(n)), el("small", { class: "error", "data-error": key }));
    }

    function redraw() {
      const open = new Set([...container.querySelectorAll("details[open]")].map((d) => d.dataset.group));
      container.replaceChildren();
      const general = el("div", { class: "fields" });
      container.append(el("details", { class: "group", open: true, "data-group": "" }, el("summary", {}, "General"), general));
      for (const [k, p] of Object.entries(root.properties)) {
        const f = field([k], p, deref(root, p).default, 0);
        (f.tagName === "DETAILS" ? container : general).append(f);
      }
      for (const d of container.querySelectorAll("details")) if (open.has(d.dataset.group)) d.open = true;
    }

    /** Mark the fields named by a problem's errors. */
    function mark(errors) {
      for (const e of container.querySelectorAll(".invalid")) e.classList.remove("invalid");
      for (const e of container.querySelectorAll(".error")) e.textContent = "";
      for (const err of errors || []) {
        if (!err.field) continue;
        const input = container.querySelector(`[data-path="${CSS.escape(err.field)}"]`);
        if (input) {
          input.classList.add("invalid");
          const slot = container.querySelector(`[data-error="${CSS.escape(err.field)}"]`);
          if (slot) slot.textContent = err.message;
          let d = input.closest("details");
          while (d) { d.open = true; d = d.parentElement.closest("details"); }
        }
      }
    }

    redraw();
    return { redraw, mark, doc: () => doc };
  }

  return { create };
})();
