/* Offline basemap: Natural Earth land and country borders (the world-atlas
 * npm package), drawn into canvas tiles. It sits under the online tile layer,
 * so when tiles cannot load the user still sees real geography. */
(function () {
  "use strict";

  const MAX_LAT = 85.0511287798;
  const OCEAN = "#a9cfdc";
  const LAND = "#f3f0e8";
  const BORDER = "#b7a4b8";
  const COAST = "#7fa8b8";

  /* Web Mercator at zoom 0: the world is 256 x 256 pixels. */
  function project(lon, lat) {
    const clamped = Math.max(-MAX_LAT, Math.min(MAX_LAT, lat));
    const sin = Math.sin((clamped * Math.PI) / 180);
    return [
      ((lon + 180) / 360) * 256,
      (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)) * 256,
    ];
  }

  /* Projected rings with their bounding boxes, so a tile only walks the rings
   * that touch it. A ring that crosses the antimeridian is unwrapped (it runs
   * past the world's edge instead of jumping back across the whole map) and
   * also kept shifted by one world width, so both edges of the map show it. */
  function projectLines(lines) {
    const out = [];
    lines.forEach(function (line) {
      const xy = new Float64Array(line.length * 2);
      let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
      let shift = 0;
      line.forEach(function (pt, i) {
        if (i > 0) {
          const jump = pt[0] - line[i - 1][0];
          if (jump > 180) shift -= 360;
          else if (jump < -180) shift += 360;
        }
        const p = project(pt[0] + shift, pt[1]);
        xy[2 * i] = p[0];
        xy[2 * i + 1] = p[1];
        if (p[0] < minX) minX = p[0];
        if (p[0] > maxX) maxX = p[0];
        if (p[1] < minY) minY = p[1];
        if (p[1] > maxY) maxY = p[1];
      });
      const ring = { xy: xy, minX: minX, minY: minY, maxX: maxX, maxY: maxY };
      out.push(ring);
      if (minX < 0) out.push(shifted(ring, 256));
      if (maxX > 256) out.push(shifted(ring, -256));
    });
    return out;
  }

  function shifted(ring, dx) {
    const xy = ring.xy.slice();
    for (let i = 0; i < xy.length; i += 2) xy[i] += dx;
    return { xy: xy, minX: ring.minX + dx, minY: ring.minY, maxX: ring.maxX + dx, maxY: ring.maxY };
  }

  function polygonRings(geometry) {
    if (!geometry) return [];
    if (geometry.type === "Polygon") return geometry.coordinates;
    if (geometry.type === "MultiPolygon") return [].concat.apply([], geometry.coordinates);
    return [];
  }

  function lineStrings(geometry) {
    if (geometry.type === "LineString") return [geometry.coordinates];
    if (geometry.type === "MultiLineString") return geometry.coordinates;
    return [];
  }

  // Traced edges are cut this far outside a tile, where their cuts are unseen.
  const CUT_MARGIN_PX = 4;

  /* The part of a closed ring (zoom-0 pixels) inside the square [lo, hi]² of
   * a tile's pixels, as a flat x, y list (Sutherland-Hodgman, one side at a
   * time). Zoomed in, a coastline of thousands of points crosses a tile with
   * a few dozen; filling and stroking only those is what keeps a tile quick. */
  function cutRing(xy, scale, ox, oy, lo, hi) {
    let pts = new Array(xy.length);
    for (let i = 0; i < xy.length; i += 2) {
      pts[i] = xy[i] * scale - ox;
      pts[i + 1] = xy[i + 1] * scale - oy;
    }
    for (let side = 0; side < 4 && pts.length; side++) {
      const axis = side >> 1; // 0: x, 1: y
      const edge = side & 1 ? hi : lo;
      const inside = side & 1 ? function (v) { return v <= hi; } : function (v) { return v >= lo; };
      const out = [];
      let px = pts[pts.length - 2];
      let py = pts[pts.length - 1];
      let pIn = inside(axis ? py : px);
      for (let i = 0; i < pts.length; i += 2) {
        const cx = pts[i];
        const cy = pts[i + 1];
        const cIn = inside(axis ? cy : cx);
        if (cIn !== pIn) {
          const t = ((axis ? py : px) - edge) / ((axis ? py : px) - (axis ? cy : cx));
          out.push(px + t * (cx - px), py + t * (cy - py));
        }
        if (cIn) out.push(cx, cy);
        px = cx;
        py = cy;
        pIn = cIn;
      }
      pts = out;
    }
    return pts;
  }

  /* An open line's segments that may cross the square [lo, hi]²: the rest
   * are left out, so stroking costs what the tile shows. */
  function traceLineIn(ctx, xy, scale, ox, oy, lo, hi) {
    let joined = false;
    let px = xy[0] * scale - ox;
    let py = xy[1] * scale - oy;
    for (let i = 2; i < xy.length; i += 2) {
      const cx = xy[i] * scale - ox;
      const cy = xy[i + 1] * scale - oy;
      const away = (px < lo && cx < lo) || (px > hi && cx > hi) || (py < lo && cy < lo) || (py > hi && cy > hi);
      if (away) {
        joined = false;
      } else {
        if (!joined) ctx.moveTo(px, py);
        ctx.lineTo(cx, cy);
        joined = true;
      }
      px = cx;
      py = cy;
    }
  }

  function traceRings(ctx, rings, scale, ox, oy, size, close) {
    const lo = -CUT_MARGIN_PX;
    const hi = size + CUT_MARGIN_PX;
    ctx.beginPath();
    for (const ring of rings) {
      if (ring.maxX * scale < ox || ring.minX * scale > ox + size ||
          ring.maxY * scale < oy || ring.minY * scale > oy + size) continue;
      if (!close) {
        traceLineIn(ctx, ring.xy, scale, ox, oy, lo, hi);
        continue;
      }
      const cut = cutRing(ring.xy, scale, ox, oy, lo, hi);
      if (cut.length < 6) continue;
      ctx.moveTo(cut[0], cut[1]);
      for (let i = 2; i < cut.length; i += 2) ctx.lineTo(cut[i], cut[i + 1]);
      ctx.closePath();
    }
  }

  function projectAtlas(landTopo, countriesTopo) {
    const land = topojson.feature(landTopo, landTopo.objects.land);
    const borders = topojson.mesh(countriesTopo, countriesTopo.objects.countries,
      function (a, b) { return a !== b; });
    return {
      land: projectLines(
        [].concat.apply([], land.features.map(function (f) { return polygonRings(f.geometry); }))
      ),
      borders: projectLines(lineStrings(borders)),
    };
  }

  /* Tiles are drawn soon after they are asked for (asynchronously, a few
   * at a time), so a pan or zoom shows the moved points at once and the new
   * tiles a moment later; Leaflet keeps the old tiles on screen meanwhile. Zoomed out, the 1:110m
   * data is plenty and several times quicker to draw than 1:50m. The tiles
   * drawn last are kept: zooming back to a level shows them again at once
   * instead of tracing the coastlines again (a tile takes tens of ms). */
  const OfflineBasemap = L.GridLayer.extend({
    // 512 px tiles: a quarter as many canvases to make on every zoom.
    options: {
      tileSize: 512,
      noWrap: false,
      className: "gt-basemap",
      coarseMaxZoom: 2,
      keptTiles: 40, // 1 MB each: about three zoom levels of a large window
      drawBudgetMs: 8, // tiles drawn in one go, after a frame (at least one)
    },

    initialize: function (detailed, coarse, options) {
      L.setOptions(this, options);
      this._kept = new Map(); // "z:x:y" -> a drawn tile, least recently used first
      this._queue = []; // tiles asked for, not drawn yet: {tile, coords, key, done}
      this._drawing = false;
      this._detailed = projectAtlas(detailed.land, detailed.countries);
      this._coarse = projectAtlas(coarse.land, coarse.countries);
    },

    createTile: function (coords, done) {
      const key = coords.z + ":" + coords.x + ":" + coords.y;
      const kept = this._kept.get(key);
      if (kept) {
        this._kept.delete(key);
        this._kept.set(key, kept);
        // Shown again as it is, unless another copy of the world shows it now.
        const tile = kept.isConnected ? this._blankTile() : kept;
        if (tile !== kept) tile.getContext("2d").drawImage(kept, 0, 0);
        // Leaflet takes a tile as ready only once createTile has returned.
        Promise.resolve().then(function () { done(null, tile); });
        return tile;
      }
      const tile = this._blankTile();
      this._queue.push({ tile: tile, coords: coords, key: key, done: done });
      this._drawSoon();
      return tile;
    },

    _blankTile: function () {
      const tile = document.createElement("canvas");
      const size = this.getTileSize();
      tile.width = size.x;
      tile.height = size.y;
      return tile;
    },

    /* Draws the queued tiles after the next frame, so the moved points are
     * shown first, and for only a few ms a frame, so a zoom never holds the
     * page while all its tiles are drawn. A tile Leaflet dropped meanwhile
     * (a zoom level passed through) is not drawn at all. */
    _drawSoon: function () {
      if (this._drawing) return;
      this._drawing = true;
      const self = this;
      requestAnimationFrame(function () {
        setTimeout(function () {
          const started = performance.now();
          while (self._queue.length && performance.now() - started < self.options.drawBudgetMs) {
            const job = self._queue.shift();
            if (!job.tile.isConnected) continue;
            self._drawTile(job.tile, job.coords, self.getTileSize());
            self._keep(job.key, job.tile);
            job.done(null, job.tile);
          }
          self._drawing = false;
          if (self._queue.length) self._drawSoon();
        }, 0);
      });
    },

    _keep: function (key, tile) {
      this._kept.set(key, tile);
      if (this._kept.size > this.options.keptTiles) this._kept.delete(this._kept.keys().next().value);
    },

    _drawTile: function (tile, coords, size) {
      const atlas = coords.z <= this.options.coarseMaxZoom ? this._coarse : this._detailed;
      const ctx = tile.getContext("2d");
      const scale = Math.pow(2, coords.z); // zoom-0 pixels -> pixels at this zoom
      const n = Math.max(1, (256 * scale) / size.x); // tiles across the world
      const x = ((coords.x % n) + n) % n; // world copies left and right
      const ox = x * size.x;
      const oy = coords.y * size.y;
      ctx.fillStyle = OCEAN;
      ctx.fillRect(0, 0, size.x, size.y);
      traceRings(ctx, atlas.land, scale, ox, oy, size.x, true);
      ctx.fillStyle = LAND;
      ctx.fill("evenodd");
      ctx.lineWidth = 0.8;
      ctx.strokeStyle = COAST;
      ctx.stroke();
      traceRings(ctx, atlas.borders, scale, ox, oy, size.x, false);
      ctx.lineWidth = coords.z >= 4 ? 1.0 : 0.6;
      ctx.strokeStyle = BORDER;
      ctx.stroke();
    },
  });

  window.GeoTweetsBasemap = { OfflineBasemap: OfflineBasemap, project: project, MAX_LAT: MAX_LAT };
})();
