// The allocation editor: on every change, ask the server for the arithmetic and the problems.
// The server (the domain) is the only place the sums are computed, so the page can never disagree with a save.
(function () {
  const form = document.getElementById("editor");
  if (!form) return;
  let pending = null;

  function setText(id, value) {
    const el = document.getElementById(id);
    if (el) el.textContent = value;
  }

  function show(data) {
    for (const [code, row] of Object.entries(data.rows)) {
      setText("net_" + code, row.net);
      setText("final_" + code, row.final);
    }
    for (const [key, value] of Object.entries(data.total)) {
      setText("total-" + key, value);
    }
    form.querySelectorAll(".cell-problem").forEach((el) => { el.textContent = ""; });
    form.querySelectorAll(".cell.bad, .cell.warn").forEach((el) => el.classList.remove("bad", "warn"));
    const general = document.getElementById("plan-problems");
    if (general) general.textContent = "";
    for (const p of data.problems) {
      const el = document.getElementById("problem-" + p.key + "_" + p.where.entity);
      if (el) {
        el.textContent = p.message;
        el.parentElement.classList.add(p.severity === "warning" ? "warn" : "bad");
      } else if (general) {
        const li = document.createElement("li");
        li.textContent = p.message;
        general.appendChild(li);
      }
    }
    const errors = data.problems.filter((p) => p.severity !== "warning");
    form.dataset.state = !data.complete ? "incomplete" : errors.length ? "invalid" : "valid";
  }

  function validate() {
    if (pending) pending.abort();
    pending = new AbortController();
    fetch(form.dataset.validate, { method: "POST", body: new FormData(form), signal: pending.signal,
                                   headers: { "X-Requested-With": "fetch" } })
      .then((r) => r.json()).then(show).catch((e) => { if (e.name !== "AbortError") console.error(e); });
  }

  form.addEventListener("input", validate);
  // Anything typed before this script loaded is taken into account at once.
  validate();
  form.dataset.ready = "1";
})();
