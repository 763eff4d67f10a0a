/* The page's one filter: which points pass the brush (a time range), the
 * terms and location kinds switched on, the languages and the text query.
 * Every view (the points layer, the legend, the timeline, the lists) reads
 * this one object, so they always agree on what is shown.
 *
 * It works on the point store's typed arrays and keeps a mask, one byte a
 * point, 1 where the point passes. A change of filter recomputes it in one
 * pass over the arrays (a few milliseconds at a million points: a brush
 * drag must redraw within 50 ms); points that arrive later are added to it
 * when it is next read, so no caller has to tell it.
 *
 * The same pass counts, for the legend, each term's and each kind's passing
 * posts as if that facet's own switches were all on: a term switched off
 * still shows how many posts it would bring back.
 *
 * Events: "change" {part} when a part of the filter is set or cleared.
 */
(function () {
  "use strict";

  const NO_TERM = 255; // a point's term when it matches none: "No term" in the legend
  const MAX_BIT_TERMS = 32; // termBits holds terms 0..31

  const PARTS = ["brush", "terms", "kinds", "langs", "text"];

  function formatTime(seconds) {
    const iso = new Date(seconds * 1000).toISOString();
    return iso.slice(0, 10) + " " + iso.slice(11, 19) + " UTC";
  }

  function sameSet(a, b) {
    if (a === b) return true;
    if (a === null || b === null || a.size !== b.size) return false;
    for (const v of a) if (!b.has(v)) return false;
    return true;
  }

  const Filter = L.Evented.extend({
    /* `layer` is the points layer: its store (`points()`), terms and kinds. */
    initialize: function (layer) {
      this._layer = layer;
      this.brush = null;
      this.termsOff = new Set();
      this.kindsOff = new Set();
      this.langs = null;
      this.textKeys = null;
      this.textQuery = "";
      this._mask = new Uint8Array(0);
      this._unbrushed = new Uint8Array(0); // as the mask, the brush left out: the timeline's bins
      this._store = null;
      this._done = 0; // points of the store the mask and counts cover
      this._termCounts = [];
      this._noTermCount = 0;
      this._kindCounts = [];
      this._passing = 0;
      this.version = 0; // moves on every change, so readers can cache by it
    },

    // -- setting it --------------------------------------------------------------

    /* [t0, t1) in Unix seconds, or null for all time. */
    setBrush: function (range) {
      const next = range ? [Number(range[0]), Number(range[1])] : null;
      if (next && !(next[0] < next[1])) return this;
      const prev = this.brush;
      if (prev === next || (prev && next && prev[0] === next[0] && prev[1] === next[1])) return this;
      this.brush = next;
      return this._changed("brush");
    },

    setTermOn: function (term, on) {
      if (on === !this.termsOff.has(term)) return this;
      if (on) this.termsOff.delete(term);
      else this.termsOff.add(term);
      return this._changed("terms");
    },

    setKindOn: function (kind, on) {
      if (on === !this.kindsOff.has(kind)) return this;
      if (on) this.kindsOff.delete(kind);
      else this.kindsOff.add(kind);
      return this._changed("kinds");
    },

    /* A Set of lang codes (into the store's `langs`) to keep, or null for all. */
    setLangs: function (langs) {
      const next = langs ? new Set(langs) : null;
      if (sameSet(this.langs, next)) return this;
      this.langs = next;
      return this._changed("langs");
    },

    /* The words typed and the keys of the posts whose text holds them
     * (Python finds them), or null keys for no text filter. */
    setText: function (query, keys) {
      this.textQuery = keys ? String(query || "") : "";
      this.textKeys = keys ? new Set(keys) : null;
      return this._changed("text");
    },

    /* Clears one part ("brush", "terms", "kinds", "langs", "text") or, with
     * no part, all of them. */
    clear: function (part) {
      if (part === undefined) {
        const self = this;
        PARTS.forEach(function (p) { self.clear(p); });
        return this;
      }
      if (part === "brush") return this.setBrush(null);
      if (part === "langs") return this.setLangs(null);
      if (part === "text") return this.textKeys ? this.setText("", null) : this;
      const set = part === "terms" ? this.termsOff : part === "kinds" ? this.kindsOff : null;
      if (!set || set.size === 0) return this;
      set.clear();
      return this._changed(part);
    },

    /* The session's terms or kinds changed: switches naming old ones go. */
    reset: function () {
      this.termsOff.clear();
      this.kindsOff.clear();
      return this._changed("terms");
    },

    _changed: function (part) {
      this._done = 0;
      this.version += 1;
      this.fire("change", { part: part });
      return this;
    },

    // -- reading it --------------------------------------------------------------

    active: function () {
      return (
        this.brush !== null ||
        this.termsOff.size > 0 ||
        this.kindsOff.size > 0 ||
        this.langs !== null ||
        this.textKeys !== null
      );
    },

    passes: function (i) {
      return this.mask()[i] === 1;
    },

    /* One byte a point of the store, 1 where it passes. */
    mask: function () {
      this._sync();
      return this._mask.subarray(0, this._done);
    },

    /* As mask(), but of every part except the brush (what the timeline bins). */
    unbrushedMask: function () {
      this._sync();
      return this._unbrushed.subarray(0, this._done);
    },

    /* How many points pass. */
    passingCount: function () { this._sync(); return this._passing; },

    /* Passing posts per term (a post matching two terms counts in both),
     * per kind, and those matching no term; each facet counted with its own
     * switches ignored. */
    termCounts: function () { this._sync(); return this._termCounts; },
    noTermCount: function () { this._sync(); return this._noTermCount; },
    kindCounts: function () { this._sync(); return this._kindCounts; },

    /* What is filtered, in words, for the chips: [{part, label}]. */
    chips: function () {
      const chips = [];
      const layer = this._layer;
      if (this.brush) {
        chips.push({ part: "brush", label: "Time " + formatTime(this.brush[0]) + " – " + formatTime(this.brush[1]) });
      }
      if (this.termsOff.size) {
        const terms = layer.terms();
        const names = Array.from(this.termsOff).sort(function (a, b) { return a - b; }).map(function (t) {
          return t === NO_TERM ? "no term" : terms[t] ? terms[t].term : "term " + t;
        });
        chips.push({ part: "terms", label: "Hidden terms: " + names.join(", ") });
      }
      if (this.kindsOff.size) {
        const kinds = layer.kinds();
        const names = Array.from(this.kindsOff).sort(function (a, b) { return a - b; }).map(function (k) {
          return kinds[k] ? kinds[k].label : "kind " + k;
        });
        chips.push({ part: "kinds", label: "Hidden: located by " + names.join(", ") });
      }
      if (this.langs) {
        const store = this._layer.points();
        const dict = store && store.langs ? store.langs : [];
        const names = Array.from(this.langs).sort(function (a, b) { return a - b; }).map(function (code) {
          return dict[code] ? dict[code] : "unknown";
        });
        chips.push({ part: "langs", label: "Language: " + (names.length ? names.join(", ") : "none") });
      }
      if (this.textKeys) chips.push({ part: "text", label: "Text contains: " + this.textQuery });
      return chips;
    },

    // -- keeping the mask --------------------------------------------------------

    /* Brings the mask and counts up to the store: all of it after a change
     * (or a clear), only the new points otherwise. */
    _sync: function () {
      const store = this._layer.points();
      const count = store ? store.count : 0;
      if (store !== this._store || count < this._done) {
        this._store = store;
        this._done = 0;
      }
      if (this._done === 0) this._resetCounts();
      if (count > this._done) this._scan(store, this._done, count);
    },

    _resetCounts: function () {
      this._termCounts = this._layer.terms().map(function () { return 0; });
      this._noTermCount = 0;
      this._kindCounts = this._layer.kinds().map(function () { return 0; });
      this._passing = 0;
    },

    /* The mask and counts of points from..to-1: one pass, the tests of the
     * parts not set left out of the loop. */
    _scan: function (store, from, to) {
      if (this._mask.length < to) {
        const size = Math.max(to, this._mask.length * 2, 4096);
        const grown = new Uint8Array(size);
        grown.set(this._mask.subarray(0, from));
        this._mask = grown;
        const unbrushed = new Uint8Array(size);
        unbrushed.set(this._unbrushed.subarray(0, from));
        this._unbrushed = unbrushed;
      }
      const mask = this._mask;
      const unbrushed = this._unbrushed;
      const termCount = Math.min(this._termCounts.length, MAX_BIT_TERMS);
      let onBits = 0;
      for (let t = 0; t < termCount; t++) if (!this.termsOff.has(t)) onBits |= 1 << t;
      const noTermOn = !this.termsOff.has(NO_TERM);
      const termsAll = this.termsOff.size === 0;
      const kindOn = Uint8Array.from(this._kindCounts, function (_, k) { return this.kindsOff.has(k) ? 0 : 1; }, this);
      const brush = this.brush;
      const t0 = brush ? brush[0] : 0;
      const t1 = brush ? brush[1] : 0;
      const langs = this.langs;
      const langOn = langs ? new Uint8Array(65536) : null;
      if (langs) for (const code of langs) if (code >= 0 && code < 65536) langOn[code] = 1;
      const textKeys = this.textKeys;
      const time = store.time;
      const termBits = store.termBits;
      const kind = store.kind;
      const lang = store.lang;
      const key = store.key;
      const termCounts = this._termCounts;
      const kindCounts = this._kindCounts;
      let noTerm = 0;
      let passing = 0;
      for (let i = from; i < to; i++) {
        let base = 1;
        if (langOn && langOn[lang[i]] === 0) base = 0;
        if (base && textKeys && !textKeys.has(key[i])) base = 0;
        const bits = termBits[i];
        const termOn = termsAll || (bits === 0 ? noTermOn : (bits & onBits) !== 0);
        const k = kind[i];
        const kOn = kindOn[k] === 1;
        unbrushed[i] = base && termOn && kOn ? 1 : 0;
        if (brush) {
          const t = time[i]; // NaN (time unknown) is in no range
          if (!(t >= t0 && t < t1)) base = 0;
        }
        mask[i] = base && termOn && kOn ? 1 : 0;
        passing += mask[i];
        if (!base) continue;
        if (termOn) kindCounts[k] += 1;
        if (!kOn) continue;
        if (bits === 0) {
          noTerm += 1;
          continue;
        }
        for (let b = bits, t = 0; b !== 0 && t < termCount; b >>>= 1, t++) {
          if (b & 1) termCounts[t] += 1;
        }
      }
      this._noTermCount += noTerm;
      this._passing += passing;
      this._done = to;
    },
  });

  window.GeoTweetsFilters = { Filter: Filter, NO_TERM: NO_TERM, formatTime: formatTime };
})();
