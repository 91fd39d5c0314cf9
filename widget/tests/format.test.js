// How a card writes its values: distances, dates, addresses, links, phone numbers, reading direction.
import { test } from "node:test";
import assert from "node:assert/strict";
import { addressText, dateText, distanceText, isEmail, languageName, looksRightToLeft, mapUrl, phoneHref, safeWebUrl } from "../modules/format.js";

test("distances: rounded up to 100 m under a kilometre, then one decimal, then whole kilometres", () => {
  assert.equal(distanceText(30, "en"), "100 m");
  assert.equal(distanceText(301, "en"), "400 m");
  assert.equal(distanceText(1234, "en"), "1.2 km");
  assert.equal(distanceText(12345, "en"), "12 km");
  assert.match(distanceText(1234, "fr"), /^1,2\s?km$/u); // French puts a (narrow) no-break space
});

test("numbers in Arabic and Persian cards keep Latin digits, like the hours and phone numbers", () => {
  for (const lang of ["ar", "fa"]) {
    const text = distanceText(1234, lang);
    assert.match(text, /1[.,٫]2/);
    assert.doesNotMatch(text, /[\u0660-\u0669\u06f0-\u06f9]/);
  }
});

test("dates are long and local; a bad date is shown as it came", () => {
  assert.equal(dateText("2026-03-01", "en"), "1 March 2026");
  assert.equal(dateText("2026-03-01", "es"), "1 de marzo de 2026");
  assert.equal(dateText("not-a-date", "en"), "not-a-date");
});

test("addresses join the parts that exist", () => {
  assert.equal(addressText({ address_1: "1 Main St", postal_code: "8001", city: "Zurich" }), "1 Main St, 8001 Zurich");
  assert.equal(addressText({ city: "Zurich" }), "Zurich");
  assert.equal(addressText(undefined), "");
});

test("phone links keep only digits and the plus sign", () => {
  assert.equal(phoneHref("+41 (44) 123-45 67"), "tel:+41441234567");
});

test("only http and https addresses become links", () => {
  assert.equal(safeWebUrl("https://example.org/help"), "https://example.org/help");
  assert.equal(safeWebUrl("javascript:alert(1)"), null);
  assert.equal(safeWebUrl("data:text/html,hi"), null);
  assert.equal(safeWebUrl("not a url"), null);
});

test("map links carry only the encoded coordinates", () => {
  assert.equal(mapUrl(47.377, 8.54), "https://www.openstreetmap.org/?mlat=47.377&mlon=8.54#map=17/47.377/8.54");
});

test("an email address needs one @ and no spaces or markup", () => {
  assert.equal(isEmail("help@example.org"), true);
  assert.equal(isEmail("help at example.org"), false);
  assert.equal(isEmail("<a>@b"), false);
});

test("right to left: a leading RLM or mostly Arabic-script letters", () => {
  assert.equal(looksRightToLeft("\u200fHello"), true);
  assert.equal(looksRightToLeft("سلام، چطور می‌توانم کمک کنم؟"), true);
  assert.equal(looksRightToLeft("Hello مرحبا everyone here"), false);
  assert.equal(looksRightToLeft("12345"), false);
});

test("language names are written in the reader's language", () => {
  assert.equal(languageName("uk", "en"), "Ukrainian");
  assert.equal(languageName("uk", "fr"), "ukrainien");
});
