// Card distribution pages: live checks on the NOKA scan field, select all
// (printing is portal.js's [data-print]).
(function () {
  "use strict";

  // A barcode scanner types a NOKA and Enter: flag malformed and repeated lines at once.
  var field = document.querySelector("[data-noka-scan]");
  var report = document.getElementById("noka-report");
  if (field && report) {
    var check = function () {
      var seen = {}, valid = 0, bad = [], twice = [];
      field.value.split(/\r?\n/).forEach(function (line) {
        var noka = line.replace(/[\s.\-']/g, "");
        if (!noka) { return; }
        if (!/^\d{13}$/.test(noka)) { bad.push(line.trim()); return; }
        if (seen[noka]) { twice.push(noka); return; }
        seen[noka] = true;
        valid += 1;
      });
      var parts = [valid + " NOKA siap dikirim"];
      if (twice.length) { parts.push("ganda: " + twice.join(", ")); }
      if (bad.length) { parts.push("bukan 13 angka: " + bad.join(", ")); }
      report.textContent = parts.join(" · ");
      report.className = "form-text " + (twice.length || bad.length ? "text-danger" : "text-success");
    };
    field.addEventListener("input", check);
    check();
  }

  var all = document.querySelector("[data-check-all]");
  if (all) {
    var boxes = document.querySelectorAll("input[name='" + all.dataset.checkAll + "']");
    var count = document.getElementById("jumlah-dipilih");
    var update = function () {
      var n = 0;
      boxes.forEach(function (box) { if (box.checked) { n += 1; } });
      if (count) { count.textContent = n; }
      all.checked = n === boxes.length;
    };
    all.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = all.checked; });
      update();
    });
    boxes.forEach(function (box) { box.addEventListener("change", update); });
    update();
  }
})();
