/* Behaviour every page may use, in place of inline handlers (the Content
   Security Policy allows no inline script):
   - [data-print]           a button that prints the page;
   - [data-confirm="..."]   on a form or a submit button: ask before sending;
   - form[data-submit-once] disable its buttons once sent (no double submit);
   - [data-progress="42"]   a progress bar's width in percent;
   - main tables with a header row: each cell gets its column's name (data-label),
     so that on a phone the rows show as stacked cards (portal.css, "Narrow
     screens"); without JavaScript the table scrolls inside its own box.
   - [data-error-summary]   a form's errors: focused on load (read out, in view), its
                            links move the focus to their field.
   - a[data-viewer-link]    the verifier's document links: the viewer panel on a
                            wide screen, a new tab on a phone. */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) { return; }
    if (target.closest("[data-print]")) {
      window.print();
      return;
    }
    var button = target.closest("button[data-confirm], input[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      return;
    }
    if (form.hasAttribute("data-submit-once")) {
      if (form.dataset.sent) {
        event.preventDefault();
        return;
      }
      form.dataset.sent = "1";
      // After this event: a button disabled now would drop its name=value.
      window.setTimeout(function () {
        form.querySelectorAll("[type=submit]").forEach(function (b) { b.disabled = true; });
      }, 0);
    }
  });

  // Back from the next page (browser cache): the form may be sent again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }
    document.querySelectorAll("form[data-submit-once][data-sent]").forEach(function (form) {
      delete form.dataset.sent;
      form.querySelectorAll("[type=submit]").forEach(function (b) { b.disabled = false; });
    });
  });

  document.querySelectorAll("[data-progress]").forEach(function (bar) {
    var percent = Math.max(0, Math.min(100, parseFloat(bar.dataset.progress) || 0));
    bar.style.width = percent + "%";
  });

  document.querySelectorAll("main table").forEach(function (table) {
    var heads = table.querySelectorAll("thead tr:last-child th");
    if (!heads.length) { return; }
    var names = Array.prototype.map.call(heads, function (th) {
      return th.textContent.replace(/\s+/g, " ").trim();
    });
    table.querySelectorAll("tbody tr").forEach(function (row) {
      if (row.children.length !== names.length) { return; }
      Array.prototype.forEach.call(row.children, function (cell, index) {
        if (!cell.hasAttribute("data-label")) { cell.setAttribute("data-label", names[index]); }
      });
    });
    // A table laid out as blocks loses its table semantics in some browsers:
    // state them, so a screen reader still reads rows and cells as a table.
    table.setAttribute("role", "table");
    table.querySelectorAll(":scope > thead, :scope > tbody").forEach(function (group) {
      group.setAttribute("role", "rowgroup");
    });
    table.querySelectorAll(":scope > thead > tr, :scope > tbody > tr").forEach(function (row) {
      row.setAttribute("role", "row");
      Array.prototype.forEach.call(row.children, function (cell) {
        var inHead = row.parentElement.tagName === "THEAD";
        cell.setAttribute("role", inHead ? "columnheader" : (cell.tagName === "TH" ? "rowheader" : "cell"));
      });
    });
    table.classList.add("table-cards");
  });

  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target instanceof Element ? event.target.closest("a[href^='#']") : null;
      var field = link ? document.getElementById(link.getAttribute("href").slice(1)) : null;
      if (!field) { return; }
      event.preventDefault();
      field.scrollIntoView({ block: "center" });
      field.focus();
    });
  }

  // Copies of typed forms kept in this browser (usulan_form.js): forgotten once
  // the server has saved the form, and all of them on logout.
  var forgetCopies = function (test) {
    try {
      for (var i = window.localStorage.length - 1; i >= 0; i -= 1) {
        var key = window.localStorage.key(i);
        if (key && key.indexOf("kis-draft:") === 0 && test(key)) { window.localStorage.removeItem(key); }
      }
    } catch (e) { /* storage refused: nothing was kept */ }
  };
  document.querySelectorAll("[data-forget-device-copy]").forEach(function (el) {
    var key = "kis-draft:" + el.dataset.user + ":" + el.dataset.forgetDeviceCopy;
    forgetCopies(function (k) { return k === key; });
  });
  document.addEventListener("submit", function (event) {
    var action = event.target.getAttribute("action") || "";
    if (/\/logout\/?$/.test(action)) { forgetCopies(function () { return true; }); }
  });
  // The login page after a session ended mid-form: say the typing is not lost.
  var next = new URLSearchParams(window.location.search).get("next");
  var login = document.querySelector("form[data-login]");
  if (next && login) {
    var kept = false;
    forgetCopies(function (k) { if (k.slice(-(next.length + 1)) === ":" + next) { kept = true; } return false; });
    if (kept) {
      var notice = document.createElement("div");
      notice.className = "alert alert-info";
      notice.setAttribute("role", "status");
      notice.textContent = "Sesi Anda berakhir. Isian yang belum tersimpan masih ada di perangkat ini dan akan dipulihkan setelah Anda masuk.";
      login.parentNode.insertBefore(notice, login);
    }
  }

  // A file input with data-max-bytes: size and type are checked here, before a
  // village connection spends minutes sending a file the server would refuse.
  // The server still checks both.
  var fileProblem = function (input, file) {
    var limit = parseInt(input.dataset.maxBytes, 10);
    if (limit && file.size > limit) {
      return file.name + " terlalu besar (" + (file.size / 1048576).toFixed(1).replace(".", ",") +
        " MB); paling besar " + Math.round(limit / 1048576) + " MB. Perkecil atau pindai ulang dengan resolusi lebih rendah.";
    }
    var accept = (input.getAttribute("accept") || "").split(",").map(function (t) { return t.trim(); }).filter(Boolean);
    if (accept.length && !accept.some(function (t) {
      return t === file.type || (t.slice(-2) === "/*" && file.type.indexOf(t.slice(0, -1)) === 0);
    })) {
      return file.name + " bukan PDF, JPG atau PNG. Mengganti nama berkas tidak mengubah isinya.";
    }
    return "";
  };
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || input.type !== "file" || !input.dataset.maxBytes) { return; }
    var holder = input.closest("form") || input.parentNode;
    var old = holder.querySelector("[data-file-problem]");
    if (old) { old.remove(); }
    var problems = Array.prototype.map.call(input.files, function (f) { return fileProblem(input, f); }).filter(Boolean);
    if (!problems.length) { return; }
    input.value = "";
    var note = document.createElement("div");
    note.className = "alert alert-danger py-1 px-2 small mb-0 mt-1 w-100";
    note.setAttribute("role", "alert");
    note.setAttribute("data-file-problem", "");
    note.textContent = problems.join(" ");
    holder.appendChild(note);
    note.scrollIntoView({ block: "nearest" });
  });

  // The verifier's "Lihat" links ([data-viewer-link]): on a wide screen the document
  // opens in the viewer panel kept beside the checklist; on a phone (no room for
  // both) the link keeps its new tab, so the checklist stays where it was.
  var frame = document.querySelector("iframe[name=viewer]");
  if (frame && window.matchMedia && window.matchMedia("(min-width: 992px)").matches) {
    document.querySelectorAll("a[data-viewer-link]").forEach(function (link) {
      link.setAttribute("target", "viewer");
    });
  }
}());
