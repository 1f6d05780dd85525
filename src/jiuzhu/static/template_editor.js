// The notice template editor: each variable button inserts {{ name }} at the cursor of the body text.
// Static file (the Content-Security-Policy forbids inline scripts).
(function () {
  const body = document.getElementById("template-body");
  const buttons = document.getElementById("var-buttons");
  if (!body || !buttons) return;
  buttons.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-var]");
    if (!button) return;
    const text = "{{ " + button.dataset.var + " }}";
    const start = body.selectionStart ?? body.value.length;
    const end = body.selectionEnd ?? start;
    body.value = body.value.slice(0, start) + text + body.value.slice(end);
    body.focus();
    body.selectionStart = body.selectionEnd = start + text.length;
  });
  buttons.dataset.ready = "1";
})();
