/* The map's state as Python keeps it: the centre, zoom and mode (with the
 * heat's scale and term), the filter's parts (brush, terms, kinds,
 * languages, hashtags, places, authors, text) and the part of the world in
 * view. It reports the state, debounced, after the map moves or the
 * filter, mode or terms change (Python's export of what is seen and Save
 * view read the last report), and applies a saved view in one go.
 *
 * The page's filter holds codes (term and kind indexes, codes into the
 * point store's dictionaries); a view holds names (the term, the kind's
 * name, X's language code, the hashtag, the place's label, the handle), so
 * it means the same on another computer and after the session is reopened.
 * Names it does not know are left alone.
 *
 * State (core/view_state.py reads it): {center: [lat, lon], zoom, mode,
 * heat: {scale, term: name | null}, bounds: [west, south, east, north],
 * filters: {brush: [t0, t1) | null, termsOff: [term], noTermOff,
 * kindsOff: [kind name], langs: [code] | null, tags: [hashtag] | null,
 * places: [label] | null, authors: [handle] | null, text}}. The text
 * filter needs Python to find the posts whose text holds the words:
 * applying a view hands them to `options.searchText`, which starts that
 * search (lists.js), and the filter takes them when it answers.
 */
(function () {
  "use strict";

  const REPORT_DELAY_MS = 250;
  const MAX_ZOOM = 22;

  function round6(value) {
    return Math.round(value * 1e6) / 1e6;
  }

  function clamp(value, low, high) {
    return Math.min(high, Math.max(low, value));
  }

  function sortedNumbers(set) {
    return Array.from(set).sort(function (a, b) { return a - b; });
  }

  const ViewState = L.Class.extend({
    /* `report(json)` is called with the state as JSON text, debounced;
     * `searchText(query)` starts a text search for the filter. */
    initialize: function (map, points, report, searchText) {
      this._map = map;
      this._points = points;
      this._report = report;
      this._searchText = searchText;
      this._timer = null;
      const schedule = this._schedule.bind(this);
      map.on("moveend resize", schedule);
      points.on("configure modechange", schedule);
      const filter = this._filter();
      if (filter) filter.on("change", schedule);
    },

    _filter: function () {
      return typeof this._points.filter === "function" ? this._points.filter() : null;
    },

    _schedule: function () {
      if (this._timer !== null) clearTimeout(this._timer);
      const self = this;
      this._timer = setTimeout(function () {
        self._timer = null;
        self._report(JSON.stringify(self.read()));
      }, REPORT_DELAY_MS);
    },

    // -- reading -------------------------------------------------------------------

    read: function () {
      const map = this._map;
      const center = map.wrapLatLng(map.getCenter());
      const bounds = map.getBounds();
      const points = this._points;
      return {
        center: [round6(clamp(center.lat, -90, 90)), round6(clamp(center.lng, -180, 180))],
        zoom: clamp(map.getZoom(), 0, MAX_ZOOM),
        mode: typeof points.mode === "function" ? points.mode() : "points",
        heat: this._readHeat(),
        bounds: [
          round6(bounds.getWest()),
          round6(clamp(bounds.getSouth(), -90, 90)),
          round6(bounds.getEast()),
          round6(clamp(bounds.getNorth(), -90, 90)),
        ],
        filters: this._readFilters(),
      };
    },

    _readHeat: function () {
      const points = this._points;
      if (typeof points.heatScale !== "function") return { scale: "log", term: null };
      const term = points.heatTerm();
      const terms = points.terms();
      return { scale: points.heatScale(), term: term !== null && terms[term] ? terms[term].term : null };
    },

    _readFilters: function () {
      const filter = this._filter();
      const none = {
        brush: null, termsOff: [], noTermOff: false, kindsOff: [],
        langs: null, tags: null, places: null, authors: null, text: "",
      };
      if (!filter) return none;
      const terms = this._points.terms();
      const kinds = this._points.kinds();
      const noTerm = window.GeoTweetsFilters.NO_TERM;
      const termsOff = [];
      sortedNumbers(filter.termsOff).forEach(function (t) {
        if (t !== noTerm && terms[t]) termsOff.push(terms[t].term);
      });
      const kindsOff = [];
      sortedNumbers(filter.kindsOff).forEach(function (k) {
        if (kinds[k]) kindsOff.push(kinds[k].name);
      });
      const out = {
        brush: filter.brush ? [filter.brush[0], filter.brush[1]] : null,
        termsOff: termsOff,
        noTermOff: filter.termsOff.has(noTerm),
        kindsOff: kindsOff,
        text: filter.textKeys ? filter.textQuery : "",
      };
      return Object.assign(out, filter.codedNames());
    },

    // -- applying ------------------------------------------------------------------

    /* A saved view (checked by Python): the map goes there, the filter and
     * mode become the view's. */
    apply: function (view) {
      const points = this._points;
      if (view.mode && typeof points.setMode === "function") points.setMode(view.mode);
      if (view.heat && typeof points.setHeatScale === "function") {
        points.setHeatScale(view.heat.scale);
        const term = points.terms().findIndex(function (t) { return t.term === view.heat.term; });
        points.setHeatTerm(term >= 0 ? term : null);
      }
      this._applyFilters(view.filters || {});
      this._map.setView(view.center, view.zoom, { animate: false });
      this._schedule();
    },

    _applyFilters: function (filters) {
      const filter = this._filter();
      if (!filter) return;
      const termsOff = new Set(filters.termsOff || []);
      this._points.terms().forEach(function (term, t) {
        filter.setTermOn(t, !termsOff.has(term.term));
      });
      filter.setTermOn(window.GeoTweetsFilters.NO_TERM, !filters.noTermOff);
      const kindsOff = new Set(filters.kindsOff || []);
      this._points.kinds().forEach(function (kind, k) {
        filter.setKindOn(k, !kindsOff.has(kind.name));
      });
      // Codes for names no post has brought yet are made now, so posts that
      // arrive later with them pass.
      filter.setCodedNames(filters);
      filter.setBrush(filters.brush || null);
      if (!filters.text) filter.clear("text");
      else if (filters.text !== filter.textQuery || filter.textKeys === null) this._searchText(filters.text);
    },
  });

  window.GeoTweetsViewState = { ViewState: ViewState };
})();
