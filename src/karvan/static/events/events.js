// Events pages: print buttons, and the service worker that keeps a person's agenda offline.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) {
      window.print();
    }
  });
  var script = document.currentScript;
  var worker = script && script.getAttribute("data-service-worker");
  if (worker && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(worker).then(function () {
      var note = document.getElementById("offline-note");
      if (note) note.hidden = false;
    }).catch(function () { /* offline reading is a bonus: the page works without it */ });
  }
})();
