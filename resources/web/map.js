/* The GeoTweets map page: the bridge to Python, the legend, popups.
 *
 * Data arrives from Python through the QWebChannel object `bridge`, always
 * as JSON. Points are kept and drawn by points.js. Post text is never held
 * here: a click asks Python for that post, and its fields reach the DOM only
 * as text. */
(function () {
  "use strict";

  const KINDS = ["exact", "place", "profile"];
  const KIND_LABELS = { exact: "Exact point", place: "Place", profile: "Profile text" };
  const NO_TERM = window.GeoTweetsPoints.NO_TERM;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function formatRadius(metres) {
    if (!metres) return "";
    return metres >= 1000 ? " (±" + Math.round(metres / 1000) + " km)" : " (±" + Math.round(metres) + " m)";
  }

  /* The legend: one row per term with its colour and count, and a switch
   * per location kind. Every user-typed string is set as text. */
  const Legend = L.Control.extend({
    options: { position: "topright" },

    initialize: function (state, onKindToggle) {
      this._state = state;
      this._onKindToggle = onKindToggle;
    },

    onAdd: function () {
      const box = el("div", "gt-legend leaflet-bar");
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      this._box = box;
      this.render();
      return box;
    },

    render: function () {
      const st = this._state;
      const box = this._box;
      if (!box) return;
      box.replaceChildren();
      if (st.synthetic) box.appendChild(el("div", "gt-synthetic", "Synthetic demo data"));
      if (st.sourceLabel) box.appendChild(el("div", "gt-source", st.sourceLabel));
      const terms = el("div", "gt-terms");
      this._countNodes = [];
      st.terms.forEach(function (term, i) {
        const row = el("div", "gt-term");
        const swatch = el("span", "gt-swatch");
        swatch.style.background = term.color;
        row.appendChild(swatch);
        row.appendChild(el("span", "gt-term-name", term.term));
        const count = el("span", "gt-count", String(st.termCounts[i] || 0));
        this._countNodes.push(count);
        row.appendChild(count);
        terms.appendChild(row);
      }, this);
      if (!st.terms.length) terms.appendChild(el("div", "gt-empty", "No search yet"));
      box.appendChild(terms);
      const kinds = el("div", "gt-kinds");
      kinds.appendChild(el("div", "gt-kinds-title", "Located by"));
      KINDS.forEach(function (kind, k) {
        const label = el("label", "gt-kind");
        const check = el("input");
        check.type = "checkbox";
        check.checked = st.kindVisible[k];
        check.dataset.kind = kind;
        check.addEventListener("change", this._onKindToggle);
        label.appendChild(check);
        label.appendChild(el("span", "gt-kind-symbol gt-kind-" + kind));
        label.appendChild(el("span", "", KIND_LABELS[kind]));
        label.appendChild(el("span", "gt-count", String(st.kindCounts[k])));
        kinds.appendChild(label);
      }, this);
      box.appendChild(kinds);
      if (st.beyondMap) {
        const posts = st.beyondMap === 1 ? "1 post is" : st.beyondMap + " posts are";
        box.appendChild(el("div", "gt-beyond", posts + " nearer a pole than the map reaches (85°)"));
      }
    },

    updateCounts: function () {
      // Counts change many times a second; rebuilding the rows would cost more.
      const st = this._state;
      (this._countNodes || []).forEach(function (node, i) {
        node.textContent = String(st.termCounts[i] || 0);
      });
      this._box.querySelectorAll(".gt-kind .gt-count").forEach(function (node, k) {
        node.textContent = String(st.kindCounts[k]);
      });
    },
  });

  const state = {
    points: new window.GeoTweetsPoints.PointIndex(),
    drawMode: "",
    terms: [],
    termCounts: [],
    kindCounts: [0, 0, 0],
    kindVisible: [true, true, true],
    beyondMap: 0, // located posts too near a pole for the map's projection
    synthetic: false,
    sourceLabel: "",
    redraws: 0,
    lastRedrawMs: 0,
  };

  const app = {
    map: null,
    bridge: null,
    layer: null,
    legend: null,
    tiles: null,
    ready: false,
    errors: [],
    _redrawPending: false,
  };

  /* Latency tracing for benchmarks: when on, each point's key and the time
   * (epoch ms) of the redraw that first drew it. */
  const trace = { on: false, pending: [], drawn: [] };

  function scheduleRedraw() {
    if (app._redrawPending) return;
    app._redrawPending = true;
    requestAnimationFrame(function () {
      app._redrawPending = false;
      app.layer.redraw();
      app.legend.updateCounts();
      if (trace.pending.length) {
        const at = performance.timeOrigin + performance.now();
        for (const keys of trace.pending) for (const k of keys) trace.drawn.push(k, at);
        trace.pending = [];
      }
    });
  }

  function configure(json) {
    const cfg = JSON.parse(json);
    state.terms = cfg.terms;
    state.termCounts = cfg.terms.map(function () { return 0; });
    state.synthetic = !!cfg.synthetic;
    state.sourceLabel = cfg.sourceLabel || "";
    if (cfg.tileUrl && !app.tiles) {
      app.tiles = L.tileLayer(cfg.tileUrl, {
        maxZoom: 19,
        attribution: "&copy; OpenStreetMap contributors",
        className: "gt-online-tiles",
      }).addTo(app.map);
    }
    app.legend.render();
  }

  function addPoints(json) {
    const batch = JSON.parse(json);
    const project = window.GeoTweetsBasemap.project;
    const maxLat = window.GeoTweetsBasemap.MAX_LAT;
    let beyond = 0;
    for (let i = 0; i < batch.key.length; i++) {
      // Web Mercator ends at ±85.05°: a post nearer a pole is real and
      // stored, but no marker could show it, so it is counted apart.
      if (Math.abs(batch.lat[i]) > maxLat) {
        beyond += 1;
        continue;
      }
      const xy = project(batch.lon[i], batch.lat[i]);
      const terms = batch.terms[i];
      const kind = KINDS.indexOf(batch.kind[i]);
      state.points.push(batch.key[i], xy[0], xy[1], terms.length ? terms[0] : NO_TERM, kind);
      for (const t of terms) state.termCounts[t] = (state.termCounts[t] || 0) + 1;
      state.kindCounts[kind] += 1;
    }
    if (beyond) {
      state.beyondMap += beyond;
      app.legend.render();
    }
    if (trace.on) trace.pending.push(batch.key);
    scheduleRedraw();
  }

  function clearPoints() {
    state.points.clear();
    state.beyondMap = 0;
    state.termCounts = state.terms.map(function () { return 0; });
    state.kindCounts = [0, 0, 0];
    app.map.closePopup();
    app.layer.redraw();
    app.legend.updateCounts();
  }

  function popupContent(post) {
    const box = el("div", "gt-popup");
    const head = el("div", "gt-author");
    head.appendChild(el("strong", "gt-name", post.author_name || "(no name)"));
    if (post.author_handle) head.appendChild(el("span", "gt-handle", "@" + post.author_handle));
    box.appendChild(head);
    if (post.synthetic) box.appendChild(el("div", "gt-synthetic", "Synthetic demo post"));
    const text = el("p", "gt-text", post.text);
    text.dir = "auto";
    box.appendChild(text);
    const when = new Date(post.created_at);
    let time = !post.created_at ? "Time unknown" : isNaN(when) ? post.created_at : when.toLocaleString();
    if (post.time_from_id) time += " (from the post id)";
    box.appendChild(el("div", "gt-meta gt-time", time));
    let where = KIND_LABELS[post.kind] || "Unknown";
    if (post.place_label) where += ": " + post.place_label;
    where += formatRadius(post.radius_m);
    box.appendChild(el("div", "gt-meta gt-where gt-where-" + post.kind, "Located by " + where));
    if (post.url) {
      const link = el("a", "gt-link", "Open on X");
      link.href = "#";
      link.addEventListener("click", function (event) {
        event.preventDefault();
        app.bridge.openPost(post.key);
      });
      box.appendChild(link);
    } else if (post.synthetic) {
      box.appendChild(el("div", "gt-meta", "Made up for the demo: not on X."));
    }
    return box;
  }

  function showPost(json) {
    const post = JSON.parse(json);
    app.lastPopup = post.key;
    L.popup({ maxWidth: 320, minWidth: 220, autoPanPadding: [24, 24] })
      .setLatLng([post.lat, post.lon])
      .setContent(popupContent(post))
      .openOn(app.map);
  }

  function onKindToggle(event) {
    const k = KINDS.indexOf(event.target.dataset.kind);
    state.kindVisible[k] = event.target.checked;
    app.layer.redraw();
  }

  function onMapClick(event) {
    const i = app.layer.hitTest(event.containerPoint);
    if (i >= 0) app.bridge.requestPost(state.points.key[i]);
  }

  function loadJson(url) {
    return fetch(url).then(function (response) {
      if (!response.ok) throw new Error(url + ": HTTP " + response.status);
      return response.json();
    });
  }

  function attach(map) {
    app.map = map;
    app.layer = new window.GeoTweetsPoints.PointLayer(state).addTo(map);
    app.legend = new Legend(state, onKindToggle).addTo(map);
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution("Offline basemap: Natural Earth");
    map.on("click", onMapClick);
    const basemap = Promise.all([
      loadJson("vendor/world-atlas/land-50m.json"),
      loadJson("vendor/world-atlas/countries-50m.json"),
      loadJson("vendor/world-atlas/land-110m.json"),
      loadJson("vendor/world-atlas/countries-110m.json"),
    ]).then(function (topo) {
      const layer = new window.GeoTweetsBasemap.OfflineBasemap(
        { land: topo[0], countries: topo[1] },
        { land: topo[2], countries: topo[3] },
        { zIndex: 0 }
      );
      layer.once("load", function () {
        app.basemapDrawnAt = performance.timeOrigin + performance.now();
      });
      layer.addTo(map).bringToBack();
      app.basemap = layer;
    });
    const channel = new Promise(function (resolve) {
      new QWebChannel(qt.webChannelTransport, function (ch) {
        resolve(ch.objects.bridge);
      });
    });
    Promise.all([channel, basemap]).then(function (results) {
      const bridge = results[0];
      app.bridge = bridge;
      bridge.configure.connect(configure);
      bridge.pointsAdded.connect(addPoints);
      bridge.pointsCleared.connect(clearPoints);
      bridge.postShown.connect(showPost);
      app.ready = true;
      bridge.pageReady();
    }).catch(function (error) {
      console.error("GeoTweets map failed to start: " + error);
    });
  }

  /* A summary for tests and the self-check: what the page holds and draws. */
  function stats() {
    const colors = {};
    for (let i = 0; i < state.points.count; i++) {
      const t = state.points.term[i];
      const color = t === NO_TERM ? "none" : state.terms[t].color;
      colors[color] = (colors[color] || 0) + 1;
    }
    const termCounts = {};
    state.terms.forEach(function (term, i) { termCounts[term.term] = state.termCounts[i]; });
    return {
      ready: app.ready,
      points: state.points.count,
      colors: colors,
      termCounts: termCounts,
      kindCounts: { exact: state.kindCounts[0], place: state.kindCounts[1], profile: state.kindCounts[2] },
      beyondMap: state.beyondMap,
      redraws: state.redraws,
      drawMode: state.drawMode,
      lastRedrawMs: state.lastRedrawMs,
      basemapTiles: document.querySelectorAll(".gt-basemap canvas").length,
      basemapDrawnAt: app.basemapDrawnAt || 0,
    };
  }

  /* Open the popup of the n-th point, as a click on it would (tests, self-check). */
  function openPointAt(index) {
    app.bridge.requestPost(state.points.key[index]);
  }

  /* Container pixel of the n-th point, for tests that click it. */
  function pointPixel(index) {
    const map = app.map;
    const scale = Math.pow(2, map.getZoom());
    const xy = state.points.xy;
    const world = L.point(xy[2 * index] * scale, xy[2 * index + 1] * scale);
    const p = map.layerPointToContainerPoint(world.subtract(map.getPixelOrigin()));
    return [p.x, p.y];
  }

  /* A point inside the view, away from its edges (tests, benchmarks), or -1. */
  function visiblePointIndex() {
    const pts = state.points;
    const size = app.map.getSize();
    const start = Math.floor(Math.random() * pts.count);
    for (let n = 0; n < pts.count; n++) {
      const i = (start + n) % pts.count;
      const xy = pointPixel(i);
      if (xy[0] > 60 && xy[1] > 60 && xy[0] < size.x - 300 && xy[1] < size.y - 60) return i;
    }
    return -1;
  }

  window.GeoTweets = {
    stats: stats,
    openPointAt: openPointAt,
    pointPixel: pointPixel,
    visiblePointIndex: visiblePointIndex,
    points: function () { return state.points; },
    lastDraw: function () { return { ms: state.lastRedrawMs, mode: state.drawMode }; },
    startTrace: function () { trace.on = true; trace.drawn = []; return true; },
    takeTrace: function () { const out = trace.drawn; trace.drawn = []; return out; },
    app: app,
  };
  L.Map.addInitHook(function () {
    attach(this);
  });
})();
