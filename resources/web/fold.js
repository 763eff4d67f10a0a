/* Folding a part of the page away: the lists beside the map, the legend.
 * Until the user folds or unfolds it, it is folded while the page is small
 * (`small()`, asked again whenever the window resizes); from their first
 * click on it stays as they chose, at any size. The part fires
 * "foldchoice" {folded} on that click, so Python can keep the choice for
 * the next start and hand it back (`choose`). */
(function () {
  "use strict";

  class Fold {
    /* `small()`: whether the page is too small to show the part unfolded;
     * `folded()` and `setFolded(folded)` read and change what it shows. */
    constructor(small, folded, setFolded) {
      this._small = small;
      this._folded = folded;
      this._setFolded = setFolded;
      this.choice = null; // the user's: true (folded), false, or null (by size)
      this._fit = this._fit.bind(this);
    }

    start() {
      this._fit();
      window.addEventListener("resize", this._fit);
    }

    stop() {
      window.removeEventListener("resize", this._fit);
    }

    /* The user's choice, made here or at an earlier start: it holds at any size. */
    choose(folded) {
      this.choice = !!folded;
      this._setFolded(this.choice);
    }

    /* A click on the part's fold button: the other state, now the user's choice. */
    toggle() {
      this.choose(!this._folded());
      return this.choice;
    }

    _fit() {
      if (this.choice !== null) return;
      const small = this._small();
      if (small !== this._folded()) this._setFolded(small);
    }
  }

  /* Whether the page is narrower than `width` or lower than `height` pixels. */
  function pageBelow(width, height) {
    const page = document.documentElement;
    return page.clientWidth < width || page.clientHeight < height;
  }

  window.GeoTweetsFold = { Fold: Fold, pageBelow: pageBelow };
})();
