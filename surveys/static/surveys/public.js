/* Respondent pages: behaviour kept out of the HTML for the Content-Security-Policy. */

// Move focus to the error summary so screen readers announce it first.
(function () { var s = document.getElementById("error-summary"); if (s) { s.focus(); } })();

// Progressive enhancement: hide a follow-up question until its earlier answer has the value
// that makes it apply. Without JavaScript it stays visible with its "answer only if" note and
// the server discards an answer that does not apply.
(function () {
  var wraps = document.querySelectorAll("[data-show-when]");
  function update() {
    wraps.forEach(function (wrap) {
      var name = wrap.getAttribute("data-show-when");
      var want = wrap.getAttribute("data-show-value");
      var checked = document.querySelectorAll('input[name="' + name + '"]:checked');
      var show = Array.prototype.some.call(checked, function (el) { return el.value === want; });
      wrap.hidden = !show;
    });
  }
  document.addEventListener("change", update);
  update();
})();
