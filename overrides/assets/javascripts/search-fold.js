/* Accent-insensitive search queries.
 * The index is accent-folded by lunr-languages' French pipeline (lunr/min/lunr.fr.min.js), but a
 * query typed with accents did not match it in Material's worker. We fold the query text in the
 * message the page sends to the search worker (a real Worker online, the iframe-worker shim
 * offline), so « équipement » and « equipement » ask the same thing. Elided articles are dropped
 * too (« l'eau » → « eau »). Highlighting on the target page then uses the folded words. */
(function () {
  function fold(text) {
    // French elision: « l'eau » asks for « eau » (the article alone would match every page)
    text = text.replace(/(^|[\s"(])(?:[ldjmnstc]|qu|jusqu|lorsqu|puisqu)['\u2019]/gi, "$1");
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/\u0153/g, "oe").replace(/\u0152/g, "OE").replace(/\u00e6/g, "ae").replace(/\u00c6/g, "AE");
  }
  function patch(proto) {
    if (!proto || proto.__cwFolded) return;
    var original = proto.postMessage;
    proto.postMessage = function (message) {
      if (message && typeof message === "object" && typeof message.data === "string") {
        message = Object.assign({}, message, { data: fold(message.data) });
      }
      return original.apply(this, [message].concat([].slice.call(arguments, 1)));
    };
    proto.__cwFolded = true;
  }
  if (typeof Worker !== "undefined") patch(Worker.prototype);
  if (typeof IFrameWorker !== "undefined") patch(IFrameWorker.prototype);
})();
