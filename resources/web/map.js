/* The GeoTweets map page: its layers and controls, wired to Python.
 *
 * Data arrives from Python through the QWebChannel object `bridge`, always
 * as JSON: one signal per message (configured, pointsAdded, pointsCleared,
 * postShown, postsListed, areasShown, viewApplied, foldSet); pointPartsOffered names
 * binary parts of a reopened session's points, which the page fetches
 * (point_loader.js), and pointBlobsAdded brings a running session's new
 * points as binary blobs in base64 (added by point_loader.js too, a few
 * hundred points a task). The page answers
 * through slots:
 * reportReady once it listens, requestPost when a point is clicked,
 * requestPosts for a page of a stack's list (a JSON array of keys),
 * openPost for a post's link, drawArea/changeArea/deleteArea when the user
 * edits the areas, reportView with what it shows (view_state.js),
 * requestTextFilter/requestTextMatches for the text filter (answered by
 * textFiltered and textFilterProgressed), reportFolded when the user
 * folds or unfolds the lists or the legend.
 * Post text is never held here: a click asks Python for that post, and its
 * fields reach the DOM only as text. */
(function () {
  "use strict";

  function loadJson(url) {
    return fetch(url).then(function (response) {
      if (!response.ok) throw new Error(url + ": HTTP " + response.status);
      return response.json();
    });
  }

  /* The offline basemap, under everything, once its data has loaded. */
  function addBasemap(map) {
    return Promise.all([
      loadJson("vendor/world-atlas/land-50m.json"),
      loadJson("vendor/world-atlas/countries-50m.json"),
      loadJson("vendor/world-atlas/land-110m.json"),
      loadJson("vendor/world-atlas/countries-110m.json"),
    ]).then(function (topo) {
      new window.GeoTweetsBasemap.OfflineBasemap(
        { land: topo[0], countries: topo[1] },
        { land: topo[2], countries: topo[3] },
        { zIndex: 0 }
      ).addTo(map).bringToBack();
    });
  }

  function connectBridge() {
    return new Promise(function (resolve) {
      new QWebChannel(qt.webChannelTransport, function (channel) {
        resolve(channel.objects.bridge);
      });
    });
  }

  // The offline basemap is Natural Earth at 1:50m: deeper than this it would
  // show one flat colour, so the offline map stops here.
  const OFFLINE_MAX_ZOOM = 10;
  const ONLINE_MAX_ZOOM = 19;

  /* Zoomed out, the world is shown about once across the map's width, not
   * two and a half times side by side. A map zoomed out further than the
   * new minimum is brought to it at once: Leaflet's setMinZoom would animate
   * that zoom, and while a zoom animates Leaflet drops any other zoom asked
   * for (a fitBounds right after the lists fold or unfold kept the old one). */
  function fitMinZoom(map) {
    const width = map.getSize().x;
    if (!(width > 0)) return;
    const min = Math.max(1, Math.round(Math.log2(width / 256)));
    if (map.getZoom() < min) map.setView(map.getCenter(), min, { animate: false });
    map.setMinZoom(min);
  }

  function attach(map) {
    const points = new window.GeoTweetsPoints.PointLayer().addTo(map);
    const legend = new window.GeoTweetsLegend.Legend(points).addTo(map);
    const loader = new window.GeoTweetsPointLoader.PointLoader(points);
    map.pointLoader = loader; // test_hooks.js hands it blobs as the bridge does
    new window.GeoTweetsPointLoader.LoadProgress(points).addTo(map);
    new window.GeoTweetsModeControl.ModeControl(points).addTo(map);
    new window.GeoTweetsTimeline.Timeline(points).addTo(map);
    // After the timeline: the lists' panel takes the map's row, beside it.
    let bridge = null; // set once the channel is up; the panels may ask before
    const lists = new window.GeoTweetsLists.ListsPanel(points, {
      requestPosts: function (keys) { if (bridge) bridge.requestPosts(JSON.stringify(keys)); },
      requestPost: function (key) { if (bridge) bridge.requestPost(key); },
      searchText: function (query) { if (bridge) bridge.requestTextFilter(query); },
      judgeText: function (query, keys) {
        if (bridge) bridge.requestTextMatches(query, JSON.stringify(keys));
      },
    }).addTo(map);
    const chips = new window.GeoTweetsChips.FilterChips(points.filter(), function () {
      lists.cancelSearch();
    }).addTo(map);
    lists.on("textpending", function (event) { chips.setPending(event.query); });
    const areas = new window.GeoTweetsAreas.AreaLayer().addTo(map);
    new window.GeoTweetsAreas.AreaControl(areas).addTo(map);
    // Bottom right, above the attribution: the bottom left holds the chips,
    // which a narrow map would otherwise push up into the controls above.
    L.control.scale({ position: "bottomright" }).addTo(map);
    let onlineTiles = null;
    map.attributionControl.setPrefix(false);
    fitMinZoom(map);
    map.on("resize", function () { fitMinZoom(map); });
    map.attributionControl.addAttribution("Offline basemap: Natural Earth");

    function configure(json) {
      const cfg = JSON.parse(json);
      points.configure(cfg.terms, cfg.kinds);
      legend.setSource(cfg.sourceLabel, cfg.synthetic);
      map.setMaxZoom(cfg.tileUrl ? ONLINE_MAX_ZOOM : OFFLINE_MAX_ZOOM);
      if (cfg.tileUrl && !onlineTiles) {
        onlineTiles = L.tileLayer(cfg.tileUrl, {
          maxZoom: 19,
          attribution: "&copy; OpenStreetMap contributors",
          className: "gt-online-tiles",
        }).addTo(map);
      }
    }

    const connected = connectBridge().then(function (channelBridge) {
      startup.channel = true;
      return channelBridge;
    });
    const basemapAdded = addBasemap(map).then(function () {
      startup.basemap = true;
    });
    Promise.all([connected, basemapAdded]).then(function (results) {
      bridge = results[0];
      function openLink(key) {
        bridge.openPost(key);
      }
      let stackList = null;
      bridge.configured.connect(configure);
      bridge.pointsAdded.connect(function (json) {
        points.addPoints(JSON.parse(json));
      });
      bridge.pointBlobsAdded.connect(function (base64) {
        loader.addBlob(window.GeoTweetsPointLoader.fromBase64(base64));
      });
      bridge.pointPartsOffered.connect(function (json) {
        loader.load(JSON.parse(json));
      });
      bridge.pointsCleared.connect(function () {
        map.closePopup();
        loader.cancel();
        // The filter's languages, hashtags, places and authors are codes into
        // dictionaries that start over: they are kept by name.
        const names = points.filter().codedNames();
        points.clearPoints();
        points.filter().setCodedNames(names);
      });
      bridge.postShown.connect(function (json) {
        window.GeoTweetsPopup.openPostPopup(map, JSON.parse(json), points.kinds(), openLink);
      });
      points.on("pointclick", function (event) {
        bridge.requestPost(event.key);
      });
      points.on("stackclick", function (event) {
        stackList = new window.GeoTweetsStack.StackList(
          map,
          event.latlng,
          event.keys,
          points.terms(),
          function (keys) { bridge.requestPosts(JSON.stringify(keys)); },
          function (key) { bridge.requestPost(key); }
        );
      });
      bridge.postsListed.connect(function (json) {
        const answer = JSON.parse(json);
        if (stackList) stackList.showPage(answer);
        lists.showPosts(answer);
      });
      bridge.textFiltered.connect(function (json) {
        lists.textFiltered(JSON.parse(json));
      });
      bridge.textFilterProgressed.connect(function (json) {
        lists.textProgress(JSON.parse(json));
      });
      bridge.areasShown.connect(function (json) {
        areas.setAreas(JSON.parse(json));
      });
      areas.on("areadrawn", function (event) {
        bridge.drawArea(JSON.stringify(event.area));
      });
      areas.on("areachanged", function (event) {
        bridge.changeArea(event.index, JSON.stringify(event.area));
      });
      areas.on("areadeleted", function (event) {
        bridge.deleteArea(event.index);
      });
      const viewState = new window.GeoTweetsViewState.ViewState(
        map,
        points,
        function (json) { bridge.reportView(json); },
        function (query) { lists.searchText(query); }
      );
      bridge.viewApplied.connect(function (json) {
        viewState.apply(JSON.parse(json));
      });
      // The parts the user can fold, by the name the bridge gives them.
      const foldable = { lists: lists, legend: legend };
      bridge.foldSet.connect(function (json) {
        const fold = JSON.parse(json);
        if (foldable[fold.part]) foldable[fold.part].fold.choose(fold.folded === true);
      });
      Object.keys(foldable).forEach(function (part) {
        foldable[part].on("foldchoice", function (event) {
          bridge.reportFolded(part, event.folded);
        });
      });
      startup.ready = true;
      bridge.reportReady();
    }).catch(function (error) {
      startup.failed = String(error);
      console.error("GeoTweets map failed to start: " + error);
    });
  }

  /* How far the page's start-up has come. Python asks for it with
   * runJavaScript, which needs no channel (ui/map/page_start.py): the page
   * answers whenever asked, so a start that stalls can say where. */
  const startup = { channel: false, basemap: false, ready: false, failed: "" };
  window.GeoTweetsStartup = startup;

  L.Map.addInitHook(function () {
    attach(this);
  });
})();
