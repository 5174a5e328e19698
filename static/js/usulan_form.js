/* Usulan form: fill birth date and sex from the NIK, show MIG37 fields only when
   needed, and autosave the draft every 20 seconds after a change. The form works
   without this script; it only saves typing and lost work. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-nik-form]");
  if (!form) { return; }

  // NIK digits 7-12 are DDMMYY, +40 on the day for women.
  function fromNik(nikInput) {
    var nik = nikInput.value.replace(/\D/g, "");
    if (nik.length !== 16) { return; }
    var prefix = nikInput.name.replace(/-nik$/, "-");
    var day = parseInt(nik.substr(6, 2), 10), month = nik.substr(8, 2), yy = parseInt(nik.substr(10, 2), 10);
    var sex = day > 40 ? "P" : "L";
    if (day > 40) { day -= 40; }
    var now = new Date().getFullYear() % 100;
    var year = (yy <= now ? 2000 : 1900) + yy;
    var birth = form.querySelector("[name='" + prefix + "tanggal_lahir']");
    if (birth && !birth.value) {
      birth.value = year + "-" + month + "-" + (day < 10 ? "0" : "") + day;
    }
    var sexInput = form.querySelector("[name='" + prefix + "jenis_kelamin']");
    if (sexInput && !sexInput.value) { sexInput.value = sex; }
  }
  form.addEventListener("change", function (event) {
    if (event.target.dataset && event.target.dataset.nik) { fromNik(event.target); }
    toggleMig37();
  });

  function toggleMig37() {
    var checked = form.querySelector("[name='jenis']:checked");
    var show = checked && checked.value === "MIG37";
    form.querySelectorAll(".mig37").forEach(function (el) { el.hidden = !show; });
  }
  toggleMig37();

  var status = document.getElementById("autosave-status");
  if (form.dataset.autosave !== "1" || !status) { return; }
  var dirty = false, busy = false;
  form.addEventListener("input", function () { dirty = true; });
  form.addEventListener("submit", function () {
    dirty = false;
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
  });

  function setHidden(name, value) {
    var input = form.querySelector("[name='" + name + "']");
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden"; input.name = name; form.appendChild(input);
    }
    input.value = value;
  }

  function autosave() {
    if (!dirty || busy) { return; }
    busy = true; dirty = false;
    status.textContent = "Menyimpan draf...";
    fetch(form.getAttribute("action") || window.location.pathname, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { "X-Autosave": "1" }
    }).then(function (response) { return response.json(); }).then(function (data) {
      if (data.saved) {
        setHidden("version", data.version);
        (data.member_ids || []).forEach(function (id, index) {
          if (id) { setHidden("anggota_set-" + index + "-id", id); }
        });
        setHidden("anggota_set-INITIAL_FORMS", (data.member_ids || []).filter(Boolean).length);
        if (data.url && data.url !== window.location.pathname) {
          form.setAttribute("action", data.url);
          window.history.replaceState(null, "", data.url);
        }
        status.textContent = "Draf tersimpan otomatis " + new Date().toLocaleTimeString("id-ID");
      } else if (data.stale) {
        status.textContent = "Usulan diubah orang lain: muat ulang halaman.";
      } else {
        status.textContent = "Belum tersimpan otomatis: ada isian yang perlu diperbaiki.";
      }
    }).catch(function () {
      dirty = true;
      status.textContent = "Koneksi terputus: draf akan dicoba disimpan lagi.";
    }).finally(function () { busy = false; });
  }
  window.setInterval(autosave, 20000);
}());
