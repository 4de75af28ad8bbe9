/*
 * The public portal's only script (the print version loads it; no other portal page needs
 * JavaScript): a "Print" button, shown only where it can work.
 */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-portal-print]").forEach(function (button) {
      if (typeof window.print !== "function") return;
      button.hidden = false;
      button.addEventListener("click", function () {
        window.print();
      });
    });
  });
})();
