/*
 * The portal's rich-text editor: Squire (squire-rte, contenteditable) over the form's
 * <textarea data-rich-text>, with the toolbar the page renders (translated, hidden until this
 * file shows it). Without JavaScript the textarea takes the HTML as it is.
 *
 * The server sanitises every save (nh3); the allow-list below only keeps pasted content tidy
 * while editing, in the same shape (no styles, no scripts, no foreign elements). Pasted HTML
 * is parsed in an inert DOMParser document, so nothing in it runs or loads.
 */
(function () {
  "use strict";

  var ALLOWED = {
    P: [], BR: [], H2: [], H3: [], H4: [], STRONG: [], B: [], EM: [], I: [], U: [], S: [],
    SUB: [], SUP: [], BLOCKQUOTE: [], UL: [], OL: ["start"], LI: [], A: ["href", "title"],
    HR: [], TABLE: [], CAPTION: [], THEAD: [], TBODY: [], TFOOT: [], TR: [],
    TH: ["scope", "colspan", "rowspan"], TD: ["colspan", "rowspan"]
  };
  var DROP = /^(SCRIPT|STYLE|TEMPLATE|IFRAME|OBJECT|EMBED|NOSCRIPT|SVG|MATH|HEAD|TITLE|META|LINK|FORM|INPUT|BUTTON|SELECT|TEXTAREA|IMG|VIDEO|AUDIO|CANVAS)$/i;
  var SAFE_URL = /^(https?:|mailto:|\/|#)/i;

  function safeUrl(value) {
    var url = (value || "").trim();
    return SAFE_URL.test(url) ? url : "";
  }

  function cleanInto(source, target) {
    Array.prototype.forEach.call(source.childNodes, function (node) {
      if (node.nodeType === Node.TEXT_NODE) {
        target.appendChild(document.createTextNode(node.nodeValue));
        return;
      }
      if (node.nodeType !== Node.ELEMENT_NODE || DROP.test(node.nodeName)) {
        return;
      }
      var name = node.nodeName.toUpperCase();
      if (name === "H1") {
        name = "H2";
      } else if (name === "H5" || name === "H6") {
        name = "H4";
      } else if (name === "DIV") {
        name = "P";
      }
      if (!Object.prototype.hasOwnProperty.call(ALLOWED, name)) {
        cleanInto(node, target); // unknown element: keep its text, drop the tag
        return;
      }
      var element = document.createElement(name);
      ALLOWED[name].forEach(function (attr) {
        var value = node.getAttribute(attr);
        if (value === null) {
          return;
        }
        if (attr === "href") {
          value = safeUrl(value);
          if (!value) {
            return;
          }
        }
        element.setAttribute(attr, value);
      });
      cleanInto(node, element);
      target.appendChild(element);
    });
  }

  function sanitizeToDOMFragment(html) {
    var parsed = new DOMParser().parseFromString(html, "text/html");
    var fragment = document.createDocumentFragment();
    cleanInto(parsed.body, fragment);
    return fragment;
  }

  function setBlockTag(editor, tag) {
    editor.modifyBlocks(function (fragment) {
      var out = document.createDocumentFragment();
      Array.prototype.slice.call(fragment.childNodes).forEach(function (node) {
        if (node.nodeType === Node.ELEMENT_NODE && /^(P|DIV|H2|H3|H4)$/.test(node.nodeName)) {
          var block = document.createElement(tag);
          while (node.firstChild) {
            block.appendChild(node.firstChild);
          }
          out.appendChild(block);
        } else {
          out.appendChild(node);
        }
      });
      return out;
    });
  }

  function commands(editor, toolbar) {
    return {
      bold: function () { editor.hasFormat("B") || editor.hasFormat("STRONG") ? editor.removeBold() : editor.bold(); },
      italic: function () { editor.hasFormat("I") || editor.hasFormat("EM") ? editor.removeItalic() : editor.italic(); },
      h2: function () { setBlockTag(editor, editor.hasFormat("H2") ? "P" : "H2"); },
      h3: function () { setBlockTag(editor, editor.hasFormat("H3") ? "P" : "H3"); },
      ul: function () { editor.hasFormat("UL") ? editor.removeList() : editor.makeUnorderedList(); },
      ol: function () { editor.hasFormat("OL") ? editor.removeList() : editor.makeOrderedList(); },
      quote: function () { editor.hasFormat("BLOCKQUOTE") ? editor.decreaseQuoteLevel() : editor.increaseQuoteLevel(); },
      link: function () {
        if (editor.hasFormat("A")) {
          editor.removeLink();
          return;
        }
        var url = safeUrl(window.prompt(toolbar.dataset.linkPrompt || "URL", "https://"));
        if (url && url !== "https://") {
          editor.makeLink(url);
        }
      },
      clear: function () { editor.removeAllFormatting(); },
      undo: function () { editor.undo(); },
      redo: function () { editor.redo(); }
    };
  }

  var PRESSED = { bold: /(^|>)(B|STRONG)\b/, italic: /(^|>)(I|EM)\b/, h2: /(^|>)H2\b/, h3: /(^|>)H3\b/, ul: /(^|>)UL\b/, ol: /(^|>)OL\b/, quote: /(^|>)BLOCKQUOTE\b/, link: /(^|>)A\b/ };

  function setUp(textarea, toolbarTemplate) {
    if (typeof window.Squire !== "function" || typeof DOMParser !== "function") {
      return;
    }
    var label = document.querySelector('label[for="' + CSS.escape(textarea.id) + '"]');
    var surface = document.createElement("div");
    surface.className = "rte-editor form-control";
    surface.id = textarea.id + "_editor";
    surface.setAttribute("role", "textbox");
    surface.setAttribute("aria-multiline", "true");
    if (label) {
      label.id = label.id || textarea.id + "_label";
      surface.setAttribute("aria-labelledby", label.id);
      label.addEventListener("click", function () { editor.focus(); });
    }
    ["aria-describedby", "aria-invalid"].forEach(function (attr) {
      if (textarea.hasAttribute(attr)) {
        surface.setAttribute(attr, textarea.getAttribute(attr));
      }
    });
    if (textarea.classList.contains("is-invalid")) {
      surface.classList.add("is-invalid");
    }
    var toolbar = toolbarTemplate;
    toolbar.setAttribute("aria-controls", surface.id);
    textarea.parentNode.insertBefore(toolbar, textarea);
    textarea.parentNode.insertBefore(surface, textarea);
    textarea.hidden = true;
    toolbar.hidden = false;

    var editor = new window.Squire(surface, {
      blockTag: "P",
      sanitizeToDOMFragment: sanitizeToDOMFragment
    });
    editor.setHTML(textarea.value);
    var run = commands(editor, toolbar);
    var sync = function () { textarea.value = editor.getHTML(); };
    editor.addEventListener("input", sync);
    textarea.form.addEventListener("submit", sync);
    editor.addEventListener("pathChange", function (event) {
      var path = (event.detail && event.detail.path) || "";
      toolbar.querySelectorAll("[data-command]").forEach(function (button) {
        var pattern = PRESSED[button.dataset.command];
        if (pattern) {
          button.setAttribute("aria-pressed", pattern.test(path) ? "true" : "false");
        }
      });
    });
    toolbar.addEventListener("click", function (event) {
      var button = event.target.closest("[data-command]");
      if (!button || !run[button.dataset.command]) {
        return;
      }
      event.preventDefault();
      run[button.dataset.command]();
      editor.focus();
      sync();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var toolbar = document.getElementById("rte-toolbar");
    var textarea = document.querySelector("textarea[data-rich-text]");
    if (toolbar && textarea) {
      setUp(textarea, toolbar);
    }
  });
})();
