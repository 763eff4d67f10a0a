/* The points in grid-cell order, for drawing many of them at once.
 *
 * Each grid cell links its points newest first, and a point's index is its
 * arrival order, so one cell's points lie scattered over the store's arrays:
 * walking hundreds of thousands of them hops through memory at every step,
 * and at a million points those cache misses were most of a pixel redraw.
 * This keeps a copy of each point's position within its cell (float32 is
 * plenty there) and its term, grouped by cell, oldest first, so a redraw
 * reads memory in order. It is rebuilt (a counting sort, O(n)) when a drawing
 * asks and the points newer than the copy are more than an eighth of it;
 * until then those are read from the store by index, in order too.
 */
(function () {
  "use strict";

  class CellOrder {
    constructor(grid, cellWorldPx) {
      this.grid = grid;
      this.cellWorldPx = cellWorldPx;
      this.start = new Uint32Array(grid * grid + 1); // cell c: [start[c], start[c + 1])
      this.count = 0; // the store's points 0..count-1 are in the copy
      this.dxy = new Float32Array(0); // position from the cell's corner, zoom-0 pixels
      this.term = new Uint8Array(0);
      this.index = new Uint32Array(0); // the store's index of each copied point
    }

    /* The store was emptied or replaced: nothing copied is valid. */
    clear() {
      this.count = 0;
      this.start.fill(0);
    }

    /* Up to date enough to draw the store `pts`: newer points are few. */
    refresh(pts) {
      const fresh = pts.count - this.count;
      if (fresh < 0 || fresh * 8 > this.count) this._build(pts);
    }

    _build(pts) {
      const n = pts.count;
      const grid = this.grid;
      const cellPx = this.cellWorldPx;
      const xy = pts.xy;
      const start = this.start;
      const cellOf = new Uint32Array(n);
      start.fill(0);
      for (let i = 0; i < n; i++) {
        const cx = Math.min(grid - 1, Math.max(0, Math.floor(xy[2 * i] / cellPx)));
        const cy = Math.min(grid - 1, Math.max(0, Math.floor(xy[2 * i + 1] / cellPx)));
        const cell = cy * grid + cx;
        cellOf[i] = cell;
        start[cell + 1] += 1;
      }
      for (let c = 0; c < grid * grid; c++) start[c + 1] += start[c];
      if (this.index.length < n) {
        const capacity = Math.max(n, Math.ceil(this.index.length * 1.5));
        this.dxy = new Float32Array(2 * capacity);
        this.term = new Uint8Array(capacity);
        this.index = new Uint32Array(capacity);
      }
      const next = start.slice(0, grid * grid);
      const dxy = this.dxy;
      const term = this.term;
      const index = this.index;
      for (let i = 0; i < n; i++) {
        const cell = cellOf[i];
        const at = next[cell]++;
        const cx = cell % grid;
        dxy[2 * at] = xy[2 * i] - cx * cellPx;
        dxy[2 * at + 1] = xy[2 * i + 1] - ((cell - cx) / grid) * cellPx;
        term[at] = pts.term[i];
        index[at] = i;
      }
      this.count = n;
    }
  }

  window.GeoTweetsCellOrder = { CellOrder: CellOrder };
})();
