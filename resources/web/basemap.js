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

  function traceRings(ctx, rings, scale, ox, oy, size, close) {
    ctx.beginPath();
    for (const ring of rings) {
      if (ring.maxX * scale < ox || ring.minX * scale > ox + size ||
          ring.maxY * scale < oy || ring.minY * scale > oy + size) continue;
      const xy = ring.xy;
      ctx.moveTo(xy[0] * scale - ox, xy[1] * scale - oy);
      for (let i = 2; i < xy.length; i += 2) {
        ctx.lineTo(xy[i] * scale - ox, xy[i + 1] * scale - oy);
      }
      if (close) ctx.closePath();
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

  /* Tiles are drawn just after they are asked for (asynchronously), so a pan or
   * zoom shows the moved points at once and the new tiles a moment later;
   * Leaflet keeps the old tiles on screen meanwhile. Zoomed out, the 1:110m
   * data is plenty and several times quicker to draw than 1:50m. */
  const OfflineBasemap = L.GridLayer.extend({
    // 512 px tiles: a quarter as many canvases to make on every zoom.
    options: { tileSize: 512, noWrap: false, className: "gt-basemap", coarseMaxZoom: 2 },

    initialize: function (detailed, coarse, options) {
      L.setOptions(this, options);
      this._detailed = projectAtlas(detailed.land, detailed.countries);
      this._coarse = projectAtlas(coarse.land, coarse.countries);
    },

    createTile: function (coords, done) {
      const tile = document.createElement("canvas");
      const size = this.getTileSize();
      tile.width = size.x;
      tile.height = size.y;
      const self = this;
      // After the next frame: the moved points are shown first.
      requestAnimationFrame(function () {
        setTimeout(function () {
          self._drawTile(tile, coords, size);
          done(null, tile);
        }, 0);
      });
      return tile;
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
