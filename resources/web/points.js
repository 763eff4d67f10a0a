/* The points layer: every post's point, kept in typed arrays with a grid
 * index, drawn on one canvas. A Leaflet layer that owns its data, its counts
 * and its redraw scheduling; the page feeds it and listens to its events.
 *
 * Built for a million points on a CPU-only machine:
 * - Points live in the columns of a PointStore (point_store.js: typed
 *   arrays, no object, DOM node or Leaflet layer per post), projected once
 *   to Web Mercator at zoom 0, indexed by its grid as they arrive.
 * - Zoomed out, the counts are drawn (a density layer coloured by each cell's
 *   dominant term); zoomed in, the points of the cells in view are drawn,
 *   as styled circles when few, as pixels written straight into one
 *   ImageData when many. Clicks are hit-tested through the grid too.
 *
 * Heat (heat.js) is a mode of this layer: the user picks points, heat, or
 * auto (heat when zoomed out); heat colours the grid's squares by their
 * counts of the posts shown.
 *
 * Posts located by one place share its centre. Drawn as circles, the posts
 * on one spot are one stack: a pie of their terms' shares (so no term hides
 * another) with a badge counting them; a click on a stack lists its posts.
 *
 * It draws, counts and hit-tests only the points its filter passes
 * (filters.js: the brush, terms, kinds, languages, text); zoomed out, it
 * draws the per-cell counts of what passes, which the filter keeps.
 *
 * Events: "configure" (new terms or kinds), "modechange" (points, heat or
 * auto; the heat's scale or term), "countschange" (per-term and
 * per-kind counts moved, or the filter changed), "pointsadded" {from, to, keys} (the index range of
 * the new points and their keys), "redraw" {ms, mode} after
 * every drawing, "pointclick" {index, key} when a click hits a lone point,
 * "stackclick" {keys, latlng} when it hits several on one spot (newest first).
 */
(function () {
  "use strict";

  const Store = window.GeoTweetsPointStore;
  const { GRID, CELL, MAX_TERMS, NO_TERM, termSlot } = Store;
  const NO_TERM_COLOR = "#555555";
  const LAND_COLOR = "#f3f0e8"; // the offline basemap's land
  const CIRCLE_RADIUS_PX = 4; // 5 from zoom 6
  const STACK_RING_PX = 3; // a stack is this much wider than a lone point

  /* How each kind of location looks, on the map and in the legend alike. */
  const KIND_LOOK = {
    exact: { fillAlpha: 1, stroke: "#ffffff", lineWidth: 1 },
    place: { fillAlpha: 0.75, stroke: "rgba(0,0,0,0.35)", lineWidth: 1 },
    // Profile text is the least certain kind: a hollow ring.
    profile: { fillAlpha: 0, stroke: null, lineWidth: 2 },
  };

  function paintKind(ctx, path, color, kindName) {
    const look = KIND_LOOK[kindName] || KIND_LOOK.place;
    if (look.fillAlpha > 0) {
      ctx.globalAlpha = look.fillAlpha;
      ctx.fillStyle = color;
      ctx.fill(path);
      ctx.globalAlpha = 1;
    }
    ctx.lineWidth = look.lineWidth;
    ctx.strokeStyle = look.stroke || color;
    ctx.stroke(path);
  }

  /* A kind's symbol exactly as the map draws it, on the legend's small canvas
   * (over the basemap's land colour, as on the map). */
  function drawKindSymbol(canvas, kindName, color) {
    const ctx = canvas.getContext("2d");
    ctx.fillStyle = LAND_COLOR;
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    const path = new Path2D();
    path.arc(canvas.width / 2, canvas.height / 2, CIRCLE_RADIUS_PX, 0, 2 * Math.PI);
    paintKind(ctx, path, color, kindName);
  }

  function parseColor(hex) {
    const v = parseInt(hex.slice(1), 16);
    // ImageData is RGBA in memory; a little-endian Uint32 reads it as ABGR.
    return { r: (v >> 16) & 255, g: (v >> 8) & 255, b: v & 255 };
  }

  function abgr(c, alpha) {
    return ((alpha << 24) | (c.b << 16) | (c.g << 8) | c.r) >>> 0;
  }

  function isCode(value, limit) {
    return Number.isInteger(value) && value >= 0 && value < limit;
  }

  const BATCH_COLUMNS = [
    "key", "lon", "lat", "kind", "termBits", "time",
    "lang", "place", "author", "tagStart", "tagPool",
  ];

  /* A batch's columns by name; a column the batch lacks is empty (its values
   * then read as unknown). */
  function columnsOf(batch) {
    const out = {};
    for (const name of BATCH_COLUMNS) {
      const values = batch[name];
      out[name] = Array.isArray(values) || ArrayBuffer.isView(values) ? values : [];
    }
    return out;
  }

  /* A batch's code mapped into the store's dictionary (0, none, when unknown:
   * not a whole number below the map's length). */
  function codeIn(map, code) {
    return (code >>> 0) === code && code < map.length ? map[code] : 0;
  }

  /* One canvas, a little larger than the view so a drag shows no blank edge
   * before the redraw at its end. */
  const PointLayer = L.Layer.extend({
    options: {
      pane: "overlayPane",
      padding: 0.15,
      vectorLimit: 12000, // more points in view than this: pixels, not circles
      densityMaxCellPx: 4, // cells this small on screen: draw counts, not points
      hitRadiusPx: 8,
      autoHeatMaxZoom: 5, // the auto mode draws heat up to this zoom, points beyond
      heatSquarePx: 4, // heat squares are at least this wide on screen
      heldRedrawMs: 2000, // while a session loads, it is redrawn this often at most
    },

    initialize: function (options) {
      L.setOptions(this, options);
      this._terms = []; // [{term, color}]
      this._kinds = []; // [{name, label}]; a point's kind is an index into it
      // What is shown: the brush, terms, kinds, languages, text (filters.js).
      this._filter = new window.GeoTweetsFilters.Filter(this);
      this._filter.on("change", this._onFilterChange, this);
      this._scaleFixed = false;
      this._termCounts = [];
      this._noTermCount = 0; // located posts that match none of the terms
      this._kindCounts = [];
      this._beyondMap = 0; // located posts too near a pole for the projection
      this._points = null; // made when the kinds are known (configure)
      this._heat = new window.GeoTweetsHeat.HeatMap(this, GRID, CELL);
      this._stamps = new Map(); // lone points' looks, by term, kind and radius
      this._image = null; // the ImageData pixels and density are written into
      this._cellOrder = new window.GeoTweetsCellOrder.CellOrder(GRID, CELL);
      this._framePending = false;
      this._redrawsHeld = false;
      this._lastHeldRedraw = 0;
      this._countsChanged = false;
      this.drawMode = "";
      this.lastRedrawMs = 0;
      this.redraws = 0;
    },

    onAdd: function (map) {
      this._canvas = L.DomUtil.create("canvas", "gt-points leaflet-zoom-hide");
      this.getPane().appendChild(this._canvas);
      // A zoom or a pan ends with one moveend; redrawing on zoomend or
      // viewreset as well would draw the same frame two or three times.
      map.on("moveend resize", this.redraw, this);
      map.on("click", this._onMapClick, this);
      this.redraw();
    },

    onRemove: function (map) {
      map.off("moveend resize", this.redraw, this);
      map.off("click", this._onMapClick, this);
      L.DomUtil.remove(this._canvas);
    },

    // -- data ------------------------------------------------------------------

    /* The session's terms (their colours) and the table of location kinds.
     * Term counts start again; the points stay unless the kinds change. */
    configure: function (terms, kinds) {
      this._terms = terms.slice(0, NO_TERM);
      this._termCounts = this._terms.map(function () { return 0; });
      this._noTermCount = 0;
      if (!this._points || this._points.kindCount !== kinds.length) {
        this._points = new Store.PointStore(kinds.length);
        this._cellOrder.clear();
        this._kindCounts = kinds.map(function () { return 0; });
      }
      this._kinds = kinds.slice();
      this._stamps.clear();
      this._heat.setTerm(null);
      // A new session: switches and a brush set for the last one would hide its posts.
      this._filter.clear();
      this.fire("configure");
      this.fire("countschange");
      this.redraw();
      return this;
    },

    /* Room for `total` points in all, so a reopened session's columns are
     * made once at their size instead of doubling (and copying) as they come. */
    reserve: function (total) {
      if (this._points) this._points.reserve(total);
      return this;
    },

    /* A batch in columns (see point_batch.py), plain arrays or typed ones:
     * key, lon, lat, kind, time (NaN or null: unknown), termBits (bit b:
     * the batch's term b), lang, place, author (codes into the batch's own
     * langs, places, authors), tagStart/tagPool (hashtag codes into the
     * batch's tags), and the dictionaries terms, langs, places, authors,
     * tags. A point whose kind or position the layer cannot read is left
     * out (and said so), never counted. */
    addPoints: function (batch) {
      const points = this._points;
      if (!points) {
        console.warn("points arrived before the map was configured; not drawn");
        return this;
      }
      const maps = ["langs", "places", "authors", "tags"].map(function (name) {
        return points.mergeDictionary(name, batch[name]);
      });
      const columns = columnsOf(batch);
      return this.addColumns(columns, 0, columns.key.length, maps, this.batchTerms(batch.terms));
    },

    /* Points from..to-1 of a batch's columns (as addPoints takes them):
     * `maps` takes the batch's lang, place, author and tag codes to the
     * store's (PointStore.mergeDictionary, or point_loader.js's session
     * strings), `sessionTerm` its terms to the session's (batchTerms). */
    addColumns: function (columns, from, to, maps, sessionTerm) {
      const points = this._points;
      if (!points) return this;
      const maxLat = window.GeoTweetsBasemap.MAX_LAT;
      const kindCount = this._kinds.length;
      const [langs, places, authors, tags] = maps;
      const {
        key: keys, lon: lons, lat: lats, kind: kinds, termBits,
        time: times, lang: langCodes, place: placeCodes, author: authorCodes,
        tagStart, tagPool,
      } = columns;
      const termCounts = this._termCounts;
      const kindCounts = this._kindCounts;
      const first = points.count;
      let skipped = 0;
      let beyond = 0;
      let noTerm = 0;
      for (let i = from; i < to; i++) {
        const kind = kinds[i];
        const lon = lons[i];
        const lat = lats[i];
        if (!((kind >>> 0) === kind && kind < kindCount) || !Number.isFinite(lon) || !Number.isFinite(lat)) {
          skipped += 1;
          continue;
        }
        // Web Mercator ends at ±85.05°: a post nearer a pole is real and
        // stored, but no marker could show it, so it is counted apart.
        if (Math.abs(lat) > maxLat) {
          beyond += 1;
          continue;
        }
        // The batch's terms as the session's: the first (lowest) is the colour.
        let term = NO_TERM;
        let bits = 0;
        for (let rest = termBits[i] >>> 0; rest !== 0; rest &= rest - 1) {
          const t = sessionTerm[31 - Math.clz32(rest & -rest)];
          if (t < 0) continue;
          termCounts[t] += 1;
          if (t < term) term = t;
          if (t < 32) bits |= 1 << t;
        }
        if (term === NO_TERM) noTerm += 1;
        const time = times[i];
        points.pushTags(tagPool, tagStart[i] | 0, tagStart[i + 1] | 0, tags);
        // Web Mercator at zoom 0 (basemap.js's project, without an array a point).
        const sin = Math.sin((lat * Math.PI) / 180);
        points.push(
          keys[i],
          ((lon + 180) / 360) * 256,
          (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)) * 256,
          typeof time === "number" ? time : NaN,
          term,
          bits >>> 0,
          kind,
          codeIn(langs, langCodes[i]),
          codeIn(places, placeCodes[i]),
          codeIn(authors, authorCodes[i])
        );
        kindCounts[kind] += 1;
      }
      this._noTermCount += noTerm;
      if (skipped) console.warn(skipped + " points with an unknown kind or position not drawn");
      if (beyond) {
        this._beyondMap += beyond;
        this.fire("beyondchange");
      }
      this._countsChanged = true;
      const last = points.count;
      this.fire("pointsadded", { from: first, to: last, keys: points.key.subarray(first, last) });
      this._scheduleRedraw();
      return this;
    },

    /* For each of a batch's terms (by its code, the first 32), the
     * session's index of that term, or -1 when the session has no such term. */
    batchTerms: function (batchTerms) {
      const out = new Int16Array(32).fill(-1);
      const names = Array.isArray(batchTerms) ? batchTerms : [];
      for (let b = 0; b < Math.min(32, names.length); b++) {
        out[b] = this._terms.findIndex(function (t) { return t.term === names[b]; });
      }
      return out;
    },

    /* While a session's points load, the map is redrawn every
     * `heldRedrawMs` at most, not at every frame that follows new points:
     * each redraw of the canvas costs the page's thread a frame to paint,
     * which on a software-rendered page held the adding up for longer than
     * the redraw itself (a load of a second or two is drawn once, at its end). */
    holdRedraws: function (held) {
      this._redrawsHeld = !!held;
      if (!held && this._points) this._scheduleRedraw();
      return this;
    },

    /* A session's points are loading (the timeline and lists wait for them). */
    loading: function () { return this._redrawsHeld; },

    clearPoints: function () {
      if (this._points) this._points.clear();
      this._beyondMap = 0;
      this.fire("beyondchange");
      this._termCounts = this._terms.map(function () { return 0; });
      this._noTermCount = 0;
      this._kindCounts = this._kinds.map(function () { return 0; });
      this._heat.invalidate();
      this._cellOrder.clear();
      this.redraw();
      this.fire("countschange");
      return this;
    },

    setKindVisible: function (kind, visible) {
      if (isCode(kind, this._kinds.length)) this._filter.setKindOn(kind, visible);
      return this;
    },

    /* "points", "heat" or "auto" (heat up to `autoHeatMaxZoom`). */
    setMode: function (mode) {
      this._heat.setMode(mode);
      this.fire("modechange");
      return this.redraw();
    },

    mode: function () { return this._heat.mode; },

    /* How heat colours its squares: "log" or "quantile". */
    setHeatScale: function (scale) {
      this._heat.setScale(scale);
      this.fire("modechange");
      return this.redraw();
    },

    heatScale: function () { return this._heat.scale; },

    /* Heat of one term's posts (its index), or of every post (null). */
    setHeatTerm: function (term) {
      if (term !== null && !isCode(term, this._terms.length)) throw new Error("no such term: " + term);
      this._heat.setTerm(term);
      this.fire("modechange");
      return this.redraw();
    },

    heatTerm: function () { return this._heat.term; },

    /* The heat legend's classes while heat is drawn, else null. */
    heatLegend: function () {
      return this.drawMode === "heat" ? this._heat.legend(this._map.getCenter().lat) : null;
    },

    /* Playback can ask that colour scales stay as they are, so its frames
     * compare: the density's levels are fixed counts anyway; a scale drawn
     * from the counts in view reads this. */
    setScaleFixed: function (fixed) {
      this._scaleFixed = !!fixed;
      this.fire("scalefixed");
      return this;
    },

    scaleFixed: function () { return this._scaleFixed === true; },

    /* The page's one filter: the layer draws and counts only what passes. */
    filter: function () { return this._filter; },
    terms: function () { return this._terms; },
    kinds: function () { return this._kinds; },
    kindVisible: function (kind) { return !this._filter.kindsOff.has(kind); },
    /* Located posts per term, per kind and with no term, of those the filter
     * passes (each facet counted as if its own switches were all on). */
    termCounts: function () {
      return this._filter.active() ? this._filter.termCounts() : this._termCounts;
    },
    noTermCount: function () {
      return this._filter.active() ? this._filter.noTermCount() : this._noTermCount;
    },
    kindCounts: function () {
      return this._filter.active() ? this._filter.kindCounts() : this._kindCounts;
    },
    pointCount: function () { return this._points ? this._points.count : 0; },
    /* Posts located nearer a pole than the map reaches: not drawn, not counted above. */
    beyondMap: function () { return this._beyondMap; },
    /* The PointStore: the columns and dictionaries every page feature reads
     * (read-only: only this layer adds points). */
    points: function () { return this._points; },
    keyAt: function (index) { return this._points.key[index]; },

    _onFilterChange: function () {
      this.redraw();
      this.fire("countschange");
    },

    // -- drawing -----------------------------------------------------------------

    /* New points are drawn once per animation frame, however many batches
     * came; while redraws are held, once every `heldRedrawMs`. */
    _scheduleRedraw: function () {
      if (this._framePending) return;
      this._framePending = true;
      const self = this;
      const frame = function () {
        if (self._redrawsHeld && performance.now() - self._lastHeldRedraw < self.options.heldRedrawMs) {
          requestAnimationFrame(frame);
          return;
        }
        self._framePending = false;
        self._lastHeldRedraw = performance.now();
        self.redraw();
        if (self._countsChanged) {
          self._countsChanged = false;
          self.fire("countschange");
        }
      };
      requestAnimationFrame(frame);
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
      if (!this._map) return this;
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
      // Density and pixels put a whole frame of pixels: no need to clear first.
      const clear = function () { ctx.clearRect(0, 0, f.width, f.height); };
      if (!this._points) {
        clear();
      } else {
        const cellPx = CELL * f.scale;
        if (this._heat.shownAt(f.zoom, this.options.autoHeatMaxZoom)) {
          this.drawMode = "heat";
          clear();
          this._heat.draw(ctx, f, this.options.heatSquarePx);
        } else if (!this._moreInView(f, this.options.vectorLimit)) {
          this.drawMode = "circles";
          clear();
          this._drawCircles(ctx, f);
        } else if (cellPx <= this.options.densityMaxCellPx) {
          this.drawMode = "density";
          this._drawDensity(ctx, f);
        } else {
          this.drawMode = "pixels";
          this._drawPixels(ctx, f);
        }
      }
      this.lastRedrawMs = performance.now() - started;
      this.redraws += 1;
      this.fire("redraw", { ms: this.lastRedrawMs, mode: this.drawMode });
      return this;
    },

    /* Calls fn(cell, copyOffsetPx) for every non-empty grid cell the canvas
     * shows, across the world copies left and right, until fn returns true.
     * Walks the rectangle of cells in view, or the list of non-empty cells
     * when that is shorter. */
    _eachCell: function (f, fn) {
      const pts = this._points;
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
              if (pts.head[cell] !== -1 && fn(cell, shift) === true) return;
            }
          }
        } else {
          for (let n = 0; n < pts.cellCount; n++) {
            const cell = pts.cells[n];
            const cx = cell % GRID;
            const cy = (cell - cx) / GRID;
            if (cx >= x0 && cx <= x1 && cy >= y0 && cy <= y1 && fn(cell, shift) === true) return;
          }
        }
      }
    },

    /* The filter's mask (1: the point is shown), or null when all are shown. */
    _shownMask: function () {
      return this._filter.active() ? this._filter.mask() : null;
    },

    /* Shown posts in a cell, for each cell: a function of the cell. */
    _shownCounter: function () {
      if (this._filter.active()) {
        const filtered = this._filter.cellCounts();
        return function (cell) { return filtered[cell]; };
      }
      const points = this._points;
      return function (cell) { return points.countIn(cell); };
    },

    /* Each cell's dominant term slot among its shown posts: a function of the cell. */
    _shownDominant: function () {
      if (this._filter.active()) return this._filter.dominantSlot.bind(this._filter);
      const dominant = this._points.dominant;
      return function (cell) { return dominant[cell]; };
    },

    /* The points in the brush when they are fewer than the points in the
     * cells in view (so a narrow brush on a million points is drawn from
     * the filter's time index in what it shows), else null. */
    _narrowBrush: function (f) {
      if (!this._filter.active()) return null;
      const brushed = this._filter.brushedPoints();
      return brushed !== null && brushed.length < this._pointsInView(f) ? brushed : null;
    },

    /* Calls fn(i, shift) for each shown point of `brushed` on the canvas, at
     * each world copy (shift: the copy's offset). */
    _eachBrushedPoint: function (f, brushed, fn) {
      const xy = this._points.xy;
      const mask = this._filter.mask();
      const reach = 2 * CIRCLE_RADIUS_PX;
      const firstCopy = Math.floor((f.ox - reach) / f.worldWidth);
      const lastCopy = Math.floor((f.ox + f.width + reach) / f.worldWidth);
      for (let n = 0; n < brushed.length; n++) {
        const i = brushed[n];
        if (mask[i] === 0) continue;
        const py = xy[2 * i + 1] * f.scale - f.oy;
        if (py < -reach || py > f.height + reach) continue;
        const x = xy[2 * i] * f.scale - f.ox;
        for (let copy = firstCopy; copy <= lastCopy; copy++) {
          const shift = copy * f.worldWidth;
          if (x + shift >= -reach && x + shift <= f.width + reach) fn(i, shift);
        }
      }
    },

    /* Calls fn(i, shift) for each shown point on the canvas: from a narrow
     * brush's points, or through the grid cells in view. */
    _eachShownPoint: function (f, fn) {
      const brushed = this._narrowBrush(f);
      if (brushed !== null) {
        this._eachBrushedPoint(f, brushed, fn);
        return;
      }
      const pts = this._points;
      const mask = this._shownMask();
      const head = pts.head;
      const next = pts.next;
      this._eachCell(f, function (cell, shift) {
        for (let i = head[cell]; i !== -1; i = next[i]) {
          if (mask === null || mask[i] === 1) fn(i, shift);
        }
      });
    },

    /* Every point in the cells in view, shown or not. */
    _pointsInView: function (f) {
      const points = this._points;
      let total = 0;
      this._eachCell(f, function (cell) {
        total += points.countIn(cell);
      });
      return total;
    },

    /* Whether more than `limit` shown points are in view: counted until
     * there are (zoomed out with many points, the first cells are enough). */
    _moreInView: function (f, limit) {
      const countOf = this._shownCounter();
      let total = 0;
      this._eachCell(f, function (cell) {
        total += countOf(cell);
        return total > limit;
      });
      return total > limit;
    },

    _termColor: function (term) {
      return term === NO_TERM || !this._terms[term] ? NO_TERM_COLOR : this._terms[term].color;
    },

    _drawCircles: function (ctx, f) {
      const pts = this._points;
      const radius = f.zoom >= 6 ? CIRCLE_RADIUS_PX + 1 : CIRCLE_RADIUS_PX;
      const scale = f.scale;
      // The posts on each screen pixel: one lone point, or a stack. At most
      // `vectorLimit` points come here, so a Map per redraw stays cheap.
      const spots = new Map();
      this._eachShownPoint(f, function (i, shift) {
        const px = pts.xy[2 * i] * scale + shift - f.ox;
        const py = pts.xy[2 * i + 1] * scale - f.oy;
        const spot = (Math.round(px) + 16384) * 65536 + Math.round(py) + 16384;
        const found = spots.get(spot);
        if (found === undefined) {
          spots.set(spot, { x: px, y: py, first: i, n: 1, terms: null });
          return;
        }
        if (found.terms === null) found.terms = new Map([[pts.term[found.first], 1]]);
        found.n += 1;
        found.terms.set(pts.term[i], (found.terms.get(pts.term[i]) || 0) + 1);
      });
      // Lone points: a copy of their (term, kind)'s stamp each. Software
      // rendering rasterises a copy far faster than an anti-aliased circle.
      const stacks = [];
      const half = radius + 2;
      for (const spot of spots.values()) {
        if (spot.n > 1) {
          stacks.push(spot);
          continue;
        }
        const i = spot.first;
        const stamp = this._stamp(pts.term[i], pts.kind[i], radius);
        ctx.drawImage(stamp, Math.round(spot.x) - half, Math.round(spot.y) - half);
      }
      for (const stack of stacks) this._drawStack(ctx, stack, radius + STACK_RING_PX);
    },

    /* A lone point's look, drawn once per term, kind and size. */
    _stamp: function (term, kind, radius) {
      const id = (term * this._kinds.length + kind) * 16 + radius;
      let stamp = this._stamps.get(id);
      if (!stamp) {
        const half = radius + 2;
        stamp = document.createElement("canvas");
        stamp.width = stamp.height = 2 * half;
        const path = new Path2D();
        path.arc(half, half, radius, 0, 2 * Math.PI);
        paintKind(stamp.getContext("2d"), path, this._termColor(term), this._kinds[kind].name);
        this._stamps.set(id, stamp);
      }
      return stamp;
    },

    /* Several posts on one spot: a pie of their terms' shares, so every term
     * there shows, and a badge with how many posts there are. */
    _drawStack: function (ctx, stack, radius) {
      const x = stack.x;
      const y = stack.y;
      const shares = Array.from(stack.terms.entries()).sort(function (a, b) {
        return a[0] - b[0];
      });
      let angle = -Math.PI / 2;
      for (const [term, count] of shares) {
        const end = angle + (2 * Math.PI * count) / stack.n;
        ctx.beginPath();
        ctx.moveTo(x, y);
        ctx.arc(x, y, radius, angle, end);
        ctx.closePath();
        ctx.fillStyle = this._termColor(term);
        ctx.fill();
        angle = end;
      }
      ctx.beginPath();
      ctx.arc(x, y, radius, 0, 2 * Math.PI);
      ctx.lineWidth = 1.5;
      ctx.strokeStyle = "#ffffff";
      ctx.stroke();
      const label = stack.n >= 10000 ? Math.floor(stack.n / 1000) + "k" : String(stack.n);
      ctx.font = "bold 10px sans-serif";
      const width = ctx.measureText(label).width + 6;
      const left = x + radius - 4;
      const top = y - radius - 8;
      ctx.fillStyle = "#191919";
      ctx.beginPath();
      ctx.roundRect(left, top, width, 12, 6);
      ctx.fill();
      ctx.fillStyle = "#ffffff";
      ctx.textBaseline = "middle";
      ctx.fillText(label, left + 3, top + 6.5);
    },

    _palette: function (alpha) {
      const colors = new Uint32Array(MAX_TERMS);
      for (let t = 0; t < MAX_TERMS; t++) {
        const color = t < MAX_TERMS - 1 ? this._termColor(t) : NO_TERM_COLOR;
        colors[t] = abgr(parseColor(color), alpha);
      }
      return colors;
    },

    /* The frame's pixels, all transparent: one ImageData kept from frame to
     * frame (a new one a frame costs a 7 MB allocation). */
    _blankImage: function (w, h) {
      const held = this._image;
      if (held && held.width === w && held.height === h) {
        new Uint32Array(held.data.buffer).fill(0);
        return held;
      }
      this._image = new ImageData(w, h);
      return this._image;
    },

    /* Many points: a 3 x 3 pixel square each, written into one ImageData,
     * read in cell order (cell_order.js) rather than through the lists. */
    _drawPixels: function (ctx, f) {
      const pts = this._points;
      const order = this._cellOrder;
      order.refresh(pts);
      const w = f.width;
      const h = f.height;
      const image = this._blankImage(w, h);
      const buf = new Uint32Array(image.data.buffer);
      // Colour by term id (0..255).
      const slots = this._palette(255);
      const colorOf = new Uint32Array(256);
      for (let t = 0; t < 256; t++) colorOf[t] = slots[termSlot(t)];
      const mask = this._shownMask();
      const scale = f.scale;
      function plot(x, y, term) {
        const px = x | 0;
        const py = y | 0;
        if (px < 1 || py < 1 || px >= w - 1 || py >= h - 1) return;
        const c = colorOf[term];
        let o = (py - 1) * w + px - 1;
        buf[o] = c; buf[o + 1] = c; buf[o + 2] = c;
        o += w;
        buf[o] = c; buf[o + 1] = c; buf[o + 2] = c;
        o += w;
        buf[o] = c; buf[o + 1] = c; buf[o + 2] = c;
      }
      const brushed = this._narrowBrush(f);
      if (brushed !== null) {
        this._eachBrushedPoint(f, brushed, function (i, shift) {
          plot(pts.xy[2 * i] * scale + shift - f.ox, pts.xy[2 * i + 1] * scale - f.oy, pts.term[i]);
        });
        ctx.putImageData(image, 0, 0);
        return;
      }
      const start = order.start;
      const dxy = order.dxy;
      const terms = order.term;
      const index = order.index;
      this._eachCell(f, function (cell, shift) {
        const end = start[cell + 1];
        const cx = cell % GRID;
        const x0 = cx * CELL * scale + shift - f.ox;
        const y0 = ((cell - cx) / GRID) * CELL * scale - f.oy;
        for (let p = start[cell]; p < end; p++) {
          if (mask !== null && mask[index[p]] === 0) continue;
          plot(x0 + dxy[2 * p] * scale, y0 + dxy[2 * p + 1] * scale, terms[p]);
        }
      });
      // Points newer than the copy, at each world copy in view.
      const firstCopy = Math.floor(f.ox / f.worldWidth);
      const lastCopy = Math.floor((f.ox + f.width) / f.worldWidth);
      for (let i = order.count; i < pts.count; i++) {
        if (mask !== null && mask[i] === 0) continue;
        for (let copy = firstCopy; copy <= lastCopy; copy++) {
          plot(pts.xy[2 * i] * scale + copy * f.worldWidth - f.ox, pts.xy[2 * i + 1] * scale - f.oy, pts.term[i]);
        }
      }
      ctx.putImageData(image, 0, 0);
    },

    /* Zoomed out with many points: each cell's count, in its dominant term's
     * colour, more opaque where there are more posts. */
    _drawDensity: function (ctx, f) {
      const w = f.width;
      const h = f.height;
      const cellPx = CELL * f.scale;
      const size = Math.max(2, Math.ceil(cellPx));
      const image = this._blankImage(w, h);
      const buf = new Uint32Array(image.data.buffer);
      const countOf = this._shownCounter();
      const dominantOf = this._shownDominant();
      const levels = [];
      for (let a = 0; a < 8; a++) levels.push(this._palette(110 + a * 20));
      this._eachCell(f, function (cell, shift) {
        const n = countOf(cell);
        if (n === 0) return;
        const level = Math.min(7, Math.floor(Math.log2(n)));
        const c = levels[level][dominantOf(cell)];
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

    // -- clicks ------------------------------------------------------------------

    _onMapClick: function (event) {
      const index = this.hitTest(event.containerPoint);
      if (index < 0) return;
      const stack = this.stackAt(index);
      if (stack.length > 1) {
        const pts = this._points;
        const self = this;
        this.fire("stackclick", {
          keys: stack.map(function (i) { return self.keyAt(i); }),
          latlng: this._map.unproject(L.point(pts.xy[2 * index], pts.xy[2 * index + 1]), 0),
        });
      } else {
        this.fire("pointclick", { index: index, key: this.keyAt(index) });
      }
    },

    /* The visible points drawn on the same spot as point `index` (within a
     * pixel at this zoom), `index` included, newest first. */
    stackAt: function (index) {
      const pts = this._points;
      const mask = this._shownMask();
      const scale = Math.pow(2, this._map.getZoom());
      const cellPx = CELL * scale;
      const x = pts.xy[2 * index] * scale;
      const y = pts.xy[2 * index + 1] * scale;
      const reach = Math.ceil(1 / cellPx);
      const cx = Math.floor(x / cellPx);
      const cy = Math.floor(y / cellPx);
      const found = [];
      for (let gy = Math.max(0, cy - reach); gy <= Math.min(GRID - 1, cy + reach); gy++) {
        for (let gx = Math.max(0, cx - reach); gx <= Math.min(GRID - 1, cx + reach); gx++) {
          for (let i = pts.head[gy * GRID + gx]; i !== -1; i = pts.next[i]) {
            if (mask !== null && mask[i] === 0) continue;
            if (Math.abs(pts.xy[2 * i] * scale - x) > 1) continue;
            if (Math.abs(pts.xy[2 * i + 1] * scale - y) > 1) continue;
            found.push(i);
          }
        }
      }
      return found.sort(function (a, b) { return b - a; });
    },

    /* The index of the visible point nearest a container point, or -1. */
    hitTest: function (containerPoint) {
      const pts = this._points;
      if (!pts) return -1;
      const map = this._map;
      const mask = this._shownMask();
      const radiusPx = this.options.hitRadiusPx;
      const scale = Math.pow(2, map.getZoom());
      const worldWidth = 256 * scale;
      const world = map.containerPointToLayerPoint(containerPoint).add(map.getPixelOrigin());
      const wx = ((world.x % worldWidth) + worldWidth) % worldWidth;
      const cellPx = CELL * scale;
      const reach = Math.ceil(radiusPx / cellPx);
      const cx = Math.floor(wx / cellPx);
      const cy = Math.floor(world.y / cellPx);
      let best = -1;
      let bestDist = radiusPx * radiusPx;
      for (let y = Math.max(0, cy - reach); y <= Math.min(GRID - 1, cy + reach); y++) {
        for (let dx = -reach; dx <= reach; dx++) {
          const x = (((cx + dx) % GRID) + GRID) % GRID;
          for (let i = pts.head[y * GRID + x]; i !== -1; i = pts.next[i]) {
            if (mask !== null && mask[i] === 0) continue;
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

  window.GeoTweetsPoints = {
    PointLayer: PointLayer,
    drawKindSymbol: drawKindSymbol,
    NO_TERM_COLOR: NO_TERM_COLOR,
  };
})();
