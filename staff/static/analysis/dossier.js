// The dossier's print button (no inline script under the desk's Content-Security-Policy).
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var button = document.getElementById("print-dossier");
  if (button) {
    button.addEventListener("click", function () { window.print(); });
  }
});
