// Sending messages (in order, one after the other) and deleting the conversation here and on the server.
import { isString } from "./dom.js";
import { looksRightToLeft } from "./format.js";
import { t } from "./i18n.js";
import { cleanButtons, cleanCard, forgetConversation, isServiceCard, rememberUnerased, state, unerasedSenders } from "./storage.js";
import { eraseOnServer, post } from "./transport.js";
import { append, applyLanguage, setPending, uiLanguage, view } from "./ui.js";

let generation = 0; // bumped when the conversation is deleted: late replies of the old one are dropped
let queue = Promise.resolve();

// Rasa's messages → what we show and store. A text followed by its structured service card is
// replaced by the card.
function botMessages(replies) {
  const out = [];
  const lang = state.language || undefined;
  replies.forEach(function (m, i) {
    if (!m || typeof m !== "object") return;
    if (isServiceCard(m.custom)) {
      out.push({ from: "bot", card: cleanCard(m.custom), lang: lang || uiLanguage() });
      return;
    }
    if (!isString(m.text)) return;
    const next = replies[i + 1];
    if (next && isServiceCard(next.custom) && !isString(next.text)) return;
    out.push({ from: "bot", text: m.text, buttons: cleanButtons(m.buttons), lang: lang });
  });
  return out;
}

// Until a language is picked, the box's direction follows the replies and its labels the detected language.
function followReplies(messages) {
  if (state.language) return;
  const firstText = messages.filter(function (m) { return isString(m.text); })[0];
  if (firstText) {
    state.dir = looksRightToLeft(firstText.text) ? "rtl" : "ltr";
    view.root.dir = state.dir;
  }
  if (state.detected && uiLanguage() !== view.root.lang) applyLanguage();
}

export function send(text, shown) {
  const turn = generation;
  append([{ from: "user", text: shown || text }]);
  setPending(1);
  queue = queue.then(function () {
    return post(text).then(function (replies) {
      if (turn !== generation) return;
      let messages = botMessages(replies);
      if (!messages.length) messages = [{ from: "bot", notice: "no_reply" }];
      followReplies(messages);
      append(messages);
    }, function () {
      if (turn !== generation) return;
      append([{ from: "bot", notice: "error_unreachable" }]);
    }).then(function () { setPending(-1); });
  });
}

export function deleteConversation() {
  const senders = unerasedSenders().filter(function (s) { return s !== state.sender; }).concat([state.sender]);
  generation += 1;
  forgetConversation();
  view.log.textContent = "";
  applyLanguage();
  setPending(1);
  // After the messages already on their way, so that none of them re-creates the conversation;
  // one conversation after the other (the server limits each client's rate).
  queue = queue.then(function () {
    const left = [];
    return senders.reduce(function (previous, sender) {
      return previous.then(function () {
        return eraseOnServer(sender).then(function (erased) { if (!erased) left.push(sender); });
      });
    }, Promise.resolve()).then(function () {
      rememberUnerased(left);
      setPending(-1);
      view.status.textContent = t(left.length ? "delete_failed" : "deleted", uiLanguage());
    });
  });
}
