// eslint for the map page's own scripts (web/), run by `make lint`.
import js from "@eslint/js";
import globals from "globals";

// House rule 3: text reaches the page's DOM only as text, never as HTML.
const NO_HTML_SINKS = [
  {
    selector: "MemberExpression[property.name=/^(innerHTML|outerHTML)$/]",
    message: "Set text with textContent (GeoTweetsDom.el), never as HTML.",
  },
  {
    selector: "CallExpression[callee.property.name=/^(insertAdjacentHTML|write|writeln)$/]",
    message: "Build elements with GeoTweetsDom.el, never from HTML strings.",
  },
];

export default [
  js.configs.recommended,
  {
    files: ["web/**/*.js"],
    languageOptions: {
      ecmaVersion: 2022,
      // Plain scripts, loaded in order by the page; each keeps to its own
      // closure and shares only a window.GeoTweets* namespace.
      sourceType: "script",
      globals: {
        ...globals.browser,
        L: "readonly", // Leaflet
        QWebChannel: "readonly", // Qt's qwebchannel.js
        qt: "readonly",
        topojson: "readonly", // topojson-client
      },
    },
    rules: {
      "no-restricted-syntax": ["error", ...NO_HTML_SINKS],
      "no-eval": "error",
      "no-implied-eval": "error",
      "no-new-func": "error",
      "no-implicit-globals": "error",
      "no-var": "error",
      "prefer-const": "error",
      eqeqeq: "error",
      strict: ["error", "function"],
    },
  },
];
