// The one small script: drag-and-drop onto the upload form, and the review keyboard
// shortcuts. Everything works without it; a shortcut only presses a visible control.
(function () {
  "use strict";

  function setupDropzone() {
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

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  // The queue: j/k move a highlighted row, Enter opens it.
  function queueRows() {
    var table = document.querySelector("[data-keyboard-list]");
    return table ? Array.prototype.slice.call(table.querySelectorAll("tbody tr[data-href]")) : [];
  }
  var selected = -1;
  function select(rows, index) {
    if (!rows.length) { return; }
    index = Math.max(0, Math.min(rows.length - 1, index));
    rows.forEach(function (row) { row.classList.remove("selected"); row.removeAttribute("aria-selected"); });
    rows[index].classList.add("selected");
    rows[index].setAttribute("aria-selected", "true");
    var link = rows[index].querySelector("a");
    if (link) { link.focus(); }
    selected = index;
  }

  function press(key) {
    var control = document.querySelector('[data-shortcut="' + key + '"]');
    if (!control) { return false; }
    if (control.tagName === "DETAILS") {
      control.open = true;
      var field = control.querySelector("select, textarea, input:not([type=hidden])");
      if (field) { field.focus(); }
    } else {
      control.click();
    }
    return true;
  }

  function toggleHelp() {
    var dialog = document.getElementById("shortcuts");
    if (!dialog || typeof dialog.showModal !== "function") { return; }
    if (dialog.open) { dialog.close(); } else { dialog.showModal(); }
  }

  function onKey(event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    var rows = queueRows();
    var key = event.key;
    if (key === "?") { toggleHelp(); event.preventDefault(); return; }
    if (rows.length && (key === "j" || key === "k")) {
      select(rows, selected + (key === "j" ? 1 : -1));
      event.preventDefault();
      return;
    }
    if (rows.length && key === "Enter" && selected >= 0 && document.activeElement === document.body) {
      window.location.href = rows[selected].getAttribute("data-href");
      return;
    }
    if (["j", "k", "a", "o", "n"].indexOf(key) >= 0 && press(key)) { event.preventDefault(); }
  }

  function setup() {
    setupDropzone();
    document.addEventListener("keydown", onKey);
    var help = document.querySelector('button[data-shortcut="?"]');
    if (help) { help.addEventListener("click", toggleHelp); }
    // A case page opens on the conviction it was asked for.
    var focus = document.querySelector("[data-focus]");
    if (focus && !window.location.hash) { focus.scrollIntoView({ block: "nearest" }); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", setup); } else { setup(); }
})();
