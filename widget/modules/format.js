// Values of a card written for the reader: distances, dates, language names, addresses, links, direction.
// No DOM: unit-tested with `node --test widget/tests/`.

// Numbers and dates in cards: Latin digits (like the hours and phone numbers); British English dates.
const FORMAT_LOCALES = { en: "en-GB-u-nu-latn", es: "es-u-nu-latn", fr: "fr-u-nu-latn", ar: "ar-u-nu-latn", uk: "uk-u-nu-latn", fa: "fa-u-nu-latn" };

function formatLocale(lang) {
  return FORMAT_LOCALES[lang] || lang;
}

export function languageName(code, lang) {
  try {
    return new Intl.DisplayNames([lang], { type: "language" }).of(code) || code;
  } catch (e) {
    return code;
  }
}

// "300 m" under a kilometre (rounded up to 100 m: the shared location is approximate), else "1.2 km".
export function distanceText(metres, lang) {
  const rounded = Math.max(100, Math.ceil(metres / 100) * 100);
  try {
    if (metres < 950) return new Intl.NumberFormat(formatLocale(lang), { style: "unit", unit: "meter" }).format(rounded);
    return new Intl.NumberFormat(formatLocale(lang), { style: "unit", unit: "kilometer", maximumFractionDigits: metres < 9950 ? 1 : 0 }).format(metres / 1000);
  } catch (e) {
    return metres < 950 ? rounded + " m" : (metres / 1000).toFixed(1) + " km";
  }
}

export function dateText(isoDate, lang) {
  const day = new Date(isoDate + "T12:00:00Z");
  if (isNaN(day.getTime())) return isoDate;
  try {
    return new Intl.DateTimeFormat(formatLocale(lang), { dateStyle: "long", timeZone: "UTC" }).format(day);
  } catch (e) {
    return isoDate;
  }
}

export function addressText(address) {
  const a = address || {};
  const cityLine = [a.postal_code, a.city].filter(Boolean).join(" ");
  return [a.address_1, a.region, cityLine].filter(Boolean).join(", ");
}

// A plain link: nothing from the map site is loaded until the user follows it.
export function mapUrl(latitude, longitude) {
  const lat = encodeURIComponent(String(latitude)), lon = encodeURIComponent(String(longitude));
  return "https://www.openstreetmap.org/?mlat=" + lat + "&mlon=" + lon + "#map=17/" + lat + "/" + lon;
}

export function phoneHref(phone) {
  return "tel:" + phone.replace(/[^\d+]/g, "");
}

// Only http(s) links are shown as links (never javascript: or data:).
export function safeWebUrl(url) {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
  } catch (e) {
    return null;
  }
}

export function isEmail(text) {
  return /^[^\s@<>"]+@[^\s@<>"]+$/.test(text);
}

// A reply starting with a right-to-left mark, or mostly in Arabic script, reads right to left.
export function looksRightToLeft(text) {
  if (text.charAt(0) === "\u200f") return true;
  const letters = text.match(/\p{L}/gu) || [];
  const rtl = text.match(/[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]/g) || [];
  return letters.length > 0 && rtl.length * 2 > letters.length;
}
