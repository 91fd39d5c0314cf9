/*
 * Newcomer services chat widget: vanilla JS as native ES modules (modules/), no dependencies, nothing loaded
 * from other hosts. This classic script is the whole embedding contract (one tag, see README.md):
 *
 *   <script src="https://directory.example/static/widget/chat.js"
 *           data-rasa-url="http://localhost:5005"      (Rasa server; its REST channel is used)
 *           data-city-timezone="Europe/Zurich"         (for "Open now"; default: the browser's)
 *           data-emergency-number="112"                (optional; shown when Rasa is unreachable)
 *           defer></script>
 *
 * It only hands its own tag to modules/main.js (a module cannot see document.currentScript), which reads
 * the data- attributes, loads chat.css and i18n.json from this folder and builds the box where the tag is.
 */
(function () {
  "use strict";
  if (window.NewcomerChat) return; // one widget per page
  var script = document.currentScript || document.querySelector('script[src*="widget/chat.js"]');
  if (!script) return;
  window.NewcomerChat = { ready: false };
  Object.defineProperty(window.NewcomerChat, "loader", { value: script });
  var main = document.createElement("script");
  main.type = "module";
  main.src = new URL("modules/main.js", script.src).href;
  document.head.appendChild(main);
})();
