/*
 * Newcomer services chat widget: vanilla JS, no dependencies, nothing loaded from other hosts.
 *
 * Embed it on any page with one tag (the widget appears where the tag is; in <head>, at the end of <body>):
 *
 *   <script src="https://directory.example/static/widget/chat.js"
 *           data-rasa-url="http://localhost:5005"      (Rasa server; its REST channel is used)
 *           data-city-timezone="Europe/Zurich"         (for "Open now"; default: the browser's)
 *           data-emergency-number="112"                (optional; shown when Rasa is unreachable)
 *           defer></script>
 *
 * The script loads chat.css and i18n.json from its own folder. The widget's own words are in
 * i18n.json (translators edit that file, not this one); EN below is only a last resort if it fails.
 *
 * Safety: every text that comes from the bot, the directory or storage is inserted with
 * textContent or as attribute values we build ourselves; never as HTML.
 *
 * Location: "Use my location" asks the browser (navigator.geolocation) only when pressed, rounds the
 * position to about 100 m and sends it to Rasa as /share_location{...}; only "My location" is shown
 * and stored, never the coordinates.
 */
(function () {
  "use strict";

  if (window.NewcomerChat) return; // one widget per page
  var script = document.currentScript || document.querySelector('script[src*="widget/chat.js"]');
  if (!script) return;

  var BASE = new URL(".", script.src).href;
  var RASA_URL = (script.getAttribute("data-rasa-url") || "http://localhost:5005").replace(/\/+$/, "");
  var WEBHOOK = RASA_URL + "/webhooks/rest/webhook";
  var EMERGENCY = script.getAttribute("data-emergency-number") || "112";
  var TIMEZONE = validTimeZone(script.getAttribute("data-city-timezone"));
  var STORE_KEY = "newcomer-chat";
  var LEGACY_SENDER_KEY = "newcomer-chat-sender"; // localStorage key of the first demo chat box
  var MAX_STORED = 200;
  var REQUEST_TIMEOUT_MS = 30000;

  var LANGUAGES = [
    { code: "en", name: "English", dir: "ltr" },
    { code: "es", name: "Español", dir: "ltr" },
    { code: "fr", name: "Français", dir: "ltr" },
    { code: "ar", name: "العربية", dir: "rtl" },
    { code: "uk", name: "Українська", dir: "ltr" },
    { code: "fa", name: "فارسی", dir: "rtl" }
  ];
  var DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
  var LOCATION_DECIMALS = 3; // about 100 m: enough to sort services by distance
  // Numbers and dates in cards: Latin digits (like the hours and phone numbers); British English dates.
  var FORMAT_LOCALES = { en: "en-GB-u-nu-latn", es: "es-u-nu-latn", fr: "fr-u-nu-latn", ar: "ar-u-nu-latn", uk: "uk-u-nu-latn", fa: "fa-u-nu-latn" };

  // Last resort only: the real strings (all languages) live in i18n.json.
  var EN = {
    title: "Ask in your language", language_label: "Language", language_auto: "Detect automatically",
    log_label: "Conversation", you: "You:", assistant: "Assistant:", input_label: "Your message", send: "Send",
    typing: "The assistant is writing…", delete: "Delete my conversation",
    deleted: "Your conversation was deleted, here and on the server.",
    delete_failed: "Your conversation was deleted from this browser, but not yet from the server. Please press \u201cDelete my conversation\u201d again in a few minutes.",
    privacy_note: "Your conversation is kept in this browser tab and, for at most 30 days, on the city's server. You can delete it at any time.",
    address: "Address", show_on_map: "Show on map", opening_hours: "Opening hours", always_open: "Open every day, 24 hours",
    open_now: "Open now", closed_now: "Closed now", appointment_needed: "Appointment needed", phone: "Phone", call: "Call",
    languages_spoken: "Languages spoken", what_to_bring: "What to bring", website: "Website", email: "Email",
    error_unreachable: "Sorry, the assistant cannot be reached right now. Please try again in a few minutes. In an emergency, call {emergency}.",
    no_reply: "Sorry, I have no answer to that. Please try again with other words.",
    use_location: "Use my location", my_location: "My location", locating: "Finding your location…",
    location_denied: "Your location was not shared. You can still ask in words.",
    location_unavailable: "Your location could not be found. You can still ask in words.",
    distance_away: "{distance} away", verified_on: "Checked by city staff on {date}"
  };
  var strings = { en: EN };

  // ---------------------------------------------------------------- helpers

  function validTimeZone(zone) {
    if (!zone) return undefined;
    try {
      new Intl.DateTimeFormat("en", { timeZone: zone });
      return zone;
    } catch (e) {
      return undefined;
    }
  }

  function languageInfo(code) {
    for (var i = 0; i < LANGUAGES.length; i++) if (LANGUAGES[i].code === code) return LANGUAGES[i];
    return null;
  }

  function t(key, lang) {
    var table = strings[lang] || {};
    var value = table[key] || (strings.en || {})[key] || EN[key] || "";
    return value.replace("{emergency}", EMERGENCY);
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function isString(value) {
    return typeof value === "string" && value.length > 0;
  }

  function newSenderId() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  // A reply starting with a right-to-left mark, or mostly in Arabic script, reads right to left.
  function looksRightToLeft(text) {
    if (text.charAt(0) === "\u200f") return true;
    var letters = text.match(/\p{L}/gu) || [];
    var rtl = text.match(/[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]/g) || [];
    return letters.length > 0 && rtl.length * 2 > letters.length;
  }

  function guessedUiLanguage() {
    var wanted = [].concat(navigator.languages || [], navigator.language || [], document.documentElement.lang || []);
    for (var i = 0; i < wanted.length; i++) {
      var code = String(wanted[i]).toLowerCase().split("-")[0];
      if (languageInfo(code)) return code;
    }
    return "en";
  }

  // ---------------------------------------------------------------- storage (this tab only)

  var storage = null;
  try {
    storage = window.sessionStorage;
    storage.getItem(STORE_KEY);
  } catch (e) {
    storage = null; // storage disabled: the conversation lives as long as the page
  }

  function cleanButtons(buttons) {
    if (!Array.isArray(buttons)) return undefined;
    var out = [];
    buttons.forEach(function (b) {
      if (b && isString(b.title)) out.push({ title: b.title, payload: isString(b.payload) ? b.payload : b.title });
    });
    return out.length ? out : undefined;
  }

  function isServiceCard(custom) {
    return !!custom && typeof custom === "object" && custom.type === "service" && isString(custom.name);
  }

  function stringList(value) {
    return Array.isArray(value) ? value.filter(isString) : [];
  }

  function finiteNumber(value) {
    var number = typeof value === "string" ? parseFloat(value) : value;
    return typeof number === "number" && isFinite(number) ? number : null;
  }

  // Only the facts the card shows, with checked types: safe to store and to render again.
  function cleanCard(custom) {
    var address = custom.address && typeof custom.address === "object" ? custom.address : {};
    var card = {
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
    var lang = languageInfo(m.lang) ? m.lang : undefined;
    if (m.from === "user" && isString(m.text)) return { from: "user", text: m.text };
    if (m.from !== "bot") return null;
    if (m.card && isServiceCard(Object.assign({ type: "service" }, m.card))) return { from: "bot", card: cleanCard(m.card), lang: lang };
    if (m.notice === "error_unreachable" || m.notice === "no_reply") return { from: "bot", notice: m.notice };
    if (isString(m.text)) return { from: "bot", text: m.text, buttons: cleanButtons(m.buttons), lang: lang };
    return null;
  }

  function loadState() {
    var fresh = { sender: newSenderId(), language: null, detected: null, dir: null, messages: [] };
    if (!storage) return fresh;
    try {
      var saved = JSON.parse(storage.getItem(STORE_KEY) || "null");
      if (!saved || typeof saved !== "object" || !isString(saved.sender)) return fresh;
      return {
        sender: saved.sender,
        language: languageInfo(saved.language) ? saved.language : null,
        detected: languageInfo(saved.detected) ? saved.detected : null,
        dir: saved.dir === "rtl" || saved.dir === "ltr" ? saved.dir : null,
        messages: (Array.isArray(saved.messages) ? saved.messages : []).map(cleanStoredMessage).filter(Boolean)
      };
    } catch (e) {
      return fresh;
    }
  }

  function saveState() {
    if (!storage) return;
    state.messages = state.messages.slice(-MAX_STORED);
    try {
      storage.setItem(STORE_KEY, JSON.stringify(state));
    } catch (e) {
      // full or disabled: the page keeps working without persistence
    }
  }

  var state = loadState();

  // ---------------------------------------------------------------- opening hours

  function minutes(time) {
    var match = /^(\d{1,2}):(\d{2})/.exec(time || "");
    if (!match) return null;
    return parseInt(match[1], 10) * 60 + parseInt(match[2], 10);
  }

  function ruleDays(rule) {
    var codes = rule.byday.split(",").map(function (d) { return d.trim().toUpperCase(); });
    return DAYS.filter(function (d) { return codes.indexOf(d) !== -1; });
  }

  // Weekday and minute of the day now, in the city's time zone.
  function cityNow() {
    var parts = {};
    new Intl.DateTimeFormat("en-US", { timeZone: TIMEZONE, weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
      .formatToParts(new Date())
      .forEach(function (part) { parts[part.type] = part.value; });
    var day = { Mon: "MO", Tue: "TU", Wed: "WE", Thu: "TH", Fri: "FR", Sat: "SA", Sun: "SU" }[parts.weekday];
    return { day: day, minute: (parseInt(parts.hour, 10) % 24) * 60 + parseInt(parts.minute, 10) };
  }

  function isOpenNow(schedules) {
    var now = cityNow();
    var yesterday = DAYS[(DAYS.indexOf(now.day) + 6) % 7];
    return schedules.some(function (rule) {
      var days = ruleDays(rule);
      var opens = minutes(rule.opens_at);
      var closes = minutes(rule.closes_at);
      if (opens === null || closes === null) return false;
      if (closes === 23 * 60 + 59) closes = 24 * 60; // "until 23:59" means until midnight
      if (closes > opens) return days.indexOf(now.day) !== -1 && now.minute >= opens && now.minute < closes;
      // past midnight (e.g. 20:00–02:00)
      return (days.indexOf(now.day) !== -1 && now.minute >= opens) || (days.indexOf(yesterday) !== -1 && now.minute < closes);
    });
  }

  function dayNames(lang) {
    var format = new Intl.DateTimeFormat(lang, { weekday: "short", timeZone: "UTC" });
    var names = {};
    DAYS.forEach(function (code, i) { names[code] = format.format(new Date(Date.UTC(2024, 0, 1 + i))); }); // 2024-01-01 is a Monday
    return names;
  }

  function listOf(items, lang) {
    try {
      return new Intl.ListFormat(lang, { style: "long", type: "conjunction" }).format(items);
    } catch (e) {
      return items.join(", ");
    }
  }

  function daysText(days, lang) {
    var names = dayNames(lang);
    var first = DAYS.indexOf(days[0]);
    var consecutive = days.every(function (d, i) { return DAYS.indexOf(d) === first + i; });
    if (days.length > 2 && consecutive) return names[days[0]] + "–" + names[days[days.length - 1]];
    return listOf(days.map(function (d) { return names[d]; }), lang);
  }

  function languageName(code, lang) {
    try {
      return new Intl.DisplayNames([lang], { type: "language" }).of(code) || code;
    } catch (e) {
      return code;
    }
  }

  function formatLocale(lang) {
    return FORMAT_LOCALES[lang] || lang;
  }

  // "300 m" under a kilometre (rounded up to 100 m: the shared location is approximate), else "1.2 km".
  function distanceText(metres, lang) {
    try {
      if (metres < 950) {
        return new Intl.NumberFormat(formatLocale(lang), { style: "unit", unit: "meter" }).format(Math.max(100, Math.ceil(metres / 100) * 100));
      }
      return new Intl.NumberFormat(formatLocale(lang), { style: "unit", unit: "kilometer", maximumFractionDigits: metres < 9950 ? 1 : 0 }).format(metres / 1000);
    } catch (e) {
      return metres < 950 ? Math.max(100, Math.ceil(metres / 100) * 100) + " m" : (metres / 1000).toFixed(1) + " km";
    }
  }

  function dateText(isoDate, lang) {
    var day = new Date(isoDate + "T12:00:00Z");
    if (isNaN(day.getTime())) return isoDate;
    try {
      return new Intl.DateTimeFormat(formatLocale(lang), { dateStyle: "long", timeZone: "UTC" }).format(day);
    } catch (e) {
      return isoDate;
    }
  }

  // ---------------------------------------------------------------- rendering

  function field(list, label) {
    var group = el("div", "nc-field");
    group.appendChild(el("dt", "nc-label", label));
    var value = el("dd", "nc-value");
    group.appendChild(value);
    list.appendChild(group);
    return value;
  }

  function safeWebUrl(url) {
    try {
      var parsed = new URL(url);
      return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
    } catch (e) {
      return null;
    }
  }

  function renderCard(card, lang) {
    var info = languageInfo(lang) || languageInfo("en");
    var article = el("article", "nc-card");
    article.lang = info.code;
    article.dir = info.dir;
    // Values from the directory are isolated (<bdi>: their own direction) inside blocks that follow the card's
    // direction, so a Latin name still sits on the right of an Arabic card.
    var name = el("h3", "nc-card-name");
    name.appendChild(el("bdi", null, card.name));
    article.appendChild(name);
    if (card.description) {
      var description = el("p", "nc-card-description");
      description.appendChild(el("bdi", null, card.description));
      article.appendChild(description);
    }
    if (card.distance_m !== null) {
      article.appendChild(el("p", "nc-card-distance", t("distance_away", lang).replace("{distance}", distanceText(card.distance_m, lang))));
    }
    if (card.appointment_only) article.appendChild(el("p", "nc-badge nc-badge--appointment", t("appointment_needed", lang)));

    var list = el("dl", "nc-card-facts");
    article.appendChild(list);

    var a = card.address || {};
    var cityLine = [a.postal_code, a.city].filter(Boolean).join(" ");
    var addressText = [a.address_1, a.region, cityLine].filter(Boolean).join(", ");
    if (addressText || (card.latitude !== null && card.longitude !== null)) {
      var address = field(list, t("address", lang));
      if (addressText) {
        var line = el("span", "nc-address");
        line.appendChild(el("bdi", null, addressText));
        address.appendChild(line);
      }
      if (card.latitude !== null && card.longitude !== null) {
        // A plain link: nothing from the map site is loaded until the user follows it.
        var map = el("a", "nc-link nc-map", t("show_on_map", lang));
        var lat = String(card.latitude), lon = String(card.longitude);
        map.href = "https://www.openstreetmap.org/?mlat=" + encodeURIComponent(lat) + "&mlon=" + encodeURIComponent(lon) +
          "#map=17/" + encodeURIComponent(lat) + "/" + encodeURIComponent(lon);
        map.rel = "noopener noreferrer";
        map.referrerPolicy = "no-referrer";
        address.appendChild(map);
      }
    }

    if (card.schedules.length) {
      var hours = field(list, t("opening_hours", lang));
      var open = isOpenNow(card.schedules);
      hours.appendChild(el("span", "nc-badge " + (open ? "nc-badge--open" : "nc-badge--closed"), t(open ? "open_now" : "closed_now", lang)));
      var always = card.schedules.some(function (rule) {
        return ruleDays(rule).length === 7 && rule.opens_at === "00:00" && (rule.closes_at === "23:59" || rule.closes_at === "24:00");
      });
      var rules = el("ul", "nc-hours");
      if (always) {
        rules.appendChild(el("li", null, t("always_open", lang)));
      } else {
        card.schedules.forEach(function (rule) {
          var days = ruleDays(rule);
          if (!days.length) return;
          var item = el("li");
          item.appendChild(el("span", "nc-days", daysText(days, lang)));
          item.appendChild(document.createTextNode(" "));
          var time = el("span", "nc-time", rule.opens_at + "–" + rule.closes_at);
          time.dir = "ltr";
          item.appendChild(time);
          rules.appendChild(item);
        });
      }
      hours.appendChild(rules);
    }

    if (card.phone) {
      var phone = field(list, t("phone", lang));
      var call = el("a", "nc-link nc-call");
      call.href = "tel:" + card.phone.replace(/[^\d+]/g, "");
      call.appendChild(el("span", null, t("call", lang)));
      call.appendChild(document.createTextNode(" "));
      var number = el("span", "nc-phone", card.phone);
      number.dir = "ltr";
      call.appendChild(number);
      phone.appendChild(call);
    }

    if (card.languages.length) {
      var spoken = field(list, t("languages_spoken", lang));
      spoken.textContent = listOf(card.languages.map(function (code) { return languageName(code, lang); }), lang);
    }

    if (card.documents.length) {
      var bring = el("ul", "nc-documents");
      card.documents.forEach(function (doc) {
        var item = el("li");
        item.appendChild(el("bdi", null, doc));
        bring.appendChild(item);
      });
      field(list, t("what_to_bring", lang)).appendChild(bring);
    }

    var website = card.url && safeWebUrl(card.url);
    if (website) {
      var site = el("a", "nc-link", card.url);
      site.href = website;
      site.rel = "noopener noreferrer";
      site.referrerPolicy = "no-referrer";
      site.dir = "ltr";
      field(list, t("website", lang)).appendChild(site);
    }
    if (card.email && /^[^\s@<>"]+@[^\s@<>"]+$/.test(card.email)) {
      var mail = el("a", "nc-link", card.email);
      mail.href = "mailto:" + card.email;
      mail.dir = "ltr";
      field(list, t("email", lang)).appendChild(mail);
    }
    if (card.assured_date) {
      article.appendChild(el("p", "nc-card-verified", t("verified_on", lang).replace("{date}", dateText(card.assured_date, lang))));
    }
    return article;
  }

  function renderMessage(m) {
    var ui = uiLanguage();
    var item = el("div", "nc-msg nc-msg--" + m.from + (m.notice ? " nc-msg--notice" : "") + (m.card ? " nc-msg--card" : ""));
    var who = el("span", "nc-sr-only", t(m.from === "user" ? "you" : "assistant", ui) + " ");
    who.lang = ui;
    item.appendChild(who);
    if (m.card) {
      item.appendChild(renderCard(m.card, m.lang || ui));
      return item;
    }
    var bubble = el("div", "nc-bubble", m.notice ? t(m.notice, ui) : m.text);
    bubble.dir = "auto";
    if (m.notice) bubble.lang = ui;
    else if (m.from === "bot" && m.lang) bubble.lang = m.lang;
    item.appendChild(bubble);
    if (m.buttons) {
      var group = el("div", "nc-quick");
      m.buttons.forEach(function (b) {
        var button = el("button", "nc-button nc-quick-reply", b.title);
        button.type = "button";
        button.dir = "auto";
        button.addEventListener("click", function () { send(b.payload, b.title); });
        group.appendChild(button);
      });
      item.appendChild(group);
    }
    return item;
  }

  // ---------------------------------------------------------------- the widget

  var ids = { title: "nc-chat-title", language: "nc-chat-language", input: "nc-chat-input" };
  var root, titleEl, languageLabel, languageSelect, autoOption, log, statusEl, form, inputLabel, input, sendButton, privacyNote, deleteButton;
  var locationButton, locationLabel;
  var locating = false;
  var pending = 0;
  var generation = 0; // bumped when the conversation is deleted: late replies of the old one are dropped
  var queue = Promise.resolve();

  // The widget's labels: the language picked, else the conversation's once the assistant has detected it
  // (Content-Language of its answers), else the browser's.
  function uiLanguage() {
    return state.language || state.detected || guessedUi;
  }
  var guessedUi = guessedUiLanguage();

  function build() {
    root = el("section", "nc-chat");
    root.setAttribute("aria-labelledby", ids.title);
    root.setAttribute("data-pending", "0");

    var head = el("div", "nc-head");
    titleEl = el("h2", "nc-title");
    titleEl.id = ids.title;
    head.appendChild(titleEl);
    var picker = el("div", "nc-picker");
    languageLabel = el("label");
    languageLabel.htmlFor = ids.language;
    languageSelect = el("select", "nc-select");
    languageSelect.id = ids.language;
    autoOption = el("option");
    autoOption.value = "";
    languageSelect.appendChild(autoOption);
    LANGUAGES.forEach(function (l) {
      var option = el("option", null, l.name);
      option.value = l.code;
      option.lang = l.code;
      option.dir = l.dir;
      languageSelect.appendChild(option);
    });
    languageSelect.value = state.language || "";
    languageSelect.addEventListener("change", function () {
      state.language = languageSelect.value || null;
      if (state.messages.length) saveState();
      applyLanguage();
    });
    picker.appendChild(languageLabel);
    picker.appendChild(languageSelect);
    head.appendChild(picker);
    root.appendChild(head);

    log = el("div", "nc-log");
    log.setAttribute("role", "log");
    log.setAttribute("aria-live", "polite");
    log.setAttribute("aria-relevant", "additions");
    log.tabIndex = 0; // scrollable: reachable and scrollable with the keyboard
    root.appendChild(log);

    statusEl = el("p", "nc-status");
    statusEl.setAttribute("role", "status");
    root.appendChild(statusEl);

    form = el("form", "nc-form");
    inputLabel = el("label", "nc-input-label");
    inputLabel.htmlFor = ids.input;
    input = el("input", "nc-input");
    input.id = ids.input;
    input.type = "text";
    input.name = "message";
    input.autocomplete = "off";
    input.maxLength = 1000;
    input.dir = "auto";
    input.setAttribute("enterkeyhint", "send");
    sendButton = el("button", "nc-button nc-send");
    sendButton.type = "submit";
    var row = el("div", "nc-row");
    row.appendChild(input);
    row.appendChild(sendButton);
    form.appendChild(inputLabel);
    form.appendChild(row);
    // A real button (keyboard and screen readers) that asks the browser for the position only when pressed.
    locationButton = el("button", "nc-button nc-location");
    locationButton.type = "button";
    // A drawn pin, not the emoji: Debian's Chromium has no emoji font and showed a missing-glyph box.
    var pin = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    pin.setAttribute("viewBox", "0 0 16 16");
    pin.setAttribute("width", "14");
    pin.setAttribute("height", "14");
    pin.setAttribute("aria-hidden", "true");
    pin.setAttribute("focusable", "false");
    var pinPath = document.createElementNS("http://www.w3.org/2000/svg", "path");
    pinPath.setAttribute("d", "M8 1a5 5 0 0 0-5 5c0 3.6 5 9 5 9s5-5.4 5-9a5 5 0 0 0-5-5zm0 7a2 2 0 1 1 0-4 2 2 0 0 1 0 4z");
    pinPath.setAttribute("fill", "currentColor");
    pin.appendChild(pinPath);
    locationLabel = el("span");
    locationButton.appendChild(pin);
    locationButton.appendChild(document.createTextNode(" "));
    locationButton.appendChild(locationLabel);
    locationButton.addEventListener("click", shareLocation);
    form.appendChild(locationButton);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = input.value.trim();
      if (!text) return;
      input.value = "";
      send(text);
    });
    root.appendChild(form);

    var foot = el("div", "nc-foot");
    privacyNote = el("p", "nc-privacy");
    deleteButton = el("button", "nc-button nc-delete");
    deleteButton.type = "button";
    deleteButton.addEventListener("click", deleteConversation);
    foot.appendChild(privacyNote);
    foot.appendChild(deleteButton);
    root.appendChild(foot);

    var parent = script.parentNode;
    if (parent && parent !== document.head && parent.nodeName !== "HEAD") parent.insertBefore(root, script);
    else document.body.appendChild(root);

    applyLanguage();
    renderLog();
  }

  function applyLanguage() {
    var ui = uiLanguage();
    root.lang = ui;
    var spoken = state.language || state.detected;
    root.dir = spoken ? languageInfo(spoken).dir : state.dir || languageInfo(ui).dir;
    titleEl.textContent = t("title", ui);
    languageLabel.textContent = t("language_label", ui);
    autoOption.textContent = t("language_auto", ui);
    log.setAttribute("aria-label", t("log_label", ui));
    inputLabel.textContent = t("input_label", ui);
    sendButton.textContent = t("send", ui);
    locationLabel.textContent = t("use_location", ui);
    privacyNote.textContent = t("privacy_note", ui);
    deleteButton.textContent = t("delete", ui);
    if (pending) statusEl.textContent = t("typing", ui);
    relabelLog(ui);
  }

  // The widget's own words in the log follow the language; messages are not re-added (a live region would read
  // the whole conversation again). Cards keep the language they arrived in.
  function relabelLog(ui) {
    var items = log.children;
    for (var i = 0; i < items.length && i < state.messages.length; i++) {
      var m = state.messages[i];
      var who = items[i].querySelector(".nc-sr-only");
      if (who) {
        who.textContent = t(m.from === "user" ? "you" : "assistant", ui) + " ";
        who.lang = ui;
      }
      var bubble = m.notice && items[i].querySelector(".nc-bubble");
      if (bubble) {
        bubble.textContent = t(m.notice, ui);
        bubble.lang = ui;
      }
    }
  }

  function renderLog() {
    log.textContent = "";
    var fragment = document.createDocumentFragment();
    state.messages.forEach(function (m) { fragment.appendChild(renderMessage(m)); });
    log.appendChild(fragment);
    log.scrollTop = log.scrollHeight;
  }

  function append(messages) {
    var first = null;
    messages.forEach(function (m) {
      state.messages.push(m);
      var node = renderMessage(m);
      log.appendChild(node);
      if (!first) first = node;
    });
    saveState();
    // Show the start of the new replies (a long card list is read from its top).
    if (first) log.scrollTop = first.offsetTop - log.offsetTop - 8;
  }

  function setPending(delta) {
    pending += delta;
    root.setAttribute("data-pending", String(pending));
    if (pending) log.setAttribute("aria-busy", "true");
    else log.removeAttribute("aria-busy");
    statusEl.textContent = pending ? t("typing", uiLanguage()) : "";
  }

  function metadata() {
    return state.language ? { language: state.language, cards: true } : { cards: true };
  }

  function post(text) {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, REQUEST_TIMEOUT_MS) : null;
    return fetch(WEBHOOK, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: state.sender, message: text, metadata: metadata() }),
      signal: controller ? controller.signal : undefined,
      credentials: "omit"
    }).then(function (response) {
      if (!response.ok) throw new Error("Rasa answered " + response.status);
      var spoken = response.headers.get("Content-Language");
      if (languageInfo(spoken)) state.detected = spoken;
      return response.json();
    }).then(function (messages) {
      if (timer) clearTimeout(timer);
      if (!Array.isArray(messages)) throw new Error("unexpected reply");
      return messages;
    }, function (error) {
      if (timer) clearTimeout(timer);
      throw error;
    });
  }

  // Rasa's messages → what we show and store. A text followed by its structured service card is
  // replaced by the card.
  function botMessages(replies) {
    var out = [];
    var lang = state.language || undefined;
    replies.forEach(function (m, i) {
      if (!m || typeof m !== "object") return;
      if (isServiceCard(m.custom)) {
        out.push({ from: "bot", card: cleanCard(m.custom), lang: lang || uiLanguage() });
        return;
      }
      if (!isString(m.text)) return;
      var next = replies[i + 1];
      if (next && isServiceCard(next.custom) && !isString(next.text)) return;
      out.push({ from: "bot", text: m.text, buttons: cleanButtons(m.buttons), lang: lang });
    });
    return out;
  }

  function send(text, shown) {
    var turn = generation;
    append([{ from: "user", text: shown || text }]);
    setPending(1);
    queue = queue.then(function () {
      return post(text).then(function (replies) {
        if (turn !== generation) return;
        var messages = botMessages(replies);
        if (!messages.length) messages = [{ from: "bot", notice: "no_reply" }];
        if (!state.language) {
          var firstText = messages.filter(function (m) { return isString(m.text); })[0];
          if (firstText) {
            state.dir = looksRightToLeft(firstText.text) ? "rtl" : "ltr";
            root.dir = state.dir;
          }
          if (state.detected && uiLanguage() !== root.lang) applyLanguage();
        }
        append(messages);
      }, function () {
        if (turn !== generation) return;
        append([{ from: "bot", notice: "error_unreachable" }]);
      }).then(function () { setPending(-1); });
    });
  }

  // The browser asks the user first; a refusal or failure is said in the status line, nothing is sent.
  function shareLocation() {
    var ui = uiLanguage();
    if (locating) return; // (not disabled while waiting: a disabled button would lose the keyboard focus)
    if (!navigator.geolocation) {
      statusEl.textContent = t("location_unavailable", ui);
      return;
    }
    locating = true;
    locationButton.setAttribute("aria-busy", "true");
    statusEl.textContent = t("locating", ui);
    var done = function () {
      locating = false;
      locationButton.removeAttribute("aria-busy");
    };
    navigator.geolocation.getCurrentPosition(function (position) {
      done();
      var factor = Math.pow(10, LOCATION_DECIMALS);
      var lat = Math.round(position.coords.latitude * factor) / factor;
      var lon = Math.round(position.coords.longitude * factor) / factor;
      if (!isFinite(lat) || !isFinite(lon)) {
        statusEl.textContent = t("location_unavailable", ui);
        return;
      }
      statusEl.textContent = "";
      send('/share_location{"latitude": ' + (lat + 0) + ', "longitude": ' + (lon + 0) + "}", t("my_location", uiLanguage()));
    }, function (error) {
      done();
      statusEl.textContent = t(error && error.code === 1 ? "location_denied" : "location_unavailable", ui);
    }, { enableHighAccuracy: false, timeout: 20000, maximumAge: 300000 });
  }

  // The server erases a conversation when it receives this, and confirms it with DELETED_SIGNAL
  // (bot/erasure.py). Any other answer (an apology, an error, no answer) means it is still there.
  var DELETE_COMMAND = "/delete_conversation";
  var DELETED_SIGNAL = "conversation_deleted";
  // Conversations the server did not confirm erasing: asked again with the next deletion.
  var UNERASED_KEY = "newcomer-chat-unerased";

  function unerasedSenders() {
    try {
      var saved = JSON.parse((storage && storage.getItem(UNERASED_KEY)) || "[]");
      return Array.isArray(saved) ? saved.filter(isString) : [];
    } catch (e) {
      return [];
    }
  }

  function rememberUnerased(senders) {
    if (!storage) return;
    try {
      if (senders.length) storage.setItem(UNERASED_KEY, JSON.stringify(senders));
      else storage.removeItem(UNERASED_KEY);
    } catch (e) { /* storage full or disabled */ }
  }

  function confirmsDeletion(replies) {
    return Array.isArray(replies) && replies.some(function (m) {
      return !!m && typeof m === "object" && !!m.custom && typeof m.custom === "object" && m.custom.type === DELETED_SIGNAL;
    });
  }

  function eraseOnServer(sender) {
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

  function deleteConversation() {
    var senders = unerasedSenders().filter(function (s) { return s !== state.sender; }).concat([state.sender]);
    generation += 1;
    if (storage) {
      try { storage.removeItem(STORE_KEY); } catch (e) { /* nothing stored */ }
    }
    try { window.localStorage.removeItem(LEGACY_SENDER_KEY); } catch (e) { /* storage disabled */ }
    // Nothing is stored again until the next message; the language (picked or detected) stays for this page view.
    state = { sender: newSenderId(), language: state.language, detected: state.detected, dir: null, messages: [] };
    log.textContent = "";
    applyLanguage();
    setPending(1);
    // After the messages already on their way, so that none of them re-creates the conversation;
    // one conversation after the other (the server limits each client's rate).
    queue = queue.then(function () {
      var left = [];
      return senders.reduce(function (previous, sender) {
        return previous.then(function () {
          return eraseOnServer(sender).then(function (erased) { if (!erased) left.push(sender); });
        });
      }, Promise.resolve()).then(function () {
        rememberUnerased(left);
        setPending(-1);
        statusEl.textContent = t(left.length ? "delete_failed" : "deleted", uiLanguage());
      });
    });
  }

  // ---------------------------------------------------------------- start

  function loadStylesheet() {
    var href = new URL("chat.css", BASE).href;
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    for (var i = 0; i < links.length; i++) if (links[i].href === href) return;
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = href;
    document.head.appendChild(link);
  }

  function loadStrings() {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, 5000) : null;
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

  function start() {
    build();
    window.NewcomerChat.ready = true;
    root.setAttribute("data-ready", "true");
  }

  window.NewcomerChat = { ready: false };
  loadStylesheet();
  var stringsLoaded = loadStrings();
  var domReady = new Promise(function (resolve) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", resolve);
    else resolve();
  });
  Promise.all([stringsLoaded, domReady]).then(start);
})();
