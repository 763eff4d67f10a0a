/* Every post's point, kept in typed arrays with a grid index, drawn on one canvas.
 *
 * Built for a million points on a CPU-only machine:
 * - Points live in growable typed arrays (no object, DOM node or Leaflet
 *   layer per post), projected once to Web Mercator at zoom 0.
 * - A 1024 x 1024 grid over the world indexes them as they arrive: each cell
 *   keeps a linked list of its points and running counts per location kind
 *   and per term. Nothing is ever rebuilt; adding a point is O(1).
 * - Zoomed out, the counts are drawn (a density layer coloured by each cell's
 *   dominant term); zoomed in, the points of the cells in view are drawn,
 *   as styled circles when few, as pixels written straight into one
 *   ImageData when many. Clicks are hit-tested through the grid too.
 */
(function () {
  "use strict";

  const GRID = 1024; // cells per axis; a cell is 0.25 px at zoom 0
  const CELL = 256 / GRID; // cell size in zoom-0 pixels
  const MAX_TERMS = 16; // term slots per cell (the last one is "no term")
  const NO_TERM = 255;
  const KINDS = ["exact", "place", "profile"];
  const VECTOR_LIMIT = 12000; // more points in view than this: pixels, not circles
  const DENSITY_MAX_CELL_PX = 4; // cells this small on screen: draw counts, not points
  const HIT_RADIUS_PX = 8;

  function termSlot(term) {
    return term === NO_TERM ? MAX_TERMS - 1 : Math.min(term, MAX_TERMS - 2);
  }

  class PointIndex {
    constructor() {
      this.count = 0;
      this.capacity = 0;
      this.head = new Int32Array(GRID * GRID).fill(-1);
      this.kindCounts = new Uint32Array(GRID * GRID * 3);
      this.termCounts = new Uint16Array(GRID * GRID * MAX_TERMS); // saturates at 65535
      this.dominant = new Uint8Array(GRID * GRID); // term slot with the most posts
      // The cells holding any point, so a redraw can skip the empty (most) ones.
      this.cells = new Int32Array(GRID * GRID);
      this.cellCount = 0;
      this._grow(4096);
    }

    _grow(capacity) {
      const n = this.count;
      const grow = function (Type, prev) {
        const next = new Type(capacity);
        if (prev) next.set(prev.subarray(0, n));
        return next;
      };
      const growPairs = function (prev) {
        const next = new Float64Array(capacity * 2);
        if (prev) next.set(prev.subarray(0, n * 2));
        return next;
      };
      this.key = grow(Float64Array, this.key);
      // x, y interleaved: one cache line serves both when a redraw jumps around.
      this.xy = growPairs(this.xy);
      this.term = grow(Uint8Array, this.term);
      this.kind = grow(Uint8Array, this.kind);
      this.next = grow(Int32Array, this.next);
      this.capacity = capacity;
    }

    push(key, wx, wy, term, kind) {
      if (this.count === this.capacity) this._grow(this.capacity * 2);
      const i = this.count++;
      this.key[i] = key;
      this.xy[2 * i] = wx;
      this.xy[2 * i + 1] = wy;
      this.term[i] = term;
      this.kind[i] = kind;
      const cx = Math.min(GRID - 1, Math.max(0, Math.floor(wx / CELL)));
      const cy = Math.min(GRID - 1, Math.max(0, Math.floor(wy / CELL)));
      const cell = cy * GRID + cx;
      if (this.head[cell] === -1) this.cells[this.cellCount++] = cell;
      this.next[i] = this.head[cell];
      this.head[cell] = i;
      this.kindCounts[cell * 3 + kind] += 1;
      const slot = termSlot(term);
      const base = cell * MAX_TERMS;
      if (this.termCounts[base + slot] < 65535) this.termCounts[base + slot] += 1;
      if (this.termCounts[base + slot] > this.termCounts[base + this.dominant[cell]]) {
        this.dominant[cell] = slot;
      }
    }

    clear() {
      this.count = 0;
      this.head.fill(-1);
      this.kindCounts.fill(0);
      this.termCounts.fill(0);
      this.dominant.fill(0);
      this.cellCount = 0;
    }
  }

  function parseColor(hex) {
    const v = parseInt(hex.slice(1), 16);
    // ImageData is RGBA in memory; a little-endian Uint32 reads it as ABGR.
    return { r: (v >> 16) & 255, g: (v >> 8) & 255, b: v & 255 };
  }

  function abgr(c, alpha) {
    return ((alpha << 24) | (c.b << 16) | (c.g << 8) | c.r) >>> 0;
  }

  /* The layer: one canvas, a little larger than the view so a drag shows no
   * blank edge before the redraw at its end. */
  const PointLayer = L.Layer.extend({
    options: { padding: 0.15, pane: "overlayPane" },

    initialize: function (state) {
      this._state = state;
    },

    onAdd: function (map) {
      this._canvas = L.DomUtil.create("canvas", "gt-points leaflet-zoom-hide");
      this.getPane().appendChild(this._canvas);
      // A zoom or a pan ends with one moveend; redrawing on zoomend or
      // viewreset as well would draw the same frame two or three times.
      map.on("moveend resize", this.redraw, this);
      this.redraw();
    },

    onRemove: function (map) {
      map.off("moveend resize", this.redraw, this);
      L.DomUtil.remove(this._canvas);
    },

    /* Where the canvas is and what it shows, in world pixels at this zoom. */
    _frame: function () {
      const map = this._map;
      const size = map.getSize();
      const pad = size.multiplyBy(this.options.padding).round();
      const topLeft = map.containerPointToLayerPoint(pad.multiplyBy(-1)).round();
      const zoom = map.getZoom();
      const scale = Math.pow(2, zoom);
      const origin = map.getPixelOrigin().add(topLeft);
      return {
        topLeft: topLeft,
        width: size.x + 2 * pad.x,
        height: size.y + 2 * pad.y,
        zoom: zoom,
        scale: scale,
        ox: origin.x,
        oy: origin.y,
        worldWidth: 256 * scale,
      };
    },

    redraw: function () {
      if (!this._map) return;
      const started = performance.now();
      const f = this._frame();
      const canvas = this._canvas;
      if (canvas.width !== f.width || canvas.height !== f.height) {
        canvas.width = f.width;
        canvas.height = f.height;
        canvas.style.width = f.width + "px";
        canvas.style.height = f.height + "px";
      }
      L.DomUtil.setPosition(canvas, f.topLeft);
      const ctx = canvas.getContext("2d");
      ctx.clearRect(0, 0, f.width, f.height);
      const st = this._state;
      const visible = this._visibleCount(f);
      const cellPx = CELL * f.scale;
      if (visible <= VECTOR_LIMIT) {
        st.drawMode = "circles";
        this._drawCircles(ctx, f);
      } else if (cellPx <= DENSITY_MAX_CELL_PX) {
        st.drawMode = "density";
        this._drawDensity(ctx, f);
      } else {
        st.drawMode = "pixels";
        this._drawPixels(ctx, f);
      }
      st.lastRedrawMs = performance.now() - started;
      st.redraws += 1;
    },

    /* Calls fn(cell, copyOffsetPx) for every non-empty grid cell the canvas
     * shows, across the world copies left and right. Walks the rectangle of
     * cells in view, or the list of non-empty cells when that is shorter. */
    _eachCell: function (f, fn) {
      const pts = this._state.points;
      const cellPx = CELL * f.scale;
      const y0 = Math.max(0, Math.floor(f.oy / cellPx));
      const y1 = Math.min(GRID - 1, Math.floor((f.oy + f.height) / cellPx));
      const firstCopy = Math.floor(f.ox / f.worldWidth);
      const lastCopy = Math.floor((f.ox + f.width) / f.worldWidth);
      for (let copy = firstCopy; copy <= lastCopy; copy++) {
        const shift = copy * f.worldWidth;
        const x0 = Math.max(0, Math.floor((f.ox - shift) / cellPx));
        const x1 = Math.min(GRID - 1, Math.floor((f.ox + f.width - shift) / cellPx));
        if (x1 < x0 || y1 < y0) continue;
        if ((x1 - x0 + 1) * (y1 - y0 + 1) <= pts.cellCount) {
          for (let cy = y0; cy <= y1; cy++) {
            for (let cx = x0; cx <= x1; cx++) {
              const cell = cy * GRID + cx;
              if (pts.head[cell] !== -1) fn(cell, shift);
            }
          }
        } else {
          for (let n = 0; n < pts.cellCount; n++) {
            const cell = pts.cells[n];
            const cx = cell % GRID;
            const cy = (cell - cx) / GRID;
            if (cx >= x0 && cx <= x1 && cy >= y0 && cy <= y1) fn(cell, shift);
          }
        }
      }
    },

    _visibleCount: function (f) {
      const st = this._state;
      const counts = st.points.kindCounts;
      const vis = st.kindVisible;
      let total = 0;
      this._eachCell(f, function (cell) {
        const base = cell * 3;
        if (vis[0]) total += counts[base];
        if (vis[1]) total += counts[base + 1];
        if (vis[2]) total += counts[base + 2];
      });
      return total;
    },

    _drawCircles: function (ctx, f) {
      const st = this._state;
      const pts = st.points;
      const radius = f.zoom >= 6 ? 5 : 4;
      const paths = new Map();
      const scale = f.scale;
      this._eachCell(f, function (cell, shift) {
        for (let i = pts.head[cell]; i !== -1; i = pts.next[i]) {
          const kind = pts.kind[i];
          if (!st.kindVisible[kind]) continue;
          const px = pts.xy[2 * i] * scale + shift - f.ox;
          const py = pts.xy[2 * i + 1] * scale - f.oy;
          const id = pts.term[i] * 4 + kind;
          let path = paths.get(id);
          if (!path) {
            path = new Path2D();
            paths.set(id, path);
          }
          path.moveTo(px + radius, py);
          path.arc(px, py, radius, 0, 2 * Math.PI);
        }
      });
      // One path per (term, kind): a handful of fills instead of one per point.
      for (const [id, path] of paths) {
        const term = Math.floor(id / 4);
        const kind = KINDS[id % 4];
        const color = term === NO_TERM ? "#555555" : st.terms[term].color;
        if (kind === "profile") {
          // Profile text is the least certain kind: a hollow ring.
          ctx.lineWidth = 2;
          ctx.strokeStyle = color;
          ctx.stroke(path);
        } else {
          ctx.globalAlpha = kind === "place" ? 0.75 : 1;
          ctx.fillStyle = color;
          ctx.fill(path);
          ctx.globalAlpha = 1;
          ctx.lineWidth = 1;
          ctx.strokeStyle = kind === "exact" ? "#ffffff" : "rgba(0,0,0,0.35)";
          ctx.stroke(path);
        }
      }
    },

    _palette: function (alpha) {
      const st = this._state;
      const colors = new Uint32Array(MAX_TERMS);
      for (let t = 0; t < MAX_TERMS; t++) {
        const term = st.terms[t];
        colors[t] = abgr(parseColor(term && t < MAX_TERMS - 1 ? term.color : "#555555"), alpha);
      }
      return colors;
    },

    /* Many points: a 3 x 3 pixel square each, written into one ImageData. */
    _drawPixels: function (ctx, f) {
      const st = this._state;
      const pts = st.points;
      const w = f.width;
      const h = f.height;
      const image = ctx.createImageData(w, h);
      const buf = new Uint32Array(image.data.buffer);
      // Colour by term id (0..255), and by kind whether it is shown at all.
      const slots = this._palette(255);
      const colorOf = new Uint32Array(256);
      for (let t = 0; t < 256; t++) colorOf[t] = slots[termSlot(t)];
      const shown = Uint8Array.from(st.kindVisible, Number);
      const xy = pts.xy;
      const next = pts.next;
      const head = pts.head;
      const kinds = pts.kind;
      const terms = pts.term;
      const scale = f.scale;
      const oy = f.oy;
      this._eachCell(f, function (cell, shift) {
        const ox = f.ox - shift;
        for (let i = head[cell]; i !== -1; i = next[i]) {
          if (shown[kinds[i]] === 0) continue;
          const px = (xy[2 * i] * scale - ox) | 0;
          const py = (xy[2 * i + 1] * scale - oy) | 0;
          if (px < 1 || py < 1 || px >= w - 1 || py >= h - 1) continue;
          const c = colorOf[terms[i]];
          let o = (py - 1) * w + px - 1;
          buf[o] = c; buf[o + 1] = c; buf[o + 2] = c;
          o += w;
          buf[o] = c; buf[o + 1] = c; buf[o + 2] = c;
          o += w;
          buf[o] = c; buf[o + 1] = c; buf[o + 2] = c;
        }
      });
      ctx.putImageData(image, 0, 0);
    },

    /* Zoomed out with many points: each cell's count, in its dominant term's
     * colour, more opaque where there are more posts. */
    _drawDensity: function (ctx, f) {
      const st = this._state;
      const pts = st.points;
      const w = f.width;
      const h = f.height;
      const cellPx = CELL * f.scale;
      const size = Math.max(2, Math.ceil(cellPx));
      const image = ctx.createImageData(w, h);
      const buf = new Uint32Array(image.data.buffer);
      const vis = st.kindVisible;
      const kindCounts = pts.kindCounts;
      const dominant = pts.dominant;
      const levels = [];
      for (let a = 0; a < 8; a++) levels.push(this._palette(110 + a * 20));
      this._eachCell(f, function (cell, shift) {
        const k = cell * 3;
        const n = (vis[0] ? kindCounts[k] : 0) + (vis[1] ? kindCounts[k + 1] : 0) +
          (vis[2] ? kindCounts[k + 2] : 0);
        if (n === 0) return;
        const level = Math.min(7, Math.floor(Math.log2(n)));
        const c = levels[level][dominant[cell]];
        const cx = cell % GRID;
        const cy = (cell - cx) / GRID;
        const x0 = Math.floor(cx * cellPx + shift - f.ox);
        const y0 = Math.floor(cy * cellPx - f.oy);
        for (let y = Math.max(0, y0); y < Math.min(h, y0 + size); y++) {
          const row = y * w;
          for (let x = Math.max(0, x0); x < Math.min(w, x0 + size); x++) buf[row + x] = c;
        }
      });
      ctx.putImageData(image, 0, 0);
    },

    /* The index of the visible point nearest a container point, or -1. */
    hitTest: function (containerPoint) {
      const map = this._map;
      const st = this._state;
      const pts = st.points;
      const scale = Math.pow(2, map.getZoom());
      const worldWidth = 256 * scale;
      const world = map.containerPointToLayerPoint(containerPoint).add(map.getPixelOrigin());
      const wx = ((world.x % worldWidth) + worldWidth) % worldWidth;
      const cellPx = CELL * scale;
      const reach = Math.ceil(HIT_RADIUS_PX / cellPx);
      const cx = Math.floor(wx / cellPx);
      const cy = Math.floor(world.y / cellPx);
      let best = -1;
      let bestDist = HIT_RADIUS_PX * HIT_RADIUS_PX;
      for (let y = Math.max(0, cy - reach); y <= Math.min(GRID - 1, cy + reach); y++) {
        for (let dx = -reach; dx <= reach; dx++) {
          const x = (((cx + dx) % GRID) + GRID) % GRID;
          for (let i = pts.head[y * GRID + x]; i !== -1; i = pts.next[i]) {
            if (!st.kindVisible[pts.kind[i]]) continue;
            let ddx = pts.xy[2 * i] * scale - wx;
            if (ddx > worldWidth / 2) ddx -= worldWidth;
            if (ddx < -worldWidth / 2) ddx += worldWidth;
            const ddy = pts.xy[2 * i + 1] * scale - world.y;
            const dist = ddx * ddx + ddy * ddy;
            // Ties go to the newer post (higher index), as it is drawn on top.
            if (dist < bestDist || (dist === bestDist && i > best)) {
              bestDist = dist;
              best = i;
            }
          }
        }
      }
      return best;
    },
  });

  window.GeoTweetsPoints = { PointIndex: PointIndex, PointLayer: PointLayer, NO_TERM: NO_TERM };
})();
