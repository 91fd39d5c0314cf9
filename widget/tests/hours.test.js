// Opening hours in the city's time zone: across midnight and both DST changes (Europe/Zurich, 2026).
import { test } from "node:test";
import assert from "node:assert/strict";
import { cityTime, daysText, isAlwaysOpen, isOpenAt } from "../modules/hours.js";

const ZONE = "Europe/Zurich";
const at = (iso) => new Date(iso);

test("the weekday and minute are the city's, not UTC's", () => {
  // 23:30 UTC on Saturday is already Sunday 00:30 in Zurich (winter, UTC+1).
  assert.deepEqual(cityTime(ZONE, at("2026-03-28T23:30:00Z")), { day: "SU", minute: 30 });
});

test("a night opening past midnight is open after midnight on the next day only", () => {
  const night = [{ byday: "SA", opens_at: "20:00", closes_at: "02:00" }];
  assert.equal(isOpenAt(night, ZONE, at("2026-03-28T23:30:00Z")), true); // Sunday 00:30
  assert.equal(isOpenAt(night, ZONE, at("2026-03-28T19:30:00Z")), true); // Saturday 20:30
  assert.equal(isOpenAt(night, ZONE, at("2026-03-28T12:00:00Z")), false); // Saturday 13:00
  assert.equal(isOpenAt(night, ZONE, at("2026-03-22T00:30:00Z")), true); // Sunday 01:30, the week before
  assert.equal(isOpenAt(night, ZONE, at("2026-03-23T00:30:00Z")), false); // Monday 01:30: Sunday has no rule
});

test("summer time: 07:30 UTC is 09:30 in Zurich on the day the clocks go forward", () => {
  const sunday = [{ byday: "SU", opens_at: "09:00", closes_at: "17:00" }];
  assert.equal(isOpenAt(sunday, ZONE, at("2026-03-29T07:30:00Z")), true);
  assert.equal(isOpenAt(sunday, ZONE, at("2026-03-22T07:30:00Z")), false); // a week earlier it was 08:30
});

test("winter time: 07:30 UTC is 08:30 in Zurich on the day the clocks go back", () => {
  const sunday = [{ byday: "SU", opens_at: "09:00", closes_at: "17:00" }];
  assert.equal(isOpenAt(sunday, ZONE, at("2026-10-25T07:30:00Z")), false);
  assert.equal(isOpenAt(sunday, ZONE, at("2026-10-18T07:30:00Z")), true); // a week earlier it was 09:30
});

test("until 23:59 means until midnight", () => {
  const evening = [{ byday: "MO", opens_at: "18:00", closes_at: "23:59" }];
  assert.equal(isOpenAt(evening, ZONE, at("2026-01-05T22:59:30Z")), true); // Monday 23:59:30
  assert.equal(isOpenAt(evening, ZONE, at("2026-01-05T23:00:00Z")), false); // Tuesday 00:00
});

test("a rule without times never counts as open", () => {
  assert.equal(isOpenAt([{ byday: "MO", opens_at: "", closes_at: "17:00" }], ZONE, at("2026-01-05T10:00:00Z")), false);
});

test("open every day around the clock is recognised", () => {
  assert.equal(isAlwaysOpen([{ byday: "MO,TU,WE,TH,FR,SA,SU", opens_at: "00:00", closes_at: "24:00" }]), true);
  assert.equal(isAlwaysOpen([{ byday: "MO,TU,WE,TH,FR,SA", opens_at: "00:00", closes_at: "24:00" }]), false);
});

test("days in a row are a range, other days a list, in the reader's language", () => {
  assert.equal(daysText(["MO", "TU", "WE"], "en"), "Mon–Wed");
  assert.equal(daysText(["MO", "WE"], "en"), "Mon and Wed");
  assert.equal(daysText(["MO", "TU", "WE"], "fr"), "lun.–mer.");
  assert.equal(daysText(["MO", "TU"], "es"), "lun y mar");
});
