/* The search's French analyser in the browser: the search worker and the catalogue's text filter.
 * Written into the site by the commons-wiki plugin from plugins/commons_wiki/data/analyse-fr.js,
 * with the rules of data/analyse-fr.json; commons_wiki/analyser.py is the same analyser in Python
 * (the index is built with it). tests/fixtures/analyse-fr.json is run against both. */
(function (root) {
  "use strict";
  var RULES = /*RULES*/null;
  var STOP = {};
  RULES.stopwords.forEach(function (w) { STOP[w] = true; });
  var MARKS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;
  var WORD = /[\p{L}\p{N}]+/gu;

  // Lower case without accents or ligatures (commons_wiki.text.fold).
  function fold(text) {
    return String(text == null ? "" : text).normalize("NFKD").replace(MARKS, "").toLowerCase()
      .replace(/\u0153/g, "oe").replace(/\u00e6/g, "ae").replace(/\u2019/g, "'");
  }

  // Singular and plural, masculine and feminine meet (analyser.stem).
  var FEMININE = [["enne", "en"], ["elle", "el"], ["ive", "if"], ["ere", "er"]];
  function singular(word) {
    if (/eaux$/.test(word)) return word.slice(0, -1);
    if (/aux$/.test(word) && word.length > 4) return word.slice(0, -3) + "al";
    if (/s$/.test(word) && !/ss$/.test(word)) return word.slice(0, -1);
    if (/x$/.test(word)) return word.slice(0, -1);
    return word;
  }
  function masculine(word) {
    if (word.length < 5) return word;
    for (var i = 0; i < FEMININE.length; i++) {
      var ending = FEMININE[i][0];
      if (word.slice(-ending.length) === ending) return word.slice(0, -ending.length) + FEMININE[i][1];
    }
    return word;
  }
  function stem(word) {
    if (word.length < RULES.min_stem_length || /[0-9]/.test(word)) return word;
    return masculine(singular(word));
  }

  function words(text) { return fold(text).match(WORD) || []; }

  function term(word) { return STOP[word] ? null : stem(word); }

  function analyse(text) {
    var out = [];
    words(text).forEach(function (w) { if (!STOP[w]) out.push(stem(w)); });
    return out;
  }

  root.commonsAnalyser = { fold: fold, stem: stem, words: words, term: term, analyse: analyse, rules: RULES };
})(typeof self !== "undefined" ? self : this);
