/* A post's popup, built from the post message the bridge sends when a point
 * is clicked: author, text, time, how the post was located, its link. */
(function () {
  "use strict";

  const el = window.GeoTweetsDom.el;

  function formatRadius(metres) {
    if (!metres) return "";
    // A no-break space keeps "±25 km" on one line.
    const size = metres >= 1000 ? Math.round(metres / 1000) + "\u00a0km" : Math.round(metres) + "\u00a0m";
    return " (±" + size + ")";
  }

  /* `kinds` is the table from the configure message; `openLink(key)` asks
   * Python to open the post on X in the system browser. */
  function postContent(post, kinds, openLink) {
    const box = el("div", "gt-popup");
    const head = el("div", "gt-author");
    head.appendChild(el("strong", "gt-name", post.author_name || "(no name)"));
    if (post.author_handle) head.appendChild(el("span", "gt-handle", "@" + post.author_handle));
    box.appendChild(head);
    if (post.synthetic) box.appendChild(el("div", "gt-synthetic", "Synthetic demo post"));
    const text = el("p", "gt-text", post.text);
    text.dir = "auto";
    box.appendChild(text);
    box.appendChild(el("div", "gt-meta gt-time", window.GeoTweetsDom.postTime(post)));
    const kind = kinds[post.kind] || { name: "unknown", label: "Unknown" };
    // "Located by exact point", not "Located by Exact point".
    let where = kind.label.charAt(0).toLowerCase() + kind.label.slice(1);
    if (post.place_label) where += ": " + post.place_label;
    where += formatRadius(post.radius_m);
    box.appendChild(el("div", "gt-meta gt-where gt-where-" + kind.name, "Located by " + where));
    if (post.url) {
      const link = el("a", "gt-link", "Open on X");
      link.href = "#";
      link.addEventListener("click", function (event) {
        event.preventDefault();
        openLink(post.key);
      });
      box.appendChild(link);
    } else if (post.synthetic) {
      box.appendChild(el("div", "gt-meta", "Made up for the demo: not on X."));
    }
    return box;
  }

  function openPostPopup(map, post, kinds, openLink) {
    return L.popup({ maxWidth: 320, minWidth: 220, autoPanPadding: [24, 24] })
      .setLatLng([post.lat, post.lon])
      .setContent(postContent(post, kinds, openLink))
      .openOn(map);
  }

  window.GeoTweetsPopup = { openPostPopup: openPostPopup };
})();
