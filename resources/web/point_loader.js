/* A reopened session's points, fetched as binary parts and added as they
 * arrive, with a progress line on the map.
 *
 * Python offers the parts (bridge.pointPartsOffered: {url, parts: [points in
 * each]}); each part is blobs one after another, written by
 * core/point_batch.py: a header of eight uint32 (magic, version, points n,
 * hashtag codes, dictionary bytes, blob bytes, 0, 0), then the columns, each
 * starting at a multiple of 8 bytes so they are viewed in place, and the
 * batch's dictionaries as UTF-8 JSON. The next part is fetched while one is
 * added, so the page draws while the rest is on its way.
 *
 * The loader fires on the points layer, where the rest of the page listens:
 * "loadprogress" {loaded, total} as parts are added (total 0: nothing
 * loading), "loaded" once every part of an offer is in.
 */
(function () {
  "use strict";

  const MAGIC = 0x43505447;
  const VERSION = 1;
  const HEADER_BYTES = 32;

  /* The batches of one part, as columns for PointLayer.addPoints. */
  function decodeBlobs(buffer) {
    const batches = [];
    let offset = 0;
    while (offset < buffer.byteLength) {
      const header = new Uint32Array(buffer, offset, HEADER_BYTES / 4);
      const n = header[2];
      const blobBytes = header[5];
      if (header[0] !== MAGIC || header[1] !== VERSION) {
        throw new Error("not a points blob of a version this page reads");
      }
      if (blobBytes < HEADER_BYTES || offset + blobBytes > buffer.byteLength) {
        throw new Error("a points blob is cut short");
      }
      let at = offset + HEADER_BYTES;
      const take = function (Type, count) {
        const view = new Type(buffer, at, count);
        at += Math.ceil(view.byteLength / 8) * 8;
        return view;
      };
      const batch = {
        key: take(Float64Array, n),
        lon: take(Float64Array, n),
        lat: take(Float64Array, n),
        time: take(Float64Array, n),
        termBits: take(Uint32Array, n),
        place: take(Uint32Array, n),
        author: take(Uint32Array, n),
        tagStart: take(Uint32Array, n + 1),
        tagPool: take(Uint32Array, header[3]),
        lang: take(Uint16Array, n),
        kind: take(Uint8Array, n),
      };
      const text = new TextDecoder().decode(new Uint8Array(buffer, at, header[4]));
      const dictionaries = JSON.parse(text);
      batch.terms = dictionaries[0];
      batch.langs = dictionaries[1];
      batch.places = dictionaries[2];
      batch.authors = dictionaries[3];
      batch.tags = dictionaries[4];
      batches.push(batch);
      offset += blobBytes;
    }
    return batches;
  }

  /* Not there any more is not an error: the session changed meanwhile. */
  class PartMissing extends Error {}

  function fetchPart(url) {
    const request = fetch(url).then(function (response) {
      if (!response.ok) throw new PartMissing(url + ": HTTP " + response.status);
      return response.arrayBuffer();
    });
    // A part fetched ahead and then not wanted must not be an unhandled rejection.
    request.catch(function () {});
    return request;
  }

  const PointLoader = L.Class.extend({
    initialize: function (layer) {
      this._layer = layer;
      this._generation = 0;
      this.loaded = 0;
      this.total = 0;
    },

    /* Fetch and add the parts of an offer, one after another. */
    load: function (offer) {
      const self = this;
      const generation = ++this._generation;
      const sizes = Array.isArray(offer.parts) ? offer.parts : [];
      const url = String(offer.url);
      this.loaded = 0;
      this.total = sizes.reduce(function (sum, n) { return sum + n; }, 0);
      this._layer.reserve(this._layer.pointCount() + this.total);
      this._layer.fire("loadprogress", { loaded: 0, total: this.total });
      let ahead = sizes.length ? fetchPart(url + "0") : null;
      function step(n) {
        if (generation !== self._generation) return null;
        if (n >= sizes.length) {
          self.total = 0;
          self._layer.fire("loadprogress", { loaded: self.loaded, total: 0 });
          self._layer.fire("loaded");
          return null;
        }
        const current = ahead;
        ahead = n + 1 < sizes.length ? fetchPart(url + (n + 1)) : null;
        return current.then(function (buffer) {
          if (generation !== self._generation) return null;
          for (const batch of decodeBlobs(buffer)) self._layer.addPoints(batch);
          self.loaded += sizes[n];
          self._layer.fire("loadprogress", { loaded: self.loaded, total: self.total });
          return step(n + 1);
        });
      }
      Promise.resolve(step(0)).catch(function (error) {
        if (error instanceof PartMissing) console.warn("points not loaded: " + error.message);
        else console.error("points could not be read: " + error.message);
      });
      return this;
    },

    /* Stop adding what is on its way (the map was cleared). */
    cancel: function () {
      this._generation += 1;
      if (this.total) {
        this.total = 0;
        this._layer.fire("loadprogress", { loaded: this.loaded, total: 0 });
      }
      return this;
    },
  });

  /* "Loading points: 430,000 of 1,000,000", while a session's points arrive. */
  const LoadProgress = L.Control.extend({
    options: { position: "bottomleft" },

    initialize: function (layer, options) {
      L.setOptions(this, options);
      this._layer = layer;
    },

    onAdd: function () {
      this._box = L.DomUtil.create("div", "gt-load-progress");
      this._box.hidden = true;
      this._layer.on("loadprogress", this._show, this);
      return this._box;
    },

    onRemove: function () {
      this._layer.off("loadprogress", this._show, this);
    },

    _show: function (event) {
      this._box.hidden = event.total === 0;
      this._box.textContent =
        "Loading points: " + event.loaded.toLocaleString("en-US") +
        " of " + event.total.toLocaleString("en-US");
    },
  });

  window.GeoTweetsPointLoader = {
    PointLoader: PointLoader,
    LoadProgress: LoadProgress,
    decodeBlobs: decodeBlobs,
  };
})();
