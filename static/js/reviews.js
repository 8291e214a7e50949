// Review-entry pages: table rows saved as they are typed, a warning before leaving with an
// unsaved answer, and no stale page after Back.
(function () {
  "use strict";

  // A table always ends with one empty row: filling it in adds the next one. Row numbers are
  // part of the field names (<prefix>-<row>-<column>); the server drops rows left empty.
  function ensureBlankRow(form) {
    const body = form.querySelector("tbody");
    if (!body || !body.lastElementChild) return;
    const last = body.lastElementChild;
    const filled = Array.from(last.querySelectorAll("input, select")).some((field) => field.value.trim() !== "");
    if (!filled) return;
    const number = Number(last.dataset.row) + 1;
    const copy = last.cloneNode(true);
    copy.dataset.row = String(number);
    copy.querySelectorAll("input, select").forEach((field) => {
      field.name = field.name.replace(/-(\d+)-([a-z_]+)$/, `-${number}-$2`);
      const label = field.getAttribute("aria-label");
      if (label) field.setAttribute("aria-label", label.replace(/^row \d+/, `row ${number}`));
      if (field.tagName === "SELECT") field.selectedIndex = 0;
      else field.value = "";
    });
    body.appendChild(copy);
  }

  document.addEventListener("input", (event) => {
    const form = event.target.closest && event.target.closest("form.answer-table");
    if (form) ensureBlankRow(form);
  });
  document.addEventListener("change", (event) => {
    const form = event.target.closest && event.target.closest("form.answer-table");
    if (form) ensureBlankRow(form);
  });

  // Leaving while a save is on its way, or after one was refused, loses that answer: ask first.
  let pending = 0;
  document.addEventListener("htmx:beforeRequest", () => { pending += 1; });
  document.addEventListener("htmx:afterRequest", () => { pending = Math.max(0, pending - 1); });
  window.addEventListener("beforeunload", (event) => {
    const refused = document.querySelector("#review-page .save-status .text-danger");
    if (pending > 0 || refused) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // A review page restored from the back/forward cache may offer actions that are no longer
  // possible (Submit after submitting): load it again from the server.
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) window.location.reload();
  });
})();
