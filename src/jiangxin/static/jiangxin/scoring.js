/*
 * Score sheet helper (progressive enhancement; no inline code, CSP script-src 'self').
 *
 * As a score is typed, the rubric row whose band holds it is highlighted and the line under
 * the input says which band that is (or that the score is outside the range, or that a top
 * or bottom score needs a comment). The words come from data attributes on the form, in the
 * page's language. The server checks everything again on submission.
 */
(function () {
  "use strict";

  function fill(template, values) {
    return Object.keys(values).reduce(function (text, key) {
      return text.split("{" + key + "}").join(String(values[key]));
    }, template || "");
  }

  function update(input) {
    var form = input.form;
    var out = document.querySelector('[data-band-for="' + input.id + '"]');
    var table = document.querySelector('[data-rubric-for="' + input.id + '"]');
    if (!form || !out) {
      return;
    }
    var raw = input.value.trim();
    var value = raw === "" ? NaN : Number(raw);
    var min = Number(input.dataset.scoreMin);
    var max = Number(input.dataset.scoreMax);
    var found = null;
    if (table) {
      Array.prototype.forEach.call(table.querySelectorAll("tbody tr[data-from]"), function (row) {
        var hit = Number.isInteger(value) && value >= Number(row.dataset.from) && value <= Number(row.dataset.to);
        row.classList.toggle("table-active", hit);
        if (hit) {
          found = row;
        }
      });
    }
    var parts = [];
    if (raw !== "" && !(Number.isInteger(value) && value >= min && value <= max)) {
      parts.push(fill(form.dataset.outOfRange, { min: min, max: max }));
    } else if (found) {
      parts.push(fill(form.dataset.bandText, { label: found.dataset.label, from: found.dataset.from, to: found.dataset.to }));
      if (value === min || value === max) {
        parts.push(form.dataset.commentNeeded || "");
      }
    }
    out.textContent = parts.join(" ");
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form.score-sheet input.score-input"), function (input) {
      input.addEventListener("input", function () { update(input); });
    });
  });
})();
