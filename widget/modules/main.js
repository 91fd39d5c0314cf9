// Starts the widget once its words are loaded and the page is parsed (see widget/README.md).
import { BASE } from "./config.js";
import { deleteConversation, send } from "./conversation.js";
import { loadStrings } from "./i18n.js";
import { shareLocation } from "./location.js";
import { build, view } from "./ui.js";

function loadStylesheet() {
  const href = new URL("chat.css", BASE).href;
  const links = document.querySelectorAll('link[rel="stylesheet"]');
  for (let i = 0; i < links.length; i++) if (links[i].href === href) return;
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = href;
  document.head.appendChild(link);
}

loadStylesheet();
const domReady = new Promise(function (resolve) {
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", resolve);
  else resolve();
});
Promise.all([loadStrings(), domReady]).then(function () {
  build({ send: send, shareLocation: shareLocation, deleteConversation: deleteConversation });
  window.NewcomerChat.ready = true;
  view.root.setAttribute("data-ready", "true");
});
