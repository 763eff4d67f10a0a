/* The map's mode, chosen on the map: points, heat, or auto (heat when zoomed
 * out); for heat, its scale (log or quantiles) and its posts (every term or
 * one). It reads the points layer and tells it the user's choice; term names
 * are set as text. */
(function () {
  "use strict";

  const el = window.GeoTweetsDom.el;

  const MODES = [
    ["points", "Points", "Draw every post"],
    ["heat", "Heat", "Colour the map by how many posts each square holds"],
    ["auto", "Auto", "Heat when zoomed out, points when zoomed in"],
  ];
  const SCALES = [
    ["log", "Log scale"],
    ["quantile", "Quantiles"],
  ];

  function choice(value, label) {
    const option = el("option", "", label);
    option.value = value;
    return option;
  }

  const ModeControl = L.Control.extend({
    options: { position: "topleft" },

    initialize: function (points, options) {
      L.setOptions(this, options);
      this._points = points;
      this._buttons = {};
    },

    onAdd: function () {
      const points = this._points;
      const box = el("div", "gt-mode-control leaflet-bar");
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      const row = el("div", "gt-mode-buttons");
      for (const [mode, label, title] of MODES) {
        const button = window.GeoTweetsDom.barButton("gt-mode-" + mode, label, title, function () {
          points.setMode(mode);
        });
        row.appendChild(button);
        this._buttons[mode] = button;
      }
      box.appendChild(row);
      this._heatOptions = el("div", "gt-heat-options");
      this._scale = el("select", "gt-heat-scale");
      this._scale.title = "How squares are coloured by their counts";
      for (const [scale, label] of SCALES) this._scale.appendChild(choice(scale, label));
      this._scale.addEventListener("change", () => points.setHeatScale(this._scale.value));
      this._term = el("select", "gt-heat-term");
      this._term.title = "Heat of every post, or of one term's";
      this._term.addEventListener("change", () => {
        points.setHeatTerm(this._term.value === "" ? null : Number(this._term.value));
      });
      this._heatOptions.appendChild(this._scale);
      this._heatOptions.appendChild(this._term);
      box.appendChild(this._heatOptions);
      points.on("configure", this._fillTerms, this);
      points.on("modechange", this._update, this);
      this._fillTerms();
      return box;
    },

    onRemove: function () {
      this._points.off("configure", this._fillTerms, this);
      this._points.off("modechange", this._update, this);
    },

    _fillTerms: function () {
      const select = this._term;
      select.replaceChildren(choice("", "All terms"));
      this._points.terms().forEach(function (term, i) {
        select.appendChild(choice(String(i), term.term));
      });
      this._update();
    },

    _update: function () {
      const points = this._points;
      const mode = points.mode();
      for (const name in this._buttons) this._buttons[name].classList.toggle("gt-active", name === mode);
      this._heatOptions.style.display = mode === "points" ? "none" : "";
      this._scale.value = points.heatScale();
      const term = points.heatTerm();
      this._term.value = term === null ? "" : String(term);
      this._term.style.display = points.terms().length ? "" : "none";
    },
  });

  window.GeoTweetsModeControl = { ModeControl: ModeControl };
})();
