/* The page's one filter: which points pass the brush (a time range), the
 * terms and location kinds switched on, the languages, hashtags, places and
 * authors chosen (codes into the point store's dictionaries; a post passes
 * a part when it has any of them) and the text query.
 * Every view (the points layer, the legend, the timeline, the lists) reads
 * this one object, so they always agree on what is shown.
 *
 * It keeps, over the point store's typed arrays:
 * - the mask, one byte a point, 1 where the point passes;
 * - the same leaving the brush out (what the timeline bins);
 * - counts for the legend: each term's and each kind's passing posts as if
 *   that facet's own switches were all on (a term switched off still shows
 *   how many posts it would bring back);
 * - per grid cell, how many points pass and how many of each term slot (the
 *   points layer's density colours a cell by its dominant term).
 *
 * A change of terms, kinds, languages or text recounts everything in one
 * pass; points that arrive later are counted when the filter is next read.
 * A brush that moves (a drag, playback) only visits the points whose time
 * lies between its old and new edges, found in an index of the points by
 * time, so a move costs what it changes, not the million points held.
 *
 * Events: "change" {part} when a part of the filter is set or cleared.
 */
(function () {
  "use strict";

  const Store = window.GeoTweetsPointStore;
  const GRID = Store.GRID;
  const formatTime = window.GeoTweetsDom.utcTime;
  const CELL = Store.CELL;
  const SLOTS = Store.MAX_TERMS;
  const NO_TERM = Store.NO_TERM; // a point's term when it matches none: "No term" in the legend
  const MAX_BIT_TERMS = 32; // termBits holds terms 0..31

  // The parts that keep posts holding one of a few codes of a dictionary.
  const CODED = ["langs", "tags", "places", "authors"];
  const PARTS = ["brush", "terms", "kinds"].concat(CODED, ["text"]);

  // Bits of a point's `parts`: what it passes besides the brush.
  const REST = 1; // languages, hashtags, places, authors and text
  const TERM = 2;
  const KIND = 4;
  const ALL_BUT_BRUSH = REST | TERM | KIND;

  /* A byte per code up to the largest in `codes`, 1 for each of them; null
   * for no codes (the part is not set). */
  function lookup(codes) {
    if (codes === null) return null;
    let size = 1;
    for (const code of codes) size = Math.max(size, code + 1);
    const on = new Uint8Array(size);
    for (const code of codes) on[code] = 1;
    return on;
  }

  /* A filter's names for codes of a dictionary, joined: "#a or #b". */
  function named(codes, dict, prefix) {
    return Array.from(codes).sort(function (a, b) { return a - b; }).map(function (code) {
      return prefix + (dict[code] || "");
    }).join(" or ");
  }

  function sameSet(a, b) {
    if (a === b) return true;
    if (a === null || b === null || a.size !== b.size) return false;
    for (const v of a) if (!b.has(v)) return false;
    return true;
  }

  function cellOf(xy, i) {
    const cx = Math.min(GRID - 1, Math.max(0, Math.floor(xy[2 * i] / CELL)));
    const cy = Math.min(GRID - 1, Math.max(0, Math.floor(xy[2 * i + 1] / CELL)));
    return cy * GRID + cx;
  }

  /* The first position of `index` (points in time order, n of them) whose
   * point's time is not before t. */
  function lowerBound(index, time, n, t) {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (time[index[mid]] < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /* True when one of the codes pool[from..to) is on. */
  function holdsOne(on, pool, from, to) {
    for (let t = from; t < to; t++) if (on[pool[t]] === 1) return true;
    return false;
  }

  function grown(Type, prev, size, keep) {
    const next = new Type(size);
    next.set(prev.subarray(0, keep));
    return next;
  }

  /* The points with a time, in time order (ties in arrival order), brought
   * up to date with new points when asked: appended when they come in time
   * order (a live stream, a replay), merged in otherwise. Only their
   * indexes: their times are read from the store (a sorted copy of them
   * was 8 bytes a point more, for searches that read a few dozen). */
  class TimeOrder {
    constructor() {
      this.clear();
    }

    clear() {
      this.index = new Uint32Array(0);
      this.length = 0;
      this.done = 0; // points 0..done-1 are in
    }

    update(time, count) {
      if (count <= this.done) return;
      let fresh = new Uint32Array(count - this.done);
      let n = 0;
      let sorted = true;
      for (let i = this.done; i < count; i++) {
        const t = time[i];
        if (!(t === t)) continue; // NaN: no time, in no brush
        if (n && t < time[fresh[n - 1]]) sorted = false;
        fresh[n++] = i;
      }
      this.done = count;
      if (!n) return;
      fresh = fresh.subarray(0, n);
      if (!sorted) fresh.sort(function (a, b) { return time[a] - time[b] || a - b; });
      const need = this.length + fresh.length;
      if (need > this.index.length) {
        const size = Math.max(need, this.index.length * 2, 4096);
        this.index = grown(Uint32Array, this.index, size, this.length);
      }
      const index = this.index;
      // Merge from the back: the old entries move up past the new ones.
      let a = this.length - 1;
      let b = fresh.length - 1;
      for (let out = need - 1; b >= 0; out--) {
        const t = time[fresh[b]];
        if (a >= 0 && time[index[a]] > t) {
          index[out] = index[a];
          a -= 1;
        } else {
          index[out] = fresh[b];
          b -= 1;
        }
      }
      this.length = need;
    }
  }

  const Filter = L.Evented.extend({
    /* `layer` is the points layer: its store (`points()`), terms and kinds. */
    initialize: function (layer) {
      this._layer = layer;
      this.brush = null;
      this.termsOff = new Set();
      this.kindsOff = new Set();
      this.langs = null;
      this.tags = null;
      this.places = null;
      this.authors = null;
      this.textKeys = null;
      this.textQuery = "";
      this._store = null;
      this._done = 0; // points of the store the masks and counts cover
      this._mask = new Uint8Array(0);
      this._unbrushed = new Uint8Array(0);
      this._parts = new Uint8Array(0); // REST | TERM | KIND bits a point passes
      this._termCounts = [];
      this._noTermCount = 0;
      this._kindCounts = [];
      this._passing = 0;
      this._cellCounts = new Uint32Array(GRID * GRID);
      this._compact = new Int32Array(GRID * GRID).fill(-1); // cell -> row of _slotCounts
      this._slotCounts = new Uint32Array(SLOTS * 1024);
      this._compactCount = 0;
      this._order = new TimeOrder();
      this.version = 0; // moves on every change, so readers can cache by it
    },

    // -- setting it --------------------------------------------------------------

    /* [t0, t1) in Unix seconds, or null for all time. */
    setBrush: function (range) {
      const next = range ? [Number(range[0]), Number(range[1])] : null;
      if (next && !(next[0] < next[1])) return this;
      const prev = this.brush;
      if (prev === next || (prev && next && prev[0] === next[0] && prev[1] === next[1])) return this;
      if (prev && next && this._done > 0) {
        this._sync(); // points that came meanwhile, under the old brush
        this.brush = next;
        this._moveBrush(prev, next);
        this.version += 1;
        this.fire("change", { part: "brush" });
        return this;
      }
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
      return this.setCodes("langs", langs);
    },

    /* The codes of one of the store's dictionaries a post must hold one of
     * to pass (`part`: "langs", "tags", "places" or "authors"; codes into
     * the store's dictionary of that name), or null for no such part. */
    setCodes: function (part, codes) {
      if (CODED.indexOf(part) < 0) throw new Error("no such part of the filter: " + part);
      const next = codes ? new Set(codes) : null;
      if (sameSet(this[part], next)) return this;
      this[part] = next;
      return this._changed(part);
    },

    /* The coded parts by name ({langs: [name] | null, ...}): names outlive
     * a store that is cleared (Clear, the points sent again), whose
     * dictionaries then start over and give the same codes to other names. */
    codedNames: function () {
      const store = this._layer.points();
      const names = {};
      for (const part of CODED) {
        const dict = store ? store[part] : [];
        const codes = this[part] ? Array.from(this[part]).filter(function (code) { return code < dict.length; }) : null;
        names[part] = codes ? codes.map(function (code) { return dict[code]; }) : null;
      }
      return names;
    },

    /* The coded parts from names (codedNames), given codes in the store's
     * dictionaries now: made for names no post has brought yet. */
    setCodedNames: function (names) {
      const store = this._layer.points();
      for (const part of CODED) {
        const list = names[part];
        if (!Array.isArray(list) || !store) this.setCodes(part, null);
        else this.setCodes(part, list.length ? Array.from(store.mergeDictionary(part, list)) : []);
      }
      return this;
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
      if (CODED.indexOf(part) >= 0) return this.setCodes(part, null);
      if (part === "text") return this.textKeys ? this.setText("", null) : this;
      const set = part === "terms" ? this.termsOff : part === "kinds" ? this.kindsOff : null;
      if (!set || set.size === 0) return this;
      set.clear();
      return this._changed(part);
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
        this.tags !== null ||
        this.places !== null ||
        this.authors !== null ||
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

    /* Passing points per grid cell (the store's grid). */
    cellCounts: function () { this._sync(); return this._cellCounts; },

    /* The points whose time is in the brush, in time order (indexes into
     * the store; some may fail other parts), or null with no brush. */
    brushedPoints: function () {
      if (!this.brush) return null;
      this._sync();
      const order = this._order;
      order.update(this._store.time, this._done);
      const time = this._store.time;
      const lo = lowerBound(order.index, time, order.length, this.brush[0]);
      const hi = lowerBound(order.index, time, order.length, this.brush[1]);
      return order.index.subarray(lo, hi);
    },

    /* The term slot (store.termSlot) with most passing points in a cell. */
    dominantSlot: function (cell) {
      const row = this._compact[cell];
      if (row < 0) return 0;
      const slots = this._slotCounts;
      const base = row * SLOTS;
      let best = 0;
      for (let s = 1; s < SLOTS; s++) if (slots[base + s] > slots[base + best]) best = s;
      return best;
    },

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
      const store = layer.points();
      if (this.langs) {
        const dict = store && store.langs ? store.langs : [];
        const names = Array.from(this.langs).sort(function (a, b) { return a - b; }).map(function (code) {
          return dict[code] ? dict[code] : "unknown";
        });
        chips.push({ part: "langs", label: "Language: " + (names.length ? names.join(", ") : "none") });
      }
      if (this.tags && store) chips.push({ part: "tags", label: named(this.tags, store.tags, "#") });
      if (this.places && store) chips.push({ part: "places", label: "Place: " + named(this.places, store.places, "") });
      if (this.authors && store) chips.push({ part: "authors", label: "By " + named(this.authors, store.authors, "@") });
      if (this.textKeys) chips.push({ part: "text", label: "Text contains: " + this.textQuery });
      return chips;
    },

    // -- keeping the masks -------------------------------------------------------

    /* Brings the masks and counts up to the store: all of it after a change
     * (or a clear), only the new points otherwise. */
    _sync: function () {
      const store = this._layer.points();
      const count = store ? store.count : 0;
      if (store !== this._store || count < this._done) {
        this._store = store;
        this._done = 0;
        this._order.clear();
        this._cellCounts.fill(0);
        this._compact.fill(-1);
        this._compactCount = 0;
      }
      if (this._done === 0) this._reset(store);
      if (count > this._done) this._scan(store, this._done, count);
    },

    _reset: function (store) {
      this._termCounts = this._layer.terms().map(function () { return 0; });
      this._noTermCount = 0;
      this._kindCounts = this._layer.kinds().map(function () { return 0; });
      this._passing = 0;
      const counts = this._cellCounts;
      if (store) for (let n = 0; n < store.cellCount; n++) counts[store.cells[n]] = 0;
      this._slotCounts.fill(0, 0, this._compactCount * SLOTS);
    },

    _grow: function (to, from) {
      if (this._mask.length >= to) return;
      const size = Math.max(to, this._mask.length * 2, 4096);
      this._mask = grown(Uint8Array, this._mask, size, from);
      this._unbrushed = grown(Uint8Array, this._unbrushed, size, from);
      this._parts = grown(Uint8Array, this._parts, size, from);
    },

    /* The row of a cell's term-slot counts, made on its first point. */
    _rowOf: function (cell) {
      let row = this._compact[cell];
      if (row >= 0) return row;
      row = this._compactCount++;
      if (this._compactCount * SLOTS > this._slotCounts.length) {
        this._slotCounts = grown(Uint32Array, this._slotCounts, this._slotCounts.length * 2, row * SLOTS);
      }
      this._compact[cell] = row;
      return row;
    },

    /* What the switches let through, as lookups for the loops. */
    _switches: function () {
      const termCount = Math.min(this._termCounts.length, MAX_BIT_TERMS);
      let onBits = 0;
      for (let t = 0; t < termCount; t++) if (!this.termsOff.has(t)) onBits |= 1 << t;
      const kindOn = new Uint8Array(this._kindCounts.length);
      for (let k = 0; k < kindOn.length; k++) kindOn[k] = this.kindsOff.has(k) ? 0 : 1;
      let langOn = null;
      if (this.langs) {
        langOn = new Uint8Array(65536);
        for (const code of this.langs) if (code >= 0 && code < 65536) langOn[code] = 1;
      }
      return {
        termCount: termCount,
        onBits: onBits,
        noTermOn: !this.termsOff.has(NO_TERM),
        termsAll: this.termsOff.size === 0,
        kindOn: kindOn,
        langOn: langOn,
        tagOn: lookup(this.tags),
        placeOn: lookup(this.places),
        authorOn: lookup(this.authors),
        textKeys: this.textKeys,
      };
    },

    /* Masks and counts of points from..to-1, in one pass. */
    _scan: function (store, from, to) {
      this._grow(to, from);
      const mask = this._mask;
      const unbrushed = this._unbrushed;
      const parts = this._parts;
      const sw = this._switches();
      const brush = this.brush;
      const t0 = brush ? brush[0] : 0;
      const t1 = brush ? brush[1] : 0;
      const time = store.time;
      const termBits = store.termBits;
      const kind = store.kind;
      const lang = store.lang;
      const place = store.place;
      const author = store.author;
      const tagStart = store.tagStart;
      const tagPool = store.tagPool;
      const key = store.key;
      const xy = store.xy;
      const term = store.term;
      const cellCounts = this._cellCounts;
      const passes = [];
      for (let i = from; i < to; i++) {
        let p = REST;
        if (sw.langOn && sw.langOn[lang[i]] === 0) p = 0;
        else if (sw.placeOn && sw.placeOn[place[i]] !== 1) p = 0; // beyond the lookup: undefined
        else if (sw.authorOn && sw.authorOn[author[i]] !== 1) p = 0;
        else if (sw.tagOn && !holdsOne(sw.tagOn, tagPool, tagStart[i], tagStart[i + 1])) p = 0;
        else if (sw.textKeys && !sw.textKeys.has(key[i])) p = 0;
        const bits = termBits[i];
        if (sw.termsAll || (bits === 0 ? sw.noTermOn : (bits & sw.onBits) !== 0)) p |= TERM;
        if (sw.kindOn[kind[i]] === 1) p |= KIND;
        parts[i] = p;
        unbrushed[i] = p === ALL_BUT_BRUSH ? 1 : 0;
        const t = time[i]; // NaN (time unknown) is in no range
        const inBrush = !brush || (t >= t0 && t < t1);
        mask[i] = inBrush && p === ALL_BUT_BRUSH ? 1 : 0;
        if (inBrush && p & REST) this._count(i, p, bits, kind[i], 1, sw.termCount);
        if (mask[i] === 1) passes.push(i);
      }
      // Cells second: their counts are scattered writes, kept out of the loop above.
      for (const i of passes) {
        const cell = cellOf(xy, i);
        cellCounts[cell] += 1;
        this._slotCounts[this._rowOf(cell) * SLOTS + Store.termSlot(term[i])] += 1;
      }
      this._passing += passes.length;
      this._done = to;
    },

    /* The legend's counts for point i entering (+1) or leaving (-1) the brush. */
    _count: function (i, p, bits, k, delta, termCount) {
      if (p & TERM) this._kindCounts[k] += delta;
      if (!(p & KIND)) return;
      if (bits === 0) {
        this._noTermCount += delta;
        return;
      }
      const counts = this._termCounts;
      for (let b = bits, t = 0; b !== 0 && t < termCount; b >>>= 1, t++) {
        if (b & 1) counts[t] += delta;
      }
    },

    /* The brush moved from prev to next: only the points whose time lies
     * between the old and the new edges change. */
    _moveBrush: function (prev, next) {
      const store = this._store;
      const order = this._order;
      order.update(store.time, this._done);
      const index = order.index;
      const time = store.time;
      const n = order.length;
      const lo = lowerBound(index, time, n, prev[0]);
      const hi = lowerBound(index, time, n, prev[1]);
      const lo2 = lowerBound(index, time, n, next[0]);
      const hi2 = lowerBound(index, time, n, next[1]);
      const termCount = Math.min(this._termCounts.length, MAX_BIT_TERMS);
      // Positions in exactly one of [lo, hi) and [lo2, hi2).
      const ranges = [[Math.min(lo, lo2), Math.max(lo, lo2)], [Math.min(hi, hi2), Math.max(hi, hi2)]];
      if (hi <= lo2 || hi2 <= lo) ranges.splice(0, 2, [lo, hi], [lo2, hi2]); // no overlap
      for (const [from, to] of ranges) {
        for (let pos = from; pos < to; pos++) {
          const i = order.index[pos];
          const entering = pos >= lo2 && pos < hi2;
          this._flip(store, i, entering, termCount);
        }
      }
    },

    _flip: function (store, i, entering, termCount) {
      const p = this._parts[i];
      const delta = entering ? 1 : -1;
      if (p & REST) this._count(i, p, store.termBits[i], store.kind[i], delta, termCount);
      if (p !== ALL_BUT_BRUSH) return;
      this._mask[i] = entering ? 1 : 0;
      this._passing += delta;
      const cell = cellOf(store.xy, i);
      this._cellCounts[cell] += delta;
      this._slotCounts[this._rowOf(cell) * SLOTS + Store.termSlot(store.term[i])] += delta;
    },
  });

  window.GeoTweetsFilters = { Filter: Filter, NO_TERM: NO_TERM };
})();
