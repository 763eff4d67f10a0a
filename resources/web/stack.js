/* The list of the posts on one spot (a stack: many posts located by one
 * place share its centre), a page at a time. The page holds only the posts'
 * keys; each page's authors, times and texts are asked of Python when shown,
 * and set as text. A row opens that post's own popup. */
(function () {
  "use strict";

  const el = window.GeoTweetsDom.el;
  const PAGE_SIZE = 20;

  function plural(n, word) {
    return n.toLocaleString() + " " + word + (n === 1 ? "" : "s");
  }

  class StackList {
    /* `keys`: the posts on the spot, newest first. `requestPage(keys)` asks
     * Python for those posts; its answer comes to `showPage`. `openPost(key)`
     * opens one post's popup. `terms` is the session's [{term, color}]. */
    constructor(map, latlng, keys, terms, requestPage, openPost) {
      this._keys = keys;
      this._terms = terms;
      this._requestPage = requestPage;
      this._openPost = openPost;
      this._page = 0;
      this._asked = [];
      this._box = el("div", "gt-stack");
      this.popup = L.popup({ maxWidth: 320, minWidth: 300, autoPanPadding: [24, 24] })
        .setLatLng(latlng)
        .setContent(this._box)
        .openOn(map);
      this._ask();
    }

    get pages() {
      return Math.ceil(this._keys.length / PAGE_SIZE);
    }

    _ask() {
      const start = this._page * PAGE_SIZE;
      this._asked = this._keys.slice(start, start + PAGE_SIZE);
      this._render([], true);
      this._requestPage(this._asked);
    }

    /* Python's answer: {keys, posts: [{key, author_name, author_handle, text,
     * created_at, time_from_id, terms}]}. An answer to an earlier page is ignored. */
    showPage(answer) {
      if (String(answer.keys) !== String(this._asked)) return;
      this._render(answer.posts, false);
    }

    _render(posts, loading) {
      const box = this._box;
      box.replaceChildren();
      box.appendChild(el("div", "gt-stack-head", plural(this._keys.length, "post") + " here"));
      const list = el("ol", "gt-stack-list");
      if (loading) list.appendChild(el("li", "gt-meta", "Loading…"));
      const self = this;
      posts.forEach(function (post) {
        const row = el("li", "gt-stack-row");
        row.tabIndex = 0;
        const head = el("div", "gt-meta");
        (post.terms || []).forEach(function (t) {
          const term = self._terms[t];
          if (!term) return;
          const swatch = el("span", "gt-swatch");
          swatch.style.background = term.color;
          swatch.title = term.term;
          head.appendChild(swatch);
        });
        const time = window.GeoTweetsDom.postTime(post);
        head.appendChild(el("span", "gt-stack-author", (post.author_name || "(no name)") + " · " + time));
        row.appendChild(head);
        const text = el("div", "gt-stack-text", post.text);
        text.dir = "auto";
        row.appendChild(text);
        const open = function () { self._openPost(post.key); };
        row.addEventListener("click", open);
        row.addEventListener("keydown", function (event) {
          if (event.key === "Enter") open();
        });
        list.appendChild(row);
      });
      box.appendChild(list);
      if (this.pages > 1) box.appendChild(this._nav());
    }

    _nav() {
      const nav = el("div", "gt-stack-nav");
      const newer = el("button", "gt-stack-newer", "‹ Newer");
      const older = el("button", "gt-stack-older", "Older ›");
      newer.disabled = this._page === 0;
      older.disabled = this._page >= this.pages - 1;
      const first = this._page * PAGE_SIZE + 1;
      const last = Math.min(this._keys.length, first + PAGE_SIZE - 1);
      const self = this;
      // The list is drawn anew on a turn, so the button leaves the page during
      // its own click: the map, no longer seeing it inside the popup, would
      // take the click as its own and close the popup. It never sees it.
      newer.addEventListener("click", function (event) {
        L.DomEvent.stopPropagation(event);
        self._turn(-1);
      });
      older.addEventListener("click", function (event) {
        L.DomEvent.stopPropagation(event);
        self._turn(1);
      });
      nav.appendChild(newer);
      nav.appendChild(el("span", "gt-stack-range",
        first.toLocaleString() + "–" + last.toLocaleString() + " of " + this._keys.length.toLocaleString()));
      nav.appendChild(older);
      return nav;
    }

    _turn(step) {
      this._page = Math.max(0, Math.min(this.pages - 1, this._page + step));
      this._ask();
    }
  }

  window.GeoTweetsStack = { StackList: StackList, PAGE_SIZE: PAGE_SIZE };
})();
