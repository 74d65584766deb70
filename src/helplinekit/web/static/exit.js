// Quick exit: leave for the configured address without adding this page to the history.
(function () {
  "use strict";
  var link = document.getElementById("quick-exit");
  if (!link) { return; }
  var exitUrl = link.getAttribute("data-exit-url") || link.href;
  function leave(event) {
    if (event) { event.preventDefault(); }
    document.body.innerHTML = "";
    window.location.replace(exitUrl);
  }
  link.addEventListener("click", leave);
  // A page brought back from the back/forward cache shows nothing typed before.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }
    Array.prototype.forEach.call(document.forms, function (form) { form.reset(); });
  });
  // Shift pressed three times within two seconds also leaves.
  var presses = [];
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Shift" || event.repeat) { return; }
    var now = Date.now();
    presses = presses.filter(function (t) { return now - t < 2000; });
    presses.push(now);
    if (presses.length >= 3) { leave(null); }
  });
})();
