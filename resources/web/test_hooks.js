/* Hooks for the tests, the benchmarks and `geotweets --self-check`, and for
 * nothing else: `window.GeoTweets` reads what the page holds and draws, and
 * acts as a user would. The app's own scripts never call it.
 *
 * Loaded after map.js, so the points layer is on the map when this file's
 * init hook runs; the basemap is added later, once its data has loaded. */
(function () {
  "use strict";

  const hooks = {
    map: null,
    pointsLayer: null,
    areasLayer: null,
    timeline: null,
    listsPanel: null,
    basemap: null,
    basemapDrawnAt: 0,
    // When the last reopened session's points were all drawn (epoch ms; 0: not yet).
    loadedDrawnAt: 0,
    // The most points added to the layer at once (in one task) since the page opened.
    largestAddition: 0,
  };

  /* Latency tracing for benchmarks: when on, each point's key and the time
   * (epoch ms) of the redraw that first drew it. */
  const trace = { on: false, pending: [], drawn: [] };

  function now() {
    return performance.timeOrigin + performance.now();
  }

  function watch(map) {
    hooks.map = map;
    map.eachLayer(function (layer) {
      if (layer instanceof window.GeoTweetsPoints.PointLayer) hooks.pointsLayer = layer;
      if (layer instanceof window.GeoTweetsAreas.AreaLayer) hooks.areasLayer = layer;
      if (layer instanceof window.GeoTweetsTimeline.Timeline) hooks.timeline = layer;
      if (layer instanceof window.GeoTweetsLists.ListsPanel) hooks.listsPanel = layer;
    });
    hooks.pointsLayer.on("pointsadded", function (event) {
      if (trace.on) trace.pending.push(event.keys);
      hooks.largestAddition = Math.max(hooks.largestAddition, event.to - event.from);
    });
    hooks.pointsLayer.on("loadprogress", function () {
      hooks.loadedDrawnAt = 0;
    });
    hooks.pointsLayer.on("loaded", function () {
      hooks.pointsLayer.once("redraw", function () {
        hooks.loadedDrawnAt = now();
      });
    });
    hooks.pointsLayer.on("redraw", function () {
      if (!trace.pending.length) return;
      const at = now();
      for (const keys of trace.pending) for (const k of keys) trace.drawn.push(k, at);
      trace.pending = [];
    });
    map.on("layeradd", function (event) {
      if (!(event.layer instanceof window.GeoTweetsBasemap.OfflineBasemap)) return;
      hooks.basemap = event.layer;
      event.layer.once("load", function () {
        hooks.basemapDrawnAt = now();
      });
    });
  }

  /* A summary for tests and the self-check: what the page holds and draws. */
  function stats() {
    const layer = hooks.pointsLayer;
    const pts = layer.points();
    const terms = layer.terms();
    const colors = {};
    for (let i = 0; i < layer.pointCount(); i++) {
      const term = terms[pts.term[i]];
      const color = term ? term.color : "none";
      colors[color] = (colors[color] || 0) + 1;
    }
    const termCounts = {};
    terms.forEach(function (term, i) { termCounts[term.term] = layer.termCounts()[i]; });
    const kindCounts = {};
    layer.kinds().forEach(function (kind, k) { kindCounts[kind.name] = layer.kindCounts()[k]; });
    return {
      points: layer.pointCount(),
      shown: layer.filter().passingCount(),
      colors: colors,
      termCounts: termCounts,
      kindCounts: kindCounts,
      beyondMap: layer.beyondMap(),
      redraws: layer.redraws,
      drawMode: layer.drawMode,
      lastRedrawMs: layer.lastRedrawMs,
      basemapTiles: document.querySelectorAll(".gt-basemap canvas").length,
      basemapDrawnAt: hooks.basemapDrawnAt,
      loadedDrawnAt: hooks.loadedDrawnAt,
    };
  }

  /* Every point's columns, the coded ones read through the dictionaries
   * (a time unknown, NaN, is null): what the page holds, for tests. */
  function columns() {
    const pts = hooks.pointsLayer.points();
    const out = {
      key: [], time: [], term: [], termBits: [], kind: [],
      lang: [], place: [], author: [], tags: [],
      dictionaries: {
        langs: pts.langs.slice(),
        places: pts.places.slice(),
        authors: pts.authors.slice(),
        tags: pts.tags.slice(),
      },
    };
    for (let i = 0; i < pts.count; i++) {
      out.key.push(pts.key[i]);
      out.time.push(Number.isNaN(pts.time[i]) ? null : pts.time[i]);
      out.term.push(pts.term[i]);
      out.termBits.push(pts.termBits[i]);
      out.kind.push(pts.kind[i]);
      out.lang.push(pts.langs[pts.lang[i]]);
      out.place.push(pts.places[pts.place[i]]);
      out.author.push(pts.authors[pts.author[i]]);
      out.tags.push(pts.tagsOf(i));
    }
    return out;
  }

  /* Open the popup of the n-th point, as a click on it would. */
  function openPointAt(index) {
    hooks.pointsLayer.fire("pointclick", { index: index, key: hooks.pointsLayer.keyAt(index) });
    return true;
  }

  /* Container pixel of the n-th point, for tests that click it. */
  function pointPixel(index) {
    const map = hooks.map;
    const scale = Math.pow(2, map.getZoom());
    const xy = hooks.pointsLayer.points().xy;
    const world = L.point(xy[2 * index] * scale, xy[2 * index + 1] * scale);
    const p = map.layerPointToContainerPoint(world.subtract(map.getPixelOrigin()));
    return [p.x, p.y];
  }

  /* A point inside the view, away from its edges, or -1. */
  function visiblePointIndex() {
    const count = hooks.pointsLayer.pointCount();
    const size = hooks.map.getSize();
    const start = Math.floor(Math.random() * count);
    for (let n = 0; n < count; n++) {
      const i = (start + n) % count;
      const xy = pointPixel(i);
      if (xy[0] > 60 && xy[1] > 60 && xy[0] < size.x - 300 && xy[1] < size.y - 60) return i;
    }
    return -1;
  }

  window.GeoTweets = {
    get map() { return hooks.map; },
    get pointsLayer() { return hooks.pointsLayer; },
    get basemap() { return hooks.basemap; },
    get listsPanel() { return hooks.listsPanel; },
    stats: stats,
    columns: columns,
    /* What a benchmark polls while a session loads: cheap, unlike stats(). */
    loadState: function () {
      return { points: hooks.pointsLayer.pointCount(), loadedDrawnAt: hooks.loadedDrawnAt };
    },
    openPointAt: openPointAt,
    pointPixel: pointPixel,
    visiblePointIndex: visiblePointIndex,
    /* How many shown posts share the spot of the n-th point at this zoom. */
    stackSizeAt: function (index) { return hooks.pointsLayer.stackAt(index).length; },
    /* Container pixel of a place, for tests that draw on the map. */
    pixelOf: function (lat, lon) {
      const p = hooks.map.latLngToContainerPoint([lat, lon]);
      return [p.x, p.y];
    },
    areas: function () { return hooks.areasLayer.areas(); },
    areaMode: function () { return hooks.areasLayer.mode(); },
    points: function () { return hooks.pointsLayer.points(); },
    lastDraw: function () {
      return { ms: hooks.pointsLayer.lastRedrawMs, mode: hooks.pointsLayer.drawMode };
    },
    /* The timeline's bins: {step, start, counts: [all, term 0, ...]}. */
    timelineBins: function () { return hooks.timeline.bins(); },
    brush: function () { return hooks.pointsLayer.filter().brush; },
    /* Container pixel of time t (Unix seconds) half-way up the timeline's
     * plot, for tests that drag across it. */
    timelinePixel: function (t) {
      const chart = hooks.timeline.chart();
      const box = chart.over.getBoundingClientRect();
      return [box.left + chart.valToPos(t, "x"), box.top + box.height / 2];
    },
    playback: function () { return hooks.timeline.playback; },
    largestAddition: function () { return hooks.largestAddition; },
    /* Hand the page points blobs (base64), as a running session's come. */
    addBlobs: function (base64) {
      hooks.map.pointLoader.addBlob(window.GeoTweetsPointLoader.fromBase64(base64));
      return true;
    },
    startTrace: function () { trace.on = true; trace.drawn = []; return true; },
    takeTrace: function () { const out = trace.drawn; trace.drawn = []; return out; },
  };

  L.Map.addInitHook(function () {
    watch(this);
  });
})();
