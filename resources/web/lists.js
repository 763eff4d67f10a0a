/* The lists beside the map: the newest posts, and the top hashtags, places,
 * languages and authors, of the posts in view that the filter passes (the
 * brush, terms, kinds, languages, hashtags, places, authors, text), with
 * "N of M posts" above them. A click on a top list's row keeps only the
 * posts with that language, hashtag, place or author (again: undone).
 * The panel can be folded away to a thin strip. Until the user folds or
 * unfolds it themselves, it is folded while the page is narrower than
 * FOLD_BELOW_PX (at 900 px the map kept too little room beside it and the
 * legend); their choice then holds at every width, and Python keeps it
 * for the next start (fold.js: "foldchoice" {folded}, `fold.choose`).
 *
 * A Leaflet layer that draws nothing on the map: its panel sits beside the
 * map's container, which gives up the width. What is listed is worked out
 * in the page (list_data.js) a moment after the view, the filter or the
 * points change; live points bring an update at most every LIVE_MS.
 *
 * The newest posts are a virtual list: only the rows in sight exist, and
 * only their posts' text is asked of Python (a page at a time, a few hundred
 * kept), so the page never holds the session's text. A click on a row flies
 * to its marker and opens its popup.
 *
 * The text filter's field is here too: Python searches the session's text
 * and answers with the keys that match (see ui/text_filter.py); while the
 * filter is on, the posts that arrive are asked about as they come, and
 * stay hidden until they are known to match.
 *
 * Every string shown (post text, handles, places, hashtags, languages) is
 * set as text. Events: "listsupdate" {ms, computeMs, rows} after each
 * update, "textpending" {query} while a text search runs (query null once
 * it is over), "foldchoice" {folded} when the user folds or unfolds it.
 */
(function () {
  "use strict";

  const el = window.GeoTweetsDom.el;
  const compactTime = window.GeoTweetsDom.compactTime;
  const formatTime = window.GeoTweetsDom.utcTime;
  const ListData = window.GeoTweetsListData;
  const Fold = window.GeoTweetsFold;

  const SETTLE_MS = 20; // a pan or brush drag ends in a burst of events: one update after it
  const LIVE_MS = 700; // live points update the lists this often at most
  const BUSY_SHARE = 2; // an update waits twice what the last cost: a third of the time at most
  const JUDGE_MS = 250; // new posts are asked about in batches this far apart
  const ROW_PX = 62; // every post row is this tall: the list's height is rows x ROW_PX
  const OVERSCAN = 4; // rows made beyond those in sight, so a scroll shows no gap
  // The browser lays out nothing taller than about 33 million pixels: a longer
  // list (a million rows) scrolls through a spacer this tall, faster.
  const MAX_SCROLL_PX = 16000000;
  const KEPT_POSTS = 400; // posts' text held at most (the rows in sight are far fewer)
  const ASK_AT_MOST = 100; // the bridge's limit for one request
  const FOLD_BELOW_PX = 1000; // a page narrower than this starts with the lists folded

  const TABS = [
    ["posts", "Newest"],
    ["tags", "Hashtags"],
    ["places", "Places"],
    ["langs", "Languages"],
    ["authors", "Authors"],
  ];

  // What a click on a top list's row does, for its tooltip.
  const TOP_TITLES = {
    langs: function (label) { return "Show only posts in " + label + " (again: undo)"; },
    tags: function (label) { return "Show only posts with " + label + " (again: undo)"; },
    places: function (label) { return "Show only posts located at " + label + " (again: undo)"; },
    authors: function (label) { return "Show only posts by " + label + " (again: undo)"; },
  };

  function number(n) {
    return n.toLocaleString("en-US");
  }


  const ListsPanel = L.Layer.extend({
    /* `points` is the points layer; `bridge` the page's calls to Python:
     * requestPosts(keys), requestPost(key), searchText(query),
     * judgeText(query, keys). */
    initialize: function (points, bridge) {
      this._points = points;
      this._filter = points.filter();
      this._bridge = bridge;
      this._data = new ListData.ListData();
      this._rows = new Uint32Array(0);
      this._tops = null;
      this._tab = "posts";
      this._timer = 0;
      this._dirtySince = 0;
      this._frame = 0;
      this._posts = new Map(); // key -> post (or null: Python has none), a few hundred at most
      this._asked = new Set();
      this._pendingQuery = null; // a text search under way
      this._unjudged = []; // keys of posts that arrived while the text filter is on
      this._judgeTimer = 0;
      this._toTop = false;
      this._lastEnd = 0; // when the last update ended, and what it cost (ms)
      this._lastCost = 0;
      // Its `choose` takes the user's choice from an earlier start.
      this.fold = new Fold.Fold(
        function () { return Fold.pageBelow(FOLD_BELOW_PX, 0); },
        this.collapsed.bind(this),
        this.setCollapsed.bind(this)
      );
      this.lastUpdate = null;
      this.updates = 0;
    },

    onAdd: function (map) {
      this._panel = this._build();
      const container = map.getContainer();
      // The map and the panel share a row: the map takes what the panel leaves.
      this._row = el("div", "gt-map-row");
      container.parentNode.insertBefore(this._row, container);
      this._row.appendChild(container);
      this._row.appendChild(this._panel);
      map.invalidateSize();
      this.fold.start();
      map.on("moveend resize", this._settle, this);
      this._filter.on("change", this._onFilterChange, this);
      this._points.on("pointsadded", this._onPointsAdded, this);
      this._points.on("loadprogress", this._onLoadProgress, this);
      this._points.on("countschange", this._onCounts, this);
      this._points.on("configure", this._settle, this);
      this._schedule(0);
    },

    onRemove: function (map) {
      this.fold.stop();
      map.off("moveend resize", this._settle, this);
      this._filter.off("change", this._onFilterChange, this);
      this._points.off("pointsadded", this._onPointsAdded, this);
      this._points.off("loadprogress", this._onLoadProgress, this);
      this._points.off("countschange", this._onCounts, this);
      this._points.off("configure", this._settle, this);
      clearTimeout(this._timer);
      clearTimeout(this._judgeTimer);
      const container = map.getContainer();
      this._row.parentNode.insertBefore(container, this._row);
      L.DomUtil.remove(this._row);
      map.invalidateSize();
    },

    setCollapsed: function (collapsed) {
      this._panel.classList.toggle("gt-collapsed", collapsed);
      this._hide.textContent = collapsed ? "◂" : "▸";
      this._hide.title = collapsed ? "Show the lists" : "Hide the lists";
      if (this._map) this._map.invalidateSize();
      if (!collapsed) this._schedule(0);
      return this;
    },

    collapsed: function () {
      return this._panel.classList.contains("gt-collapsed");
    },

    showTab: function (name) {
      this._tab = name;
      for (const button of this._tabs.children) {
        button.classList.toggle("gt-active", button.dataset.tab === name);
      }
      this._postList.style.display = name === "posts" ? "" : "none";
      this._topList.style.display = name === "posts" ? "none" : "";
      this._render();
      return this;
    },

    /* The point indexes listed, newest first (tests, benchmarks). */
    rows: function () { return this._rows; },

    /* True while an update is due (the view, the filter or the points moved). */
    updatePending: function () { return this._timer !== 0; },

    // -- building ----------------------------------------------------------------

    _build: function () {
      const self = this;
      const panel = el("div", "gt-lists");
      const bar = el("div", "gt-lists-bar");
      this._hide = el("button", "gt-lists-hide", "▸");
      this._hide.type = "button";
      this._hide.title = "Hide the lists";
      this._hide.addEventListener("click", function () {
        self.fire("foldchoice", { folded: self.fold.toggle() });
      });
      bar.appendChild(this._hide);
      bar.appendChild(el("span", "gt-lists-title", "Lists"));
      this._count = el("span", "gt-lists-count");
      this._count.title = "Posts in view that pass the filters, of all the posts on the map";
      bar.appendChild(this._count);
      panel.appendChild(bar);

      const body = el("div", "gt-lists-body");
      const search = el("form", "gt-text-filter");
      this._text = el("input", "gt-text-input");
      this._text.type = "search";
      this._text.placeholder = "Text contains…";
      this._text.title = "Show only posts whose text holds every word (Enter)";
      this._textState = el("span", "gt-text-state");
      search.appendChild(this._text);
      search.appendChild(this._textState);
      search.addEventListener("submit", function (event) {
        event.preventDefault();
        self.searchText(self._text.value);
      });
      // The field's own ✕ (type=search) empties it: the filter goes with it.
      this._text.addEventListener("search", function () {
        if (!self._text.value.trim()) self.searchText("");
      });
      body.appendChild(search);

      this._tabs = el("div", "gt-lists-tabs");
      for (const [name, label] of TABS) {
        const tab = el("button", "gt-tab gt-tab-" + name, label);
        tab.type = "button";
        tab.dataset.tab = name;
        tab.addEventListener("click", function () { self.showTab(name); });
        this._tabs.appendChild(tab);
      }
      body.appendChild(this._tabs);

      this._postList = el("div", "gt-post-list");
      this._spacer = el("div", "gt-post-spacer");
      this._postList.appendChild(this._spacer);
      this._postList.addEventListener("scroll", function () { self._renderSoon(); }, { passive: true });
      this._empty = el("div", "gt-lists-empty", "No posts here");
      body.appendChild(this._postList);
      this._topList = el("ol", "gt-top-list");
      body.appendChild(this._topList);
      body.appendChild(this._empty);
      panel.appendChild(body);
      L.DomEvent.disableClickPropagation(panel);
      L.DomEvent.disableScrollPropagation(panel);
      this._panel = panel;
      this.showTab("posts");
      return panel;
    },

    // -- keeping up to date ------------------------------------------------------

    _settle: function () {
      this._toTop = true; // another view: its newest posts first
      this._schedule(SETTLE_MS);
    },

    _onFilterChange: function (event) {
      if (event.part === "text" && this._filter.textKeys === null) {
        // Cleared elsewhere (its chip, a new session): the field follows.
        this._text.value = "";
        this._endSearch();
        this._unjudged = [];
      }
      this._toTop = true;
      this._schedule(SETTLE_MS);
    },

    _onPointsAdded: function (event) {
      if (this._filter.textKeys !== null || this._pendingQuery !== null) {
        const keys = event.keys;
        for (let k = 0; k < keys.length; k++) this._unjudged.push(keys[k]);
        this._judgeSoon();
      }
      // Live points: the lists follow, but not with every batch; a
      // reopened session's once they are all in (_onLoadProgress).
      if (!this._points.loading()) this._schedule(LIVE_MS);
    },

    /* The map was cleared (at once), or counts moved with live points. */
    _onCounts: function () {
      const store = this._points.points();
      if (!store || store.count === 0) this._schedule(0);
      else if (!this._points.loading()) this._schedule(LIVE_MS);
    },

    _onLoadProgress: function (event) {
      if (event.total === 0) this._schedule(0);
    },

    /* An update `delay` ms from now, or sooner if one is already due; but
     * never sooner after the last one than a few times what it cost, so
     * changes that never stop (playback moves the brush every frame) leave
     * the map most of the page's time. */
    _schedule: function (delay) {
      const now = performance.now();
      if (!this._dirtySince) this._dirtySince = now;
      const due = Math.max(now + delay, this._lastEnd + BUSY_SHARE * this._lastCost);
      if (this._timer && this._due <= due) return;
      clearTimeout(this._timer);
      this._due = due;
      const self = this;
      this._timer = setTimeout(function () { self._update(); }, due - now);
    },

    _update: function () {
      this._timer = 0;
      if (this.collapsed()) {
        this._dirtySince = 0; // folded away: updated when shown again
        return;
      }
      const started = performance.now();
      const store = this._points.points();
      const map = this._map;
      if (!store || !map) return;
      const filter = this._filter;
      const mask = filter.active() ? filter.mask() : null;
      const boxes = ListData.viewBoxes(map.getPixelBounds(), map.getZoom());
      this._rows = this._data.rows(store, mask, boxes);
      if (this._toTop) this._postList.scrollTop = 0;
      this._tops = {}; // counted when shown
      const computeMs = performance.now() - started;
      this._count.textContent = number(this._rows.length) + " of " + number(store.count) + " posts";
      this._render();
      this._toTop = false;
      const ended = performance.now();
      const ms = ended - this._dirtySince;
      this._dirtySince = 0;
      this._lastEnd = ended;
      this._lastCost = ended - started;
      this.updates += 1;
      this.lastUpdate = { ms: ms, computeMs: computeMs, rows: this._rows.length };
      this.fire("listsupdate", this.lastUpdate);
    },

    // -- drawing -----------------------------------------------------------------

    _render: function () {
      if (!this._tops) return;
      const empty = this._rows.length === 0;
      this._empty.style.display = empty ? "" : "none";
      if (this._tab === "posts") {
        this._spacer.style.height = Math.min(this._rows.length * ROW_PX, MAX_SCROLL_PX) + "px";
        this._renderRows();
      } else {
        this._renderTop();
      }
    },

    _renderSoon: function () {
      if (this._frame) return;
      const self = this;
      this._frame = requestAnimationFrame(function () {
        self._frame = 0;
        self._renderRows();
      });
    },

    /* The rows in sight (and a few beyond), made anew; posts not held yet
     * are asked of Python and show what the columns know meanwhile. */
    _renderRows: function () {
      const list = this._postList;
      const rows = this._rows;
      const store = this._points.points();
      if (!store) return;
      const sight = list.clientHeight;
      const full = rows.length * ROW_PX;
      const height = Math.min(full, MAX_SCROLL_PX);
      // Where in the whole list the top of the view is (the spacer may be shorter).
      const scale = height > sight ? (full - sight) / (height - sight) : 1;
      const top = list.scrollTop * scale;
      const first = Math.max(0, Math.floor(top / ROW_PX) - OVERSCAN);
      const last = Math.min(rows.length, Math.ceil((top + sight) / ROW_PX) + OVERSCAN);
      const made = [];
      const missing = [];
      for (let r = first; r < last; r++) {
        const i = rows[r];
        const key = store.key[i];
        const post = this._posts.get(key);
        if (post === undefined && !this._asked.has(key)) missing.push(key);
        made.push(this._postRow(list.scrollTop + r * ROW_PX - top, i, key, post, store));
      }
      this._spacer.replaceChildren.apply(this._spacer, made);
      this._ask(missing);
    },

    /* Point i's row, `y` px from the top of the spacer. */
    _postRow: function (y, i, key, post, store) {
      const row = el("div", "gt-post-row");
      row.style.top = y + "px";
      row.style.height = ROW_PX + "px";
      row.tabIndex = 0;
      row.dataset.key = String(key);
      const head = el("div", "gt-post-head");
      const terms = this._points.terms();
      const bits = store.termBits[i];
      for (let t = 0; t < terms.length && t < 32; t++) {
        if (!(bits & (1 << t))) continue;
        const swatch = el("span", "gt-swatch");
        swatch.style.background = terms[t].color;
        swatch.title = terms[t].term;
        head.appendChild(swatch);
      }
      const handle = store.authors[store.author[i]];
      let who = handle ? "@" + handle : "";
      if (post && post.author_name) who = post.author_name + (handle ? " @" + handle : "");
      head.appendChild(el("span", "gt-post-author", who || "(no name)"));
      const seconds = store.time[i];
      const when = el("span", "gt-post-time", compactTime(seconds, Date.now() / 1000));
      if (seconds === seconds) {
        const fromId = post && post.time_from_id ? " (from the post id)" : "";
        when.title = formatTime(seconds) + fromId;
      }
      head.appendChild(when);
      row.appendChild(head);
      const text = el("div", "gt-post-text", post ? post.text : post === null ? "(not found)" : "…");
      text.dir = "auto";
      row.appendChild(text);
      const self = this;
      const open = function () { self._flyTo(i, key); };
      row.addEventListener("click", open);
      row.addEventListener("keydown", function (event) {
        if (event.key === "Enter") open();
      });
      return row;
    },

    _renderTop: function () {
      const store = this._points.points();
      const self = this;
      const list = this._topList;
      if (!this._tops[this._tab]) this._tops[this._tab] = this._data.top(store, this._rows, this._tab);
      const entries = this._tops[this._tab];
      const dict = this._tab === "langs" ? store.langs : this._tab === "places" ? store.places
        : this._tab === "authors" ? store.authors : store.tags;
      const tab = this._tab;
      const chosen = this._filter[tab]; // the tab's part of the filter: same names
      const made = entries.map(function (entry) {
        const code = entry[0];
        const name = dict[code];
        const row = el("li", "gt-top-row");
        let label = name;
        if (self._tab === "tags") label = "#" + name;
        else if (self._tab === "authors") label = "@" + name;
        else if (self._tab === "langs" && !name) label = "unknown";
        row.appendChild(el("span", "gt-top-name", label));
        row.appendChild(el("span", "gt-top-count", number(entry[1])));
        row.classList.add("gt-clickable");
        if (chosen && chosen.has(code)) row.classList.add("gt-active");
        row.title = TOP_TITLES[tab](label);
        row.addEventListener("click", function () { self._toggle(tab, code); });
        return row;
      });
      list.replaceChildren.apply(list, made);
    },

    /* A click on a top list's row: its code joins that part of the filter
     * (a post then passes with any of the codes chosen), or leaves it. */
    _toggle: function (part, code) {
      const current = this._filter[part];
      if (current && current.has(code)) {
        const rest = new Set(current);
        rest.delete(code);
        this._filter.setCodes(part, rest.size ? rest : null);
      } else {
        const next = new Set(current || []);
        next.add(code);
        this._filter.setCodes(part, next);
      }
    },

    // -- posts from Python -------------------------------------------------------

    _ask: function (keys) {
      if (!keys.length) return;
      const batch = keys.slice(0, ASK_AT_MOST);
      for (const key of batch) this._asked.add(key);
      this._bridge.requestPosts(batch);
    },

    /* Python's answer to requestPosts: {keys, posts}. Answers to other
     * askers (a stack's list) carry keys this panel did not ask for. */
    showPosts: function (answer) {
      let mine = false;
      for (const key of answer.keys) {
        if (!this._asked.has(key)) continue;
        mine = true;
        this._asked.delete(key);
        this._posts.set(key, null);
      }
      if (!mine) return;
      for (const post of answer.posts) if (this._posts.has(post.key)) this._posts.set(post.key, post);
      // Insertion order is age: the oldest held posts go first.
      for (const key of this._posts.keys()) {
        if (this._posts.size <= KEPT_POSTS) break;
        this._posts.delete(key);
      }
      if (this._tab === "posts") this._renderRows();
    },

    _flyTo: function (i, key) {
      const map = this._map;
      const store = this._points.points();
      const latlng = map.unproject(L.point(store.xy[2 * i], store.xy[2 * i + 1]), 0);
      const zoom = Math.min(map.getMaxZoom(), Math.max(map.getZoom(), 8));
      const bridge = this._bridge;
      map.once("moveend", function () { bridge.requestPost(key); });
      map.flyTo(latlng, zoom, { duration: 0.6 });
    },

    // -- the text filter ---------------------------------------------------------

    /* Ask Python for the posts whose text holds every word of `query`;
     * an empty query clears the text filter. */
    searchText: function (query) {
      const words = String(query || "").trim();
      this._text.value = words; // also when asked by others (a saved view)
      if (!words) {
        this._endSearch();
        this._unjudged = [];
        this._filter.setText("", null);
        return this;
      }
      this._pendingQuery = words;
      this._textState.textContent = "Searching…";
      this._panel.classList.add("gt-busy");
      this.fire("textpending", { query: words });
      this._bridge.searchText(words);
      return this;
    },

    /* Python's answer: {query, scope: "session" | "new" | "error", keys}. */
    textFiltered: function (answer) {
      const filter = this._filter;
      if (answer.scope === "new") {
        if (answer.query !== filter.textQuery || filter.textKeys === null || !answer.keys.length) return;
        filter.setText(filter.textQuery, Array.from(filter.textKeys).concat(answer.keys));
        return;
      }
      if (answer.query !== this._pendingQuery) return;
      this._endSearch();
      if (answer.scope === "error") {
        this._textState.textContent = "Could not search the text";
        return;
      }
      filter.setText(answer.keys === null ? "" : answer.query, answer.keys);
      this._judgeSoon();
    },

    /* {query, fraction}: how far a text search has read. */
    textProgress: function (progress) {
      if (progress.query !== this._pendingQuery) return;
      this._textState.textContent = "Searching… " + Math.floor(progress.fraction * 100) + "%";
    },

    /* Gives up the text search under way (its answer is then ignored). */
    cancelSearch: function () {
      this._text.value = this._filter.textQuery;
      this._endSearch();
      return this;
    },

    _endSearch: function () {
      if (this._pendingQuery === null) return;
      this._pendingQuery = null;
      this._textState.textContent = "";
      this._panel.classList.remove("gt-busy");
      this.fire("textpending", { query: null });
    },

    /* The posts that arrived while the text filter is on are asked about
     * together, once no search is under way (its answer may predate them). */
    _judgeSoon: function () {
      if (this._judgeTimer || !this._unjudged.length) return;
      const self = this;
      this._judgeTimer = setTimeout(function () {
        self._judgeTimer = 0;
        if (self._pendingQuery !== null) return; // asked again once it answers
        const filter = self._filter;
        const keys = self._unjudged;
        self._unjudged = [];
        if (filter.textKeys !== null && keys.length) self._bridge.judgeText(filter.textQuery, keys);
      }, JUDGE_MS);
    },
  });

  window.GeoTweetsLists = { ListsPanel: ListsPanel, ROW_PX: ROW_PX };
})();
