/* Points that come as binary blobs (core/point_batch.py): a reopened
 * session's parts, fetched from the scheme, and any blob handed to the page
 * (a running session's batches). Blobs are added in order, a piece at a
 * time, so the page keeps answering while a million points come in.
 *
 * A blob: a header of twenty uint32 (magic, version 2, points n, hashtag
 * codes, new-strings bytes, blob bytes, seen-strings bytes, seen codes,
 * session id, 0, the first code of its new langs, places, authors and tags,
 * one past their last, 0, 0), the columns, each starting at a multiple of 8
 * bytes so they are viewed in place, the new strings as UTF-8 JSON, the seen
 * codes and their strings. Codes of langs, places, authors and tags are the
 * session's: a session's blobs read in order teach each string once, so a
 * blob's new strings are all there is to read; the seen strings (those an
 * earlier blob brought) are read only when one was missed. Session 0, and
 * version 1 (eight header words, the batch's own dictionaries), code with
 * their own dictionaries.
 *
 * The loader fires on the points layer, where the rest of the page listens:
 * "loadprogress" {loaded, total} as a reopened session's parts are added
 * (total 0: nothing loading), "loaded" once every part of an offer is in.
 * While parts load, the layer redraws now and then, not with every piece.
 */
(function () {
  "use strict";

  const MAGIC = 0x43505447;
  const DICTIONARIES = ["langs", "places", "authors", "tags"];
  const PIECE_POINTS = 500; // a handed blob is added at most this many points a task
  const PART_PIECE_POINTS = 4096; // a part's pieces, added while the task's time lasts
  const TASK_MS = 12; // a task adding a part's pieces yields after this long

  function utf8Json(buffer, at, bytes) {
    return JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, at, bytes)));
  }

  function padded(bytes) {
    return Math.ceil(bytes / 8) * 8;
  }

  /* The blobs of a buffer: each its columns (views into the buffer) and
   * where its strings are. */
  function decodeBlobs(buffer) {
    const blobs = [];
    let offset = 0;
    while (offset < buffer.byteLength) {
      if (buffer.byteLength - offset < 32) throw new Error("a points blob is cut short");
      const first = new Uint32Array(buffer, offset, 8);
      const version = first[1];
      if (first[0] !== MAGIC || (version !== 1 && version !== 2)) {
        throw new Error("not a points blob of a version this page reads");
      }
      const header = new Uint32Array(buffer, offset, version === 1 ? 8 : 20);
      const n = header[2];
      const blobBytes = header[5];
      if (blobBytes < header.byteLength || offset + blobBytes > buffer.byteLength) {
        throw new Error("a points blob is cut short");
      }
      let at = offset + header.byteLength;
      const take = function (Type, count) {
        const view = new Type(buffer, at, count);
        at += padded(view.byteLength);
        return view;
      };
      const blob = {
        n: n,
        session: version === 2 ? header[8] : 0,
        base: version === 2 ? Array.from(header.subarray(10, 14)) : [0, 0, 0, 0],
        end: version === 2 ? Array.from(header.subarray(14, 18)) : null,
        columns: {
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
        },
      };
      const strings = utf8Json(buffer, at, header[4]); // [terms, langs, places, authors, tags]
      blob.terms = strings[0];
      blob.strings = strings.slice(1);
      if (!blob.end) blob.end = blob.strings.map(function (s) { return s.length; });
      if (version === 2) {
        const seenAt = at + padded(header[4]);
        const seenCount = header[7];
        const seenBytes = header[6];
        blob.seen = function () {
          const codes = new Uint32Array(buffer, seenAt, seenCount);
          return { codes: codes, strings: utf8Json(buffer, seenAt + padded(4 * seenCount), seenBytes) };
        };
      }
      blobs.push(blob);
      offset += blobBytes;
    }
    return blobs;
  }

  /* The strings of the session whose blobs are being read, by the session's
   * codes, and those codes mapped to the point store's (its dictionaries
   * start again when the map is cleared: they are mapped again then). */
  class SessionStrings {
    constructor() {
      this.session = -1;
      this._generation = -1;
      this._strings = [];
      this._maps = [];
      this._known = []; // codes 0..known-1 all have their strings (later ones may too)
    }

    /* For each dictionary, a map from the blob's codes to the store's. */
    codeMaps(store, blob) {
      if (blob.session === 0) {
        // Its own dictionaries: codes base.. are its strings, 0 is "".
        return DICTIONARIES.map(function (name, d) {
          const own = [""];
          blob.strings[d].forEach(function (text, j) { own[blob.base[d] + j] = text; });
          return store.mergeDictionary(name, own);
        });
      }
      if (blob.session !== this.session) {
        this.session = blob.session;
        this._strings = DICTIONARIES.map(function () { return [""]; });
        this._maps = DICTIONARIES.map(function () { return new Uint32Array(1024); });
        this._known = DICTIONARIES.map(function () { return 1; });
        this._generation = -1;
      }
      if (this._generation !== store.generation) this._mapAgain(store);
      const gap = DICTIONARIES.some(function (name, d) {
        return blob.base[d] > this._known[d];
      }, this);
      if (gap) {
        // An earlier blob was missed: the strings it brought come with this one.
        const seen = blob.seen();
        let c = 0;
        for (let d = 0; d < DICTIONARIES.length; d++) {
          for (const text of seen.strings[d]) this._learn(store, d, seen.codes[c++], text);
        }
      }
      for (let d = 0; d < DICTIONARIES.length; d++) {
        const fresh = blob.strings[d];
        for (let j = 0; j < fresh.length; j++) this._learn(store, d, blob.base[d] + j, fresh[j]);
      }
      const maps = this._maps;
      return DICTIONARIES.map(function (name, d) { return maps[d].subarray(0, blob.end[d]); });
    }

    _learn(store, d, code, text) {
      const strings = this._strings[d];
      if (strings[code] !== undefined) return;
      strings[code] = text;
      if (code >= this._maps[d].length) {
        const grown = new Uint32Array(Math.max(code + 1, this._maps[d].length * 2));
        grown.set(this._maps[d]);
        this._maps[d] = grown;
      }
      this._maps[d][code] = store.codeIn(DICTIONARIES[d], text);
      while (strings[this._known[d]] !== undefined) this._known[d] += 1;
    }

    _mapAgain(store) {
      for (let d = 0; d < DICTIONARIES.length; d++) {
        const strings = this._strings[d];
        const map = this._maps[d];
        for (let c = 0; c < strings.length; c++) {
          map[c] = strings[c] === undefined ? 0 : store.codeIn(DICTIONARIES[d], strings[c]);
        }
      }
      this._generation = store.generation;
    }
  }

  /* Runs `fn` as a task of its own soon (a message is not held back the
   * way a nested timeout is). */
  function soon(fn) {
    const channel = new MessageChannel();
    channel.port1.onmessage = function () {
      channel.port1.close();
      fn();
    };
    channel.port2.postMessage(null);
  }

  /* The bytes of base64 text (blobs as the bridge sends a running session's). */
  function fromBase64(base64) {
    const text = atob(base64);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return bytes.buffer;
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
      this._strings = new SessionStrings();
      this._queue = []; // blobs being added, in order: {blob, maps, terms, at, piece, done}
      this._pumping = false;
      this.loaded = 0;
      this.total = 0;
    },

    /* Add the points of one buffer of blobs (one or several, one after
     * another), after whatever is being added, at most 500 points a task. */
    addBlob: function (buffer) {
      this._enqueue(buffer, PIECE_POINTS, null);
      return this;
    },

    /* Fetch and add the parts of an offer ({url, parts: [points in each]}),
     * one after another, the next fetched while one is added. */
    load: function (offer) {
      const self = this;
      const generation = ++this._generation;
      const sizes = Array.isArray(offer.parts) ? offer.parts : [];
      const url = String(offer.url);
      this.loaded = 0;
      this.total = sizes.reduce(function (sum, n) { return sum + n; }, 0);
      this._layer.reserve(this._layer.pointCount() + this.total);
      this._layer.holdRedraws(this.total > 0);
      this._layer.fire("loadprogress", { loaded: 0, total: this.total });
      let ahead = sizes.length ? fetchPart(url + "0") : null;
      function step(n) {
        if (generation !== self._generation) return null;
        if (n >= sizes.length) {
          self._finishLoad();
          return null;
        }
        const current = ahead;
        ahead = n + 1 < sizes.length ? fetchPart(url + (n + 1)) : null;
        return current.then(function (buffer) {
          if (generation !== self._generation) return null;
          return new Promise(function (resolve) {
            self._enqueue(buffer, PART_PIECE_POINTS, function () {
              if (generation !== self._generation) return;
              self.loaded += sizes[n];
              self._layer.fire("loadprogress", { loaded: self.loaded, total: self.total });
              resolve();
            });
          }).then(function () { return step(n + 1); });
        });
      }
      Promise.resolve(step(0)).catch(function (error) {
        if (generation !== self._generation) return;
        self._finishLoad();
        if (error instanceof PartMissing) console.warn("points not loaded: " + error.message);
        else console.error("points could not be read: " + error.message);
      });
      return this;
    },

    /* Stop adding what is on its way (the map was cleared). */
    cancel: function () {
      this._generation += 1;
      this._queue = [];
      if (this.total) {
        this.total = 0;
        this._layer.holdRedraws(false);
        this._layer.fire("loadprogress", { loaded: this.loaded, total: 0 });
      }
      return this;
    },

    _finishLoad: function () {
      this.total = 0;
      this._layer.holdRedraws(false);
      this._layer.fire("loadprogress", { loaded: this.loaded, total: 0 });
      this._layer.fire("loaded");
    },

    /* Queue a buffer's blobs; `done` is called once all are added. */
    _enqueue: function (buffer, piece, done) {
      const blobs = decodeBlobs(buffer);
      for (let b = 0; b < blobs.length; b++) {
        this._queue.push({ blob: blobs[b], maps: null, at: 0, piece: piece, done: null });
      }
      if (done) {
        if (blobs.length) this._queue[this._queue.length - 1].done = done;
        else done();
      }
      if (!this._pumping) {
        this._pumping = true;
        soon(this._pump.bind(this));
      }
    },

    /* One task's worth: pieces of the first blobs in the queue, until the
     * task's time is up (a handed blob's piece is a task on its own). */
    _pump: function () {
      const started = performance.now();
      const store = this._layer.points();
      while (this._queue.length) {
        const entry = this._queue[0];
        const blob = entry.blob;
        if (!store) {
          this._queue.shift();
          console.warn("points arrived before the map was configured; not drawn");
          continue;
        }
        if (entry.maps === null) {
          entry.maps = this._strings.codeMaps(store, blob);
          entry.terms = this._layer.batchTerms(blob.terms);
        }
        const to = Math.min(blob.n, entry.at + entry.piece);
        this._layer.addColumns(blob.columns, entry.at, to, entry.maps, entry.terms);
        entry.at = to;
        if (entry.at >= blob.n) {
          this._queue.shift();
          if (entry.done) entry.done();
        }
        if (entry.piece <= PIECE_POINTS || performance.now() - started > TASK_MS) break;
      }
      if (this._queue.length) soon(this._pump.bind(this));
      else this._pumping = false;
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
    fromBase64: fromBase64,
  };
})();
