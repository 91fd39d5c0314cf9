// Opening hours: which days a rule covers, whether a service is open at a moment in the city's time zone,
// and the days written in the reader's language. No DOM: unit-tested with `node --test widget/tests/`.
export const DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
const WEEKDAY_CODES = { Mon: "MO", Tue: "TU", Wed: "WE", Thu: "TH", Fri: "FR", Sat: "SA", Sun: "SU" };

export function minutes(time) {
  const match = /^(\d{1,2}):(\d{2})/.exec(time || "");
  if (!match) return null;
  return parseInt(match[1], 10) * 60 + parseInt(match[2], 10);
}

export function ruleDays(rule) {
  const codes = rule.byday.split(",").map(function (d) { return d.trim().toUpperCase(); });
  return DAYS.filter(function (d) { return codes.indexOf(d) !== -1; });
}

// Weekday and minute of the day at `moment`, in `timeZone` (undefined: the browser's).
export function cityTime(timeZone, moment) {
  const parts = {};
  new Intl.DateTimeFormat("en-US", { timeZone: timeZone, weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
    .formatToParts(moment || new Date())
    .forEach(function (part) { parts[part.type] = part.value; });
  return { day: WEEKDAY_CODES[parts.weekday], minute: (parseInt(parts.hour, 10) % 24) * 60 + parseInt(parts.minute, 10) };
}

export function isOpenAt(schedules, timeZone, moment) {
  const now = cityTime(timeZone, moment);
  const yesterday = DAYS[(DAYS.indexOf(now.day) + 6) % 7];
  return schedules.some(function (rule) {
    const days = ruleDays(rule);
    const opens = minutes(rule.opens_at);
    let closes = minutes(rule.closes_at);
    if (opens === null || closes === null) return false;
    if (closes === 23 * 60 + 59) closes = 24 * 60; // "until 23:59" means until midnight
    if (closes > opens) return days.indexOf(now.day) !== -1 && now.minute >= opens && now.minute < closes;
    // past midnight (e.g. 20:00–02:00)
    return (days.indexOf(now.day) !== -1 && now.minute >= opens) || (days.indexOf(yesterday) !== -1 && now.minute < closes);
  });
}

export function isAlwaysOpen(schedules) {
  return schedules.some(function (rule) {
    return ruleDays(rule).length === 7 && rule.opens_at === "00:00" && (rule.closes_at === "23:59" || rule.closes_at === "24:00");
  });
}

function dayNames(lang) {
  const format = new Intl.DateTimeFormat(lang, { weekday: "short", timeZone: "UTC" });
  const names = {};
  DAYS.forEach(function (code, i) { names[code] = format.format(new Date(Date.UTC(2024, 0, 1 + i))); }); // 2024-01-01 is a Monday
  return names;
}

export function listOf(items, lang) {
  try {
    return new Intl.ListFormat(lang, { style: "long", type: "conjunction" }).format(items);
  } catch (e) {
    return items.join(", ");
  }
}

// MO,TU,WE → "Mon–Wed"; days that do not follow each other are listed.
export function daysText(days, lang) {
  const names = dayNames(lang);
  const first = DAYS.indexOf(days[0]);
  const consecutive = days.every(function (d, i) { return DAYS.indexOf(d) === first + i; });
  if (days.length > 2 && consecutive) return names[days[0]] + "–" + names[days[days.length - 1]];
  return listOf(days.map(function (d) { return names[d]; }), lang);
}
