/* The "which scenario" widget of the Run, Recommend and Games pages. */
"use strict";

const Source = (() => {
  async function init() {
    const sel = document.getElementById("src-example");
    const examples = await CM.api("GET", "/api/examples");
    for (const e of examples) sel.append(CM.el("option", { value: e.name }, `${e.name} — ${e.firms} firms, ${e.model}`));
    const saved = CM.savedScenario();
    const name = document.getElementById("src-editor-name");
    const radio = document.getElementById("src-editor-radio");
    if (saved) {
      name.textContent = `“${saved.name || "custom"}”`;
      radio.checked = true;
    } else {
      radio.disabled = true;
    }
    return examples;
  }

  /** {scenario, set} for a request. */
  function value() {
    const mode = document.querySelector('input[name="source"]:checked').value;
    const scenario = mode === "editor" ? CM.savedScenario() : document.getElementById("src-example").value;
    const set = document.getElementById("src-set").value.split("\n").map((s) => s.trim()).filter(Boolean);
    return { scenario, set };
  }

  function intOrNull(id) {
    const v = document.getElementById(id).value.trim();
    return v === "" ? null : Number(v);
  }

  return { init, value, intOrNull };
})();
