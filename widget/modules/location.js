// "Use my location": the browser asks the user first; the position is rounded to about 100 m and sent to Rasa
// as /share_location{...}; only "My location" is shown and stored, never the coordinates. A refusal or failure
// is said in the status line, nothing is sent.
import { LOCATION_DECIMALS } from "./config.js";
import { send } from "./conversation.js";
import { t } from "./i18n.js";
import { uiLanguage, view } from "./ui.js";

let locating = false;

function shareCommand(latitude, longitude) {
  const factor = Math.pow(10, LOCATION_DECIMALS);
  const lat = Math.round(latitude * factor) / factor;
  const lon = Math.round(longitude * factor) / factor;
  if (!isFinite(lat) || !isFinite(lon)) return null;
  return '/share_location{"latitude": ' + (lat + 0) + ', "longitude": ' + (lon + 0) + "}";
}

export function shareLocation() {
  const ui = uiLanguage();
  if (locating) return; // (not disabled while waiting: a disabled button would lose the keyboard focus)
  if (!navigator.geolocation) {
    view.status.textContent = t("location_unavailable", ui);
    return;
  }
  locating = true;
  view.locationButton.setAttribute("aria-busy", "true");
  view.status.textContent = t("locating", ui);
  const done = function () {
    locating = false;
    view.locationButton.removeAttribute("aria-busy");
  };
  navigator.geolocation.getCurrentPosition(function (position) {
    done();
    const command = shareCommand(position.coords.latitude, position.coords.longitude);
    if (!command) {
      view.status.textContent = t("location_unavailable", ui);
      return;
    }
    view.status.textContent = "";
    send(command, t("my_location", uiLanguage()));
  }, function (error) {
    done();
    view.status.textContent = t(error && error.code === 1 ? "location_denied" : "location_unavailable", ui);
  }, { enableHighAccuracy: false, timeout: 20000, maximumAge: 300000 });
}
