/* Points that arrive while a session runs (live, or a replay), as the store
 * wrote them: point blobs one after another (core/point_batch.py), in
 * base64 on bridge.pointBlobsAdded. They are read by the same code as a
 * reopened session's parts (point_loader.js's decodeBlobs) and added to the
 * points layer at most PIECE points a task, so a big batch never holds the
 * page for long: the rest waits for the next task, after input and painting.
 */
(function () {
  "use strict";

  const PIECE = 500;
  const COLUMNS = ["key", "lon", "lat", "time", "termBits", "place", "author", "lang", "kind"];
  const SHARED = ["tagPool", "terms", "langs", "places", "authors", "tags"];

  function bufferOf(base64) {
    const text = atob(base64);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return bytes.buffer;
  }

  /* Points [from, to) of a decoded batch: views of its columns, and its
   * hashtag pool and dictionaries as they are (tagStart indexes the pool). */
  function piece(batch, from, to) {
    const out = { tagStart: batch.tagStart.subarray(from, to + 1) };
    for (const name of COLUMNS) out[name] = batch[name].subarray(from, to);
    for (const name of SHARED) out[name] = batch[name];
    return out;
  }

  const LivePoints = L.Class.extend({
    initialize: function (layer) {
      this._layer = layer;
      this._pieces = [];
      this._scheduled = false;
      // A message to ourselves is the next task, without setTimeout's clamping.
      this._channel = new MessageChannel();
      this._channel.port1.onmessage = this._addNext.bind(this);
    },

    /* Blobs in base64, added in pieces from this task on. */
    add: function (base64) {
      for (const batch of window.GeoTweetsPointLoader.decodeBlobs(bufferOf(base64))) {
        const n = batch.key.length;
        for (let from = 0; from < n; from += PIECE) {
          this._pieces.push(piece(batch, from, Math.min(n, from + PIECE)));
        }
      }
      if (!this._scheduled) this._addNext();
      return this;
    },

    /* Forget what is not added yet (the map was cleared). */
    clear: function () {
      this._pieces = [];
      return this;
    },

    _addNext: function () {
      this._scheduled = false;
      const next = this._pieces.shift();
      if (next) this._layer.addPoints(next);
      if (this._pieces.length) {
        this._scheduled = true;
        this._channel.port2.postMessage(null);
      }
    },
  });

  window.GeoTweetsLivePoints = { LivePoints: LivePoints, PIECE: PIECE };
})();
