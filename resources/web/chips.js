/* The filter's chips: one per part of the filter that is set (the brush,
 * terms or kinds switched off, languages, text), in words, each with a ×
 * that removes it, so a user always sees why posts are hidden. A text
 * search still under way shows as a chip too, and × gives it up. A Leaflet
 * control on the map, so the chips stay in sight when the lists are folded
 * away; they wrap short of the other bottom corner's controls (the
 * attribution and the scale), so they never lie over them in a narrow map. Labels are set as text: they hold
 * terms, languages, hashtags, places, handles, words typed. */
(function () {
  "use strict";

  const el = window.GeoTweetsDom.el;

  function chip(label, title, remove) {
    const node = el("span", "gt-chip");
    node.title = label;
    node.appendChild(el("span", "gt-chip-label", label));
    const x = el("button", "gt-chip-remove", "×");
    x.type = "button";
    x.title = title;
    x.addEventListener("click", function (event) {
      L.DomEvent.stopPropagation(event);
      remove();
    });
    node.appendChild(x);
    return node;
  }

  const FilterChips = L.Control.extend({
    options: { position: "bottomleft" },

    /* `filter` is the page's Filter; `cancelSearch()` gives up a text search. */
    initialize: function (filter, cancelSearch, options) {
      L.setOptions(this, options);
      this._filter = filter;
      this._cancelSearch = cancelSearch;
      this._pending = null;
    },

    onAdd: function (map) {
      this._box = el("div", "gt-chips");
      L.DomEvent.disableClickPropagation(this._box);
      this._filter.on("change", this._render, this);
      map.on("resize", this._fit, this);
      this._render();
      return this._box;
    },

    onRemove: function (map) {
      this._filter.off("change", this._render, this);
      map.off("resize", this._fit, this);
    },

    /* As wide as the map leaves beside the bottom right corner's controls
     * (the attribution, the scale). */
    _fit: function () {
      const map = this._map;
      if (!map || !this._box) return;
      const corner = map.getContainer().querySelector(".leaflet-bottom.leaflet-right");
      const taken = corner ? corner.offsetWidth : 0;
      this._box.style.maxWidth = Math.max(120, map.getSize().x - taken - 30) + "px";
    },

    /* The words of a text search under way, or null. */
    setPending: function (query) {
      this._pending = query;
      this._render();
      return this;
    },

    _render: function () {
      const box = this._box;
      if (!box) return;
      const filter = this._filter;
      const chips = filter.chips().map(function (c) {
        return chip(c.label, "Remove this filter", function () { filter.clear(c.part); });
      });
      if (this._pending !== null) {
        const cancel = this._cancelSearch;
        chips.push(chip("Text contains: " + this._pending + " (searching…)", "Stop this search", cancel));
      }
      if (chips.length > 1) {
        const all = el("button", "gt-chips-clear", "Clear all");
        all.type = "button";
        const self = this;
        all.addEventListener("click", function () {
          if (self._pending !== null) self._cancelSearch();
          filter.clear();
        });
        chips.push(all);
      }
      box.replaceChildren.apply(box, chips);
      box.style.display = chips.length ? "" : "none";
      this._fit();
    },
  });

  window.GeoTweetsChips = { FilterChips: FilterChips };
})();
