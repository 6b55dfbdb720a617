// The one small script: drag-and-drop onto the upload form. Everything works without it.
(function () {
  "use strict";
  function setup() {
    var zone = document.getElementById("dropzone");
    var input = document.getElementById("id_file");
    var chosen = document.getElementById("chosen-file");
    if (!zone || !input) { return; }
    function show() {
      if (chosen) { chosen.textContent = input.files.length ? "Chosen: " + input.files[0].name : ""; }
    }
    input.addEventListener("change", show);
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) { event.preventDefault(); zone.classList.add("dragging"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("dragging"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
        show();
      }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", setup); } else { setup(); }
})();
