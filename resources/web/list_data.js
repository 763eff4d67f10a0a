/* What the lists show, worked out from the point store's typed arrays: the
 * posts in view that the filter passes, newest first, and the top hashtags,
 * places, languages and authors among them, with counts. No DOM, no text:
 * rows are point indexes and top entries are dictionary codes.
 *
 * Built to answer within a frame or two at a million points:
 * - The posts are kept in time order (their own time; ties, and posts
 *   without one, by arrival) in a permutation that grows with the store:
 *   a live batch that comes in time order is appended, anything else is
 *   merged in once. `rank` is its inverse.
 * - A small view gathers its points through the store's grid and sorts
 *   their ranks (numbers, so the native sort needs no comparator); a large
 *   one walks the whole order from the newest, so neither ever sorts a
 *   million posts.
 * - A top list is counted only when it is shown, in one array per
 *   dictionary, reused between updates.
 */
(function () {
  "use strict";

  const GATHER_LIMIT = 150000; // more points than this in view: walk the whole order
  const TOP_COUNT = 25;

  /* True when point a comes before point b in time order. */
  function before(time, a, b) {
    const ta = time[a];
    const tb = time[b];
    if (ta === tb) return a < b;
    if (ta !== ta) return tb !== tb ? a < b : true; // a post without a time is oldest
    if (tb !== tb) return false;
    return ta < tb;
  }

  function grown(array, size) {
    if (array.length >= size) return array;
    const next = new array.constructor(Math.max(size, array.length * 2, 4096));
    next.set(array);
    return next;
  }

  /* The view as world-pixel boxes at zoom 0, x wrapped into [0, 256): one
   * box, or two when the view crosses the antimeridian. `bounds` is Leaflet's
   * pixel bounds of the map at `zoom`. */
  function viewBoxes(bounds, zoom) {
    const scale = Math.pow(2, zoom);
    const y0 = Math.max(0, bounds.min.y / scale);
    const y1 = Math.min(256, bounds.max.y / scale);
    const width = (bounds.max.x - bounds.min.x) / scale;
    if (width >= 256) return [{ x0: 0, x1: 256, y0: y0, y1: y1 }];
    const x0 = (((bounds.min.x / scale) % 256) + 256) % 256;
    const x1 = x0 + width;
    if (x1 <= 256) return [{ x0: x0, x1: x1, y0: y0, y1: y1 }];
    return [{ x0: x0, x1: 256, y0: y0, y1: y1 }, { x0: 0, x1: x1 - 256, y0: y0, y1: y1 }];
  }

  /* The n codes with the highest counts (ties: the first seen first), as
   * [[code, count], ...]; code 0 ("none") only when `withNone`. */
  function top(counts, size, n, withNone) {
    const best = []; // [code, count], highest first, at most n
    for (let code = withNone ? 0 : 1; code < size; code++) {
      const c = counts[code];
      if (c === 0 || (best.length === n && c <= best[n - 1][1])) continue;
      let at = best.length;
      while (at > 0 && best[at - 1][1] < c) at--;
      best.splice(at, 0, [code, c]);
      if (best.length > n) best.pop();
    }
    return best;
  }

  class ListData {
    constructor() {
      this._store = null;
      this._ordered = 0; // points of the store in the order
      this._order = new Uint32Array(0); // point indexes, oldest first
      this._rank = new Uint32Array(0); // rank[i]: point i's place in the order
      this._gathered = new Uint32Array(0);
      this._rows = new Uint32Array(0);
      this._counts = { langs: new Uint32Array(0), places: new Uint32Array(0), authors: new Uint32Array(0), tags: new Uint32Array(0) };
    }

    /* Brings the time order up to the store's points. */
    _syncOrder(store) {
      if (store !== this._store || store.count < this._ordered) {
        this._store = store;
        this._ordered = 0;
      }
      const from = this._ordered;
      const to = store.count;
      if (to === from) return;
      const time = store.time;
      const added = new Uint32Array(to - from);
      let sorted = true;
      for (let i = from; i < to; i++) {
        added[i - from] = i;
        if (i > from && before(time, i, i - 1)) sorted = false;
      }
      if (!sorted) added.sort(function (a, b) { return before(time, a, b) ? -1 : 1; });
      this._order = grown(this._order, to);
      this._rank = grown(this._rank, to);
      const order = this._order;
      const rank = this._rank;
      if (from === 0 || !before(time, added[0], order[from - 1])) {
        // In time order after what came before (a live stream): appended.
        order.set(added, from);
        for (let r = from; r < to; r++) rank[order[r]] = r;
      } else {
        const merged = new Uint32Array(order.length);
        let a = 0;
        let b = 0;
        let r = 0;
        while (a < from && b < added.length) {
          merged[r++] = before(time, added[b], order[a]) ? added[b++] : order[a++];
        }
        while (a < from) merged[r++] = order[a++];
        while (b < added.length) merged[r++] = added[b++];
        this._order = merged;
        for (let k = 0; k < to; k++) rank[merged[k]] = k;
      }
      this._ordered = to;
    }

    /* The posts in `boxes` (see viewBoxes) that `mask` passes (null: all),
     * as point indexes, newest first. */
    rows(store, mask, boxes) {
      this._syncOrder(store);
      const n = this._inView(store, mask, boxes); // grows this._rows first
      return this._rows.slice(0, n);
    }

    _inView(store, mask, boxes) {
      const count = store.count;
      this._rows = grown(this._rows, count);
      const rows = this._rows;
      const xy = store.xy;
      const b0 = boxes[0];
      const b1 = boxes.length > 1 ? boxes[1] : b0;
      function inside(i) {
        const x = xy[2 * i];
        const y = xy[2 * i + 1];
        if (y < b0.y0 || y >= b0.y1) return false;
        return (x >= b0.x0 && x < b0.x1) || (x >= b1.x0 && x < b1.x1);
      }
      let n = 0;
      if (this._estimate(store, boxes) > GATHER_LIMIT) {
        const order = this._order;
        for (let r = count - 1; r >= 0; r--) {
          const i = order[r];
          if ((mask === null || mask[i] === 1) && inside(i)) rows[n++] = i;
        }
        return n;
      }
      this._gathered = grown(this._gathered, count);
      const ranks = this._gathered;
      const rank = this._rank;
      const head = store.head;
      const next = store.next;
      this._eachCell(store, boxes, function (cell) {
        for (let i = head[cell]; i !== -1; i = next[i]) {
          if ((mask === null || mask[i] === 1) && inside(i)) ranks[n++] = rank[i];
        }
      });
      const sorted = ranks.subarray(0, n).sort();
      const order = this._order;
      for (let k = 0; k < n; k++) rows[k] = order[sorted[n - 1 - k]];
      return n;
    }

    /* How many points the grid holds in the cells the boxes touch. */
    _estimate(store, boxes) {
      let total = 0;
      this._eachCell(store, boxes, function (cell) {
        total += store.countIn(cell);
      });
      return total;
    }

    /* fn(cell) for each non-empty grid cell the boxes touch: the rectangle
     * of cells, or the list of non-empty cells when that is shorter. */
    _eachCell(store, boxes, fn) {
      const Store = window.GeoTweetsPointStore;
      const grid = Store.GRID;
      const cellPx = Store.CELL;
      for (const box of boxes) {
        const x0 = Math.max(0, Math.floor(box.x0 / cellPx));
        const x1 = Math.min(grid - 1, Math.floor(box.x1 / cellPx));
        const y0 = Math.max(0, Math.floor(box.y0 / cellPx));
        const y1 = Math.min(grid - 1, Math.floor(box.y1 / cellPx));
        if (x1 < x0 || y1 < y0) continue;
        if ((x1 - x0 + 1) * (y1 - y0 + 1) <= store.cellCount) {
          for (let cy = y0; cy <= y1; cy++) {
            for (let cx = x0; cx <= x1; cx++) {
              const cell = cy * grid + cx;
              if (store.head[cell] !== -1) fn(cell);
            }
          }
        } else {
          for (let c = 0; c < store.cellCount; c++) {
            const cell = store.cells[c];
            const cx = cell % grid;
            const cy = (cell - cx) / grid;
            if (cx >= x0 && cx <= x1 && cy >= y0 && cy <= y1) fn(cell);
          }
        }
      }
    }

    /* The top entries of one dictionary ("langs", "places", "authors",
     * "tags") among `rows`: [[code, count], ...], highest count first.
     * Only the list in sight is counted: one pass over the rows. */
    top(store, rows, name) {
      const size = store[name].length;
      const counts = (this._counts[name] = grown(this._counts[name], size));
      if (name === "tags") {
        const tagStart = store.tagStart;
        const tagPool = store.tagPool;
        for (let k = 0; k < rows.length; k++) {
          const i = rows[k];
          for (let t = tagStart[i]; t < tagStart[i + 1]; t++) counts[tagPool[t]] += 1;
        }
      } else {
        const column = name === "langs" ? store.lang : name === "places" ? store.place : store.author;
        for (let k = 0; k < rows.length; k++) counts[column[rows[k]]] += 1;
      }
      // A post with no language is "unknown", a language of its own; no place,
      // author or hashtag is no entry.
      const entries = top(counts, size, TOP_COUNT, name === "langs");
      counts.fill(0, 0, size);
      return entries;
    }
  }

  window.GeoTweetsListData = { ListData: ListData, viewBoxes: viewBoxes, TOP_COUNT: TOP_COUNT };
})();
