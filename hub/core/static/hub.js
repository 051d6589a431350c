// Progressive enhancement only: every page works without this file.
// After htmx swaps content in, move keyboard focus to it so screen-reader and keyboard users
// know something changed (the swapped element, or a child marked data-focus).
document.addEventListener("htmx:afterSwap", function (event) {
  var target = event.detail && event.detail.target;
  if (!target) { return; }
  var focusable = target.querySelector("[data-focus]") || (target.hasAttribute("data-focus-on-swap") ? target : null);
  if (focusable) {
    if (!focusable.hasAttribute("tabindex")) { focusable.setAttribute("tabindex", "-1"); }
    focusable.focus();
  }
});
// Confirm destructive actions marked with data-confirm (without JS the server's confirm page is used).
document.addEventListener("submit", function (event) {
  var form = event.target;
  var message = form && form.getAttribute && form.getAttribute("data-confirm");
  if (message && !window.confirm(message)) { event.preventDefault(); }
});
