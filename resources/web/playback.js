/* Playback: moves the filter's brush through the session's time, one step a
 * frame, so the map plays what happened.
 *
 * - "sliding": the brushed window keeps its width and slides forward;
 *   "cumulative": its start stays and its end moves forward.
 * - Speed is stream time per second of playing (1 s/s to 1 day/s).
 * - At the end of the posts it stops, or starts again from the first post
 *   when looping.
 * - "Follow live" pins the window's end to the newest post as posts arrive
 *   (a live stream's "now"); playing or moving the brush by hand ends it.
 * - "Fixed colours" keeps the map's colour scales as they were when playing
 *   started, so frames can be compared (the points layer's `setScaleFixed`).
 *
 * The session's span comes from `span()` ([first, last] post time or null),
 * the step of one bin from `binStep()`. Events: "statechange" when playing,
 * following or an option changes; "frame" {at} after each played frame.
 */
(function () {
  "use strict";

  const MODES = ["sliding", "cumulative"];
  const DEFAULT_BINS = 30; // with no brush, play a window this many bins wide

  const Playback = L.Evented.extend({
    initialize: function (layer, span, binStep) {
      this._layer = layer;
      this._filter = layer.filter();
      this._span = span;
      this._binStep = binStep;
      this.mode = "sliding";
      this.speed = 3600; // stream seconds per second
      this.loop = false;
      this.fixedColors = false;
      this.playing = false;
      this.following = false;
      this.frames = 0; // played frames, for the benchmarks
      this._last = 0;
      this._request = 0;
      this._tick = this._tick.bind(this);
      this._ownBrush = null; // the brush this object last set
      this._filter.on("change", this._onFilterChange, this);
    },

    setMode: function (mode) {
      if (MODES.indexOf(mode) >= 0) this.mode = mode;
      return this._state();
    },

    setSpeed: function (secondsPerSecond) {
      if (secondsPerSecond > 0) this.speed = secondsPerSecond;
      return this._state();
    },

    setLoop: function (on) {
      this.loop = !!on;
      return this._state();
    },

    setFixedColors: function (on) {
      this.fixedColors = !!on;
      this._layer.setScaleFixed(this.fixedColors && this.playing);
      return this._state();
    },

    play: function () {
      const span = this._span();
      if (!span || this.playing) return this;
      this.following = false;
      let brush = this._filter.brush;
      // A window already at the end starts again from the first post.
      if (!brush || brush[1] > span[1]) brush = this._firstWindow(span, brush);
      this._setBrush(brush);
      this.playing = true;
      this._layer.setScaleFixed(this.fixedColors);
      this._last = performance.now();
      this._request = requestAnimationFrame(this._tick);
      return this._state();
    },

    pause: function () {
      if (!this.playing) return this;
      this.playing = false;
      cancelAnimationFrame(this._request);
      this._layer.setScaleFixed(false);
      return this._state();
    },

    toggle: function () {
      return this.playing ? this.pause() : this.play();
    },

    /* One bin forward (the window's end, in cumulative mode). */
    step: function () {
      this.pause();
      const span = this._span();
      if (!span) return this;
      const brush = this._filter.brush || this._firstWindow(span, null);
      this._advance(span, brush, this._binStep() || 1);
      return this;
    },

    /* Pins the window's end to the newest post (or lets it go). */
    setFollowing: function (on) {
      if (on) this.pause();
      this.following = !!on;
      if (this.following) this.catchUp();
      return this._state();
    },

    /* New posts arrived: a followed window moves to the newest. */
    catchUp: function () {
      if (!this.following) return this;
      const span = this._span();
      if (!span) return this;
      const brush = this._filter.brush;
      const width = brush ? brush[1] - brush[0] : DEFAULT_BINS * (this._binStep() || 60);
      // [t0, t1) holds the newest post only if t1 lies past it.
      const end = span[1] + Math.min(1, width / 2);
      this._setBrush([end - width, end]);
      return this;
    },

    _firstWindow: function (span, brush) {
      const width = brush ? brush[1] - brush[0] : DEFAULT_BINS * (this._binStep() || 60);
      return [span[0], span[0] + width];
    },

    _tick: function (now) {
      if (!this.playing) return;
      const seconds = (Math.min(now - this._last, 250) / 1000) * this.speed;
      this._last = now;
      const span = this._span();
      const brush = this._filter.brush;
      if (!span || !brush) {
        this.pause();
        return;
      }
      this._advance(span, brush, seconds);
      this.frames += 1;
      this.fire("frame", { at: this._filter.brush ? this._filter.brush[1] : span[1] });
      if (this.playing) this._request = requestAnimationFrame(this._tick);
    },

    /* Moves the window `seconds` on; past the last post it stops or loops. */
    _advance: function (span, brush, seconds) {
      const width = brush[1] - brush[0];
      let next = this.mode === "sliding" ? [brush[0] + seconds, brush[1] + seconds] : [brush[0], brush[1] + seconds];
      if (brush[1] > span[1]) {
        if (!this.loop) {
          this.pause();
          return;
        }
        next = this.mode === "sliding" ? [span[0], span[0] + width] : [brush[0], span[0] + width];
        if (next[1] <= next[0]) next = this._firstWindow(span, null);
      }
      this._setBrush(next);
    },

    _setBrush: function (range) {
      this._ownBrush = range;
      this._filter.setBrush(range);
    },

    /* A brush set by hand (the timeline, a chip, a saved view) stops playing and following. */
    _onFilterChange: function (event) {
      const brush = this._filter.brush;
      const own = this._ownBrush;
      if (event.part !== "brush") return;
      if (brush && own && brush[0] === own[0] && brush[1] === own[1]) return;
      const wasActive = this.playing || this.following;
      this.following = false;
      if (this.playing) this.pause();
      else if (wasActive) this._state();
    },

    _state: function () {
      this.fire("statechange");
      return this;
    },
  });

  window.GeoTweetsPlayback = { Playback: Playback, MODES: MODES };
})();
