// A service card in the widget: the directory's facts under the widget's translated labels.
import { languageInfo, TIMEZONE } from "./config.js";
import { el } from "./dom.js";
import { addressText, dateText, distanceText, isEmail, languageName, mapUrl, phoneHref, safeWebUrl } from "./format.js";
import { daysText, isAlwaysOpen, isOpenAt, listOf, ruleDays } from "./hours.js";
import { t } from "./i18n.js";

function field(list, label) {
  const group = el("div", "nc-field");
  group.appendChild(el("dt", "nc-label", label));
  const value = el("dd", "nc-value");
  group.appendChild(value);
  list.appendChild(group);
  return value;
}

function isolated(tag, className, text) {
  const block = el(tag, className);
  block.appendChild(el("bdi", null, text));
  return block;
}

function outsideLink(className, text, href) {
  const link = el("a", className, text);
  link.href = href;
  link.rel = "noopener noreferrer";
  link.referrerPolicy = "no-referrer";
  return link;
}

function addAddress(list, card, lang) {
  const text = addressText(card.address);
  const located = card.latitude !== null && card.longitude !== null;
  if (!text && !located) return;
  const address = field(list, t("address", lang));
  if (text) address.appendChild(isolated("span", "nc-address", text));
  if (located) address.appendChild(outsideLink("nc-link nc-map", t("show_on_map", lang), mapUrl(card.latitude, card.longitude)));
}

function addHours(list, card, lang) {
  if (!card.schedules.length) return;
  const hours = field(list, t("opening_hours", lang));
  const open = isOpenAt(card.schedules, TIMEZONE);
  hours.appendChild(el("span", "nc-badge " + (open ? "nc-badge--open" : "nc-badge--closed"), t(open ? "open_now" : "closed_now", lang)));
  const rules = el("ul", "nc-hours");
  if (isAlwaysOpen(card.schedules)) {
    rules.appendChild(el("li", null, t("always_open", lang)));
  } else {
    card.schedules.forEach(function (rule) {
      const days = ruleDays(rule);
      if (!days.length) return;
      const item = el("li");
      item.appendChild(el("span", "nc-days", daysText(days, lang)));
      item.appendChild(document.createTextNode(" "));
      const time = el("span", "nc-time", rule.opens_at + "–" + rule.closes_at);
      time.dir = "ltr";
      item.appendChild(time);
      rules.appendChild(item);
    });
  }
  hours.appendChild(rules);
}

function addPhone(list, card, lang) {
  if (!card.phone) return;
  const call = el("a", "nc-link nc-call");
  call.href = phoneHref(card.phone);
  call.appendChild(el("span", null, t("call", lang)));
  call.appendChild(document.createTextNode(" "));
  const number = el("span", "nc-phone", card.phone);
  number.dir = "ltr";
  call.appendChild(number);
  field(list, t("phone", lang)).appendChild(call);
}

function addLanguagesAndDocuments(list, card, lang) {
  if (card.languages.length) {
    field(list, t("languages_spoken", lang)).textContent = listOf(card.languages.map(function (code) { return languageName(code, lang); }), lang);
  }
  if (card.documents.length) {
    const bring = el("ul", "nc-documents");
    card.documents.forEach(function (doc) { bring.appendChild(isolated("li", null, doc)); });
    field(list, t("what_to_bring", lang)).appendChild(bring);
  }
}

function addContacts(list, card, lang) {
  const website = card.url && safeWebUrl(card.url);
  if (website) {
    const site = outsideLink("nc-link", card.url, website);
    site.dir = "ltr";
    field(list, t("website", lang)).appendChild(site);
  }
  if (card.email && isEmail(card.email)) {
    const mail = el("a", "nc-link", card.email);
    mail.href = "mailto:" + card.email;
    mail.dir = "ltr";
    field(list, t("email", lang)).appendChild(mail);
  }
}

export function renderCard(card, lang) {
  const info = languageInfo(lang) || languageInfo("en");
  const article = el("article", "nc-card");
  article.lang = info.code;
  article.dir = info.dir;
  // Values from the directory are isolated (<bdi>: their own direction) inside blocks that follow the card's
  // direction, so a Latin name still sits on the right of an Arabic card.
  article.appendChild(isolated("h3", "nc-card-name", card.name));
  if (card.description) article.appendChild(isolated("p", "nc-card-description", card.description));
  if (card.distance_m !== null) {
    article.appendChild(el("p", "nc-card-distance", t("distance_away", lang).replace("{distance}", distanceText(card.distance_m, lang))));
  }
  if (card.appointment_only) article.appendChild(el("p", "nc-badge nc-badge--appointment", t("appointment_needed", lang)));
  const list = el("dl", "nc-card-facts");
  article.appendChild(list);
  addAddress(list, card, lang);
  addHours(list, card, lang);
  addPhone(list, card, lang);
  addLanguagesAndDocuments(list, card, lang);
  addContacts(list, card, lang);
  if (card.assured_date) {
    article.appendChild(el("p", "nc-card-verified", t("verified_on", lang).replace("{date}", dateText(card.assured_date, lang))));
  }
  return article;
}
