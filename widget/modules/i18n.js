// The widget's words: all of them in i18n.json (translators edit that file, never the code).
import { BASE, EMERGENCY, languageInfo } from "./config.js";
import { FALLBACK_WORDS } from "./fallback_words.js";

const strings = { en: FALLBACK_WORDS };

export function t(key, lang) {
  const table = strings[lang] || {};
  const value = table[key] || (strings.en || {})[key] || FALLBACK_WORDS[key] || "";
  return value.replace("{emergency}", EMERGENCY);
}

export function loadStrings() {
  const controller = window.AbortController ? new AbortController() : null;
  const timer = controller ? setTimeout(function () { controller.abort(); }, 5000) : null;
  return fetch(new URL("i18n.json", BASE).href, { signal: controller ? controller.signal : undefined, credentials: "omit" })
    .then(function (response) { return response.ok ? response.json() : {}; })
    .then(function (table) {
      if (table && typeof table === "object") {
        Object.keys(table).forEach(function (lang) {
          if (table[lang] && typeof table[lang] === "object") strings[lang] = table[lang];
        });
      }
    })
    .catch(function () { /* English fallback */ })
    .then(function () { if (timer) clearTimeout(timer); });
}

export function guessedUiLanguage() {
  const wanted = [].concat(navigator.languages || [], navigator.language || [], document.documentElement.lang || []);
  for (let i = 0; i < wanted.length; i++) {
    const code = String(wanted[i]).toLowerCase().split("-")[0];
    if (languageInfo(code)) return code;
  }
  return "en";
}
