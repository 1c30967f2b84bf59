/*
 * teikit reading edition: popovers for marked mentions.
 *
 * Without this script every mention is a plain link to its register entry further down the page.
 * With it, hovering or focusing a mention shows the entry's summary (normalised name, dates,
 * authority links) in a popover inserted right after the link, so Tab moves into the popover's
 * links and Escape closes it.  The script loads nothing and sends nothing.
 */
(function () {
  "use strict";
  var open = null;
  var refocused = null;

  function close(restoreFocus) {
    if (!open) { return; }
    var link = open.link;
    open.box.remove();
    link.removeAttribute("aria-describedby");
    open = null;
    if (restoreFocus) {
      refocused = link;
      link.focus();
    }
  }

  function show(link) {
    if (open && open.link === link) { return; }
    close(false);
    var ids = (link.getAttribute("data-entries") || "").split(/\s+/).filter(Boolean);
    var box = document.createElement("span");
    box.className = "tk-popover";
    box.id = "tk-popover";
    box.setAttribute("role", "tooltip");
    ids.forEach(function (id) {
      var entry = document.getElementById("entry-" + id);
      var summary = entry && entry.querySelector(".entry-summary");
      if (summary) {
        var part = document.createElement("span");
        part.className = "tk-popover-entry";
        part.style.display = "block";
        Array.prototype.forEach.call(summary.childNodes, function (node) {
          part.appendChild(node.cloneNode(true));
        });
        box.appendChild(part);
      }
    });
    if (!box.childNodes.length) { return; }
    link.insertAdjacentElement("afterend", box);
    link.setAttribute("aria-describedby", box.id);
    open = { link: link, box: box };
  }

  function inside(node) {
    return open && node && (open.link === node || open.box.contains(node));
  }

  document.addEventListener("focusin", function (event) {
    var link = event.target.closest && event.target.closest("a.mention");
    if (link && link === refocused) { refocused = null; return; }
    refocused = null;
    if (link) { show(link); } else if (!inside(event.target)) { close(false); }
  });
  document.addEventListener("mouseover", function (event) {
    var link = event.target.closest && event.target.closest("a.mention");
    if (link) { show(link); }
  });
  document.addEventListener("mouseout", function (event) {
    if (open && !inside(event.relatedTarget) && !inside(document.activeElement)) { close(false); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && open) {
      event.preventDefault();
      close(true);
    }
  });
}());

/*
 * "Cite this passage": each cite box gets a button that copies the formatted citation.  Without
 * JavaScript the box still opens (it is a <details> element) and shows the text to select by hand.
 */
(function () {
  "use strict";

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
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

  Array.prototype.forEach.call(document.querySelectorAll("details.cite-box"), function (box) {
    var text = box.querySelector(".cite-text");
    if (!text) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-citation";
    button.textContent = "Copy citation";
    var status = document.createElement("span");
    status.className = "copy-status";
    status.setAttribute("role", "status");
    button.addEventListener("click", function () {
      copy(text.textContent).then(function () {
        status.textContent = "Copied.";
      }, function () {
        status.textContent = "Select the text above to copy it.";
      });
    });
    text.insertAdjacentElement("afterend", button);
    button.insertAdjacentElement("afterend", status);
  });
}());
