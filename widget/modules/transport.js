// Talking to Rasa's REST channel.
import { languageInfo, REQUEST_TIMEOUT_MS, WEBHOOK } from "./config.js";
import { state } from "./storage.js";

// The server erases a conversation when it receives this, and confirms it with DELETED_SIGNAL
// (bot/erasure.py). Any other answer (an apology, an error, no answer) means it is still there.
const DELETE_COMMAND = "/delete_conversation";
const DELETED_SIGNAL = "conversation_deleted";

function metadata() {
  return state.language ? { language: state.language, cards: true } : { cards: true };
}

function request(sender, text, signal) {
  return fetch(WEBHOOK, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ sender: sender, message: text, metadata: metadata() }),
    signal: signal,
    credentials: "omit"
  }).then(function (response) {
    if (!response.ok) throw new Error("Rasa answered " + response.status);
    const spoken = response.headers.get("Content-Language");
    if (languageInfo(spoken)) state.detected = spoken;
    return response.json();
  });
}

export function post(text) {
  const controller = window.AbortController ? new AbortController() : null;
  const timer = controller ? setTimeout(function () { controller.abort(); }, REQUEST_TIMEOUT_MS) : null;
  return request(state.sender, text, controller ? controller.signal : undefined).then(function (messages) {
    if (timer) clearTimeout(timer);
    if (!Array.isArray(messages)) throw new Error("unexpected reply");
    return messages;
  }, function (error) {
    if (timer) clearTimeout(timer);
    throw error;
  });
}

function confirmsDeletion(replies) {
  return Array.isArray(replies) && replies.some(function (m) {
    return !!m && typeof m === "object" && !!m.custom && typeof m.custom === "object" && m.custom.type === DELETED_SIGNAL;
  });
}

export function eraseOnServer(sender) {
  return fetch(WEBHOOK, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ sender: sender, message: DELETE_COMMAND, metadata: metadata() }),
    credentials: "omit"
  }).then(function (response) {
    if (!response.ok) throw new Error("Rasa answered " + response.status);
    return response.json();
  }).then(confirmsDeletion, function () { return false; });
}
