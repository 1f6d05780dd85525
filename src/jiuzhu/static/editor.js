// The allocation editor: on every change, ask the server for the arithmetic and the problems.
// The server (the domain) is the only place the sums are computed, so the page can never disagree with a save.
(function () {
  const form = document.getElementById("editor");
  if (!form) return;
  let pending = null;

  function show(data) {
    for (const [code, row] of Object.entries(data.rows)) {
      document.getElementById("net_" + code).textContent = row.net;
      document.getElementById("final_" + code).textContent = row.final;
    }
    for (const [key, value] of Object.entries(data.total)) {
      document.getElementById("total-" + key).textContent = value;
    }
    form.querySelectorAll(".cell-problem").forEach((el) => { el.textContent = ""; });
    form.querySelectorAll(".cell.bad").forEach((el) => el.classList.remove("bad"));
    for (const p of data.problems) {
      const el = document.getElementById("problem-" + p.key + "_" + p.where.entity);
      if (el) {
        el.textContent = p.message;
        el.parentElement.classList.add("bad");
      }
    }
    form.dataset.state = data.problems.length ? "invalid" : "valid";
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
