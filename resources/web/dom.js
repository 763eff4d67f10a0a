/* The one way the page's scripts make elements. Text, post text and every
 * other user-typed string included, is set with textContent: it can never
 * become markup. */
(function () {
  "use strict";

  function el(tag, className, text) {
    const node = L.DomUtil.create(tag, className);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  window.GeoTweetsDom = { el: el };
})();
