// A <select data-auto-submit> submits its form as soon as it changes (an ES module rather than
// an inline onchange: the Content-Security-Policy allows no inline script).
for (const select of document.querySelectorAll("select[data-auto-submit]")) {
  select.addEventListener("change", () => select.form.requestSubmit());
}
