/* Behaviour shared by every staff page, kept out of the HTML for the Content-Security-Policy. */
(function () {
  "use strict";
  // <select data-autosubmit> and <input data-autosubmit>: changing it submits its form.
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.form && field.hasAttribute("data-autosubmit")) { field.form.submit(); }
  });
  // <button data-print>: print the page (the print stylesheet hides the menus).
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-print]");
    if (button) { window.print(); }
  });
})();
