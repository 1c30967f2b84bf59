/*
 * teikit search: full text with entity and date facets, over the static index that Pagefind
 * writes at build time (pagefind/ at the site root). No server: the browser fetches the pieces of
 * the index a query needs.
 *
 * The engine knows documents; a reader wants passages. Each document's search record marks every
 * paragraph with an anchor (an h3 whose ID is the passage ID), every note with an h4 and every
 * section with an h2, so a document's matches are cut into passages here by word position: a
 * result is a passage, with its ¶ number, its section, and its words highlighted. A facet with no
 * words lists the passages that the record's "mentions" metadata says mention the entity — taken
 * from the markup when the site was built, never from string matching.
 *
 * mount(container, {root, doc, docTitle}) builds the search form inside container: root is the
 * site root (relative URL), doc the current document's ID (search it first; the corpus on request).
 */
const PAGE = 10; // documents whose passages are shown per "More results"
const FACETS = [["person", "Persons"], ["place", "Places"], ["organisation", "Organisations"],
  ["event", "Events"], ["year", "Dates mentioned"], ["document", "Documents"]];
const EXCERPT = 30; // words
const MAX_VALUES = 100; // facet values listed at most

let engine = null;
function load(root) {
  if (!engine) {
    const base = new URL(root, document.baseURI);
    engine = import(new URL("pagefind/pagefind.js", base).href).then(async (pf) => {
      await pf.options({ baseUrl: base.pathname });
      await pf.init();
      // The filter chunks load with the first call for them; a search before that reports no
      // facet counts, so they are loaded here, before any search.
      await pf.filters();
      // The engine's WebAssembly runs its first search at about half speed (measured: 300 ms for
      // a word in 1,000 documents, then 150 ms): a search for a word no text has warms it up
      // while the reader types, for the price of one small index chunk.
      await pf.search("zzqxjteikitwarmup");
      return pf;
    });
  }
  return engine;
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) { continue; }
    if (k === "text") { node.textContent = v; } else { node.setAttribute(k, v === true ? "" : v); }
  }
  for (const c of children) { if (c !== null && c !== undefined) { node.append(c); } }
  return node;
}

let uid = 0;

export function mount(container, options) {
  const root = options.root || "./";
  const doc = options.doc || "";
  const n = ++uid;
  const state = { scope: doc ? "doc" : "all", selected: new Map(), shown: 0, results: [], token: 0 };
  const params = options.useUrl ? new URLSearchParams(location.search) : new URLSearchParams();

  const input = el("input", { type: "search", id: `tk-q-${n}`, name: "q", autocomplete: "off",
    spellcheck: "false", "aria-describedby": `tk-hint-${n}` });
  input.value = params.get("q") || "";
  const form = el("form", { role: "search", class: "tk-search-form", "aria-label": "Search the edition" },
    el("label", { for: `tk-q-${n}`, text: "Search the text" }), input,
    el("button", { type: "submit", text: "Search" }));
  const hint = el("p", { class: "tk-hint", id: `tk-hint-${n}`,
    text: "Words find passages that contain them; \"quotes\" find a phrase. Choose a name or a year below to list the passages that mention it." });
  form.append(hint);
  if (doc) {
    const scope = el("fieldset", { class: "tk-scope" }, el("legend", { text: "Search in" }));
    for (const [value, label] of [["doc", "This document"], ["all", "All documents"]]) {
      const radio = el("input", { type: "radio", name: `tk-scope-${n}`, value, checked: value === state.scope });
      radio.addEventListener("change", () => { state.scope = value; run(); });
      scope.append(el("label", {}, radio, " " + label));
    }
    form.append(scope);
  }
  const facets = el("div", { class: "tk-facets", role: "group", "aria-label": "Filter by" });
  const status = el("p", { class: "tk-status", role: "status", "aria-live": "polite" });
  const list = el("ol", { class: "tk-results" });
  const more = el("button", { type: "button", class: "tk-more", hidden: true, text: "More results" });
  container.replaceChildren(form, facets, status, list, more);

  for (const [key] of FACETS) {
    for (const value of params.getAll(key)) { state.selected.set(key, [...(state.selected.get(key) || []), value]); }
  }

  let timer = 0;
  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(run, 250); });
  form.addEventListener("submit", (event) => { event.preventDefault(); clearTimeout(timer); run(); });
  more.addEventListener("click", () => { showMore(state.token); });

  function filters() {
    const f = {};
    for (const [key, values] of state.selected) { if (values.length) { f[key] = { all: values }; } }
    if (state.scope === "doc" && doc) { f.doc = doc; }
    return f;
  }

  async function run() {
    const token = ++state.token;
    const query = input.value.trim();
    if (options.useUrl) { rememberInUrl(query); }
    let pf;
    try {
      pf = await load(root);
    } catch (e) {
      status.textContent = "The search index could not be loaded. The indexes of each document list every name it mentions.";
      return;
    }
    if (doc && !state.local) {
      // Within one document the engine's counts are 0 or 1 (it counts documents): the facets count
      // passages, from the document's own record (its "kind" is text; the register's are "register").
      const mine = (await pf.search(null, { filters: { doc, kind: "text" } })).results;
      const data = mine.length ? await mine[0].data() : null;
      state.local = data ? parse((data.meta || {}).mentions) : {};
    }
    if (token !== state.token) { return; } // a newer search has started meanwhile
    const anyFacet = [...state.selected.values()].some((v) => v.length);
    if (!query && !anyFacet) {
      list.replaceChildren();
      more.hidden = true;
      status.textContent = "";
      await drawFacets(pf, null, null);
      return;
    }
    status.textContent = "Searching…";
    const search = await pf.search(query || null, { filters: filters() });
    if (token !== state.token) { return; }
    if (!search) { return; }
    state.results = search.results;
    state.shown = 0;
    state.query = query;
    state.count = 0;
    list.replaceChildren();
    await showMore(token); // the results first, then the facets' counts for them
    if (token === state.token) { await drawFacets(pf, search.filters, search.results); }
  }

  async function showMore(token) {
    const batch = state.results.slice(state.shown, state.shown + PAGE);
    // All the documents' fragments are requested at once and shown in rank order as they arrive:
    // the first result does not wait for the tenth.
    const pending = batch.map((r) => r.data());
    for (const next of pending) {
      const data = await next;
      if (token !== state.token) { return; }
      for (const item of passages(data, Boolean(state.query))) {
        list.append(item);
        state.count += 1;
      }
    }
    state.shown += batch.length;
    more.hidden = state.shown >= state.results.length;
    const kinds = { passage: 0, note: 0, register: 0 };
    const docs = new Set();
    for (const li of list.children) {
      kinds[li.dataset.kind] += 1;
      if (li.dataset.doc) { docs.add(li.dataset.doc); }
    }
    if (!state.count) {
      status.textContent = state.query ? `No passage matches “${state.query}”${scopeWords()}.` : `No passage matches these filters${scopeWords()}.`;
      return;
    }
    const parts = [["passage", "passages"], ["note", "notes"], ["register", "register entries"]]
      .filter(([k]) => kinds[k]).map(([k, plural]) => `${kinds[k]} ${kinds[k] === 1 ? (k === "register" ? "register entry" : k) : plural}`);
    status.textContent = `${state.count} result${state.count === 1 ? "" : "s"}` +
      (state.scope === "doc" && doc ? " in this document" : ` in ${docs.size} document${docs.size === 1 ? "" : "s"}`) +
      ` (${parts.join(", ")})` + (more.hidden ? "." : "; more below.");
  }

  function scopeWords() { return state.scope === "doc" && doc ? " in this document" : ""; }

  // The passages of one document's result: by anchor (h2 section, h3 paragraph, h4 note, h5 register entry).
  function passages(data, byWords) {
    const words = data.content.split(/[\r\n\s]+/g);
    const anchors = (data.anchors || []).filter((a) => /^h[2-5]$/i.test(a.element)).sort((a, b) => a.location - b.location);
    const meta = data.meta || {};
    const mentions = parse(meta.mentions);
    const sections = parse(meta.sections);
    const notes = parse(meta.notes);
    const matched = new Set(byWords ? data.locations : []);
    const wanted = wantedPassages(mentions);
    const items = [];
    let section = null;
    anchors.forEach((a, i) => {
      const level = a.element.toLowerCase();
      if (level === "h2") { section = a.id; }
      const end = i + 1 < anchors.length ? anchors[i + 1].location : words.length;
      const hits = [];
      for (let w = a.location; w < end; w++) { if (matched.has(w)) { hits.push(w); } }
      const passage = level === "h3" ? a.id : level === "h4" ? (notes[a.id] || {}).on : null;
      if (byWords && !hits.length) { return; }
      if (!byWords && !(level === "h3" && wanted && wanted.has(a.id))) { return; }
      if (byWords && wanted && !(passage && wanted.has(passage))) { return; }
      items.push(item(data, meta, a, level, section, sections, notes, words, a.location, end, hits));
    });
    return items;
  }

  // The passages that every chosen facet value mentions (null: no facet chosen but the document).
  function wantedPassages(mentions) {
    let set = null;
    for (const [key, values] of state.selected) {
      if (key === "document") { continue; }
      for (const value of values) {
        const here = new Set(((mentions[key] || {})[value]) || []);
        set = set ? new Set([...set].filter((p) => here.has(p))) : here;
      }
    }
    if (!set && (state.selected.get("document") || []).length) {
      return null;
    }
    return set;
  }

  function item(data, meta, anchor, level, section, sections, notes, words, start, end, hits) {
    const docId = meta.id || "";
    const url = new URL(data.url, document.baseURI);
    const onThisPage = doc && docId === doc || (meta.kind === "register" && state.scope === "doc" && doc);
    const terms = [...new Set(hits.map((w) => words[w].replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "")).filter(Boolean))];
    const query = terms.length ? "?hl=" + encodeURIComponent(terms.join(" ")) : "";
    const href = onThisPage ? `${query ? location.pathname + query : ""}#${anchor.id}` : `${url.pathname}${query}#${anchor.id}`;
    let where;
    if (meta.kind === "register") {
      where = `Register entry · ${meta.title}`;
    } else if (level === "h3") {
      where = `¶${anchor.id.replace(/^p/, "")}` + (section && sections[section] ? ` · ${sections[section]}` : "");
    } else if (level === "h4") {
      const note = notes[anchor.id] || {};
      where = `Note ${note.n || ""}` + (note.on ? `, on ¶${note.on.replace(/^p/, "")}` : "") + (note.kind ? ` (${note.kind.toLowerCase()})` : "");
    } else {
      where = `Section heading · ${sections[anchor.id] || ""}`;
    }
    const link = el("a", { href }, el("span", { class: "tk-where", text: where }));
    if (!onThisPage || state.scope === "all") {
      link.append(el("span", { class: "tk-doc", text: meta.kind === "register" ? "" : meta.title || "" }));
    }
    const focus = hits.length ? hits[0] : start;
    let from = Math.max(start, focus - Math.floor(EXCERPT / 3));
    const to = Math.min(end, from + EXCERPT);
    from = Math.max(start, Math.min(from, to - EXCERPT));
    const excerpt = el("p", { class: "tk-excerpt" });
    if (from > start) { excerpt.append("… "); }
    const marked = new Set(hits);
    for (let w = from; w < to; w++) {
      if (w > from) { excerpt.append(" "); }
      if (marked.has(w)) {
        // The word is marked, not the punctuation around it ("Shelepin." marks Shelepin).
        const [, before, core, after] = words[w].match(/^([^\p{L}\p{N}]*)(.*?)([^\p{L}\p{N}]*)$/su);
        excerpt.append(before, el("mark", { text: core || words[w] }), after);
      } else {
        excerpt.append(words[w]);
      }
    }
    if (to < end) { excerpt.append(" …"); }
    const kind = meta.kind === "register" ? "register" : level === "h4" ? "note" : "passage";
    return el("li", { class: `tk-result tk-${kind}`, "data-kind": kind, "data-doc": meta.kind === "register" ? "" : docId }, link, excerpt);
  }

  async function drawFacets(pf, counts, results) {
    const all = await pf.filters();
    counts = counts || all; // before any search: the whole corpus
    const docScope = state.scope === "doc" && doc;
    const local = docScope ? state.local || {} : null;
    facets.replaceChildren();
    for (const [key, label] of FACETS) {
      const values = Object.keys(all[key] || {});
      if (!values.length || (key === "document" && (docScope || values.length < 2))) { continue; }
      const chosen = state.selected.get(key) || [];
      const shown = values.filter((v) => chosen.includes(v) || (docScope ? (local[key] || {})[v] : (counts[key] || {})[v]));
      if (!shown.length) { continue; }
      const countOf = (v) => docScope ? ((local[key] || {})[v] || []).length : (counts[key] || {})[v] || 0;
      shown.sort((a, b) => key === "year" ? a.localeCompare(b) : a.localeCompare(b, undefined, { sensitivity: "base" }));
      // A corpus can have thousands of values: the most frequent MAX_VALUES (and the chosen) are listed.
      let listed = shown;
      if (shown.length > MAX_VALUES) {
        const top = new Set([...shown].sort((a, b) => countOf(b) - countOf(a)).slice(0, MAX_VALUES));
        listed = shown.filter((v) => top.has(v) || chosen.includes(v));
      }
      const box = el("details", { class: "tk-facet", open: chosen.length > 0 },
        el("summary", { text: label + (listed.length < shown.length ? ` (the ${MAX_VALUES} most frequent of ${shown.length})` : "") +
          (chosen.length ? ` (${chosen.length} chosen)` : "") }));
      const ul = el("ul");
      for (const value of listed) {
        const count = countOf(value);
        const unit = docScope ? (count === 1 ? "passage" : "passages") : (count === 1 ? "document" : "documents");
        const box2 = el("input", { type: "checkbox", value, checked: chosen.includes(value) });
        box2.addEventListener("change", () => {
          const now = new Set(state.selected.get(key) || []);
          if (box2.checked) { now.add(value); } else { now.delete(value); }
          state.selected.set(key, [...now]);
          run();
        });
        ul.append(el("li", {}, el("label", {}, box2, " " + value + " ",
          el("span", { class: "tk-count", text: `${count} ${unit}` }))));
      }
      box.append(ul);
      facets.append(box);
    }
  }

  function rememberInUrl(query) {
    const p = new URLSearchParams();
    if (query) { p.set("q", query); }
    for (const [key, values] of state.selected) { for (const v of values) { p.append(key, v); } }
    const text = p.toString();
    history.replaceState(null, "", location.pathname + (text ? "?" + text : ""));
  }

  run();
  return { input, run };
}

function parse(text) {
  try { return text ? JSON.parse(text) : {}; } catch (e) { return {}; }
}

// The site's search page marks where the search goes (and the site root, relative to the page).
const page = document.querySelector("[data-search-page]");
if (page) { mount(page, { root: page.getAttribute("data-search-page"), useUrl: true }); }
