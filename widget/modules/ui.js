// The chat box: building it, its labels in the reader's language, and the conversation log.
import { LANGUAGES, languageInfo, LOADER } from "./config.js";
import { renderCard } from "./card.js";
import { el } from "./dom.js";
import { guessedUiLanguage, t } from "./i18n.js";
import { saveState, state } from "./storage.js";

const ids = { title: "nc-chat-title", language: "nc-chat-language", input: "nc-chat-input" };
// Filled by build(); the other modules read the parts they update.
export const view = {};
let actions = null;
let pending = 0;
const guessedUi = guessedUiLanguage();

// The widget's labels: the language picked, else the conversation's once the assistant has detected it
// (Content-Language of its answers), else the browser's.
export function uiLanguage() {
  return state.language || state.detected || guessedUi;
}

function buildHead() {
  const head = el("div", "nc-head");
  view.title = el("h2", "nc-title");
  view.title.id = ids.title;
  head.appendChild(view.title);
  const picker = el("div", "nc-picker");
  view.languageLabel = el("label");
  view.languageLabel.htmlFor = ids.language;
  const select = view.languageSelect = el("select", "nc-select");
  select.id = ids.language;
  view.autoOption = el("option");
  view.autoOption.value = "";
  select.appendChild(view.autoOption);
  LANGUAGES.forEach(function (l) {
    const option = el("option", null, l.name);
    option.value = l.code;
    option.lang = l.code;
    option.dir = l.dir;
    select.appendChild(option);
  });
  select.value = state.language || "";
  select.addEventListener("change", function () {
    state.language = select.value || null;
    if (state.messages.length) saveState();
    applyLanguage();
  });
  picker.appendChild(view.languageLabel);
  picker.appendChild(select);
  head.appendChild(picker);
  return head;
}

// A drawn pin, not the emoji: Debian's Chromium has no emoji font and showed a missing-glyph box.
function pinIcon() {
  const svg = "http://www.w3.org/2000/svg";
  const pin = document.createElementNS(svg, "svg");
  [["viewBox", "0 0 16 16"], ["width", "14"], ["height", "14"], ["aria-hidden", "true"], ["focusable", "false"]]
    .forEach(function (pair) { pin.setAttribute(pair[0], pair[1]); });
  const path = document.createElementNS(svg, "path");
  path.setAttribute("d", "M8 1a5 5 0 0 0-5 5c0 3.6 5 9 5 9s5-5.4 5-9a5 5 0 0 0-5-5zm0 7a2 2 0 1 1 0-4 2 2 0 0 1 0 4z");
  path.setAttribute("fill", "currentColor");
  pin.appendChild(path);
  return pin;
}

function buildForm() {
  const form = el("form", "nc-form");
  view.inputLabel = el("label", "nc-input-label");
  view.inputLabel.htmlFor = ids.input;
  const input = el("input", "nc-input");
  input.id = ids.input;
  input.type = "text";
  input.name = "message";
  input.autocomplete = "off";
  input.maxLength = 1000;
  input.dir = "auto";
  input.setAttribute("enterkeyhint", "send");
  view.sendButton = el("button", "nc-button nc-send");
  view.sendButton.type = "submit";
  const row = el("div", "nc-row");
  row.appendChild(input);
  row.appendChild(view.sendButton);
  form.appendChild(view.inputLabel);
  form.appendChild(row);
  // A real button (keyboard and screen readers) that asks the browser for the position only when pressed.
  view.locationButton = el("button", "nc-button nc-location");
  view.locationButton.type = "button";
  view.locationLabel = el("span");
  view.locationButton.appendChild(pinIcon());
  view.locationButton.appendChild(document.createTextNode(" "));
  view.locationButton.appendChild(view.locationLabel);
  view.locationButton.addEventListener("click", actions.shareLocation);
  form.appendChild(view.locationButton);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    actions.send(text);
  });
  return form;
}

function buildFoot() {
  const foot = el("div", "nc-foot");
  view.privacyNote = el("p", "nc-privacy");
  view.deleteButton = el("button", "nc-button nc-delete");
  view.deleteButton.type = "button";
  view.deleteButton.addEventListener("click", actions.deleteConversation);
  foot.appendChild(view.privacyNote);
  foot.appendChild(view.deleteButton);
  return foot;
}

// handlers: send(text, shown), shareLocation(), deleteConversation().
export function build(handlers) {
  actions = handlers;
  const root = view.root = el("section", "nc-chat");
  root.setAttribute("aria-labelledby", ids.title);
  root.setAttribute("data-pending", "0");
  root.appendChild(buildHead());
  const log = view.log = el("div", "nc-log");
  log.setAttribute("role", "log");
  log.setAttribute("aria-live", "polite");
  log.setAttribute("aria-relevant", "additions");
  log.tabIndex = 0; // scrollable: reachable and scrollable with the keyboard
  root.appendChild(log);
  view.status = el("p", "nc-status");
  view.status.setAttribute("role", "status");
  root.appendChild(view.status);
  root.appendChild(buildForm());
  root.appendChild(buildFoot());

  const parent = LOADER.parentNode;
  if (parent && parent !== document.head && parent.nodeName !== "HEAD") parent.insertBefore(root, LOADER);
  else document.body.appendChild(root);
  applyLanguage();
  renderLog();
}

export function applyLanguage() {
  const ui = uiLanguage();
  view.root.lang = ui;
  const spoken = state.language || state.detected;
  view.root.dir = spoken ? languageInfo(spoken).dir : state.dir || languageInfo(ui).dir;
  view.title.textContent = t("title", ui);
  view.languageLabel.textContent = t("language_label", ui);
  view.autoOption.textContent = t("language_auto", ui);
  view.log.setAttribute("aria-label", t("log_label", ui));
  view.inputLabel.textContent = t("input_label", ui);
  view.sendButton.textContent = t("send", ui);
  view.locationLabel.textContent = t("use_location", ui);
  view.privacyNote.textContent = t("privacy_note", ui);
  view.deleteButton.textContent = t("delete", ui);
  if (pending) view.status.textContent = t("typing", ui);
  relabelLog(ui);
}

// The widget's own words in the log follow the language; messages are not re-added (a live region would read
// the whole conversation again). Cards keep the language they arrived in.
function relabelLog(ui) {
  const items = view.log.children;
  for (let i = 0; i < items.length && i < state.messages.length; i++) {
    const m = state.messages[i];
    const who = items[i].querySelector(".nc-sr-only");
    if (who) {
      who.textContent = t(m.from === "user" ? "you" : "assistant", ui) + " ";
      who.lang = ui;
    }
    const bubble = m.notice && items[i].querySelector(".nc-bubble");
    if (bubble) {
      bubble.textContent = t(m.notice, ui);
      bubble.lang = ui;
    }
  }
}

function renderMessage(m) {
  const ui = uiLanguage();
  const item = el("div", "nc-msg nc-msg--" + m.from + (m.notice ? " nc-msg--notice" : "") + (m.card ? " nc-msg--card" : ""));
  const who = el("span", "nc-sr-only", t(m.from === "user" ? "you" : "assistant", ui) + " ");
  who.lang = ui;
  item.appendChild(who);
  if (m.card) {
    item.appendChild(renderCard(m.card, m.lang || ui));
    return item;
  }
  const bubble = el("div", "nc-bubble", m.notice ? t(m.notice, ui) : m.text);
  bubble.dir = "auto";
  if (m.notice) bubble.lang = ui;
  else if (m.from === "bot" && m.lang) bubble.lang = m.lang;
  item.appendChild(bubble);
  if (m.buttons) {
    const group = el("div", "nc-quick");
    m.buttons.forEach(function (b) {
      const button = el("button", "nc-button nc-quick-reply", b.title);
      button.type = "button";
      button.dir = "auto";
      button.addEventListener("click", function () { actions.send(b.payload, b.title); });
      group.appendChild(button);
    });
    item.appendChild(group);
  }
  return item;
}

export function renderLog() {
  view.log.textContent = "";
  const fragment = document.createDocumentFragment();
  state.messages.forEach(function (m) { fragment.appendChild(renderMessage(m)); });
  view.log.appendChild(fragment);
  view.log.scrollTop = view.log.scrollHeight;
}

export function append(messages) {
  let first = null;
  messages.forEach(function (m) {
    state.messages.push(m);
    const node = renderMessage(m);
    view.log.appendChild(node);
    if (!first) first = node;
  });
  saveState();
  // Show the start of the new replies (a long card list is read from its top).
  if (first) view.log.scrollTop = first.offsetTop - view.log.offsetTop - 8;
}

export function setPending(delta) {
  pending += delta;
  view.root.setAttribute("data-pending", String(pending));
  if (pending) view.log.setAttribute("aria-busy", "true");
  else view.log.removeAttribute("aria-busy");
  view.status.textContent = pending ? t("typing", uiLanguage()) : "";
}
