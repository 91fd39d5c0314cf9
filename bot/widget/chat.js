// Minimal chat box for the demo page: posts to Rasa's REST channel and shows the replies.
// Text is always inserted with textContent, never as HTML.
(function () {
  "use strict";
  var root = document.querySelector(".chat");
  if (!root) return;
  var rasaUrl = root.getAttribute("data-rasa-url").replace(/\/$/, "");
  var log = root.querySelector(".chat-log");
  var form = root.querySelector(".chat-form");
  var input = root.querySelector("#chat-input");
  var senderKey = "newcomer-chat-sender";
  var sender = window.localStorage.getItem(senderKey);
  if (!sender) {
    sender = (window.crypto && window.crypto.randomUUID) ? window.crypto.randomUUID() : String(Math.random()).slice(2);
    window.localStorage.setItem(senderKey, sender);
  }

  function add(text, who) {
    var item = document.createElement("li");
    item.className = who;
    item.setAttribute("dir", "auto");
    item.textContent = text;
    log.appendChild(item);
    item.scrollIntoView({ block: "end" });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    add(text, "user");
    input.value = "";
    fetch(rasaUrl + "/webhooks/rest/webhook", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: sender, message: text })
    })
      .then(function (response) { return response.json(); })
      .then(function (messages) {
        messages.forEach(function (message) { if (message.text) add(message.text, "bot"); });
      })
      .catch(function () { add("…", "bot"); });
  });
})();
