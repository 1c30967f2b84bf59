// citeproc-js (the CSL processor in Zotero and Mendeley) as a test oracle.
//
// Reads one JSON object on stdin: {"style": CSL XML, "locale": CSL locale XML, "cases": [...]},
// each case {"items": [CSL-JSON], "cite": {"id", "locator"?, "label"?}}; writes a JSON array with,
// per case, {"text": {"citation", "bibliography"}, "html": {...}}.  Each case gets a fresh engine
// (no disambiguation across cases), as a single "Cite" box or `teikit cite` call formats it.
"use strict";
const CSL = require("citeproc");

function run(style, locale, items, cite, format) {
  const byId = Object.fromEntries(items.map((item) => [item.id, item]));
  const sys = {
    retrieveLocale: () => locale,
    retrieveItem: (id) => byId[id],
  };
  const engine = new CSL.Engine(sys, style, "en-US", true);
  engine.setOutputFormat(format);
  engine.updateItems(items.map((item) => item.id));
  const citation = { citationItems: [cite], properties: { noteIndex: 1 } };
  const result = engine.processCitationCluster(citation, [], []);
  const text = result[1].map((entry) => entry[1])[0];
  const bib = engine.makeBibliography();
  return { citation: text, bibliography: bib ? bib[1].map((entry) => entry.trim()) : [] };
}

let input = "";
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const { style, locale, cases } = JSON.parse(input);
  const out = cases.map((c) => ({
    text: run(style, locale, c.items, c.cite, "text"),
    html: run(style, locale, c.items, c.cite, "html"),
  }));
  process.stdout.write(JSON.stringify(out));
});
