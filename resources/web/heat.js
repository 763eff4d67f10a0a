/* Heat: the points layer's density surface, drawn from the grid it already
 * keeps rather than by re-binning every point on every move.
 *
 * - Per-cell counts of the posts shown: for every term, the layer's own
 *   (the filter keeps them as a brush moves); for one term, counted here
 *   from the filter's mask and the terms' bits, brought up to date with the
 *   points that arrived since the last frame; a change of filter or term
 *   recounts once.
 * - A frame groups cells into squares of at least `binPx` screen pixels (a
 *   power of two cells a side, so a level is the same squares at every
 *   pan), colours each square by its class on a log or quantile scale over
 *   every square in the world (so a pan never changes the legend), and
 *   keeps that as a small raster, one pixel a square. Drawing is then one
 *   scaled, smoothed drawImage, whatever the number of posts.
 * - The classes go to the legend as count ranges.
 */
(function () {
  "use strict";

  // Yellow to dark red (ColorBrewer YlOrRd without its palest step, which
  // would vanish on the basemap's land).
  const RAMP = ["#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026"];
  const ALPHA = 225; // the basemap's coastlines still show through
  const MODES = ["points", "heat", "auto"];
  const SCALES = ["log", "quantile"];
  const EARTH_M = 40075016.686; // the equator, in metres

  /* Upper bounds of up to RAMP.length classes, evenly spaced in log(count). */
  function logBounds(max) {
    const bounds = [];
    for (let c = 1; c <= RAMP.length; c++) {
      const upper = Math.round(Math.pow(max, c / RAMP.length));
      if (upper > (bounds.length ? bounds[bounds.length - 1] : 0)) bounds.push(upper);
    }
    return bounds;
  }

  /* Upper bounds of up to RAMP.length classes holding as many squares each
   * as the counts allow (sorted ascending, none zero). */
  function quantileBounds(sorted) {
    const bounds = [];
    for (let c = 1; c <= RAMP.length; c++) {
      const upper = sorted[Math.ceil((c / RAMP.length) * sorted.length) - 1];
      if (upper > (bounds.length ? bounds[bounds.length - 1] : 0)) bounds.push(upper);
    }
    return bounds;
  }

  /* The ramp's colours spread over however many classes there are. */
  function classColors(classCount) {
    const colors = [];
    for (let c = 0; c < classCount; c++) {
      const at = classCount === 1 ? RAMP.length - 1 : Math.round((c * (RAMP.length - 1)) / (classCount - 1));
      colors.push(RAMP[at]);
    }
    return colors;
  }

  function abgr(hex, alpha) {
    const v = parseInt(hex.slice(1), 16);
    return ((alpha << 24) | ((v & 255) << 16) | (v & 0xff00) | ((v >> 16) & 255)) >>> 0;
  }

  /* One layer's heat: its mode, scale and term, its counts and its rasters. */
  class HeatMap {
    constructor(layer, grid, cellWorldPx) {
      this.layer = layer;
      this.grid = grid;
      this.cellWorldPx = cellWorldPx;
      this.mode = "points";
      this.scale = "log";
      this.term = null; // a term index, or null for every post
      this.counts = null; // Uint32Array(grid * grid): posts shown per cell
      this.counted = 0; // points 0..counted-1 are in `counts`
      this.recount = true;
      this.filterVersion = 0; // the filter's version `counts` follows
      this.version = 0; // moves whenever `counts` does
      this.generation = 0; // moves when the points are cleared or replaced
      // By shift, the squares last made: {shift, key, scale, fixed, bounds,
      // colors, canvas, squares}; zooming back and forth reuses them.
      this.levels = new Map();
      this.level = null; // the one drawn last
    }

    setMode(mode) {
      if (MODES.indexOf(mode) < 0) throw new Error("unknown map mode: " + mode);
      this.mode = mode;
    }

    setScale(scale) {
      if (SCALES.indexOf(scale) < 0) throw new Error("unknown heat scale: " + scale);
      this.scale = scale;
    }

    setTerm(term) {
      this.term = term;
      this.invalidate();
    }

    /* The points were cleared or replaced, or the term changed: count again. */
    invalidate() {
      this.recount = true;
      this.generation += 1;
    }

    shownAt(zoom, autoMaxZoom) {
      return this.mode === "heat" || (this.mode === "auto" && zoom <= autoMaxZoom);
    }

    /* Posts shown per cell, as a function of the cell, and a key that moves
     * whenever a count may have. */
    _counter() {
      const pts = this.layer.points();
      if (this.term === null) {
        // The points layer's own counter: its per-cell counts, or the filter's.
        const key = "all " + this.generation + " " + this.layer.filter().version + " " + pts.count;
        return { countOf: this.layer._shownCounter(), key: key };
      }
      this._count();
      const counts = this.counts;
      return { countOf: (cell) => counts[cell], key: "term " + this.version };
    }

    /* Brings one term's per-cell counts up to date with the points and the filter. */
    _count() {
      const pts = this.layer.points();
      const grid = this.grid;
      const filter = this.layer.filter();
      const filterVersion = filter.version;
      if (!this.counts) this.counts = new Uint32Array(grid * grid);
      if (this.recount || pts.count < this.counted || filterVersion !== this.filterVersion) {
        this.counts.fill(0);
        this.counted = 0;
        this.recount = false;
        this.filterVersion = filterVersion;
        this.version += 1;
      }
      if (this.counted === pts.count) return;
      const counts = this.counts;
      // The filter's mask follows new points as they arrive, so only a
      // change of the filter itself (its version) needs a recount.
      const mask = filter.active() ? filter.mask() : null;
      const term = this.term;
      const bits = term < 32 ? pts.termBits : null; // termBits holds terms 0..31
      const xy = pts.xy;
      const cellPx = this.cellWorldPx;
      for (let i = this.counted; i < pts.count; i++) {
        if (mask && mask[i] === 0) continue;
        if (term !== null && !(bits ? (bits[i] >>> term) & 1 : pts.term[i] === term)) continue;
        const cx = Math.min(grid - 1, Math.max(0, Math.floor(xy[2 * i] / cellPx)));
        const cy = Math.min(grid - 1, Math.max(0, Math.floor(xy[2 * i + 1] / cellPx)));
        counts[cy * grid + cx] += 1;
      }
      this.counted = pts.count;
      this.version += 1;
    }

    /* The squares of 2^shift cells a side, their classes and their raster. */
    _levelFor(shift) {
      const held = this.levels.get(shift);
      const counter = this._counter();
      // Playback can ask for fixed colour scales, so its frames compare.
      const fixed = this.layer.scaleFixed();
      const same = held !== undefined && held.scale === this.scale;
      if (same && held.key === counter.key && held.fixed === fixed) return (this.level = held);
      const pts = this.layer.points();
      const grid = this.grid;
      const side = grid >> shift;
      const bins = new Uint32Array(side * side);
      const used = [];
      for (let n = 0; n < pts.cellCount; n++) {
        const cell = pts.cells[n];
        const c = counter.countOf(cell);
        if (c === 0) continue;
        const cx = cell % grid;
        const bin = ((cell - cx) / grid >> shift) * side + (cx >> shift);
        if (bins[bin] === 0) used.push(bin);
        bins[bin] += c;
      }
      const values = Uint32Array.from(used, (bin) => bins[bin]).sort();
      const keep = fixed && same && held.bounds.length > 0;
      const bounds = keep
        ? held.bounds
        : !values.length
          ? []
          : this.scale === "log"
            ? logBounds(values[values.length - 1])
            : quantileBounds(values);
      const colors = classColors(bounds.length);
      const pixels = colors.map((color) => abgr(color, ALPHA));
      const canvas = held ? held.canvas : document.createElement("canvas");
      canvas.width = side;
      canvas.height = side;
      const ctx = canvas.getContext("2d");
      const image = ctx.createImageData(side, side);
      const buf = new Uint32Array(image.data.buffer);
      for (const bin of used) {
        let c = 0;
        while (c < bounds.length - 1 && bins[bin] > bounds[c]) c += 1;
        buf[bin] = pixels[c];
      }
      ctx.putImageData(image, 0, 0);
      this.level = {
        shift, key: counter.key, scale: this.scale, fixed, bounds, colors, canvas, squares: used.length,
      };
      this.levels.set(shift, this.level);
      return this.level;
    }

    /* Draws the heat for frame `f` of the points layer; `binPx` is the least
     * size of a square on screen. */
    draw(ctx, f, binPx) {
      const cellPx = this.cellWorldPx * f.scale;
      const shift = Math.max(0, Math.min(Math.log2(this.grid), Math.ceil(Math.log2(binPx / cellPx))));
      const level = this._levelFor(shift);
      const squarePx = cellPx * (1 << shift);
      const side = level.canvas.width;
      ctx.imageSmoothingEnabled = true;
      ctx.imageSmoothingQuality = "low";
      const firstCopy = Math.floor(f.ox / f.worldWidth);
      const lastCopy = Math.floor((f.ox + f.width) / f.worldWidth);
      for (let copy = firstCopy; copy <= lastCopy; copy++) {
        // The squares in view (one more each side, for the smoothing),
        // drawn where they fall on the canvas.
        const left = f.ox - copy * f.worldWidth;
        const x0 = Math.max(0, Math.floor(left / squarePx) - 1);
        const x1 = Math.min(side, Math.ceil((left + f.width) / squarePx) + 1);
        const y0 = Math.max(0, Math.floor(f.oy / squarePx) - 1);
        const y1 = Math.min(side, Math.ceil((f.oy + f.height) / squarePx) + 1);
        if (x1 <= x0 || y1 <= y0) continue;
        ctx.drawImage(
          level.canvas, x0, y0, x1 - x0, y1 - y0,
          x0 * squarePx - left, y0 * squarePx - f.oy, (x1 - x0) * squarePx, (y1 - y0) * squarePx
        );
      }
      this._squareKm = (squarePx / f.scale) * (EARTH_M / 256) / 1000;
    }

    /* What the legend shows while heat is drawn: a class a row, with the
     * counts of posts per square it covers, lowest first. */
    legend(centerLat) {
      const level = this.level;
      const bounds = level ? level.bounds : [];
      // Under a fixed scale the top class takes every count above it too.
      const open = level && level.fixed;
      const rows = bounds.map((upper, c) => ({
        from: c === 0 ? 1 : bounds[c - 1] + 1,
        to: open && c === bounds.length - 1 ? null : upper,
        color: level.colors[c],
      }));
      const km = this._squareKm * Math.cos((centerLat * Math.PI) / 180);
      return { scale: this.scale, term: this.term, rows: rows, squareKm: km, squares: level ? level.squares : 0 };
    }
  }

  window.GeoTweetsHeat = { HeatMap: HeatMap, MODES: MODES, SCALES: SCALES };
})();
