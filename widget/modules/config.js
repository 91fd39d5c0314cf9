// Settings from the embedding tag's data- attributes (see widget/README.md); the loader chat.js hands over its tag.
export const LOADER = window.NewcomerChat && window.NewcomerChat.loader;
export const BASE = new URL(".", LOADER.src).href;
const RASA_URL = (LOADER.getAttribute("data-rasa-url") || "http://localhost:5005").replace(/\/+$/, "");
export const WEBHOOK = RASA_URL + "/webhooks/rest/webhook";
export const EMERGENCY = LOADER.getAttribute("data-emergency-number") || "112";
export const TIMEZONE = validTimeZone(LOADER.getAttribute("data-city-timezone"));
export const REQUEST_TIMEOUT_MS = 30000;
export const LOCATION_DECIMALS = 3; // about 100 m: enough to sort services by distance

export const LANGUAGES = [
  { code: "en", name: "English", dir: "ltr" },
  { code: "es", name: "Español", dir: "ltr" },
  { code: "fr", name: "Français", dir: "ltr" },
  { code: "ar", name: "العربية", dir: "rtl" },
  { code: "uk", name: "Українська", dir: "ltr" },
  { code: "fa", name: "فارسی", dir: "rtl" }
];

export function languageInfo(code) {
  for (let i = 0; i < LANGUAGES.length; i++) if (LANGUAGES[i].code === code) return LANGUAGES[i];
  return null;
}

function validTimeZone(zone) {
  if (!zone) return undefined;
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return zone;
  } catch (e) {
    return undefined;
  }
}
