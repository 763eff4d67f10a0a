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

  const OfflineBasemap = L.GridLayer.extend({
    options: { tileSize: 256, noWrap: false, className: "gt-basemap" },

    initialize: function (landTopo, countriesTopo, options) {
      L.setOptions(this, options);
      const land = topojson.feature(landTopo, landTopo.objects.land);
      this._land = projectLines(
        [].concat.apply([], land.features.map(function (f) { return polygonRings(f.geometry); }))
      );
      const borders = topojson.mesh(countriesTopo, countriesTopo.objects.countries,
        function (a, b) { return a !== b; });
      this._borders = projectLines(lineStrings(borders));
    },

    createTile: function (coords) {
      const tile = document.createElement("canvas");
      const size = this.getTileSize();
      tile.width = size.x;
      tile.height = size.y;
      const ctx = tile.getContext("2d");
      const n = Math.pow(2, coords.z);
      const x = ((coords.x % n) + n) % n; // world copies left and right
      const scale = (n * size.x) / 256;
      const ox = x * size.x;
      const oy = coords.y * size.y;
      ctx.fillStyle = OCEAN;
      ctx.fillRect(0, 0, size.x, size.y);
      traceRings(ctx, this._land, scale, ox, oy, size.x, true);
      ctx.fillStyle = LAND;
      ctx.fill("evenodd");
      ctx.lineWidth = 0.8;
      ctx.strokeStyle = COAST;
      ctx.stroke();
      traceRings(ctx, this._borders, scale, ox, oy, size.x, false);
      ctx.lineWidth = coords.z >= 4 ? 1.0 : 0.6;
      ctx.strokeStyle = BORDER;
      ctx.stroke();
      return tile;
    },
  });

  window.GeoTweetsBasemap = { OfflineBasemap: OfflineBasemap, project: project };
})();
