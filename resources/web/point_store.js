/* The per-point data the page holds: one column (a growable typed array) per
 * field, the dictionaries the coded columns point into, and the grid that
 * indexes the points by position. The points layer draws from it; the
 * timeline, the filters and the lists read it. Point i runs 0..count-1 in
 * arrival order.
 *
 * Columns: key, xy (Web Mercator at zoom 0, x and y interleaved), time (Unix
 * seconds, NaN when unknown), term (first matching term, NO_TERM for none),
 * termBits (bit t set when the post matches term t < 32), kind, lang, place,
 * author (codes into langs, places, authors; 0 is none, ""), and the
 * hashtags as CSR: the codes tagPool[tagStart[i]] .. tagPool[tagStart[i+1]]
 * into tags.
 *
 * Batches bring their codes with dictionaries (their own, or their
 * session's: point_loader.js); `mergeDictionary` and `codeIn` map them onto
 * the store's, so a code means the same string for the whole session. The strings are post data: set them on the
 * DOM with textContent only.
 *
 * The grid: a 1024 x 1024 grid over the world, each cell a linked list of
 * its points (head, next) with running counts (`countIn`) and per term, and
 * its dominant term; `cells` lists the non-empty cells. Nothing is ever
 * rebuilt; adding a point is O(1).
 */
(function () {
  "use strict";

  const GRID = 1024; // cells per axis; a cell is 0.25 px at zoom 0
  const CELL = 256 / GRID; // cell size in zoom-0 pixels
  const MAX_TERMS = 16; // term slots per cell (the last one is "no term")
  const NO_TERM = 255; // also caps the terms a point can name: its term is a byte
  const MAX_LANGS = 65536; // lang is a Uint16 code

  function termSlot(term) {
    return term === NO_TERM ? MAX_TERMS - 1 : Math.min(term, MAX_TERMS - 2);
  }

  /* A dictionary of strings, code 0 being "" (none). */
  class Dictionary {
    constructor(limit) {
      this.limit = limit;
      this.strings = [""];
      this._codes = new Map([["", 0]]);
    }

    codeOf(value) {
      const text = typeof value === "string" ? value : "";
      let code = this._codes.get(text);
      if (code === undefined) {
        // Beyond the column's range a string cannot be told apart: "none".
        if (this.strings.length >= this.limit) return 0;
        code = this.strings.length;
        this.strings.push(text);
        this._codes.set(text, code);
      }
      return code;
    }

    clear() {
      this.strings.length = 1;
      this._codes = new Map([["", 0]]);
    }
  }

  /* `kindCount` sizes the per-cell kind counts: a kind is a small integer
   * below it, checked by the layer before push. */
  class PointStore {
    constructor(kindCount) {
      this.kindCount = kindCount;
      this.count = 0;
      this.capacity = 0;
      this.generation = 0; // counts clears: codes given before one mean nothing after
      this._dicts = {
        langs: new Dictionary(MAX_LANGS),
        places: new Dictionary(0x100000000),
        authors: new Dictionary(0x100000000),
        tags: new Dictionary(0x100000000),
      };
      this.tagCount = 0; // codes used in tagPool
      this.tagStart = new Uint32Array(1);
      this.tagPool = new Uint32Array(4096);
      this.head = new Int32Array(GRID * GRID).fill(-1);
      // Counts are kept for the non-empty cells only, a row each (rowOf[cell],
      // in the order of `cells`): a row for every cell was 44 MB whatever
      // the points. Per term, they keep `dominant` up to date.
      this._rowOf = new Int32Array(GRID * GRID).fill(-1);
      this._rowCounts = new Uint32Array(1024); // points in the row's cell
      this._termRows = new Uint16Array(MAX_TERMS * 1024); // saturates at 65535
      this.dominant = new Uint8Array(GRID * GRID); // term slot with the most posts
      // The cells holding any point, so a redraw can skip the empty (most) ones.
      this.cells = new Int32Array(GRID * GRID);
      this.cellCount = 0;
      this._grow(4096);
    }

    get langs() { return this._dicts.langs.strings; }
    get places() { return this._dicts.places.strings; }
    get authors() { return this._dicts.authors.strings; }
    get tags() { return this._dicts.tags.strings; }

    /* The code of a string in the store's dictionary `name` ("langs",
     * "places", "authors", "tags"), given one if it is new. */
    codeIn(name, text) {
      return this._dicts[name].codeOf(text);
    }

    /* Codes in the store's dictionary `name` for a batch's own dictionary:
     * out[batchCode] = storeCode. */
    mergeDictionary(name, strings) {
      const dict = this._dicts[name];
      const list = Array.isArray(strings) ? strings : [];
      const codes = new Uint32Array(Math.max(1, list.length));
      for (let c = 0; c < list.length; c++) codes[c] = dict.codeOf(list[c]);
      return codes;
    }

    _grow(capacity) {
      const n = this.count;
      const grow = function (Type, prev, width, extra) {
        const next = new Type(capacity * width + extra);
        if (prev) next.set(prev.subarray(0, n * width + extra));
        return next;
      };
      this.key = grow(Float64Array, this.key, 1, 0);
      // x, y interleaved: one cache line serves both when a redraw jumps around.
      this.xy = grow(Float64Array, this.xy, 2, 0);
      this.time = grow(Float64Array, this.time, 1, 0);
      this.term = grow(Uint8Array, this.term, 1, 0);
      this.termBits = grow(Uint32Array, this.termBits, 1, 0);
      this.kind = grow(Uint8Array, this.kind, 1, 0);
      this.lang = grow(Uint16Array, this.lang, 1, 0);
      this.place = grow(Uint32Array, this.place, 1, 0);
      this.author = grow(Uint32Array, this.author, 1, 0);
      this.tagStart = grow(Uint32Array, this.tagStart, 1, 1);
      this.next = grow(Int32Array, this.next, 1, 0);
      this.capacity = capacity;
    }

    /* Room for `total` points without growing again (never shrinks). */
    reserve(total) {
      if (total > this.capacity) this._grow(total);
    }

    /* The post's hashtags, as codes into `tags`, are `codes[from..to)` mapped
     * through `map` (a batch's merged dictionary): append them first, then
     * push the point they belong to. */
    pushTags(codes, from, to, map) {
      to = Math.min(to, codes.length);
      if (!(from >= 0 && from < to)) return;
      const need = this.tagCount + (to - from);
      if (need > this.tagPool.length) {
        const pool = new Uint32Array(Math.max(need, Math.ceil(this.tagPool.length * 1.5)));
        pool.set(this.tagPool.subarray(0, this.tagCount));
        this.tagPool = pool;
      }
      for (let t = from; t < to; t++) {
        const code = codes[t];
        // A code the batch's dictionary lacks, or its "", names no hashtag.
        const tag = code > 0 && code < map.length ? map[code] : 0;
        if (tag !== 0) this.tagPool[this.tagCount++] = tag;
      }
    }

    push(key, wx, wy, time, term, termBits, kind, lang, place, author) {
      if (this.count === this.capacity) this._grow(this.capacity * 2);
      const i = this.count++;
      this.key[i] = key;
      this.xy[2 * i] = wx;
      this.xy[2 * i + 1] = wy;
      this.time[i] = time;
      this.term[i] = term;
      this.termBits[i] = termBits;
      this.kind[i] = kind;
      this.lang[i] = lang;
      this.place[i] = place;
      this.author[i] = author;
      this.tagStart[i + 1] = this.tagCount;
      const cx = Math.min(GRID - 1, Math.max(0, Math.floor(wx / CELL)));
      const cy = Math.min(GRID - 1, Math.max(0, Math.floor(wy / CELL)));
      const cell = cy * GRID + cx;
      if (this.head[cell] === -1) this._addCell(cell);
      this.next[i] = this.head[cell];
      this.head[cell] = i;
      const row = this._rowOf[cell];
      this._rowCounts[row] += 1;
      const slot = termSlot(term);
      const rows = this._termRows;
      const base = row * MAX_TERMS;
      if (rows[base + slot] < 65535) rows[base + slot] += 1;
      if (rows[base + slot] > rows[base + this.dominant[cell]]) this.dominant[cell] = slot;
    }

    _addCell(cell) {
      const row = this.cellCount;
      this.cells[this.cellCount++] = cell;
      this._rowOf[cell] = row;
      if (row === this._rowCounts.length) {
        const counts = new Uint32Array(row * 2);
        counts.set(this._rowCounts);
        this._rowCounts = counts;
        const rows = new Uint16Array(this._termRows.length * 2);
        rows.set(this._termRows);
        this._termRows = rows;
      }
    }

    /* How many points a grid cell holds. */
    countIn(cell) {
      const row = this._rowOf[cell];
      return row < 0 ? 0 : this._rowCounts[row];
    }

    /* Hashtags of point i, as strings (for lists and tests). */
    tagsOf(i) {
      const out = [];
      for (let t = this.tagStart[i]; t < this.tagStart[i + 1]; t++) {
        out.push(this.tags[this.tagPool[t]]);
      }
      return out;
    }

    clear() {
      this.generation += 1;
      this.count = 0;
      this.tagCount = 0;
      this.tagStart[0] = 0;
      for (const name in this._dicts) this._dicts[name].clear();
      for (let n = 0; n < this.cellCount; n++) this._rowOf[this.cells[n]] = -1;
      this.head.fill(-1);
      this._rowCounts.fill(0, 0, this.cellCount);
      this._termRows.fill(0, 0, this.cellCount * MAX_TERMS);
      this.dominant.fill(0);
      this.cellCount = 0;
    }
  }

  window.GeoTweetsPointStore = {
    PointStore: PointStore,
    GRID: GRID,
    CELL: CELL,
    MAX_TERMS: MAX_TERMS,
    NO_TERM: NO_TERM,
    termSlot: termSlot,
  };
})();
