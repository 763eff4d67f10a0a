/* The areas followed: a Leaflet layer that shows them and lets the user draw
 * a box or a circle, move one (drag it), resize it (drag its handle) and
 * delete it, and a control with the buttons for that.
 *
 * Python owns the list. The layer only reports what the user did, as the
 * whole geometry of one area ("areadrawn" {area}, "areachanged" {index,
 * area}, "areadeleted" {index}); Python checks it and answers with the full
 * list (`setAreas`), which is what is drawn. An area is
 * {kind: "box", west, south, east, north} or {kind: "circle", lon, lat,
 * radius_km}, with a `label`; a box whose west is east of its east crosses
 * the antimeridian and is drawn across it. */
(function () {
  "use strict";

  const el = window.GeoTweetsDom.el;
  const STYLE = { color: "#d9480f", weight: 2, fillOpacity: 0.06, dashArray: "6 4" };
  const SELECTED = { color: "#d9480f", weight: 3, fillOpacity: 0.12, dashArray: null };
  const HANDLE = { radius: 6, color: "#d9480f", weight: 2, fillColor: "#fff", fillOpacity: 1 };

  function boxBounds(area) {
    const east = area.east < area.west ? area.east + 360 : area.east;
    return L.latLngBounds([area.south, area.west], [area.north, east]);
  }

  function shapeOf(area, style) {
    if (area.kind === "box") return L.rectangle(boxBounds(area), style);
    return L.circle([area.lat, area.lon], Object.assign({ radius: area.radius_km * 1000 }, style));
  }

  /* Where the resize handle of an area sits: a box's north-east corner, a
   * circle's eastern edge. */
  function handleOf(area, shape) {
    if (area.kind === "box") return boxBounds(area).getNorthEast();
    return L.latLng(area.lat, shape.getBounds().getEast());
  }

  function boxFrom(a, b) {
    return {
      kind: "box",
      west: Math.min(a.lng, b.lng),
      south: Math.min(a.lat, b.lat),
      east: Math.max(a.lng, b.lng),
      north: Math.max(a.lat, b.lat),
    };
  }

  const AreaLayer = L.Layer.extend({
    initialize: function (options) {
      L.setOptions(this, options);
      this._areas = [];
      this._selected = -1;
      this._mode = null; // "box" | "circle" while drawing
      this._gesture = null; // what a pressed mouse is doing
      this._answering = false; // the next list answers an edit made here
    },

    onAdd: function (map) {
      this._group = L.featureGroup().addTo(map);
      map.on("mousedown", this._onMapDown, this);
      this._redraw();
    },

    onRemove: function (map) {
      map.off("mousedown", this._onMapDown, this);
      this._endGesture();
      this._group.remove();
    },

    /* The list from Python. One that does not answer an edit made on the map
     * (a place typed, the command line, a session reopened) is brought into view. */
    setAreas: function (areas) {
      const answering = this._answering;
      this._answering = false;
      this._areas = areas;
      if (this._selected >= areas.length) this._selected = -1;
      this._redraw();
      if (!answering && areas.length && this._map) {
        this._map.fitBounds(this._group.getBounds(), { padding: [40, 40], maxZoom: 12 });
      }
      this.fire("areaschange");
      return this;
    },

    areas: function () {
      return this._areas;
    },

    selected: function () {
      return this._selected;
    },

    /* Draw the next area the user drags out: "box", "circle" or null. */
    setMode: function (mode) {
      this._mode = mode;
      const map = this._map;
      if (map) {
        map.getContainer().classList.toggle("gt-drawing", !!mode);
        // Off before the press, or the map's own drag starts with it and pans.
        if (mode) map.dragging.disable();
        else if (!this._gesture) map.dragging.enable();
      }
      this.fire("modechange");
      return this;
    },

    mode: function () {
      return this._mode;
    },

    deleteSelected: function () {
      if (this._selected < 0) return;
      const index = this._selected;
      this._selected = -1;
      this._answering = true;
      this.fire("areadeleted", { index: index });
    },

    /* Every area, with `moving` (an index) drawn as `moved` while dragged. */
    _redraw: function (moving, moved) {
      if (!this._group) return;
      this._group.clearLayers();
      this._areas.forEach(function (stored, index) {
        const area = index === moving ? moved : stored;
        const selected = index === this._selected;
        const shape = shapeOf(area, selected ? SELECTED : STYLE);
        shape.bindTooltip(area.label || "", { sticky: true });
        shape.on("mousedown", function (event) { this._onShapeDown(event, index); }, this);
        this._group.addLayer(shape);
        if (selected) {
          const handle = L.circleMarker(handleOf(area, shape), HANDLE);
          handle.on("mousedown", function (event) { this._onHandleDown(event, index); }, this);
          this._group.addLayer(handle);
        }
      }, this);
    },

    /* A press on the map: starts drawing, or (elsewhere) drops the selection. */
    _onMapDown: function (event) {
      if (!this._mode) {
        if (this._selected >= 0 && !this._gesture) {
          this._selected = -1;
          this._redraw();
          this.fire("selectionchange");
        }
        return;
      }
      const start = event.latlng;
      const preview = this._mode === "box"
        ? L.rectangle(L.latLngBounds(start, start), SELECTED)
        : L.circle(start, Object.assign({ radius: 1 }, SELECTED));
      this._group.addLayer(preview);
      this._startGesture({ kind: this._mode, start: start, preview: preview });
    },

    _onShapeDown: function (event, index) {
      if (this._mode) return; // drawing over an area is drawing
      L.DomEvent.stop(event);
      this._startGesture({ kind: "move", index: index, start: event.latlng });
    },

    _onHandleDown: function (event, index) {
      L.DomEvent.stop(event);
      this._startGesture({ kind: "resize", index: index, start: event.latlng });
    },

    _startGesture: function (gesture) {
      const map = this._map;
      this._gesture = gesture;
      map.dragging.disable(); // a shape's press comes before the map's drag sees it
      map.on("mousemove", this._onMove, this);
      map.on("mouseup", this._onUp, this);
    },

    _endGesture: function () {
      const map = this._map;
      if (!map || !this._gesture) return;
      map.off("mousemove", this._onMove, this);
      map.off("mouseup", this._onUp, this);
      this._gesture = null;
      if (!this._mode) map.dragging.enable();
    },

    /* The area the gesture makes, dragged to `latlng`. */
    _result: function (gesture, latlng) {
      if (gesture.kind === "box") return boxFrom(gesture.start, latlng);
      if (gesture.kind === "circle") {
        const c = gesture.start;
        return { kind: "circle", lon: c.lng, lat: c.lat, radius_km: c.distanceTo(latlng) / 1000 };
      }
      const area = Object.assign({}, this._areas[gesture.index]);
      if (gesture.kind === "move") {
        const dLon = latlng.lng - gesture.start.lng;
        const dLat = latlng.lat - gesture.start.lat;
        if (area.kind === "box") {
          const height = area.north - area.south;
          area.south = Math.max(-90, Math.min(90 - height, area.south + dLat));
          area.north = area.south + height;
          area.west += dLon;
          area.east += dLon;
        } else {
          area.lon += dLon;
          area.lat = Math.max(-90, Math.min(90, area.lat + dLat));
        }
        return area;
      }
      if (area.kind === "box") return Object.assign(area, boxFrom(L.latLng(area.south, area.west), latlng));
      area.radius_km = L.latLng(area.lat, area.lon).distanceTo(latlng) / 1000;
      return area;
    },

    _onMove: function (event) {
      const gesture = this._gesture;
      const area = this._result(gesture, event.latlng);
      if (gesture.preview) {
        if (area.kind === "box") gesture.preview.setBounds(boxBounds(area));
        else gesture.preview.setRadius(area.radius_km * 1000);
        return;
      }
      gesture.moved = true;
      this._redraw(gesture.index, area);
    },

    _onUp: function (event) {
      const gesture = this._gesture;
      this._endGesture();
      if (gesture.preview) {
        const area = this._result(gesture, event.latlng);
        gesture.preview.remove();
        this.setMode(null);
        this._answering = true;
        this.fire("areadrawn", { area: area });
        return;
      }
      if (gesture.moved) {
        this._selected = gesture.index;
        this._answering = true;
        this.fire("areachanged", { index: gesture.index, area: this._result(gesture, event.latlng) });
      } else if (this._selected !== gesture.index) {
        // A click: selects the area. Redrawn after the click has gone to the
        // map (a point under the area still opens), not under its feet.
        this._selected = gesture.index;
        L.Util.requestAnimFrame(this._redraw.bind(this, -1, null));
        this.fire("selectionchange");
      }
    },
  });

  /* Buttons: draw a box, draw a circle, delete the selected area (shown only
   * while there is an area to delete). */
  const AreaControl = L.Control.extend({
    options: { position: "topleft" },

    initialize: function (layer, options) {
      L.setOptions(this, options);
      this._layer = layer;
    },

    onAdd: function () {
      const bar = el("div", "gt-area-control leaflet-bar");
      L.DomEvent.disableClickPropagation(bar);
      const layer = this._layer;
      const button = function (name, text, title, action) {
        const node = window.GeoTweetsDom.barButton("gt-area-" + name, text, title, action);
        bar.appendChild(node);
        return node;
      };
      this._box = button("box", "\u25AD", "Draw a box to follow", function () {
        layer.setMode(layer.mode() === "box" ? null : "box");
      });
      this._circle = button("circle", "\u25EF", "Draw a circle to follow", function () {
        layer.setMode(layer.mode() === "circle" ? null : "circle");
      });
      this._delete = button("delete", "\u2715", "Delete the selected area", function () {
        layer.deleteSelected();
      });
      layer.on("modechange selectionchange areaschange", this._update, this);
      this._update();
      return bar;
    },

    onRemove: function () {
      this._layer.off("modechange selectionchange areaschange", this._update, this);
    },

    _update: function () {
      const mode = this._layer.mode();
      this._box.classList.toggle("gt-active", mode === "box");
      this._circle.classList.toggle("gt-active", mode === "circle");
      this._delete.classList.toggle("leaflet-disabled", this._layer.selected() < 0);
      // With no area a ✕ has nothing to act on: it read as a stray button.
      this._delete.style.display = this._layer.areas().length ? "" : "none";
    },
  });

  window.GeoTweetsAreas = { AreaLayer: AreaLayer, AreaControl: AreaControl };
})();
