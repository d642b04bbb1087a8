/* The site's search worker, in place of Material's (commons_wiki.mkdocs_plugin.use_our_search_worker).
 *
 * It speaks Material's worker messages (SETUP 0, READY 1, QUERY 2, RESULT 3: a Material internal,
 * see README), so the search box, the result list and the highlighting stay Material's. What
 * differs: the index is built once at build time (commons_wiki/search_index.py) and loaded here on
 * the first query, not on page load; words go through the site's French analyser (analyse-fr.js,
 * the same as the index's); one result per page, with its summary as the snippet.
 *
 * Online it is a Worker; offline (file://) Material runs it in the iframe-worker shim, where
 * importScripts returns a promise: every load below waits for it either way. */
(function () {
  "use strict";
  var SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;
  var MAX_EXPANSIONS = 60, MAX_SECTIONS = 5;
  var HIGHLIGHTED = 30;   // results with marked words and sections (Material shows ten at a time)

  // The worker's own address: self.location in a Worker, the script element in the shim's iframe.
  var script = typeof document !== "undefined" && document.querySelector("script[src]");
  var here = (script ? script.src : self.location.href).split("?")[0];
  var analyserLoaded = null, indexLoaded = null;

  function load(relative) {
    return Promise.resolve(importScripts(new URL(relative, here).href));
  }
  function analyser() {
    return analyserLoaded || (analyserLoaded = load("analyse-fr.js"));
  }
  function index() {
    return indexLoaded || (indexLoaded = analyser().then(function () { return load("../../search/index-fr.js"); })
      .then(function () { return self.commonsSearchIndex; }));
  }

  function escapeHtml(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
  }

  // First position in the sorted terms not before `term` (JavaScript's string order, as written).
  function lowerBound(terms, term) {
    var lo = 0, hi = terms.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (terms[mid] < term) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  // The query's words: distinct terms, the last one also as a prefix while it is being typed.
  function parseQuery(query) {
    var A = self.commonsAnalyser;
    var written = query.normalize("NFC").toLowerCase().match(/[\p{L}\p{N}]+/gu) || [];
    var typing = !/\s$/.test(query);
    var out = [], seen = {};
    written.forEach(function (raw, i) {
      var folded = A.words(raw);
      folded.forEach(function (word) {
        var term = A.term(word);
        if (term === null || seen[term]) return;
        seen[term] = true;
        out.push({ term: term, word: word, written: raw,
                   prefix: typing && i === written.length - 1 && word.length >= 3 });
      });
    });
    return out;
  }

  // A term's documents: « gap,weight,… » in base 36 (commons_wiki.search_index._encode), read once.
  function decode(idx, position) {
    var cache = idx.decoded || (idx.decoded = {});
    if (!cache[position]) cache[position] = idx.postings[position].split(",").map(function (n) { return parseInt(n, 36); });
    return cache[position];
  }

  // document -> weight for one word of the query, and the index terms it stands for.
  function lookUp(idx, word) {
    var found = {}, terms = [], positions = [];
    var at = lowerBound(idx.terms, word.term);
    function add(position, factor) {
      var flat = decode(idx, position), doc = 0;
      terms.push(idx.terms[position]);
      positions.push(position);
      for (var k = 0; k < flat.length; k += 2) {
        doc += flat[k];
        var weight = flat[k + 1] * factor;
        if (!(found[doc] >= weight)) found[doc] = weight;
      }
    }
    if (idx.terms[at] === word.term) add(at, 1);
    if (word.prefix) {
      for (var j = at, n = 0; j < idx.terms.length && n < MAX_EXPANSIONS; j++) {
        if (idx.terms[j].lastIndexOf(word.term, 0) !== 0) break;
        if (idx.terms[j] !== word.term) { add(j, 0.5); n++; }
      }
    }
    return { docs: found, terms: terms, positions: positions };
  }

  // Pages that hold the most words of the query first; among them, those where one document holds
  // them together (a record's page is one document; another page, one per section); then by
  // weight: for each word, the page's best document.
  function rank(idx, words, lookups) {
    var groups = {}, perDoc = {};
    lookups.forEach(function (hit, w) {
      for (var doc in hit.docs) {
        var entry = idx.docs[doc], page = entry[0];
        var g = groups[page] || (groups[page] = { page: page, best: words.map(function () { return 0; }), sections: {}, together: 0 });
        if (hit.docs[doc] > g.best[w]) g.best[w] = hit.docs[doc];
        if (entry[1] >= 0) g.sections[entry[1]] = (g.sections[entry[1]] || 0) + hit.docs[doc];
        perDoc[doc] = (perDoc[doc] || 0) + 1;
        if (perDoc[doc] > g.together) g.together = perDoc[doc];
      }
    });
    var list = Object.keys(groups).map(function (k) {
      var g = groups[k];
      g.score = g.best.reduce(function (a, b) { return a + b; }, 0);
      g.matched = g.best.filter(function (x) { return x > 0; }).length;
      return g;
    });
    list.sort(function (a, b) {
      return b.matched - a.matched || b.together - a.together || b.score - a.score || a.page - b.page;
    });
    return list;
  }

  function highlighter(matchedTerms) {
    var A = self.commonsAnalyser;
    return function (text) {
      var out = "", last = 0, re = /[\p{L}\p{N}]+/gu, m;
      while ((m = re.exec(text))) {
        var parts = A.words(m[0]);
        var term = parts.length === 1 ? A.term(parts[0]) : null;
        if (term !== null && matchedTerms[term]) {
          out += escapeHtml(text.slice(last, m.index)) + "<mark>" + escapeHtml(m[0]) + "</mark>";
          last = m.index + m[0].length;
        }
      }
      return out + escapeHtml(text.slice(last));
    };
  }

  // Material's « terms »: a matched word's key lists its written forms, for the page's highlighting (?h=).
  function termsOf(idx, words, lookups, group) {
    var terms = {};
    words.forEach(function (word, w) {
      if (group.best[w] > 0) {
        var forms = [word.written];
        lookups[w].terms.slice(0, 3).forEach(function (t) { forms.push(t); if (idx.forms[t]) forms.push(idx.forms[t]); });
        terms[forms.join(" ")] = true;
      } else {
        terms[word.written] = false;
      }
    });
    return terms;
  }

  function sectionsOf(idx, page, group, isRecordPage, matchedTerms) {
    var A = self.commonsAnalyser, found = [];
    page[3].forEach(function (number, i) {
      var section = idx.sections[number];
      var weight = group.sections[i] || 0;
      if (isRecordPage) {   // a record's sections are listed when their title holds a word
        var titleTerms = section.terms || (section.terms = A.analyse(section[1]));
        weight = titleTerms.filter(function (t) { return matchedTerms[t]; }).length;
      }
      if (weight > 0) found.push({ section: section, weight: weight });
    });
    found.sort(function (a, b) { return b.weight - a.weight; });
    return found.slice(0, MAX_SECTIONS);
  }

  function items(idx, words, lookups, group, highlighted) {
    var matchedTerms = {};
    lookups.forEach(function (hit) { hit.terms.forEach(function (t) { matchedTerms[t] = true; }); });
    var mark = highlighted ? highlighter(matchedTerms) : escapeHtml;
    var page = idx.pages[group.page], terms = termsOf(idx, words, lookups, group);
    var isRecordPage = page[4] === 1;   // [location, title, snippet, section numbers, is a record]
    var score = group.matched * 1000 + group.score;
    var head = { location: page[0], title: mark(page[1]), text: mark(page[2]), score: score, terms: terms };
    var children = !highlighted ? [] : sectionsOf(idx, page, group, isRecordPage, matchedTerms).map(function (found, i) {
      var s = found.section;
      // below the page's score: Material then shows the page with its snippet, the sections folded under it
      return { location: page[0] + "#" + s[0], title: mark(s[1]), text: mark(s[2]), score: score / (2 + i), terms: terms };
    });
    return [head].concat(children);
  }

  function suggestion(idx, words, lookups) {
    var last = words[words.length - 1];
    if (!last || !last.prefix) return [];
    var best = null, size = -1;
    lookups[lookups.length - 1].positions.forEach(function (position) {
      var n = decode(idx, position).length;
      if (n > size) { size = n; best = idx.terms[position]; }
    });
    if (best === null) return [];
    var forms = ((idx.forms[best] || "") + " " + best).split(" ").filter(function (f) { return f.lastIndexOf(last.written, 0) === 0; });
    return forms.length ? [forms[0]] : [];
  }

  function search(idx, query) {
    var words = parseQuery(query);
    if (!words.length) return { items: [] };
    var lookups = words.map(function (word) { return lookUp(idx, word); });
    var groups = rank(idx, words, lookups);
    return {
      items: groups.map(function (g, i) { return items(idx, words, lookups, g, i < HIGHLIGHTED); }),
      suggest: suggestion(idx, words, lookups)
    };
  }

  function handle(message) {
    switch (message.type) {
      case SETUP:   // on page load online: only the small analyser, never the index
        return analyser().then(function () { return { type: READY }; });
      case QUERY:
        // Material asks for the empty query on page load: answered without the index. The first
        // letter typed starts loading it, even before the query holds a word worth searching.
        var query = String(message.data || "");
        if (query.trim()) index();
        if (!parseQuery(query).length) return Promise.resolve({ type: RESULT, data: { items: [] } });
        return index().then(function (idx) {
          try {
            return { type: RESULT, data: search(idx, query) };
          } catch (err) {
            console.warn("Recherche impossible :", err);
            return { type: RESULT, data: { items: [] } };
          }
        });
      default:
        return Promise.reject(new TypeError("Message inconnu"));
    }
  }

  addEventListener("message", function (event) {
    handle(event.data).then(function (answer) { postMessage(answer); });
  });
})();
