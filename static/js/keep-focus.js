/* Keyboard users keep their place when htmx redraws part of a page (issue 13).
 *
 * Saving an answer on a review page redraws the item, the ratings and the navigator while the
 * person may already have tabbed on to the next control. htmx puts the focus back only on an
 * element with an id; anything else (a "Clear answer" button, a note's Reply button) was lost and
 * the next Tab started again at the top of the page. Here the focused control is remembered
 * before a swap (by id, or by its position among its kind under the nearest element with an id)
 * and focused again afterwards when the focus fell back to the page.
 */
(function () {
  "use strict";
  var remembered = null;

  function keyOf(el) {
    if (!el || el === document.body || el === document.documentElement) { return null; }
    if (el.id) { return { id: el.id }; }
    var anchor = el.parentElement ? el.parentElement.closest("[id]") : null;
    var scope = anchor || document;
    return {
      anchor: anchor ? anchor.id : "",
      tag: el.tagName,
      name: el.getAttribute("name") || "",
      index: Array.prototype.indexOf.call(scope.querySelectorAll(el.tagName), el)
    };
  }

  function find(key) {
    if (key.id) { return document.getElementById(key.id); }
    var scope = key.anchor ? document.getElementById(key.anchor) : document;
    if (!scope) { return null; }
    var el = scope.querySelectorAll(key.tag)[key.index];
    return el && (el.getAttribute("name") || "") === key.name ? el : null;
  }

  document.addEventListener("htmx:beforeSwap", function () {
    remembered = keyOf(document.activeElement);
  });
  document.addEventListener("htmx:afterSettle", function () {
    var lost = !document.activeElement || document.activeElement === document.body;
    if (remembered && lost) {
      var el = find(remembered);
      if (el) { el.focus({ preventScroll: true }); }
    }
    remembered = null;
  });
})();
