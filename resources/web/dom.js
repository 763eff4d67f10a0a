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

  /* A time in full, saying its zone: "2026-12-03 14:03:27 UTC". Every
   * time the page shows is in UTC, as the timeline's bins are, so a post
   * reads the same in its popup, the lists and on the timeline. */
  function utcTime(seconds) {
    const iso = new Date(seconds * 1000).toISOString();
    return iso.slice(0, 10) + " " + iso.slice(11, 19) + " UTC";
  }

  /* A post's time for people (its popup, a stack's rows): in UTC, "Time
   * unknown" for a post that carries none, and a note when it was worked out
   * from the post id. */
  function postTime(post) {
    const when = Date.parse(post.created_at);
    let time = !post.created_at ? "Time unknown" : isNaN(when) ? post.created_at : utcTime(when / 1000);
    if (post.time_from_id) time += " (from the post id)";
    return time;
  }

  const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  /* A post's time in a few characters, in UTC like the timeline: "14:03:27"
   * on the day `nowSeconds` falls on, "3 Dec 14:03" earlier in its year,
   * "3 Dec 2019 14:03" before; "Time unknown" for NaN. Day and month in
   * words, so no reader takes 3/12 for 12 March or 3 December. */
  function compactTime(seconds, nowSeconds) {
    if (!(seconds === seconds)) return "Time unknown";
    const iso = new Date(seconds * 1000).toISOString(); // 2026-12-03T14:03:27.000Z
    const today = new Date(nowSeconds * 1000).toISOString();
    if (iso.slice(0, 10) === today.slice(0, 10)) return iso.slice(11, 19);
    const day = Number(iso.slice(8, 10)) + " " + MONTHS[Number(iso.slice(5, 7)) - 1];
    const year = iso.slice(0, 4) === today.slice(0, 4) ? "" : " " + iso.slice(0, 4);
    return day + year + " " + iso.slice(11, 16);
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

  window.GeoTweetsDom = {
    el: el,
    utcTime: utcTime,
    postTime: postTime,
    compactTime: compactTime,
    barButton: barButton,
  };
})();
