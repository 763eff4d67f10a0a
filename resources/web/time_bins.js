/* Posts per time bin, for the timeline: the bin ladder and the counts.
 *
 * Bins are a step from the ladder (the same as core/time_bins.py, checked by
 * a test) aligned to multiples of the step since the Unix epoch (UTC): the
 * finest step that puts the first and last times in at most MAX_BINS bins. The span is of
 * every post with a time, whatever the filter passes, so a filter change
 * leaves the axis where it is. A live session's bins grow as posts arrive;
 * once they would pass MAX_BINS, the next step up is taken and everything is
 * counted again (a few times over a whole session).
 *
 * Series 0 counts all passing posts, series 1 + t those matching term t.
 */
(function () {
  "use strict";

  const LADDER = [1, 5, 15, 30, 60, 300, 900, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400];
  const MAX_BINS = 300;
  const MAX_BIT_TERMS = 32;

  function binCount(t0, t1, step) {
    return Math.floor(t1 / step) - Math.floor(t0 / step) + 1;
  }

  /* The ladder's step for times from t0 to t1 (Unix seconds): the finest
   * that puts them in at most MAX_BINS aligned bins; a day beyond that. */
  function binStep(t0, t1) {
    for (const step of LADDER) if (binCount(t0, t1, step) <= MAX_BINS) return step;
    return LADDER[LADDER.length - 1];
  }

  /* A step in words: "15 s", "5 min", "3 h", "1 day". */
  function stepLabel(step) {
    if (step % 86400 === 0) return step === 86400 ? "1 day" : step / 86400 + " days";
    if (step % 3600 === 0) return step / 3600 + " h";
    if (step % 60 === 0) return step / 60 + " min";
    return step + " s";
  }

  class TimeBins {
    constructor() {
      this.clear(0);
    }

    /* No bins; `termCount` series besides "all". */
    clear(termCount) {
      this.termCount = Math.min(termCount, MAX_BIT_TERMS);
      this.step = 0;
      this.start = 0; // time of bin 0
      this.length = 0;
      this.tmin = Infinity;
      this.tmax = -Infinity;
      this.series = [];
      this.done = 0; // points counted
    }

    /* Counts points 0..count-1 of `store` anew where `mask` is 1. */
    rebuild(store, mask, count) {
      this.tmin = Infinity;
      this.tmax = -Infinity;
      this.done = 0;
      this._span(store.time, 0, count);
      this._layout();
      this._count(store, mask, 0, count);
    }

    /* Counts new points from..count-1; true when the bins were laid out
     * anew (a coarser step) and everything was counted again. */
    extend(store, mask, count) {
      const from = this.done;
      if (count <= from) return false;
      const before = this.tmin + ":" + this.tmax;
      this._span(store.time, from, count);
      if (this.tmin + ":" + this.tmax !== before) {
        if (binStep(this.tmin, this.tmax) !== this.step) {
          this.rebuild(store, mask, count);
          return true;
        }
        this._regrow();
      }
      this._count(store, mask, from, count);
      return false;
    }

    /* Start times of the bins, then one past the last bin's end. */
    edges() {
      const out = new Array(this.length + 1);
      for (let b = 0; b <= this.length; b++) out[b] = this.start + b * this.step;
      return out;
    }

    end() {
      return this.start + this.length * this.step;
    }

    _span(time, from, to) {
      let lo = this.tmin;
      let hi = this.tmax;
      for (let i = from; i < to; i++) {
        const t = time[i];
        if (t < lo) lo = t; // NaN compares false both ways: a post without time has no bin
        if (t > hi) hi = t;
      }
      this.tmin = lo;
      this.tmax = hi;
    }

    _layout() {
      const size = 1 + this.termCount;
      if (!(this.tmin <= this.tmax)) {
        this.step = 0;
        this.length = 0;
        this.series = [];
        for (let s = 0; s < size; s++) this.series.push(new Float64Array(0));
        return;
      }
      this.step = binStep(this.tmin, this.tmax);
      this.start = Math.floor(this.tmin / this.step) * this.step;
      this.length = binCount(this.tmin, this.tmax, this.step);
      this.series = [];
      for (let s = 0; s < size; s++) this.series.push(new Float64Array(this.length));
    }

    /* The span grew within the same step: the counts so far, shifted into
     * the wider bins. */
    _regrow() {
      const oldStart = this.start;
      const old = this.series;
      const oldLength = this.length;
      this.start = Math.floor(this.tmin / this.step) * this.step;
      this.length = binCount(this.tmin, this.tmax, this.step);
      const shift = Math.round((oldStart - this.start) / this.step);
      this.series = old.map(function (counts) {
        const grown = new Float64Array(this.length);
        grown.set(counts.subarray(0, oldLength), shift);
        return grown;
      }, this);
    }

    _count(store, mask, from, to) {
      this.done = to;
      if (this.length === 0) return;
      const time = store.time;
      const termBits = store.termBits;
      const all = this.series[0];
      const series = this.series;
      const start = this.start;
      const step = this.step;
      const last = this.length - 1;
      const termCount = this.termCount;
      for (let i = from; i < to; i++) {
        if (mask[i] === 0) continue;
        const t = time[i];
        if (!(t === t)) continue; // NaN: no time, no bin
        const b = Math.min(last, Math.floor((t - start) / step));
        all[b] += 1;
        for (let bits = termBits[i], s = 1; bits !== 0 && s <= termCount; bits >>>= 1, s++) {
          if (bits & 1) series[s][b] += 1;
        }
      }
    }
  }

  window.GeoTweetsTimeBins = {
    TimeBins: TimeBins,
    binStep: binStep,
    stepLabel: stepLabel,
    LADDER: LADDER,
    MAX_BINS: MAX_BINS,
  };
})();
