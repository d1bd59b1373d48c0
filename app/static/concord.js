// Comforts on top of pages that work without JavaScript: live preview, confirmations, shortcuts.
(function () {
  "use strict";
  function csrfToken(form) {
    var input = form && form.querySelector("input[name=csrf_token]");
    return input ? input.value : "";
  }

  // A form bigger than the server accepts would be answered 413 and the typed text lost with the
  // page: say so here instead, before anything is sent, and keep the text where it is.
  var limit = Number((document.querySelector("meta[name=max-request-bytes]") || {}).content || 0);
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!limit || (form.method || "").toLowerCase() !== "post" || form.enctype === "multipart/form-data") return;
    var size = new URLSearchParams(new FormData(form, event.submitter)).toString().length;
    if (size <= limit) return;
    event.preventDefault();
    event.stopPropagation();  // no confirmation dialog for something that cannot be sent
    var note = form.querySelector(".too-large-note");
    if (!note) {
      note = document.createElement("p");
      note.className = "callout callout-danger too-large-note";
      note.setAttribute("role", "alert");
      form.insertBefore(note, form.firstChild);
    }
    note.textContent = "Not sent: this form holds " + Math.ceil(size / 1024) + " KB, and at most " +
      Math.floor(limit / 1024) + " KB can be sent at once. Everything you typed is still here; shorten it and try again.";
    note.scrollIntoView({ block: "center" });
  }, true);

  document.querySelectorAll(".editor").forEach(function (editor) {
    var textarea = editor.querySelector("textarea");
    var preview = editor.querySelector(".preview");
    var target = editor.querySelector(".preview-body");
    if (!textarea || !preview || !target) return;
    var form = editor.closest("form");
    var timer = null;
    function refresh() {
      var body = new URLSearchParams({ body: textarea.value, csrf_token: csrfToken(form) });
      fetch(editor.dataset.previewUrl, { method: "POST", body: body, credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(form) } })
        // 422: the text is too complex to render in time; the answer says so in the preview.
        .then(function (r) { return r.ok || r.status === 422 ? r.text() : Promise.reject(r.status); })
        .then(function (html) { target.innerHTML = html; preview.hidden = false; })
        .catch(function () { /* the preview is a comfort; the form still works */ });
    }
    textarea.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(refresh, 300); });
    refresh();
  });

  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
  document.querySelectorAll("form[data-confirm-object]").forEach(function (form) {
    // An objection must say why: the browser asks for the comment before any confirmation, the
    // server still refuses one without it.
    var comment = form.querySelector("textarea[name=comment]");
    function requireCommentForObjection() {
      var choice = form.querySelector("input[name=decision]:checked");
      if (comment) comment.required = !!(choice && choice.value === "object");
    }
    form.querySelectorAll("input[name=decision]").forEach(function (option) {
      option.addEventListener("change", requireCommentForObjection);
    });
    requireCommentForObjection();
    form.addEventListener("submit", function (event) {
      var choice = form.querySelector("input[name=decision]:checked");
      if (choice && choice.value === "object" && comment && !comment.value.trim()) {
        event.preventDefault();
        comment.setCustomValidity("An objection needs a comment saying why.");
        comment.reportValidity();
        comment.addEventListener("input", function () { comment.setCustomValidity(""); }, { once: true });
        return;
      }
      if (choice && choice.value === "object" && !window.confirm("Record an objection? It stands until your partner approves a later text.")) {
        event.preventDefault();
      }
    });
  });

  // The position picker: matches as you type, fetched from the same page with ?q= (the form
  // works without this through its Find button). Ticked positions stay ticked and in the list.
  document.querySelectorAll("[data-picker]").forEach(function (picker) {
    var search = picker.querySelector("input[type=search]");
    var results = picker.querySelector("#position-results");
    if (!search || !results) return;
    var timer = null;
    var asked = 0;
    function refresh() {
      var ask = ++asked;
      var url = window.location.pathname + "?q=" + encodeURIComponent(search.value);
      fetch(url, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (html) {
          if (ask !== asked) return;  // a later keystroke's answer wins
          var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("position-results");
          if (!fresh) return;
          var kept = {};
          var ticked = Array.prototype.filter.call(results.querySelectorAll("label.choice"), function (label) {
            var box = label.querySelector("input");
            if (box.checked) kept[box.value] = true;
            return box.checked;
          });
          results.textContent = "";
          ticked.forEach(function (label) { results.appendChild(label); });
          Array.prototype.forEach.call(fresh.children, function (node) {
            var box = node.querySelector && node.querySelector("input");
            if (box && kept[box.value]) return;
            if (!box && ticked.length) return;  // "no match" says nothing while some are ticked
            results.appendChild(document.importNode(node, true));
          });
        })
        .catch(function () { /* suggestions are a comfort; the Find button still works */ });
    }
    search.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(refresh, 250); });
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); clearTimeout(timer); refresh(); }
    });
  });

  // The log filter's position menu: narrowed to matching titles as you type, from the same page
  // with ?position_q= (without the script, Filter does the same). The chosen position stays.
  document.querySelectorAll("[data-select-picker]").forEach(function (picker) {
    var search = picker.querySelector("input[type=search]");
    var menu = picker.querySelector("select");
    if (!search || !menu) return;
    var timer = null;
    var asked = 0;
    function refresh() {
      var ask = ++asked;
      var url = window.location.pathname + "?position_q=" + encodeURIComponent(search.value);
      fetch(url, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (html) {
          if (ask !== asked) return;
          var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(menu.id);
          if (!fresh) return;
          var chosen = menu.value;
          var chosenOption = menu.selectedOptions[0];
          menu.textContent = "";
          Array.prototype.forEach.call(fresh.options, function (option) {
            if (option.value !== chosen) menu.appendChild(document.importNode(option, true));
          });
          if (chosen && chosenOption) menu.insertBefore(chosenOption, menu.options[1] || null);
          menu.value = chosen;
        })
        .catch(function () { /* the Filter button still narrows the menu */ });
    }
    search.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(refresh, 250); });
  });

  document.addEventListener("keydown", function (event) {
    var tag = (event.target.tagName || "").toLowerCase();
    if (event.ctrlKey || event.metaKey || event.altKey || tag === "input" || tag === "textarea" || tag === "select") return;
    var target = document.querySelector("[data-shortcut='" + event.key + "']");
    if (!target) return;
    event.preventDefault();
    target.click();
    if (target.tagName === "INPUT") { target.focus(); target.scrollIntoView({ block: "center" }); }
  });

  // Discussion: select words within one paragraph, and "Comment on this passage" opens that
  // paragraph's form for them. Without JavaScript (or from the keyboard) the same form comments
  // on the whole paragraph; the server finds the passage in the text by its words and context.
  var discussed = document.querySelector("[data-discussion][data-may-comment=yes]");
  if (discussed) {
    var passageButton = document.createElement("button");
    passageButton.type = "button";
    passageButton.className = "button primary passage-button";
    passageButton.textContent = "Comment on this passage";
    passageButton.hidden = true;
    var chosen = null;
    var CONTEXT = 32;  // characters of context either side, as the server keeps them
    var paraOf = function (node) {
      var element = node && (node.nodeType === 1 ? node : node.parentElement);
      return element ? element.closest("[data-discussion] .para") : null;
    };
    var selected = function () {
      var selection = window.getSelection();
      if (!selection || selection.isCollapsed || !selection.rangeCount) return null;
      var range = selection.getRangeAt(0);
      var para = paraOf(range.startContainer);
      if (!para || para !== paraOf(range.endContainer)) return null;
      var quote = selection.toString();
      if (!quote.trim()) return null;
      var before = document.createRange();
      before.selectNodeContents(para);
      before.setEnd(range.startContainer, range.startOffset);
      var after = document.createRange();
      after.selectNodeContents(para);
      after.setStart(range.endContainer, range.endOffset);
      return { para: para, quote: quote, prefix: before.toString().slice(-CONTEXT), suffix: after.toString().slice(0, CONTEXT) };
    };
    var offer = function () {
      chosen = selected();
      var margin = chosen && chosen.para.parentElement.querySelector(".para-margin");
      if (!margin) { passageButton.hidden = true; return; }
      margin.insertBefore(passageButton, margin.firstChild);
      passageButton.hidden = false;
    };
    discussed.addEventListener("mouseup", function () { setTimeout(offer, 0); });
    discussed.addEventListener("keyup", function (event) { if (event.shiftKey || event.key === "Shift") offer(); });
    passageButton.addEventListener("mousedown", function (event) { event.preventDefault(); });  // keep the selection
    passageButton.addEventListener("click", function () {
      if (!chosen) return;
      var details = chosen.para.parentElement.querySelector("details.para-comment");
      var form = details && details.querySelector("form");
      if (!form) return;
      var paragraph = form.querySelector("input[name=paragraph]");
      if (paragraph) paragraph.disabled = true;  // the passage, not the whole paragraph
      ["quote", "prefix", "suffix"].forEach(function (name) {
        var input = form.querySelector("input[name=" + name + "]");
        if (!input) {
          input = document.createElement("input");
          input.type = "hidden";
          input.name = name;
          form.appendChild(input);
        }
        input.value = chosen[name];
      });
      var shown = form.querySelector(".passage-quote");
      if (!shown) {
        shown = document.createElement("blockquote");
        shown.className = "thread-quote passage-quote";
        form.insertBefore(shown, form.firstChild);
      }
      shown.textContent = chosen.quote;
      details.querySelector("summary").textContent = "Comment on the selected passage";
      details.open = true;
      passageButton.hidden = true;
      form.querySelector("textarea").focus();
    });
  }

  // A refused form: put the cursor in the first field that needs attention (its error is read out
  // with it, through aria-describedby). Without JavaScript the error still shows by the field.
  var invalid = document.querySelector("main [aria-invalid=true]");
  if (invalid) invalid.focus();
})();
