/* Smart village commons wiki: catalogue facets, checklists, sortable matrix, list filters.
 *
 * Vanilla JS, no library, no network: every piece reads data already in the page, so the site works
 * from file:// as well as online. Every page is usable without this script (the server-rendered HTML
 * lists everything); the script only adds filtering, sorting and saving ticks.
 *
 * With Material's instant navigation, `document$` emits once per page shown; otherwise we run on
 * DOMContentLoaded. Each feature marks its root element (data-cw-ready) so it never binds twice.
 */
(function () {
  "use strict";

  // ---------------------------------------------------------------------------------------------
  // Helpers

  // Lower case without accents, like commons_wiki.text.fold (Python side of the search text).
  var MARKS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;
  // The same folding as commons_wiki.text.fold (tests/fixtures/pliage.json is run in both).
  function fold(text) {
    return String(text || "").normalize("NFKD").replace(MARKS, "").toLowerCase()
      .replace(/\u0153/g, "oe").replace(/\u00e6/g, "ae").replace(/\u2019/g, "'");
  }
  window.commonsWiki = { fold: fold };

  // The search's French analyser (analyse-fr.js, loaded before this file): the catalogue's text
  // filter finds what the search finds (« circuits courts » = « circuit court », « écoles » = « école »).
  // A card's text as « term term … », each term preceded by a space: a typed word is the start of a term.
  function terms(text) {
    return window.commonsAnalyser ? window.commonsAnalyser.analyse(text) : fold(text).split(/\s+/).filter(Boolean);
  }
  function searchable(text) { return " " + terms(text).join(" "); }

  function once(el) {
    if (!el || el.getAttribute("data-cw-ready") === "1") return false;
    el.setAttribute("data-cw-ready", "1");
    return true;
  }

  function plural(n, one, many) {
    return n + " " + (n > 1 ? many : one);
  }

  // localStorage may be missing or refuse (private mode, file:// policies, quota): never break.
  var store = {
    get: function (key) {
      try { return window.localStorage.getItem(key); } catch (e) { return null; }
    },
    set: function (key, value) {
      try { window.localStorage.setItem(key, value); } catch (e) { /* not saved, still usable */ }
    },
    remove: function (key) {
      try { window.localStorage.removeItem(key); } catch (e) { /* ignore */ }
    }
  };

  // Replace the fragment without adding a history entry nor scrolling. replaceState works on
  // file:// for a same-document change; fall back to nothing rather than to a jump.
  function replaceHash(hash) {
    var url = location.pathname + location.search + (hash ? "#" + hash : "");
    try { history.replaceState(history.state, "", url); } catch (e) { /* keep the current URL */ }
  }

  // ---------------------------------------------------------------------------------------------
  // 1. Catalogue with facets

  // ---------------------------------------------------------------------------------------------
  // 0. Wayfinding: a page outside the menu (a fiche, a term) lights up the tab it belongs to.
  //    Relies on Material's tab markup (.md-tabs__item, .md-tabs__item--active): see README.
  function markTab() {
    var crumb = document.querySelector(".cw-breadcrumb[data-tab]");
    if (!crumb || document.querySelector(".md-tabs__item--active")) return;
    Array.prototype.forEach.call(document.querySelectorAll(".md-tabs__item"), function (item) {
      var link = item.querySelector(".md-tabs__link");
      if (link && link.textContent.trim() === crumb.getAttribute("data-tab")) {
        item.classList.add("md-tabs__item--active");
        link.setAttribute("aria-current", "true");
      }
    });
  }

  // The catalogue's state in the address: « principes=a,b&thematiques=c&q=mot » (facet values
  // joined by commas, q the text). Shared by the catalogue and the booklet's selection.
  function parseState(hash, facetNames) {
    hash = (hash || "").replace(/^#/, "");
    if (hash && hash.indexOf("=") < 0) return null;   // a heading's anchor, not a state
    var sel = {}, text = "";
    hash.split("&").forEach(function (pair) {
      var i = pair.indexOf("=");
      if (i < 0) return;
      var key = decodeURIComponent(pair.slice(0, i));
      var value = pair.slice(i + 1);
      var decoded;
      try { decoded = decodeURIComponent(value.replace(/\+/g, " ")); } catch (e) { decoded = value; }
      if (key === "q") text = decoded;
      else if (facetNames.indexOf(key) >= 0) {
        sel[key] = value.split(",").map(function (v) {
          try { return decodeURIComponent(v); } catch (e) { return v; }
        });
      }
    });
    return { sel: sel, text: text, words: terms(text) };
  }

  function matchesText(fiche, words) {
    for (var i = 0; i < words.length; i++) if (fiche.text.indexOf(" " + words[i]) < 0) return false;
    return true;
  }

  // OR inside a facet, AND across facets; `skip` leaves one facet out (for its counts).
  function matchesFacets(fiche, sel, skip) {
    for (var name in sel) {
      if (name === skip || !sel[name].length) continue;
      var values = fiche.f[name] || [];
      var hit = false;
      for (var i = 0; i < sel[name].length && !hit; i++) hit = values.indexOf(sel[name][i]) >= 0;
      if (!hit) return false;
    }
    return true;
  }

  var catalogue = null;   // the catalogue of the page currently shown (instant navigation)

  function initCatalogue() {
    var root = document.getElementById("cw-catalogue");
    var dataEl = document.getElementById("cw-catalogue-data");
    if (!root || !dataEl) { catalogue = null; return; }
    if (!once(root)) return;
    var data;
    try { data = JSON.parse(dataEl.textContent); } catch (e) { return; }

    var form = document.getElementById("cw-facets");
    var q = document.getElementById("cw-q");
    var status = document.getElementById("cw-status");
    var cards = {};
    Array.prototype.forEach.call(document.querySelectorAll("#cw-cards article[data-fiche]"), function (el) {
      cards[el.getAttribute("data-fiche")] = el;
    });
    var facetNames = data.facets.map(function (f) { return f.name; });
    var fiches = data.records.map(function (f) {
      return { id: f.id, text: searchable(f.text), f: f.f || {} };
    });
    var counts = {};
    Array.prototype.forEach.call(root.querySelectorAll("[data-count]"), function (el) {
      counts[el.getAttribute("data-count")] = el;
    });
    status.setAttribute("aria-atomic", "true");

    function boxes(name) {
      return Array.prototype.filter.call(form.querySelectorAll('input[type="checkbox"]'), function (b) {
        return !name || b.name === name;
      });
    }

    function readState() {
      var state = { sel: {}, words: terms(q.value) };
      boxes().forEach(function (b) {
        if (b.checked) (state.sel[b.name] = state.sel[b.name] || []).push(b.value);
      });
      return state;
    }

    function update(opts) {
      var state = readState();
      var shown = 0;
      fiches.forEach(function (f) {
        var ok = matchesText(f, state.words) && matchesFacets(f, state.sel, null);
        if (ok) shown++;
        if (cards[f.id]) cards[f.id].hidden = !ok;
      });
      // Classic faceted counts: how many fiches would match with this option added to the others.
      data.facets.forEach(function (facet) {
        var base = fiches.filter(function (f) {
          return matchesText(f, state.words) && matchesFacets(f, state.sel, facet.name);
        });
        facet.options.forEach(function (opt) {
          var el = counts[facet.name + ":" + opt.id];
          if (!el) return;
          var n = base.filter(function (f) { return (f.f[facet.name] || []).indexOf(opt.id) >= 0; }).length;
          el.textContent = "(" + n + ")";
          el.classList.toggle("cw-count--zero", n === 0);
        });
      });
      var total = fiches.length;
      var msg = shown + (shown > 1 ? " fiches sur " : " fiche sur ") + total;
      if (shown === 0) msg += " : aucune fiche ne correspond, retirez un filtre.";
      status.innerHTML = "";
      var span = document.createElement("span");
      span.id = "cw-shown";
      span.textContent = String(shown);
      status.appendChild(span);
      status.appendChild(document.createTextNode(msg.slice(String(shown).length)));
      // « Imprimer cette sélection »: the booklet with the same state, printed at once
      var printLink = document.getElementById("cw-print-selection");
      if (printLink) printLink.href = printLink.getAttribute("data-base") + "?imprimer#" + serialize(state);
      // « Effacer les filtres » only when there is something to clear
      var reset = document.getElementById("cw-reset");
      if (reset) reset.hidden = !state.words.length && !Object.keys(state.sel).length;
      if (!opts || opts.writeHash !== false) replaceHash(serialize(state));
    }

    function serialize(state) {
      var parts = [];
      facetNames.forEach(function (name) {
        if (state.sel[name] && state.sel[name].length) {
          parts.push(name + "=" + state.sel[name].map(encodeURIComponent).join(","));
        }
      });
      var text = q.value.trim();
      if (text) parts.push("q=" + encodeURIComponent(text));
      return parts.join("&");
    }

    // Our fragment is made of key=value pairs; any other fragment (a heading anchor) is left alone.
    function restore(hash) {
      var state = parseState(hash, facetNames);
      if (!state) return false;
      var sel = state.sel;
      q.value = state.text;
      boxes().forEach(function (b) {
        b.checked = !!(sel[b.name] && sel[b.name].indexOf(b.value) >= 0);
        // Show the ticked options of a folded facet.
        if (b.checked) {
          for (var d = b.closest("details"); d; d = d.parentElement && d.parentElement.closest("details")) d.open = true;
        }
      });
      update({ writeHash: false });
      return true;
    }

    form.addEventListener("change", function () { update(); });
    q.addEventListener("input", function () { update(); });
    form.addEventListener("submit", function (e) { e.preventDefault(); update(); });
    form.addEventListener("reset", function (e) {
      e.preventDefault();   // reset ourselves, then update once
      q.value = "";
      boxes().forEach(function (b) { b.checked = false; });
      update();
    });

    // On a phone the facets start folded, so the first cards show on the first screen; the
    // sticky count (and its button down to the cards) stays in view while ticking.
    var phone = window.matchMedia("(max-width: 59.9375em)");
    if (phone.matches) {
      Array.prototype.forEach.call(form.querySelectorAll("details.cw-facet, details.cw-filters"), function (d) { d.open = false; });
    }
    // beside the results (wide screens) the facets have no « Filtrer » summary to open them: keep them open
    var filters = form.querySelector("details.cw-filters");
    if (filters && phone.addEventListener) {
      phone.addEventListener("change", function (e) { if (!e.matches) filters.open = true; });
    }
    var jump = document.getElementById("cw-jump");
    if (jump) {
      jump.hidden = false;
      jump.addEventListener("click", function () {
        var first = document.querySelector("#cw-cards article:not([hidden])");
        var target = first || document.getElementById("cw-cards");
        target.scrollIntoView({ block: "start" });
        var link = target.querySelector("a");
        if (link) link.focus({ preventScroll: true });
      });
    }

    catalogue = { restore: restore, root: root };
    if (!restore(location.hash)) update({ writeHash: false });
  }

  window.addEventListener("hashchange", function () {
    if (catalogue && document.body.contains(catalogue.root)) catalogue.restore(location.hash);
  });

  // ---------------------------------------------------------------------------------------------
  // 2. Checklists: tick, save in localStorage, print, clear

  function questionText(li) {
    var clone = li.cloneNode(true);
    Array.prototype.forEach.call(clone.querySelectorAll(".recommandation, ul, ol"), function (el) {
      el.parentNode.removeChild(el);
    });
    return clone.textContent.replace(/\s+/g, " ").trim();
  }

  function initChecklist(list) {
    if (!once(list)) return;
    var name = list.getAttribute("data-checklist") || list.id || "checklist";
    var items = Array.prototype.filter.call(list.querySelectorAll("li.task-list-item"), function (li) {
      return li.querySelector('input[type="checkbox"]');
    });
    if (!items.length) return;
    var keyPrefix = "cw-checklist:" + location.pathname + ":" + name + ":";
    var boxes = items.map(function (li, i) {
      var box = li.querySelector('input[type="checkbox"]');
      box.disabled = false;
      box.removeAttribute("disabled");
      box.setAttribute("aria-label", questionText(li));
      box.setAttribute("data-key", keyPrefix + i);
      box.checked = store.get(keyPrefix + i) === "1";
      li.classList.toggle("cw-checked", box.checked);
      // the question's text ticks the box too, not only the small circle (Material's markup
      // puts only the circle in the <label>)
      li.addEventListener("click", function (e) {
        if (e.target.closest("label, input, a, button")) return;
        box.click();
      });
      return box;
    });

    var tools = document.createElement("div");
    tools.className = "cw-checklist__tools";
    var progress = document.createElement("p");
    progress.className = "cw-checklist__progress";
    progress.setAttribute("role", "status");
    progress.setAttribute("aria-live", "polite");
    progress.setAttribute("aria-atomic", "true");
    var buttons = document.createElement("p");
    buttons.className = "cw-checklist__buttons";
    var print = document.createElement("button");
    print.type = "button";
    print.className = "md-button";
    print.textContent = "Imprimer la check-list";
    var clear = document.createElement("button");
    clear.type = "button";
    clear.className = "md-button";
    clear.textContent = "Tout décocher";
    buttons.appendChild(print);
    buttons.appendChild(document.createTextNode(" "));
    buttons.appendChild(clear);
    tools.appendChild(progress);
    tools.appendChild(buttons);
    var ul = items[0].parentNode;
    ul.parentNode.insertBefore(tools, ul.nextSibling);

    function refresh() {
      var done = boxes.filter(function (b) { return b.checked; }).length;
      progress.textContent = done + " / " + boxes.length + " questions cochées";
      list.classList.toggle("cw-checklist--done", done === boxes.length);
    }

    boxes.forEach(function (box, i) {
      box.addEventListener("change", function () {
        if (box.checked) store.set(keyPrefix + i, "1");
        else store.remove(keyPrefix + i);
        items[i].classList.toggle("cw-checked", box.checked);
        refresh();
      });
    });
    print.addEventListener("click", function () { window.print(); });
    clear.addEventListener("click", function () {
      boxes.forEach(function (box, i) {
        box.checked = false;
        items[i].classList.remove("cw-checked");
        store.remove(keyPrefix + i);
      });
      refresh();
    });
    refresh();
  }

  // ---------------------------------------------------------------------------------------------
  // 3. Sortable matrix

  var collator = window.Intl ? new Intl.Collator("fr", { sensitivity: "base", numeric: true }) : null;
  function compareText(a, b) {
    return collator ? collator.compare(a, b) : a.localeCompare(b, "fr");
  }

  function initMatrix() {
    var table = document.getElementById("cw-matrix");
    if (!table || !once(table)) return;
    var tbody = table.tBodies[0];
    if (!tbody) return;
    var original = Array.prototype.slice.call(tbody.rows);   // server order: ties keep it
    var heads = Array.prototype.slice.call(table.tHead ? table.tHead.rows[0].cells : []);
    var live = document.createElement("p");
    live.className = "cw-sr-only";
    live.setAttribute("role", "status");
    live.setAttribute("aria-live", "polite");
    table.parentNode.insertBefore(live, table.nextSibling);

    heads.forEach(function (th, col) {
      // data-sort on the th or on its button (the template puts it on the button).
      var button = th.querySelector("button");
      var type = th.getAttribute("data-sort") || (button && button.getAttribute("data-sort"));
      if (!button || !type) return;
      var icon = document.createElement("span");
      icon.className = "cw-sort-icon";
      icon.setAttribute("aria-hidden", "true");
      button.appendChild(icon);
      button.addEventListener("click", function () {
        var current = th.getAttribute("aria-sort");
        // First click: A→Z for text, most first for numbers (ticked fiches on top).
        var dir = current === "ascending" ? "descending"
          : current === "descending" ? "ascending"
          : (type === "number" ? "descending" : "ascending");
        var sign = dir === "ascending" ? 1 : -1;
        var keyed = original.map(function (row, i) {
          var cell = row.cells[col];
          var key = type === "number"
            ? parseFloat(cell && cell.getAttribute("data-value")) || 0
            : (cell ? cell.textContent.replace(/\s+/g, " ").trim() : "");
          return { row: row, key: key, i: i };
        });
        keyed.sort(function (a, b) {
          var c = type === "number" ? a.key - b.key : compareText(a.key, b.key);
          return c ? sign * c : a.i - b.i;
        });
        keyed.forEach(function (k) { tbody.appendChild(k.row); });
        heads.forEach(function (h) { if (h !== th) h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", dir);
        live.textContent = "Tableau trié par « " + button.textContent.trim() + " », ordre " +
          (dir === "ascending" ? "croissant" : "décroissant") + ".";
      });
    });
  }

  // ---------------------------------------------------------------------------------------------
  // 4. Lessons filter and resources filter (two selects each)

  function hasToken(list, token) {
    return !token || (" " + (list || "") + " ").indexOf(" " + token + " ") >= 0;
  }

  function initLessons() {
    var form = document.getElementById("cw-lessons-filter");
    if (!form || !once(form)) return;
    var theme = document.getElementById("cw-lf-theme");
    var principe = document.getElementById("cw-lf-principe");
    var status = document.getElementById("cw-lessons-status");
    var lists = Array.prototype.slice.call(document.querySelectorAll("ul.cw-lessons"));
    var empties = lists.map(function (ul) {
      var li = document.createElement("li");
      li.className = "cw-empty";
      li.textContent = "Aucun enseignement pour ce choix.";
      li.hidden = true;
      ul.appendChild(li);
      return li;
    });
    if (status) status.setAttribute("aria-atomic", "true");
    function update() {
      var shown = 0, total = 0;
      lists.forEach(function (ul, n) {
        var here = 0;
        Array.prototype.forEach.call(ul.querySelectorAll("li[data-thematiques]"), function (li) {
          var ok = hasToken(li.getAttribute("data-thematiques"), theme.value) &&
            hasToken(li.getAttribute("data-principes"), principe.value);
          li.hidden = !ok;
          total++;
          if (ok) here++;
        });
        empties[n].hidden = here > 0;
        shown += here;
      });
      if (status) status.textContent = plural(shown, "enseignement affiché", "enseignements affichés") + " sur " + total + ".";
      var parts = [];
      if (theme.value) parts.push("thematique=" + encodeURIComponent(theme.value));
      if (principe.value) parts.push("principe=" + encodeURIComponent(principe.value));
      replaceHash(parts.join("&"));   // the address keeps the choice: it can be shared
    }
    function restore() {
      var hash = location.hash.replace(/^#/, "");
      if (hash && hash.indexOf("=") < 0) return;   // a heading's anchor, not our state
      var state = {};
      hash.split("&").forEach(function (pair) {
        var i = pair.indexOf("=");
        if (i > 0) { try { state[pair.slice(0, i)] = decodeURIComponent(pair.slice(i + 1)); } catch (e) { /* ignore */ } }
      });
      [[theme, state.thematique], [principe, state.principe]].forEach(function (pair) {
        var select = pair[0], value = pair[1] || "";
        if (Array.prototype.some.call(select.options, function (o) { return o.value === value; })) select.value = value;
      });
    }
    form.addEventListener("change", update);
    form.addEventListener("submit", function (e) { e.preventDefault(); update(); });
    window.addEventListener("hashchange", function () { if (document.body.contains(form)) { restore(); update(); } });
    restore();
    update();
  }

  function initResources() {
    var form = document.getElementById("cw-res-filter");
    if (!form || !once(form)) return;
    var niveau = document.getElementById("cw-rf-niveau");
    var type = document.getElementById("cw-rf-type");
    var status = document.getElementById("cw-res-status");
    var items = Array.prototype.slice.call(document.querySelectorAll(".cw-resource[data-niveau]"));
    if (status) status.setAttribute("aria-atomic", "true");
    function matches(el, n, t) {
      return (!n || el.getAttribute("data-niveau") === n) && (!t || el.getAttribute("data-type") === t);
    }
    // each option says how many resources it would show with the other filter as it is
    function count(select, other, attr) {
      Array.prototype.forEach.call(select.options, function (opt) {
        if (!opt.value) return;
        if (!opt.hasAttribute("data-label")) opt.setAttribute("data-label", opt.textContent.replace(/ \(\d+\)$/, ""));
        var n = items.filter(function (el) {
          return el.getAttribute(attr) === opt.value && matches(el, attr === "data-niveau" ? "" : niveau.value,
                                                                 attr === "data-type" ? "" : type.value);
        }).length;
        opt.textContent = opt.getAttribute("data-label") + " (" + n + ")";
      });
    }
    function update() {
      var shown = 0;
      items.forEach(function (el) {
        var ok = matches(el, niveau.value, type.value);
        el.hidden = !ok;
        if (ok) shown++;
      });
      count(niveau, type, "data-niveau");
      count(type, niveau, "data-type");
      var msg = plural(shown, "ressource affichée", "ressources affichées") + " sur " + items.length + ".";
      if (!shown) msg += " Aucune ressource pour ce choix : élargissez le niveau ou le type.";
      if (status) status.textContent = msg;
    }
    form.addEventListener("change", update);
    form.addEventListener("submit", function (e) { e.preventDefault(); update(); });
    update();
  }

  // ---------------------------------------------------------------------------------------------
  // 4b. Booklet: a selection from the catalogue's address keeps its fiches (and prints them)
  function initBooklet() {
    var root = document.getElementById("cw-livret");
    var dataEl = document.getElementById("cw-livret-data");
    if (!root || !dataEl || !once(root)) return;
    var data;
    try { data = JSON.parse(dataEl.textContent); } catch (e) { return; }
    var state = parseState(location.hash, data.facets.map(function (f) { return f.name; }));
    var selecting = state && (state.words.length || Object.keys(state.sel).length);
    if (selecting) {
      var kept = {};
      data.records.forEach(function (r) {
        var fiche = { text: searchable(r.text), f: r.f || {} };
        if (matchesText(fiche, state.words) && matchesFacets(fiche, state.sel, null)) kept[r.id] = true;
      });
      var n = 0;
      Array.prototype.forEach.call(root.querySelectorAll("[data-fiche], [data-toc]"), function (el) {
        el.hidden = !kept[el.getAttribute("data-fiche") || el.getAttribute("data-toc")];
        if (!el.hidden && el.hasAttribute("data-fiche")) n++;
      });
      // a workshop kit: the fiches only, without the annexes
      Array.prototype.forEach.call(root.querySelectorAll(".cw-livret-annexes, .cw-livret-toc__annexes"), function (el) { el.hidden = true; });
      var count = document.getElementById("cw-livret-count");
      if (count) count.textContent = String(n);
      var label = document.getElementById("cw-livret-selection");
      if (label) { label.hidden = false; label.textContent = "Sélection pour un atelier : " + n + (n > 1 ? " fiches" : " fiche"); }
    }
    if (/[?&]imprimer\b/.test(location.search)) window.print();
  }

  // ---------------------------------------------------------------------------------------------
  // 5. Small accessibility repairs of the theme's markup

  function initA11y() {
    // Material's search is a dialog without a name.
    var search = document.querySelector('.md-search[role="dialog"]');
    if (search && !search.getAttribute("aria-label")) search.setAttribute("aria-label", "Recherche");
    // A table wider than the page scrolls in Material's wrapper: keyboard users must reach it.
    Array.prototype.forEach.call(document.querySelectorAll(".md-typeset__scrollwrap"), function (wrap) {
      if (wrap.hasAttribute("tabindex")) return;
      if (wrap.scrollWidth <= wrap.clientWidth + 1) return;
      if (wrap.querySelector("a[href], button, input, select, textarea, [tabindex]")) return;
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("role", "region");
      var caption = wrap.querySelector("caption");
      wrap.setAttribute("aria-label", caption ? caption.textContent.trim() : "Tableau : " + headingBefore(wrap));
    });
  }

  // The text of the nearest heading above an element: two tables of one page get different names.
  function headingBefore(el) {
    var headings = document.querySelectorAll(".md-content h1, .md-content h2, .md-content h3");
    var found = "";
    Array.prototype.forEach.call(headings, function (h) {
      if (h.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING) found = h.textContent.replace(/¶$/, "").trim();
    });
    return found || document.title;
  }

  // ---------------------------------------------------------------------------------------------

  function init() {
    initA11y();
    markTab();
    initCatalogue();
    Array.prototype.forEach.call(document.querySelectorAll(".checklist"), initChecklist);
    initMatrix();
    initLessons();
    initResources();
    initBooklet();
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(function () { init(); });
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
