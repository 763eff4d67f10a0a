/* The legend: a Leaflet control showing the points layer's terms (colour and
 * count of located posts that pass the filter; a click on a term hides or
 * shows its posts through the filter), the heat's classes (posts per square)
 * while heat is drawn, and a switch per location kind (the
 * filter's kind part), with the symbol the
 * map draws for it. Located posts that match no term have a row of their own:
 * "All posts" when the session has no terms (a replay without a filter). It
 * reads the layer and listens to its events; every user-typed string is set
 * as text.
 *
 * "▾ Legend" folds it to that one line (with "Synthetic demo data" beside
 * it for the demo): folded while the page is small until the user chooses
 * (fold.js, BELOW_PX), and then as they chose; "foldchoice" {folded}. */
(function () {
  "use strict";

  const el = window.GeoTweetsDom.el;
  const Fold = window.GeoTweetsFold;

  // A page smaller than this starts with the legend folded: at 900 x 600
  // it covered a good part of a map 350 px high (a quarter with heat's rows).
  const BELOW_PX = [1000, 560];

  function termRow(name, color, countNode) {
    const row = el("div", "gt-term");
    const swatch = el("span", "gt-swatch");
    swatch.style.background = color;
    row.appendChild(swatch);
    row.appendChild(el("span", "gt-term-name", name));
    row.appendChild(countNode);
    return row;
  }

  /* A distance for people: two significant figures. */
  function roundKm(km) {
    if (km >= 10) {
      const step = Math.pow(10, Math.floor(Math.log10(km)) - 1);
      return String(Math.round(km / step) * step);
    }
    return km >= 1 ? String(Math.round(km)) : km.toFixed(1);
  }

  const Legend = L.Control.extend({
    includes: L.Evented.prototype, // "foldchoice"
    options: { position: "topright" },

    initialize: function (points, options) {
      L.setOptions(this, options);
      this._points = points;
      this._sourceLabel = "";
      this._synthetic = false;
      this._termCountNodes = [];
      this._kindCountNodes = [];
      this._kindChecks = [];
      this._noTermRow = null;
      this._noTermCount = null;
      this._termRows = []; // [row, term index]: the term switches
      this._heatBox = null;
      this._heatKey = "";
      // Its `choose` takes the user's choice from an earlier start.
      this.fold = new Fold.Fold(
        function () { return Fold.pageBelow(BELOW_PX[0], BELOW_PX[1]); },
        this.collapsed.bind(this),
        this.setCollapsed.bind(this)
      );
    },

    onAdd: function () {
      const box = el("div", "gt-legend leaflet-bar");
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      this._box = box;
      const self = this;
      const bar = el("div", "gt-legend-bar");
      this._foldButton = el("button", "gt-legend-fold");
      this._foldButton.type = "button";
      this._foldButton.addEventListener("click", function () {
        self.fire("foldchoice", { folded: self.fold.toggle() });
      });
      bar.appendChild(this._foldButton);
      this._badge = el("span", "gt-synthetic", "Synthetic demo data");
      bar.appendChild(this._badge);
      box.appendChild(bar);
      this._body = el("div", "gt-legend-body");
      box.appendChild(this._body);
      this.setCollapsed(false);
      this._points.on("configure beyondchange", this._render, this);
      this._points.on("countschange", this._updateCounts, this);
      this._points.on("redraw", this._updateHeat, this);
      this._map.on("resize", this._fitHeight, this);
      this._render();
      this.fold.start();
      return box;
    },

    onRemove: function () {
      this.fold.stop();
      this._points.off("configure beyondchange", this._render, this);
      this._points.off("countschange", this._updateCounts, this);
      this._points.off("redraw", this._updateHeat, this);
      this._map.off("resize", this._fitHeight, this);
      this._box = null;
    },

    setCollapsed: function (collapsed) {
      this._box.classList.toggle("gt-collapsed", collapsed);
      this._foldButton.textContent = collapsed ? "▸ Legend" : "▾ Legend";
      this._foldButton.title = collapsed ? "Show the legend" : "Hide the legend";
      return this;
    },

    collapsed: function () {
      return this._box.classList.contains("gt-collapsed");
    },

    /* Where the session's posts come from, and whether they are made up. */
    setSource: function (label, synthetic) {
      this._sourceLabel = label || "";
      this._synthetic = !!synthetic;
      this._render();
      return this;
    },

    _render: function () {
      if (!this._box) return;
      const box = this._body;
      const points = this._points;
      box.replaceChildren();
      this._badge.style.display = this._synthetic ? "" : "none";
      if (this._sourceLabel) box.appendChild(el("div", "gt-source", this._sourceLabel));
      const terms = el("div", "gt-terms");
      const named = points.terms();
      const termCounts = points.termCounts();
      if (named.length || this._sourceLabel) {
        terms.appendChild(el("div", "gt-section-title", "Located posts"));
      }
      const termRows = [];
      this._termCountNodes = named.map(function (term, i) {
        const count = el("span", "gt-count", String(termCounts[i]));
        const row = termRow(term.term, term.color, count);
        termRows.push([row, i]);
        terms.appendChild(row);
        return count;
      });
      this._noTermCount = el("span", "gt-count", String(points.noTermCount()));
      this._noTermRow = termRow(
        named.length ? "No term" : "All posts",
        window.GeoTweetsPoints.NO_TERM_COLOR,
        this._noTermCount
      );
      this._noTermRow.classList.add("gt-no-term");
      termRows.push([this._noTermRow, window.GeoTweetsFilters.NO_TERM]);
      this._termRows = termRows;
      this._switchTerms();
      terms.appendChild(this._noTermRow);
      this._showNoTermRow();
      if (!named.length && !this._sourceLabel) {
        terms.appendChild(el("div", "gt-empty", "No search yet"));
      }
      box.appendChild(terms);
      this._heatBox = el("div", "gt-heat");
      this._heatKey = "";
      box.appendChild(this._heatBox);
      this._updateHeat();
      const kinds = el("div", "gt-kinds");
      kinds.appendChild(el("div", "gt-kinds-title", "Located by"));
      const kindCounts = points.kindCounts();
      const checks = [];
      this._kindCountNodes = points.kinds().map(function (kind, code) {
        const label = el("label", "gt-kind");
        const check = el("input");
        checks.push(check);
        check.type = "checkbox";
        check.checked = points.kindVisible(code);
        check.addEventListener("change", function () {
          points.setKindVisible(code, check.checked);
        });
        label.appendChild(check);
        const symbol = el("canvas", "gt-kind-symbol gt-kind-" + kind.name);
        symbol.width = 14;
        symbol.height = 14;
        window.GeoTweetsPoints.drawKindSymbol(symbol, kind.name, "#666666");
        label.appendChild(symbol);
        label.appendChild(el("span", "", kind.label));
        const count = el("span", "gt-count", String(kindCounts[code]));
        label.appendChild(count);
        kinds.appendChild(label);
        return count;
      });
      this._kindChecks = checks;
      box.appendChild(kinds);
      const beyond = points.beyondMap();
      if (beyond) {
        const posts = beyond === 1 ? "1 post is" : beyond + " posts are";
        box.appendChild(el("div", "gt-beyond", posts + " nearer a pole than the map reaches (85°)"));
      }
      this._fitHeight(); // the controls under it may have come since it was added
    },

    /* Each term row switches its posts on and off (the filter's terms part). */
    _switchTerms: function () {
      const filter = this._points.filter();
      this._termRows.forEach(function (entry) {
        const row = entry[0];
        const term = entry[1];
        row.classList.add("gt-switch");
        row.title = "Click to hide or show these posts";
        row.addEventListener("click", function () {
          filter.setTermOn(term, filter.termsOff.has(term));
        });
      });
      this._showTermsOff();
    },

    _showTermsOff: function () {
      const off = this._points.filter().termsOff;
      this._termRows.forEach(function (entry) {
        entry[0].classList.toggle("gt-off", off.has(entry[1]));
      });
    },

    _updateCounts: function () {
      // Counts change many times a second; rebuilding the rows would cost more.
      const termCounts = this._points.termCounts();
      const kindCounts = this._points.kindCounts();
      this._termCountNodes.forEach(function (node, i) {
        node.textContent = String(termCounts[i]);
      });
      this._kindCountNodes.forEach(function (node, k) {
        node.textContent = String(kindCounts[k]);
      });
      // The filter can be changed elsewhere too (a chip cleared, a saved view).
      const points = this._points;
      this._kindChecks.forEach(function (check, k) {
        check.checked = points.kindVisible(k);
      });
      if (this._noTermCount) this._noTermCount.textContent = String(this._points.noTermCount());
      this._showNoTermRow();
      this._showTermsOff();
    },

    /* Never taller than the map leaves above its bottom right corner's
     * controls (the scale, the attribution): a small window scrolls the
     * legend instead of hiding its last rows or lying over the scale. */
    _fitHeight: function () {
      const map = this._map;
      if (!map || !this._box) return;
      const corner = map.getContainer().querySelector(".leaflet-bottom.leaflet-right");
      const taken = corner ? corner.offsetHeight : 0;
      this._box.style.maxHeight = Math.max(80, map.getSize().y - taken - 30) + "px";
    },

    /* While heat is drawn: what each colour means, as counts of posts per
     * square; rebuilt only when the classes change. */
    _updateHeat: function () {
      const box = this._heatBox;
      if (!box) return;
      const heat = this._points.heatLegend();
      const key = JSON.stringify(heat);
      if (key === this._heatKey) return;
      this._heatKey = key;
      box.replaceChildren();
      box.style.display = heat ? "" : "none";
      if (!heat) return;
      const term = heat.term === null ? null : this._points.terms()[heat.term];
      box.appendChild(el("div", "gt-section-title", "Posts per square"));
      if (term) box.appendChild(el("div", "gt-heat-term-name", "\u201c" + term.term + "\u201d only"));
      // Two columns, lowest classes down the first: the legend stays short
      // enough for a small window with the timeline open.
      const rows = el("div", "gt-heat-rows");
      rows.style.gridTemplateRows = "repeat(" + Math.ceil(heat.rows.length / 2) + ", auto)";
      box.appendChild(rows);
      for (const row of heat.rows) {
        const line = el("div", "gt-heat-row");
        const swatch = el("span", "gt-heat-swatch");
        swatch.style.background = row.color;
        line.appendChild(swatch);
        const range = row.to === null
          ? row.from + " or more"
          : row.from === row.to ? String(row.to) : row.from + "\u2013" + row.to;
        line.appendChild(el("span", "gt-heat-range", range));
        rows.appendChild(line);
      }
      if (!heat.rows.length) box.appendChild(el("div", "gt-empty", "No posts shown"));
      const scale = heat.scale === "log" ? "log scale" : "quantiles";
      box.appendChild(el("div", "gt-heat-note", "Squares of about " + roundKm(heat.squareKm) + " km; " + scale));
    },

    /* "All posts" whenever a session without terms plays; "No term" only
     * once such posts exist. */
    _showNoTermRow: function () {
      if (!this._noTermRow) return;
      const named = this._points.terms().length > 0;
      const show = named ? this._points.noTermCount() > 0 : !!this._sourceLabel;
      this._noTermRow.style.display = show ? "" : "none";
    },
  });

  window.GeoTweetsLegend = { Legend: Legend };
})();
