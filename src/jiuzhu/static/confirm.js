// A form with data-confirm asks before it is sent (the checker's approval states the total it approves).
// Static file: the Content-Security-Policy forbids inline scripts.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});
