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

  /* A post's time for people: local time, "Time unknown" for a post that
   * carries none, and a note when it was worked out from the post id. */
  function postTime(post) {
    const when = new Date(post.created_at);
    let time = !post.created_at ? "Time unknown" : isNaN(when) ? post.created_at : when.toLocaleString();
    if (post.time_from_id) time += " (from the post id)";
    return time;
  }

  /* A control bar's button: a link styled by Leaflet's bars, that runs
   * `action` instead of navigating. */
  function barButton(className, text, title, action) {
    const node = el("a", className, text);
    node.href = "#";
    node.title = title;
    node.setAttribute("role", "button");
    L.DomEvent.on(node, "click", function (event) {
      L.DomEvent.preventDefault(event);
      action();
    });
    return node;
  }

  window.GeoTweetsDom = { el: el, postTime: postTime, barButton: barButton };
})();
