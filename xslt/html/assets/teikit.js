/*
 * teikit reading edition: one panel, opened in place, for an entity or a paragraph's citation.
 *
 * Without this script every mention is a link to its register entry in the index, every ¶ number
 * a link to its paragraph, and the layer switches still work (CSS). With it, a click, a tap or
 * Enter on a mention opens a panel beside the words (a bottom sheet on a phone) with the entry, its
 * authority links and its other mentions; on a ¶ number, the paragraph's citation in each style with
 * the files and a copy button. Escape or the close button dismisses the panel and gives the focus
 * back. The panel's links exist only while it is open, so each mention is one Tab stop. The script
 * loads nothing and sends nothing; it remembers the layer switches in localStorage.
 */
(function () {
  "use strict";
  var panel = null;
  var opener = null;

  function close(restore) {
    if (!panel) { return; }
    panel.remove();
    panel = null;
    if (opener) { opener.setAttribute("aria-expanded", "false"); }
    if (restore && opener) { opener.focus(); }
    opener = null;
  }

  function place(box, anchor) {
    var host = anchor.closest(".passage, .run-in, li, section") || document.body;
    host.style.position = host.style.position || "";
    document.body.appendChild(box);
    var rect = anchor.getBoundingClientRect();
    var left = Math.max(8, Math.min(rect.left + window.scrollX, window.scrollX + document.documentElement.clientWidth - box.offsetWidth - 8));
    box.style.left = left + "px";
    box.style.top = (rect.bottom + window.scrollY + 6) + "px";
  }

  function open(anchor, title, build) {
    close(false);
    var box = document.createElement("div");
    box.className = "tk-panel";
    box.id = "tk-panel";
    box.setAttribute("role", "dialog");
    box.setAttribute("aria-modal", "false");
    var heading = document.createElement("h2");
    heading.id = "tk-panel-title";
    heading.textContent = title;
    box.setAttribute("aria-labelledby", heading.id);
    var shut = document.createElement("button");
    shut.type = "button";
    shut.className = "tk-panel-close";
    shut.setAttribute("aria-label", "Close");
    shut.textContent = "×";
    shut.addEventListener("click", function () { close(true); });
    box.appendChild(shut);
    box.appendChild(heading);
    build(box);
    panel = box;
    opener = anchor;
    anchor.setAttribute("aria-expanded", "true");
    anchor.setAttribute("aria-controls", box.id);
    place(box, anchor);
    shut.focus();
  }

  // ---------------------------------------------------------------- entities
  function entityPanel(link) {
    var ids = (link.getAttribute("data-entries") || "").split(/\s+/).filter(Boolean);
    var entries = ids.map(function (id) { return document.getElementById("entry-" + id); }).filter(Boolean);
    if (!entries.length) { return false; }
    var first = entries[0].querySelector(".entry-name");
    open(link, first ? first.textContent : link.textContent, function (box) {
      entries.forEach(function (entry) {
        var part = document.createElement("div");
        part.className = "tk-panel-entry";
        Array.prototype.forEach.call(entry.childNodes, function (node) { part.appendChild(node.cloneNode(true)); });
        var index = document.createElement("a");
        index.href = "#" + entry.id;
        index.textContent = "In the index";
        var p = document.createElement("p");
        p.appendChild(index);
        part.appendChild(p);
        box.appendChild(part);
      });
    });
    return true;
  }

  // ---------------------------------------------------------------- citations
  var citeData = null;
  function cites() {
    if (citeData === null) {
      var node = document.getElementById("tk-cite-data");
      try { citeData = node ? JSON.parse(node.textContent) : {}; } catch (e) { citeData = {}; }
    }
    return citeData;
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) { return navigator.clipboard.writeText(text); }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "absolute";
      area.style.left = "-9999px";
      document.body.appendChild(area);
      area.select();
      var ok = document.execCommand && document.execCommand("copy");
      area.remove();
      if (ok) { resolve(); } else { reject(new Error("copy refused")); }
    });
  }

  function citationPanel(link) {
    var data = cites();
    var styles = data.styles || [];
    if (!styles.length) { return false; }
    var n = link.getAttribute("data-n");
    open(link, "Cite ¶" + n, function (box) {
      var label = document.createElement("label");
      label.textContent = "Style ";
      var select = document.createElement("select");
      styles.forEach(function (style, i) {
        var option = document.createElement("option");
        option.value = String(i);
        option.textContent = style.label;
        select.appendChild(option);
      });
      var stored = localStorage.getItem("teikit-style");
      if (stored !== null && styles[Number(stored)]) { select.value = stored; }
      label.appendChild(select);
      var text = document.createElement("p");
      text.className = "cite-text";
      text.id = "tk-cite-text";
      var entry = document.createElement("p");
      entry.className = "cite-entry";
      function show() {
        var style = styles[Number(select.value)];
        text.textContent = style.citation.split("{n}").join(n);
        entry.textContent = "Bibliography: " + style.bibliography;
        try { localStorage.setItem("teikit-style", select.value); } catch (e) { /* private mode */ }
      }
      select.addEventListener("change", show);
      show();
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy-citation";
      button.textContent = "Copy citation";
      var status = document.createElement("span");
      status.className = "copy-status";
      status.setAttribute("role", "status");
      button.addEventListener("click", function () {
        copy(text.textContent).then(function () { status.textContent = " Copied."; },
          function () { status.textContent = " Select the text above to copy it."; });
      });
      var files = document.createElement("p");
      var f = data.files || {};
      files.append("The article’s entry, to cite this paragraph with the locator “para. " + n + "”: ");
      [["CSL-JSON", f.csl], ["BibLaTeX", f.bib], ["RIS", f.ris]].forEach(function (pair, i) {
        if (!pair[1]) { return; }
        if (i) { files.append(", "); }
        var a = document.createElement("a");
        a.href = pair[1];
        a.textContent = pair[0];
        files.appendChild(a);
      });
      files.append(". Link: ");
      var here = document.createElement("a");
      here.href = "#" + link.getAttribute("href").slice(1);
      here.textContent = location.href.split("#")[0] + link.getAttribute("href");
      files.appendChild(here);
      [label, text, button, status, entry, files].forEach(function (node) { box.appendChild(node); });
    });
    return true;
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (panel && panel.contains(target)) { return; }
    var link = target.closest && target.closest("a.mention, a.permalink");
    if (link) {
      var shown = link.classList.contains("permalink") ? citationPanel(link) : entityPanel(link);
      if (shown) {
        event.preventDefault();
        if (link.classList.contains("permalink")) { history.replaceState(null, "", link.getAttribute("href")); }
        return;
      }
    }
    if (panel) { close(false); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && panel) {
      event.preventDefault();
      close(true);
    }
  });

  // ---------------------------------------------------------------- layers, remembered
  Array.prototype.forEach.call(document.querySelectorAll(".layers input[type=checkbox]"), function (box) {
    var key = "teikit-" + box.id;
    try {
      if (localStorage.getItem(key) === "off") { box.checked = false; }
    } catch (e) { /* storage unavailable: the switch still works for this page */ }
    box.addEventListener("change", function () {
      try { localStorage.setItem(key, box.checked ? "on" : "off"); } catch (e) { /* ignore */ }
    });
  });
}());

/*
 * Search: the top bar's link opens a dialog with the search over this document (the corpus on
 * request), loaded only then (assets/search.js and the index); without this script the link leads
 * to the indexes. A page opened from a search result (?hl=words#p12) shows those words marked in
 * the passage.
 */
(function () {
  "use strict";
  var link = document.querySelector("a.search-link[data-root]");
  var dialog = null;
  if (link) {
    link.setAttribute("role", "button");
    link.setAttribute("aria-haspopup", "dialog");
    link.addEventListener("click", function (event) {
      if (location.protocol === "file:") { return; } // modules do not load from files: the indexes instead
      event.preventDefault();
      if (!dialog) {
        dialog = document.createElement("dialog");
        dialog.className = "tk-search-dialog";
        dialog.setAttribute("aria-labelledby", "tk-search-title");
        var head = document.createElement("div");
        head.className = "tk-search-head";
        var title = document.createElement("h2");
        title.id = "tk-search-title";
        title.textContent = "Search";
        var close = document.createElement("button");
        close.type = "button";
        close.className = "tk-close";
        close.textContent = "Close";
        close.addEventListener("click", function () { dialog.close(); });
        head.append(title, close);
        var box = document.createElement("div");
        box.className = "tk-search";
        dialog.append(head, box);
        document.body.appendChild(dialog);
        dialog.addEventListener("close", function () { link.focus(); });
        // Escape closes the search, also from the search field (where Chromium would first clear it).
        dialog.addEventListener("keydown", function (event) {
          if (event.key === "Escape") { event.preventDefault(); dialog.close(); }
        });
        var root = new URL(link.getAttribute("data-root"), document.baseURI);
        import(new URL("assets/search.js", root).href).then(function (m) {
          var ui = m.mount(box, { root: root.href, doc: link.getAttribute("data-doc") });
          ui.input.focus();
        }, function () {
          box.textContent = "The search could not be loaded. The indexes at the end of the page list every name and date in the text.";
        });
      }
      dialog.showModal();
      var input = dialog.querySelector("input[type=search]");
      if (input) { input.focus(); }
    });
  }

  // ---------------------------------------------------------------- words from a search, marked
  var words = new URLSearchParams(location.search).get("hl");
  if (!words) { return; }
  var terms = words.split(/\s+/).filter(Boolean).map(function (t) {
    return t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  });
  if (!terms.length) { return; }
  var pattern = new RegExp("(^|[^\\p{L}\\p{N}])(" + terms.join("|") + ")(?=$|[^\\p{L}\\p{N}])", "giu");
  var target = (location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)))) ||
    document.querySelector("article.reading-text");
  if (!target) { return; }
  var walker = document.createTreeWalker(target, NodeFilter.SHOW_TEXT);
  var nodes = [];
  while (walker.nextNode()) {
    if (!walker.currentNode.parentNode.closest("[popover], .note-ref, script, style")) { nodes.push(walker.currentNode); }
  }
  var first = null;
  nodes.forEach(function (node) {
    var text = node.nodeValue;
    pattern.lastIndex = 0;
    if (!pattern.test(text)) { return; }
    pattern.lastIndex = 0;
    var frag = document.createDocumentFragment();
    var at = 0;
    var m;
    while ((m = pattern.exec(text)) !== null) {
      var start = m.index + m[1].length;
      frag.append(text.slice(at, start));
      var mark = document.createElement("mark");
      mark.className = "tk-hit";
      mark.textContent = m[2];
      frag.append(mark);
      first = first || mark;
      at = start + m[2].length;
    }
    frag.append(text.slice(at));
    node.parentNode.replaceChild(frag, node);
  });
  if (first && !location.hash) { first.scrollIntoView({ block: "center" }); }
}());
