/*
 * Nomination form helpers (progressive enhancement; no inline code, CSP script-src 'self').
 *
 *  1. Live character counters under text areas with data-char-limit (white space not counted,
 *     as 字数 is counted on Chinese forms).
 *  2. A copy of the text typed in a form[data-draft-key] is kept in this tab's sessionStorage.
 *     If the server never got it (the session expired, the network failed), it is offered back
 *     when the page is opened again. ID and phone numbers, passwords and files are never kept.
 *     The copy is dropped once the server has saved a newer version (data-saved-at).
 */
(function () {
  "use strict";

  function msg(name, fallback) {
    var value = document.body && document.body.dataset ? document.body.dataset["msg" + name] : null;
    return value || fallback;
  }

  function count(text) {
    return text.replace(/\s+/g, "").length;
  }

  function setUpCounter(area) {
    var limit = parseInt(area.dataset.charLimit, 10);
    if (!limit) {
      return;
    }
    var out = document.createElement("div");
    out.className = "char-count";
    out.setAttribute("aria-live", "polite");
    out.id = area.id + "_count";
    area.insertAdjacentElement("afterend", out);
    var described = area.getAttribute("aria-describedby");
    area.setAttribute("aria-describedby", (described ? described + " " : "") + out.id);
    function update() {
      var n = count(area.value);
      var template = msg("CharCount", "{n} / {max}");
      out.textContent = template.replace("{n}", String(n)).replace("{max}", String(limit));
      out.classList.toggle("over", n > limit);
    }
    area.addEventListener("input", update);
    update();
  }

  var SKIP = /(^|_)(id_number|phone|password|csrfmiddlewaretoken)$/;

  function backupKey(form) {
    return "jx-draft:" + form.dataset.draftKey;
  }

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && !SKIP.test(el.name) && !el.disabled &&
        ["hidden", "file", "password", "submit", "button"].indexOf(el.type) === -1;
    });
  }

  function snapshot(form) {
    var data = {};
    fields(form).forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) {
          data[el.name] = el.value;
        }
      } else {
        data[el.name] = el.value;
      }
    });
    return data;
  }

  function save(form) {
    try {
      window.sessionStorage.setItem(backupKey(form), JSON.stringify({
        base: form.dataset.savedAt || "",
        data: snapshot(form)
      }));
    } catch (e) { /* storage full or disabled: the server copy is all there is */ }
  }

  function offerRestore(form) {
    var raw;
    try {
      raw = window.sessionStorage.getItem(backupKey(form));
    } catch (e) {
      return;
    }
    if (!raw) {
      return;
    }
    var backup = JSON.parse(raw);
    // The server saved this form after the copy was taken: the copy is not needed.
    if (backup.base !== (form.dataset.savedAt || "")) {
      window.sessionStorage.removeItem(backupKey(form));
      return;
    }
    var current = snapshot(form);
    var differs = Object.keys(backup.data).some(function (name) {
      return backup.data[name] !== current[name];
    });
    if (!differs) {
      return;
    }
    var notice = document.createElement("div");
    notice.className = "alert alert-info restore-notice";
    notice.setAttribute("role", "status");
    var text = document.createElement("p");
    text.className = "mb-2";
    text.textContent = msg("RestoreOffer", "Text you typed earlier on this page was not saved. Restore it?");
    var restore = document.createElement("button");
    restore.type = "button";
    restore.className = "btn btn-sm btn-primary me-2";
    restore.textContent = msg("RestoreYes", "Restore my text");
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "btn btn-sm btn-outline-secondary";
    discard.textContent = msg("RestoreNo", "Discard it");
    notice.appendChild(text);
    notice.appendChild(restore);
    notice.appendChild(discard);
    form.insertAdjacentElement("beforebegin", notice);
    restore.addEventListener("click", function () {
      fields(form).forEach(function (el) {
        if (!(el.name in backup.data)) {
          if (el.type === "checkbox") {
            el.checked = false;
          }
          return;
        }
        if (el.type === "checkbox" || el.type === "radio") {
          el.checked = backup.data[el.name] === el.value;
        } else {
          el.value = backup.data[el.name];
        }
        el.dispatchEvent(new Event("input", { bubbles: true }));
      });
      notice.remove();
      form.querySelector("textarea, input, select").focus();
    });
    discard.addEventListener("click", function () {
      window.sessionStorage.removeItem(backupKey(form));
      notice.remove();
    });
  }

  function setUpBackup(form) {
    offerRestore(form);
    var timer = null;
    form.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { save(form); }, 500);
    });
    form.addEventListener("change", function () { save(form); });
    form.addEventListener("submit", function () { save(form); });
  }

  // An autosave answered: remember which server version the copy is based on.
  document.addEventListener("htmx:afterSwap", function (event) {
    var stamp = event.detail.target && event.detail.target.querySelector("[data-saved-at]");
    var form = event.detail.elt && event.detail.elt.closest ? event.detail.elt.closest("form[data-draft-key]") : null;
    if (stamp && form) {
      form.dataset.savedAt = stamp.dataset.savedAt;
      save(form);
    }
  });

  // An autosave that lands on the sign-in page means the session ended: keep the copy and say so.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (xhr && xhr.responseURL && xhr.responseURL.indexOf("/accounts/login/") !== -1) {
      event.detail.shouldSwap = false;
      var status = document.getElementById("autosave-status");
      if (status) {
        status.textContent = msg("SessionEnded", "You were signed out. Your text is kept in this browser tab; sign in again in a new tab, then save.");
      }
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("textarea[data-char-limit]"), setUpCounter);
    Array.prototype.forEach.call(document.querySelectorAll("form[data-draft-key]"), setUpBackup);
  });
})();
