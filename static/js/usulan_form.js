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

  // Member rows added and removed in the page. Without this script the
  // "Tambah baris anggota" button sends the form back with more empty rows.
  var rows = form.querySelector("[data-rows]");
  var template = document.getElementById("anggota-template");
  var addButton = form.querySelector("[data-add-row]");
  if (rows && template && addButton) {
    var prefix = rows.dataset.prefix;
    var total = form.querySelector("[name='" + prefix + "-TOTAL_FORMS']");
    var maximum = parseInt((form.querySelector("[name='" + prefix + "-MAX_NUM_FORMS']") || {}).value, 10) || 20;
    var visibleRows = function () {
      return Array.prototype.filter.call(rows.querySelectorAll(".anggota-form"), function (row) { return !row.hidden; });
    };
    var renumber = function () {
      visibleRows().forEach(function (row, index) {
        var legend = row.querySelector("[data-row-legend]");
        if (legend && legend.firstChild) { legend.firstChild.textContent = "Anggota " + (index + 1) + (legend.children.length ? " " : ""); }
      });
      addButton.disabled = visibleRows().length >= maximum;
    };
    var addRemoveButton = function (row) {
      if (!row.hasAttribute("data-new-row") || row.querySelector("[data-remove-row]")) { return; }
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "btn btn-sm btn-outline-danger";
      remove.textContent = "Hapus baris ini";
      remove.setAttribute("data-remove-row", "");
      row.querySelector(".card-body").appendChild(remove);
    };
    rows.querySelectorAll(".anggota-form").forEach(addRemoveButton);
    addButton.addEventListener("click", function (event) {
      event.preventDefault();
      var index = parseInt(total.value, 10);
      if (visibleRows().length >= maximum) { return; }
      var holder = document.createElement("div");
      holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
      var row = holder.firstElementChild;
      rows.appendChild(row);
      total.value = index + 1;
      addRemoveButton(row);
      renumber();
      var first = row.querySelector("input:not([type=hidden]), select");
      if (first) { first.focus(); }
    });
    rows.addEventListener("click", function (event) {
      var button = event.target instanceof Element ? event.target.closest("[data-remove-row]") : null;
      if (!button) { return; }
      var row = button.closest(".anggota-form");
      // Emptied and hidden rather than taken out: the row numbers the server
      // expects stay as they are, and an empty row is not saved.
      row.querySelectorAll("input:not([type=hidden]), select, textarea").forEach(function (input) {
        if (input.type === "checkbox" || input.type === "radio") { input.checked = false; } else { input.value = ""; }
      });
      row.hidden = true;
      form.dispatchEvent(new Event("input"));
      renumber();
      addButton.focus();
    });
    renumber();
  }

  // A copy of what is typed, kept in this browser only (localStorage), so a
  // session that ends or a dropped connection loses nothing. It is restored
  // with a message when the same user opens the same form again, and removed
  // once the server has saved the form (usulan_detail) or on logout (portal.js).
  var copyKey = function () {
    return "kis-draft:" + form.dataset.deviceCopy + ":" + window.location.pathname;
  };
  var skipName = function (name) {
    return !name || name === "csrfmiddlewaretoken" || name === "client_token" || name === "version" ||
      /-(id|usulan|TOTAL_FORMS|INITIAL_FORMS|MIN_NUM_FORMS|MAX_NUM_FORMS)$/.test(name);
  };
  var snapshot = function () {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (skipName(el.name) || el.disabled || ["hidden", "file", "submit", "button"].indexOf(el.type) !== -1) { return; }
      if (el.closest(".anggota-form[hidden]")) { return; }
      if (el.type === "checkbox" || el.type === "radio") {
        values[el.name] = values[el.name] || [];
        if (el.checked) { values[el.name].push(el.value); }
      } else {
        values[el.name] = el.value;
      }
    });
    return values;
  };
  var rowsNeeded = function (values) {
    var highest = -1;
    Object.keys(values).forEach(function (name) {
      var match = /-(\d+)-[a-z_]+$/.exec(name);
      if (match && values[name] && values[name].length) { highest = Math.max(highest, parseInt(match[1], 10)); }
    });
    return highest + 1;
  };
  var keepCopy = function () {
    if (!form.dataset.deviceCopy) { return; }
    try {
      window.localStorage.setItem(copyKey(), JSON.stringify({ at: Date.now(), values: snapshot() }));
    } catch (e) { /* storage full or refused: the server copy still counts */ }
  };
  var restoreCopy = function () {
    var raw = null;
    try { raw = window.localStorage.getItem(copyKey()); } catch (e) { return; }
    if (!raw || document.querySelector("[data-error-summary]")) { return; }
    var copy;
    try { copy = JSON.parse(raw); } catch (e) { return; }
    var values = copy.values || {};
    if (JSON.stringify(values) === JSON.stringify(snapshot())) { return; }
    var addRow = form.querySelector("[data-add-row]");
    var total = form.querySelector("[name$='-TOTAL_FORMS']");
    var guard = 0;
    while (addRow && total && parseInt(total.value, 10) < rowsNeeded(values) && guard < 20) {
      addRow.click(); guard += 1;
    }
    Object.keys(values).forEach(function (name) {
      var fields = form.querySelectorAll("[name='" + name + "']");
      fields.forEach(function (el) {
        if (el.type === "checkbox" || el.type === "radio") {
          el.checked = values[name].indexOf(el.value) !== -1;
        } else {
          el.value = values[name];
        }
      });
    });
    var when = new Date(copy.at).toLocaleString("id-ID", { dateStyle: "medium", timeStyle: "short" });
    var notice = document.createElement("div");
    notice.className = "alert alert-info";
    notice.setAttribute("role", "status");
    notice.setAttribute("data-restored", "");
    notice.textContent = "Isian yang belum tersimpan dipulihkan dari perangkat ini (" + when +
      "). Periksa, lalu tekan tombol simpan. ";
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "btn btn-sm btn-outline-secondary";
    discard.textContent = "Buang isian ini";
    discard.addEventListener("click", function () {
      try { window.localStorage.removeItem(copyKey()); } catch (e) { /* nothing kept */ }
      window.location.reload();
    });
    notice.appendChild(discard);
    form.parentNode.insertBefore(notice, form);
    form.dispatchEvent(new Event("change"));
    form.dispatchEvent(new Event("input"));
  };
  if (form.dataset.deviceCopy) {
    restoreCopy();
    form.addEventListener("input", keepCopy);
    form.addEventListener("change", keepCopy);
    form.addEventListener("submit", keepCopy);
  }

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
    }).then(function (response) {
      if (response.redirected && response.url.indexOf("/accounts/login/") !== -1) {
        return { expired: true };
      }
      return response.json();
    }).then(function (data) {
      if (data.expired) {
        dirty = true;
        status.textContent = "Sesi berakhir: isian tetap ada di perangkat ini. Tekan Simpan draf, masuk lagi, dan isian akan dipulihkan.";
        return;
      }
      if (data.saved) {
        var before = copyKey();
        setHidden("version", data.version);
        (data.member_ids || []).forEach(function (id, index) {
          if (id) { setHidden("anggota_set-" + index + "-id", id); }
        });
        setHidden("anggota_set-INITIAL_FORMS", (data.member_ids || []).filter(Boolean).length);
        if (data.url && data.url !== window.location.pathname) {
          form.setAttribute("action", data.url);
          window.history.replaceState(null, "", data.url);
          try { window.localStorage.removeItem(before); } catch (e) { /* nothing kept */ }
          keepCopy();
        }
        status.textContent = "Draf tersimpan otomatis " + new Date().toLocaleTimeString("id-ID");
      } else if (data.stale) {
        status.textContent = "Usulan diubah orang lain: muat ulang halaman.";
      } else {
        var summary = data.summary || [];
        status.textContent = "Belum tersimpan otomatis: " + (summary[0] || "ada isian yang perlu diperbaiki.") +
          (summary.length > 1 ? " (dan " + (summary.length - 1) + " lainnya)" : "");
      }
    }).catch(function () {
      dirty = true;
      status.textContent = "Koneksi terputus: draf akan dicoba disimpan lagi.";
    }).finally(function () { busy = false; });
  }
  window.setInterval(autosave, 20000);
}());
