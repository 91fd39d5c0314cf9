// The conversation, kept in this browser tab only (sessionStorage), with every stored value checked on reading.
import { languageInfo } from "./config.js";
import { isString } from "./dom.js";

export const STORE_KEY = "newcomer-chat";
export const LEGACY_SENDER_KEY = "newcomer-chat-sender"; // localStorage key of the first demo chat box
// Conversations the server did not confirm erasing: asked again with the next deletion.
const UNERASED_KEY = "newcomer-chat-unerased";
const MAX_STORED = 200;

export const storage = openStorage();

function openStorage() {
  try {
    const store = window.sessionStorage;
    store.getItem(STORE_KEY);
    return store;
  } catch (e) {
    return null; // storage disabled: the conversation lives as long as the page
  }
}

export function newSenderId() {
  if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
  const bytes = new Uint8Array(16);
  window.crypto.getRandomValues(bytes);
  return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
}

export function cleanButtons(buttons) {
  if (!Array.isArray(buttons)) return undefined;
  const out = [];
  buttons.forEach(function (b) {
    if (b && isString(b.title)) out.push({ title: b.title, payload: isString(b.payload) ? b.payload : b.title });
  });
  return out.length ? out : undefined;
}

export function isServiceCard(custom) {
  return !!custom && typeof custom === "object" && custom.type === "service" && isString(custom.name);
}

function stringList(value) {
  return Array.isArray(value) ? value.filter(isString) : [];
}

function finiteNumber(value) {
  const number = typeof value === "string" ? parseFloat(value) : value;
  return typeof number === "number" && isFinite(number) ? number : null;
}

// Only the facts the card shows, with checked types: safe to store and to render again.
export function cleanCard(custom) {
  const address = custom.address && typeof custom.address === "object" ? custom.address : {};
  const card = {
    id: isString(custom.id) ? custom.id : null,
    name: custom.name,
    description: isString(custom.description) ? custom.description : null,
    address: {},
    latitude: finiteNumber(custom.latitude),
    longitude: finiteNumber(custom.longitude),
    phone: isString(custom.phone) ? custom.phone : null,
    schedules: [],
    languages: stringList(custom.languages),
    documents: stringList(custom.documents),
    appointment_only: custom.appointment_only === true,
    url: isString(custom.url) ? custom.url : null,
    email: isString(custom.email) ? custom.email : null,
    distance_m: finiteNumber(custom.distance_m),
    assured_date: isString(custom.assured_date) && /^\d{4}-\d{2}-\d{2}$/.test(custom.assured_date) ? custom.assured_date : null
  };
  ["address_1", "region", "postal_code", "city"].forEach(function (key) {
    if (isString(address[key])) card.address[key] = address[key];
  });
  (Array.isArray(custom.schedules) ? custom.schedules : []).forEach(function (rule) {
    if (rule && isString(rule.byday) && isString(rule.opens_at) && isString(rule.closes_at)) {
      card.schedules.push({ byday: rule.byday, opens_at: rule.opens_at, closes_at: rule.closes_at });
    }
  });
  return card;
}

function cleanStoredMessage(m) {
  if (!m || typeof m !== "object") return null;
  const lang = languageInfo(m.lang) ? m.lang : undefined;
  if (m.from === "user" && isString(m.text)) return { from: "user", text: m.text };
  if (m.from !== "bot") return null;
  if (m.card && isServiceCard(Object.assign({ type: "service" }, m.card))) return { from: "bot", card: cleanCard(m.card), lang: lang };
  if (m.notice === "error_unreachable" || m.notice === "no_reply") return { from: "bot", notice: m.notice };
  if (isString(m.text)) return { from: "bot", text: m.text, buttons: cleanButtons(m.buttons), lang: lang };
  return null;
}

function freshState() {
  return { sender: newSenderId(), language: null, detected: null, dir: null, messages: [] };
}

function loadState() {
  if (!storage) return freshState();
  try {
    const saved = JSON.parse(storage.getItem(STORE_KEY) || "null");
    if (!saved || typeof saved !== "object" || !isString(saved.sender)) return freshState();
    return {
      sender: saved.sender,
      language: languageInfo(saved.language) ? saved.language : null,
      detected: languageInfo(saved.detected) ? saved.detected : null,
      dir: saved.dir === "rtl" || saved.dir === "ltr" ? saved.dir : null,
      messages: (Array.isArray(saved.messages) ? saved.messages : []).map(cleanStoredMessage).filter(Boolean)
    };
  } catch (e) {
    return freshState();
  }
}

// One object for the page's life: a deletion empties it in place, so every module keeps the same reference.
export const state = loadState();

export function saveState() {
  if (!storage) return;
  state.messages = state.messages.slice(-MAX_STORED);
  try {
    storage.setItem(STORE_KEY, JSON.stringify(state));
  } catch (e) {
    // full or disabled: the page keeps working without persistence
  }
}

// Nothing is stored again until the next message; the language (picked or detected) stays for this page view.
export function forgetConversation() {
  if (storage) {
    try { storage.removeItem(STORE_KEY); } catch (e) { /* nothing stored */ }
  }
  try { window.localStorage.removeItem(LEGACY_SENDER_KEY); } catch (e) { /* storage disabled */ }
  Object.assign(state, { sender: newSenderId(), dir: null, messages: [] });
}

export function unerasedSenders() {
  try {
    const saved = JSON.parse((storage && storage.getItem(UNERASED_KEY)) || "[]");
    return Array.isArray(saved) ? saved.filter(isString) : [];
  } catch (e) {
    return [];
  }
}

export function rememberUnerased(senders) {
  if (!storage) return;
  try {
    if (senders.length) storage.setItem(UNERASED_KEY, JSON.stringify(senders));
    else storage.removeItem(UNERASED_KEY);
  } catch (e) { /* storage full or disabled */ }
}
