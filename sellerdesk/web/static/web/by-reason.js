// The cancel pages render what the cancellation would do for each reason, in blocks marked with
// data-reasons (sellerdesk/web/by_reason.py). Show the block of the reason chosen in the form, or
// every block while none is chosen; the page stays complete without this script.
(function () {
  "use strict";
  function showChosen() {
    var select = document.querySelector('select[name="reason"]');
    if (!select) return;
    var reason = select.value;
    document.querySelectorAll("[data-reasons]").forEach(function (block) {
      var reasons = block.getAttribute("data-reasons").split(" ");
      block.hidden = reason !== "" && reasons.indexOf(reason) === -1;
    });
  }
  document.addEventListener("DOMContentLoaded", showChosen);
  document.addEventListener("change", function (event) {
    if (event.target.matches('select[name="reason"]')) showChosen();
  });
  // The stock preview is swapped in anew when the quantities change.
  document.addEventListener("htmx:afterSwap", showChosen);
})();
