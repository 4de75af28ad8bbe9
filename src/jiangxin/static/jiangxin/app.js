/*
 * Jiangxin (匠心) page behaviour. Plain ES2017, no inline handlers (CSP script-src 'self').
 * Every feature is progressive enhancement: pages work without this file.
 *
 * Translated strings come from data-msg-* attributes on <body> (there is no gettext in JS).
 *
 *  1. Error summary: focused on load; its links move focus to the field.
 *  2. htmx: CSRF header, busy state and progress bar, focus/announcement after #results is
 *     swapped, a translated alert when a request fails.
 *  3. data-confirm="…" on a form, button or link asks before going on.
 *  4. A POST form's submit buttons are disabled after the first submit (double submission).
 *  5. data-auto-submit filter forms re-run when one of their selects changes.
 */
(function () {
  "use strict";

  var SLOW_REQUEST_MS = 400;
  var RESUBMIT_SAFETY_MS = 30000;

  function msg(name, fallback) {
    var body = document.body;
    var value = body && body.dataset ? body.dataset["msg" + name] : null;
    return value || fallback || "";
  }

  function announce(text) {
    var live = document.getElementById("jx-live");
    if (!live || !text) {
      return;
    }
    // Clear first so the same text is announced again.
    live.textContent = "";
    window.setTimeout(function () {
      live.textContent = text;
    }, 50);
  }

  function isFocusable(el) {
    return el && typeof el.focus === "function" && (el.tabIndex >= 0 || el.matches("a[href], button, input, select, textarea"));
  }

  /* ------------------------------------------------------------------ 1. error summary */

  function labelFor(field) {
    if (!field.id) {
      return null;
    }
    var fieldset = field.closest("fieldset");
    if (fieldset && fieldset.querySelector("legend") && field.type && (field.type === "radio" || field.type === "checkbox") && fieldset.querySelectorAll("input").length > 1) {
      return fieldset.querySelector("legend");
    }
    return document.querySelector('label[for="' + CSS.escape(field.id) + '"]');
  }

  function focusField(id) {
    var target = document.getElementById(id);
    if (!target) {
      return false;
    }
    if (!isFocusable(target) || target.disabled) {
      target = target.querySelector("input:not([type=hidden]), select, textarea, button, [tabindex]") || target;
    }
    var label = labelFor(target);
    // Scroll the label (or legend) into view too, so the question is visible with the input.
    if (label) {
      label.scrollIntoView({ block: "start" });
    }
    target.focus({ preventScroll: Boolean(label) });
    return document.activeElement === target;
  }

  function setUpErrorSummary(root) {
    var summary = (root || document).querySelector("[data-error-summary]");
    if (!summary) {
      return;
    }
    if (!summary.hasAttribute("tabindex")) {
      summary.setAttribute("tabindex", "-1");
    }
    summary.focus();
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-error-summary] a[href^='#']");
    if (!link) {
      return;
    }
    var id = decodeURIComponent(link.getAttribute("href").slice(1));
    if (id && focusField(id)) {
      event.preventDefault();
    }
  });

  /* ------------------------------------------------------------------ 2. htmx */

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function showAlert(text) {
    var container = document.getElementById("messages") || document.getElementById("main");
    if (!container || !text) {
      return;
    }
    var alert = document.createElement("div");
    alert.className = "alert alert-danger alert-dismissible d-flex gap-2 align-items-start jx-request-error";
    alert.setAttribute("role", "alert");
    var icon = document.createElement("i");
    icon.className = "bi bi-exclamation-octagon-fill";
    icon.setAttribute("aria-hidden", "true");
    var body = document.createElement("div");
    var prefix = document.createElement("span");
    prefix.className = "visually-hidden";
    prefix.textContent = msg("ErrorPrefix", "Error:") + " ";
    body.appendChild(prefix);
    body.appendChild(document.createTextNode(text));
    var close = document.createElement("button");
    close.type = "button";
    close.className = "btn-close";
    close.setAttribute("data-bs-dismiss", "alert");
    close.setAttribute("aria-label", msg("Close", "Close"));
    alert.appendChild(icon);
    alert.appendChild(body);
    alert.appendChild(close);
    // One failure message at a time: replace the previous one.
    Array.prototype.forEach.call(container.querySelectorAll(".jx-request-error"), function (old) {
      old.remove();
    });
    container.insertBefore(alert, container.firstChild);
    if (!container.closest("#main") && container.id !== "main") {
      alert.scrollIntoView({ block: "nearest" });
    }
  }

  function errorMessageFor(xhr) {
    var status = xhr ? xhr.status : 0;
    if (!status) {
      return msg("NetworkError", "The server could not be reached.");
    }
    if (status === 401 || status === 403) {
      return msg("Forbidden", "You may have been signed out. Reload the page.");
    }
    if (status === 404) {
      return msg("NotFound", "The page no longer exists.");
    }
    return msg("ServerError", "Something went wrong on the server.");
  }

  var busyTimer = null;
  var activeRequests = 0;

  function requestStarted() {
    activeRequests += 1;
    if (busyTimer === null) {
      busyTimer = window.setTimeout(function () {
        document.body.classList.add("jx-busy");
      }, SLOW_REQUEST_MS);
    }
  }

  function requestEnded() {
    activeRequests = Math.max(0, activeRequests - 1);
    if (activeRequests === 0) {
      window.clearTimeout(busyTimer);
      busyTimer = null;
      document.body.classList.remove("jx-busy");
    }
  }

  function requestTarget(event) {
    return (event.detail && event.detail.target) || event.target;
  }

  document.addEventListener("htmx:configRequest", function (event) {
    // htmx inherits hx-headers from <body>; the meta tag is the fallback (e.g. a fragment
    // loaded into another document, or a body rendered without the attribute).
    var headers = event.detail.headers;
    var verb = (event.detail.verb || "get").toLowerCase();
    if (verb !== "get" && !headers["X-CSRFToken"]) {
      var token = csrfToken();
      if (token) {
        headers["X-CSRFToken"] = token;
      }
    }
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var target = requestTarget(event);
    if (target && target.setAttribute) {
      target.setAttribute("aria-busy", "true");
    }
    requestStarted();
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var target = requestTarget(event);
    if (target && target.removeAttribute) {
      target.removeAttribute("aria-busy");
    }
    requestEnded();
    var detail = event.detail || {};
    if (detail.successful) {
      Array.prototype.forEach.call(document.querySelectorAll(".jx-request-error"), function (old) {
        old.remove();
      });
    }
  });

  document.addEventListener("htmx:responseError", function (event) {
    showAlert(errorMessageFor(event.detail.xhr));
  });

  document.addEventListener("htmx:sendError", function () {
    showAlert(msg("NetworkError", "The server could not be reached."));
  });

  document.addEventListener("htmx:timeout", function () {
    showAlert(msg("Timeout", "The server took too long to answer."));
  });

  // Remember what had focus, so we can tell whether the swap took it away.
  var focusBeforeSwap = null;
  document.addEventListener("htmx:beforeSwap", function () {
    focusBeforeSwap = document.activeElement;
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    // Fired on each settled element: with hx-swap="outerHTML" that is the new element itself.
    var region = event.target;
    if (!region || !region.querySelector) {
      return;
    }
    var results = document.getElementById("results");
    var swappedResults = Boolean(results) && region === results;
    if (region.querySelector("[data-error-summary]")) {
      setUpErrorSummary(region);
      return;
    }
    if (!swappedResults) {
      return;
    }
    var summary = results.querySelector("[data-results-summary]");
    announce(summary ? summary.textContent.trim() : msg("ResultsUpdated", "Results updated."));
    // If the element that had focus was replaced, focus would fall back to <body>: move it to
    // the results' heading (or the region itself) instead, so keyboard users keep their place.
    var lost = !focusBeforeSwap || !document.contains(focusBeforeSwap) || document.activeElement === document.body;
    if (lost) {
      var heading = results.querySelector("[data-results-heading], h2, h3, caption") || results;
      if (!heading.hasAttribute("tabindex")) {
        heading.setAttribute("tabindex", "-1");
      }
      heading.focus();
    }
    focusBeforeSwap = null;
  });

  /* ------------------------------------------------------------------ 3. confirm */

  function confirmMessage(el) {
    var text = el.getAttribute("data-confirm");
    return text || msg("Confirm", "Are you sure?");
  }

  // Capture phase on the document: runs before htmx's own listeners on the form or button.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var asker = submitter && submitter.hasAttribute("data-confirm") ? submitter : form.hasAttribute("data-confirm") ? form : null;
    if (!asker) {
      return;
    }
    if (!window.confirm(confirmMessage(asker))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("click", function (event) {
    // Links and stand-alone (non-submit) buttons; submit buttons are asked on submit above.
    var el = event.target.closest("a[data-confirm], button[data-confirm]:not([type=submit]), [hx-post][data-confirm], [hx-delete][data-confirm]");
    // Forms (even htmx ones with hx-post) are asked once, on submit, above.
    if (!el || el.tagName === "FORM" || (el.tagName === "BUTTON" && el.form && el.type === "submit")) {
      return;
    }
    if (!window.confirm(confirmMessage(el))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  /* ------------------------------------------------------------------ 4. double submission */

  function submitButtons(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return (el.tagName === "BUTTON" && el.type === "submit") || (el.tagName === "INPUT" && (el.type === "submit" || el.type === "image"));
    });
  }

  function releaseForm(form) {
    delete form.dataset.jxSubmitted;
    form.removeAttribute("aria-busy");
    submitButtons(form).forEach(function (button) {
      if (button.dataset.jxDisabled) {
        button.disabled = false;
        delete button.dataset.jxDisabled;
      }
    });
  }

  // Bubble phase: by now confirm() has had its say and htmx has taken over its own forms.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form || (form.method || "").toLowerCase() !== "post" || form.hasAttribute("data-allow-resubmit")) {
      return;
    }
    if (form.dataset.jxSubmitted) {
      event.preventDefault();
      return;
    }
    form.dataset.jxSubmitted = "1";
    form.setAttribute("aria-busy", "true");
    // Disable after the browser has built the form data, or the clicked button's
    // name=value would be left out of the submission.
    window.setTimeout(function () {
      submitButtons(form).forEach(function (button) {
        if (!button.disabled) {
          button.disabled = true;
          button.dataset.jxDisabled = "1";
        }
      });
    }, 0);
    // A response that does not leave the page (a download) must not lock the form for good.
    window.setTimeout(function () {
      releaseForm(form);
    }, RESUBMIT_SAFETY_MS);
  });

  // Back/forward cache: a page restored after a submit must be usable again.
  window.addEventListener("pageshow", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-jx-submitted]"), releaseForm);
  });

  /* ------------------------------------------------------------------ 5. auto-submit filters */

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (!el || el.tagName !== "SELECT") {
      return;
    }
    var form = el.form;
    if (!form || !form.hasAttribute("data-auto-submit")) {
      return;
    }
    if (typeof form.requestSubmit === "function") {
      form.requestSubmit();
    }
  });

  /* ------------------------------------------------------------------ start */

  function start() {
    setUpErrorSummary(document);
    // Scrolling to a URL fragment after parsing can move focus back to the page: if it did,
    // and the user has not moved it since, give it back to the error summary.
    window.addEventListener("load", function () {
      if (document.activeElement === document.body || document.activeElement === null) {
        setUpErrorSummary(document);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
