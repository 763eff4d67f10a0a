/* The legend: a Leaflet control showing the points layer's terms (colour and
 * count) and a switch per location kind. It reads the layer and listens to
 * its events; every user-typed string is set as text. */
(function () {
  "use strict";

  const el = window.GeoTweetsDom.el;

  const Legend = L.Control.extend({
    options: { position: "topright" },

    initialize: function (points, options) {
      L.setOptions(this, options);
      this._points = points;
      this._sourceLabel = "";
      this._synthetic = false;
      this._termCountNodes = [];
      this._kindCountNodes = [];
    },

    onAdd: function () {
      const box = el("div", "gt-legend leaflet-bar");
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      this._box = box;
      this._points.on("configure beyondchange", this._render, this);
      this._points.on("countschange", this._updateCounts, this);
      this._render();
      return box;
    },

    onRemove: function () {
      this._points.off("configure beyondchange", this._render, this);
      this._points.off("countschange", this._updateCounts, this);
      this._box = null;
    },

    /* Where the session's posts come from, and whether they are made up. */
    setSource: function (label, synthetic) {
      this._sourceLabel = label || "";
      this._synthetic = !!synthetic;
      this._render();
      return this;
    },

    _render: function () {
      const box = this._box;
      if (!box) return;
      const points = this._points;
      box.replaceChildren();
      if (this._synthetic) box.appendChild(el("div", "gt-synthetic", "Synthetic demo data"));
      if (this._sourceLabel) box.appendChild(el("div", "gt-source", this._sourceLabel));
      const terms = el("div", "gt-terms");
      const termCounts = points.termCounts();
      this._termCountNodes = points.terms().map(function (term, i) {
        const row = el("div", "gt-term");
        const swatch = el("span", "gt-swatch");
        swatch.style.background = term.color;
        row.appendChild(swatch);
        row.appendChild(el("span", "gt-term-name", term.term));
        const count = el("span", "gt-count", String(termCounts[i]));
        row.appendChild(count);
        terms.appendChild(row);
        return count;
      });
      if (!points.terms().length) terms.appendChild(el("div", "gt-empty", "No search yet"));
      box.appendChild(terms);
      const kinds = el("div", "gt-kinds");
      kinds.appendChild(el("div", "gt-kinds-title", "Located by"));
      const kindCounts = points.kindCounts();
      this._kindCountNodes = points.kinds().map(function (kind, code) {
        const label = el("label", "gt-kind");
        const check = el("input");
        check.type = "checkbox";
        check.checked = points.kindVisible(code);
        check.addEventListener("change", function () {
          points.setKindVisible(code, check.checked);
        });
        label.appendChild(check);
        label.appendChild(el("span", "gt-kind-symbol gt-kind-" + kind.name));
        label.appendChild(el("span", "", kind.label));
        const count = el("span", "gt-count", String(kindCounts[code]));
        label.appendChild(count);
        kinds.appendChild(label);
        return count;
      });
      box.appendChild(kinds);
      const beyond = points.beyondMap();
      if (beyond) {
        const posts = beyond === 1 ? "1 post is" : beyond + " posts are";
        box.appendChild(el("div", "gt-beyond", posts + " nearer a pole than the map reaches (85°)"));
      }
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
    },
  });

  window.GeoTweetsLegend = { Legend: Legend };
})();
