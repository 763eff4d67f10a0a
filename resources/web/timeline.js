/* The timeline under the map: posts per time bin (all, and one series per
 * term in its map colour), a brush that selects [t0, t1) for the whole page
 * through the filter, playback controls and each term's rate and share.
 *
 * A Leaflet layer that draws nothing on the map: its panel sits in the page
 * below the map's container, which gives up the height. The chart is uPlot
 * (canvas); the brush is ours, drawn over the chart's plot area, because the
 * brush belongs to the filter and is also set by playback, "follow live" and
 * saved views. Drag to brush, click or Escape to clear.
 *
 * The bins count what the filter passes leaving the brush out (the brush
 * would otherwise empty the chart around itself). Times are the posts' own,
 * shown in UTC like the bins' edges.
 */
(function () {
  "use strict";

  const el = window.GeoTweetsDom.el;
  const Bins = window.GeoTweetsTimeBins;
  const formatTime = window.GeoTweetsDom.utcTime;

  const UPDATE_MS = 250; // a live chart is brought up to date this often at most
  const CLICK_PX = 3; // a press that moves less than this is a click: it clears the brush
  const ALL_COLOR = "#333333";

  const SPEEDS = [
    [1, "1 s/s"], [10, "10 s/s"], [60, "1 min/s"], [600, "10 min/s"],
    [3600, "1 h/s"], [6 * 3600, "6 h/s"], [86400, "1 day/s"],
  ];

  // Tick spacings the time axis may use: whole seconds at least.
  const TICK_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600,
    43200, 86400, 2 * 86400, 7 * 86400, 14 * 86400, 28 * 86400, 91 * 86400, 365 * 86400];

  // Counts are whole: 1, 2, 5, 10, 20, 50, ... posts between ticks.
  const COUNT_STEPS = [];
  for (let p = 1; p < 1e9; p *= 10) COUNT_STEPS.push(p, 2 * p, 5 * p);

  /* A tick's label in UTC: seconds when ticks are seconds apart, the date at
   * midnight, the time of day otherwise. */
  function tickLabel(t, spacing) {
    const iso = new Date(t * 1000).toISOString();
    if (spacing < 60) return iso.slice(11, 19);
    if (t % 86400 === 0) return iso.slice(0, 10);
    return iso.slice(11, 16);
  }

  function rate(perMinute) {
    if (perMinute >= 100) return Math.round(perMinute).toLocaleString();
    if (perMinute >= 1) return perMinute.toFixed(1);
    return perMinute.toFixed(2);
  }

  /* Sets a text only when it changed: a frame of playback changes few. */
  function setText(node, text) {
    if (node.textContent !== text) node.textContent = text;
  }

  function button(className, text, title) {
    const node = el("button", "gt-tl-button " + className, text);
    node.type = "button";
    node.title = title;
    return node;
  }

  function checkbox(className, text, title) {
    const label = el("label", "gt-tl-check " + className);
    label.title = title;
    const input = el("input");
    input.type = "checkbox";
    label.appendChild(input);
    label.appendChild(el("span", "", text));
    return { label: label, input: input };
  }

  function select(className, options, title) {
    const node = el("select", "gt-tl-select " + className);
    node.title = title;
    for (const [value, text] of options) {
      const option = el("option", "", text);
      option.value = String(value);
      node.appendChild(option);
    }
    return node;
  }

  const Timeline = L.Layer.extend({
    initialize: function (points) {
      this._points = points;
      this._filter = points.filter();
      this._bins = new Bins.TimeBins();
      this._chart = null;
      this._brushBox = null;
      this._drag = null;
      this._updateTimer = 0;
      this._dragFrame = 0;
      this._pendingBrush = undefined;
      const self = this;
      this.playback = new window.GeoTweetsPlayback.Playback(
        points,
        function () { return self.span(); },
        function () { return self._bins.step; }
      );
    },

    onAdd: function (map) {
      this._panel = this._build();
      const container = map.getContainer();
      container.parentNode.insertBefore(this._panel, container.nextSibling);
      // The map gives up the timeline's height: the page is a column.
      document.body.classList.add("gt-with-timeline");
      container.classList.add("gt-map-above-timeline");
      map.invalidateSize();
      this._resizer = new ResizeObserver(this._fitChart.bind(this));
      this._resizer.observe(this._chartBox);
      this._points.on("configure", this._newChart, this);
      this._points.on("pointsadded countschange", this._scheduleUpdate, this);
      this._points.on("loadprogress", this._onLoadProgress, this);
      this._filter.on("change", this._onFilterChange, this);
      this.playback.on("statechange", this._showPlayback, this);
      this._onKey = this._onKey.bind(this);
      document.addEventListener("keydown", this._onKey);
      this._newChart();
      this._showPlayback();
    },

    onRemove: function (map) {
      this.playback.pause();
      this._resizer.disconnect();
      this._points.off("configure", this._newChart, this);
      this._points.off("pointsadded countschange", this._scheduleUpdate, this);
      this._points.off("loadprogress", this._onLoadProgress, this);
      this._filter.off("change", this._onFilterChange, this);
      this.playback.off("statechange", this._showPlayback, this);
      document.removeEventListener("keydown", this._onKey);
      if (this._chart) this._chart.destroy();
      L.DomUtil.remove(this._panel);
      document.body.classList.remove("gt-with-timeline");
      map.getContainer().classList.remove("gt-map-above-timeline");
      map.invalidateSize();
    },

    /* [first, last] post time of the session, or null when no post has one. */
    span: function () {
      const bins = this._bins;
      return bins.tmin <= bins.tmax ? [bins.tmin, bins.tmax] : null;
    },

    /* The bins as drawn: {step, start, counts: [all, term 0, ...]}. */
    bins: function () {
      const bins = this._bins;
      return { step: bins.step, start: bins.start, counts: bins.series.map(function (s) { return Array.from(s); }) };
    },

    /* The uPlot chart (tests and benchmarks read its scales). */
    chart: function () { return this._chart; },

    /* Shows or hides the chart (the bar with the controls stays). */
    setCollapsed: function (collapsed) {
      this._panel.classList.toggle("gt-collapsed", collapsed);
      this._hide.textContent = collapsed ? "▸ Timeline" : "▾ Timeline";
      this._hide.title = collapsed ? "Show the timeline" : "Hide the timeline";
      if (this._map) this._map.invalidateSize();
      if (!collapsed) this._fitChart();
      return this;
    },

    // -- building ----------------------------------------------------------------

    _build: function () {
      const panel = el("div", "gt-timeline");
      const bar = el("div", "gt-tl-bar");
      this._hide = button("gt-tl-hide", "▾ Timeline", "Hide the timeline");
      const self = this;
      this._hide.addEventListener("click", function () {
        self.setCollapsed(!panel.classList.contains("gt-collapsed"));
      });
      this._play = button("gt-tl-play", "▶", "Play the brushed window through the posts' time");
      this._play.addEventListener("click", function () { self.playback.toggle(); });
      this._step = button("gt-tl-step", "Step", "One bin forward");
      this._step.addEventListener("click", function () { self.playback.step(); });
      this._mode = select("gt-tl-mode", [["sliding", "Sliding"], ["cumulative", "Cumulative"]],
        "Sliding: the window moves; cumulative: its end moves");
      this._mode.addEventListener("change", function () { self.playback.setMode(self._mode.value); });
      this._speed = select("gt-tl-speed", SPEEDS, "Stream time played per second");
      this._speed.addEventListener("change", function () { self.playback.setSpeed(Number(self._speed.value)); });
      this._loop = checkbox("gt-tl-loop", "Loop", "Start again from the first post at the end");
      this._loop.input.addEventListener("change", function () { self.playback.setLoop(self._loop.input.checked); });
      this._follow = checkbox("gt-tl-follow", "Follow live", "Keep the window at the newest posts");
      this._follow.input.addEventListener("change", function () {
        self.playback.setFollowing(self._follow.input.checked);
      });
      this._fixed = checkbox("gt-tl-fixed", "Fixed colours", "Keep the map's colour scale while playing");
      this._fixed.input.addEventListener("change", function () {
        self.playback.setFixedColors(self._fixed.input.checked);
      });
      this._brushLabel = el("span", "gt-tl-brush-label");
      for (const node of [this._hide, this._play, this._step, this._mode, this._speed, this._loop.label,
        this._follow.label, this._fixed.label, this._brushLabel]) {
        bar.appendChild(node);
      }
      panel.appendChild(bar);
      const body = el("div", "gt-tl-body");
      this._chartBox = el("div", "gt-tl-chart");
      this._empty = el("div", "gt-tl-empty", "No post times yet");
      this._chartBox.appendChild(this._empty);
      body.appendChild(this._chartBox);
      this._compare = el("div", "gt-tl-compare");
      body.appendChild(this._compare);
      panel.appendChild(body);
      L.DomEvent.disableClickPropagation(panel);
      return panel;
    },

    /* A chart for the session's terms (after configure: new terms, colours). */
    _newChart: function () {
      if (this._chart) this._chart.destroy();
      const terms = this._points.terms();
      this._bins.clear(terms.length);
      const stepped = window.uPlot.paths.stepped({ align: 1 });
      const series = [{}, {
        label: "All", stroke: ALL_COLOR, width: 1, fill: "rgba(0,0,0,0.07)", paths: stepped, points: { show: false },
      }];
      terms.slice(0, this._bins.termCount).forEach(function (term) {
        series.push({ label: term.term, stroke: term.color, width: 1.5, paths: stepped, points: { show: false } });
      });
      const size = this._chartSize();
      const self = this;
      this._chart = new window.uPlot({
        width: size.width,
        height: size.height,
        tzDate: function (ts) { return window.uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"); },
        legend: { show: false },
        cursor: { drag: { x: false, y: false, setScale: false }, points: { show: false }, y: false },
        select: { show: false },
        scales: { x: { time: true }, y: { range: function (u, min, max) { return [0, Math.max(1, max * 1.1)]; } } },
        axes: [
          {
            size: 22, font: "11px system-ui, sans-serif", ticks: { size: 3 }, gap: 2, space: 70,
            incrs: TICK_STEPS,
            values: function (u, splits, axis, space, spacing) {
              return splits.map(function (t) { return tickLabel(t, spacing); });
            },
          },
          { size: 36, font: "11px system-ui, sans-serif", ticks: { size: 3 }, gap: 2, incrs: COUNT_STEPS },
        ],
        series: series,
        hooks: { draw: [function () { self._showBrush(); }] },
      }, this._seriesData(), this._chartBox);
      this._brushBox = el("div", "gt-tl-brush");
      this._chart.over.appendChild(this._brushBox);
      this._chart.over.addEventListener("pointerdown", this._onPointerDown.bind(this));
      this._chart.over.addEventListener("pointermove", this._onPointerMove.bind(this));
      this._chart.over.addEventListener("pointerup", this._onPointerUp.bind(this));
      this._buildCompare();
      this._rebin();
    },

    _chartSize: function () {
      return { width: Math.max(120, this._chartBox.clientWidth), height: Math.max(60, this._chartBox.clientHeight) };
    },

    _fitChart: function () {
      if (!this._chart) return;
      const size = this._chartSize();
      if (size.width !== this._chart.width || size.height !== this._chart.height) this._chart.setSize(size);
    },

    // -- counting ----------------------------------------------------------------

    _seriesData: function () {
      const bins = this._bins;
      if (!bins.length) return bins.series.concat([null]).map(function () { return []; });
      const data = [bins.edges()];
      for (const counts of bins.series) {
        // The last edge closes the last bin: it repeats its count so the step is drawn.
        const values = Array.from(counts);
        values.push(values.length ? values[values.length - 1] : null);
        data.push(values);
      }
      return data;
    },

    _rebin: function () {
      const store = this._points.points();
      if (store) this._bins.rebuild(store, this._filter.unbrushedMask(), store.count);
      this._redrawChart();
    },

    /* A reopened session's points are counted once they are all in: its
     * span grows as they come, and each new bin step counts all again. */
    _onLoadProgress: function (event) {
      if (event.total === 0) this._scheduleUpdate();
    },

    _scheduleUpdate: function () {
      if (this._updateTimer || this._points.loading()) return;
      const self = this;
      this._updateTimer = setTimeout(function () {
        self._updateTimer = 0;
        self._update();
      }, UPDATE_MS);
    },

    /* New points (or a clear): counted into the bins, the chart redrawn. */
    _update: function () {
      const store = this._points.points();
      if (!store) return;
      if (store.count < this._bins.done) {
        this._rebin();
      } else if (store.count > this._bins.done) {
        this._bins.extend(store, this._filter.unbrushedMask(), store.count);
        this._redrawChart();
      } else {
        this._showCompare();
      }
      this.playback.catchUp();
    },

    _redrawChart: function () {
      const hasTimes = this._bins.length > 0;
      this._empty.style.display = hasTimes ? "none" : "";
      if (this._chart) this._chart.setData(this._seriesData());
      this._showCompare();
    },

    _onFilterChange: function (event) {
      if (event.part === "brush") {
        this._showBrush();
        this._showCompare();
      } else {
        this._rebin();
      }
    },

    // -- the brush ---------------------------------------------------------------

    _showBrush: function () {
      const brush = this._filter.brush;
      const box = this._brushBox;
      if (!box) return;
      this._brushLabel.textContent = brush ? formatTime(brush[0]) + " – " + formatTime(brush[1]) : "";
      this._brushLabel.title = brush ? "Escape or a click on the timeline clears it" : "";
      if (!brush || !this._bins.length) {
        box.style.display = "none";
        return;
      }
      const u = this._chart;
      const width = u.over.clientWidth;
      const left = Math.max(0, Math.min(width, u.valToPos(brush[0], "x")));
      const right = Math.max(0, Math.min(width, u.valToPos(brush[1], "x")));
      box.style.display = "";
      box.style.left = left + "px";
      box.style.width = Math.max(1, right - left) + "px";
    },

    _timeAt: function (clientX) {
      const rect = this._chart.over.getBoundingClientRect();
      return this._chart.posToVal(Math.max(0, Math.min(rect.width, clientX - rect.left)), "x");
    },

    _onPointerDown: function (event) {
      if (event.button !== 0 || !this._bins.length) return;
      this._chart.over.setPointerCapture(event.pointerId);
      this._drag = { x: event.clientX, moved: false };
    },

    _onPointerMove: function (event) {
      const drag = this._drag;
      if (!drag) return;
      if (!drag.moved && Math.abs(event.clientX - drag.x) < CLICK_PX) return;
      drag.moved = true;
      const a = this._timeAt(drag.x);
      const b = this._timeAt(event.clientX);
      this._brushSoon([Math.min(a, b), Math.max(a, b)]);
    },

    _onPointerUp: function (event) {
      const drag = this._drag;
      if (!drag) return;
      this._drag = null;
      if (!drag.moved) this._brushSoon(null);
      else this._onPointerMove(event);
    },

    /* Pointer moves come faster than frames: the brush is set once a frame. */
    _brushSoon: function (range) {
      this._pendingBrush = range;
      if (this._dragFrame) return;
      const self = this;
      this._dragFrame = requestAnimationFrame(function () {
        self._dragFrame = 0;
        self._filter.setBrush(self._pendingBrush);
      });
    },

    _onKey: function (event) {
      if (event.key === "Escape" && this._filter.brush) this._filter.clear("brush");
    },

    // -- playback ----------------------------------------------------------------

    _showPlayback: function () {
      const playback = this.playback;
      this._play.textContent = playback.playing ? "❚❚" : "▶";
      this._play.title = playback.playing ? "Pause" : "Play the brushed window through the posts' time";
      this._mode.value = playback.mode;
      this._speed.value = String(playback.speed);
      this._loop.input.checked = playback.loop;
      this._follow.input.checked = playback.following;
      this._fixed.input.checked = playback.fixedColors;
    },

    // -- term comparison ---------------------------------------------------------

    /* The comparison's rows, one per term and one for all: made for the
     * session's terms, then only their figures change. A share is of the
     * posts shown, not of the terms' matches: "a third of these posts say
     * flood" is what a reader asks, and a post's share must not shrink
     * because it also names another term. So shares of posts matching
     * several terms add up to more than 100 %, and a note says so then. */
    _buildCompare: function () {
      const box = this._compare;
      box.replaceChildren();
      const head = el("div", "gt-tl-row gt-tl-head");
      this._compareTitle = el("span", "gt-tl-name");
      head.appendChild(this._compareTitle);
      head.appendChild(el("span", "gt-tl-rate", "/min"));
      const share = el("span", "gt-tl-share", "share");
      share.title = "Each term's posts, as a share of all the posts shown. A post can match "
        + "several terms, so the shares can add up to more than 100 %.";
      head.appendChild(share);
      box.appendChild(head);
      const row = function (name, color) {
        const line = el("div", "gt-tl-row");
        const swatch = el("span", "gt-swatch");
        swatch.style.background = color;
        line.appendChild(swatch);
        const label = el("span", "gt-tl-name", name);
        label.title = name;
        line.appendChild(label);
        const figures = { rate: el("span", "gt-tl-rate"), share: el("span", "gt-tl-share") };
        line.appendChild(figures.rate);
        line.appendChild(figures.share);
        box.appendChild(line);
        return figures;
      };
      this._compareRows = this._points.terms().slice(0, this._bins.termCount).map(function (term) {
        return row(term.term, term.color);
      });
      this._compareAll = row("All shown", ALL_COLOR);
      this._binsLabel = el("div", "gt-tl-bins");
      box.appendChild(this._binsLabel);
      this._overlapNote = el("div", "gt-tl-bins gt-tl-overlap");
      this._overlapNote.title = "The shares are of the posts shown: a post matching several terms "
        + "counts in each, so they can add up to more than 100 %.";
      box.appendChild(this._overlapNote);
    },

    /* Posts a minute per term and each term's share of what passes the
     * filter, over the brushed window (or the whole span). Runs every
     * played frame: only texts that changed are set. */
    _showCompare: function () {
      const span = this.span();
      const brush = this._filter.brush;
      const seconds = brush ? brush[1] - brush[0] : span ? Math.max(1, span[1] - span[0]) : 0;
      const minutes = Math.max(seconds, 1) / 60;
      const passing = this._filter.passingCount();
      const counts = this._filter.termCounts();
      const termsOff = this._filter.termsOff;
      const show = function (figures, n, off) {
        setText(figures.rate, off ? "off" : rate(n / minutes));
        setText(figures.share, off || !passing ? "–" : Math.round((100 * n) / passing) + "%");
      };
      setText(this._compareTitle, brush ? "In the brush" : "Whole session");
      let matches = 0; // posts counted once per term they match
      this._compareRows.forEach(function (figures, t) {
        show(figures, counts[t] || 0, termsOff.has(t));
        if (!termsOff.has(t)) matches += counts[t] || 0;
      });
      show(this._compareAll, passing, false);
      setText(this._overlapNote, matches > passing ? "Posts can match several terms" : "");
      setText(this._binsLabel, this._bins.step ? "bins of " + Bins.stepLabel(this._bins.step) + " · UTC" : "");
    },
  });

  window.GeoTweetsTimeline = { Timeline: Timeline };
})();
