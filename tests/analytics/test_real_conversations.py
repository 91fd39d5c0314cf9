"""Through the real servers (Rasa with the trained model, action server, directory): questions that
fall back or find no service are counted exactly, with scrubbed examples and no sender id; a
directory (and so an analytics endpoint) that is down never delays the user's reply."""

import contextlib
import datetime
import json
import os
import time
import uuid
from zoneinfo import ZoneInfo

import requests

from analytics_helpers import analytics_tables, counts, delta, manage_shell
from bot_client import say, say_timed
from servers import response_text

PHONE, EMAIL = "+44 7700 900 461", "amina.k@mail.example"
# Keyboard-mash in Persian script with a phone number or an e-mail address in it. Not every mash
# falls back (some get a weak intent), so the test uses the first three that do; any other reply
# (e.g. services found) reports nothing, so the count must still be exactly +3.
PERSIAN_GIBBERISH = [
    f"ژژژ ببب ققق ثثث {PHONE} {EMAIL}",
    f"ککک گگگ ممم ننن {PHONE}",
    f"ظطزر ذدپو {PHONE} {EMAIL}",
    f"ژژژ ببب ققق ثثث شماره {PHONE} ایمیل {EMAIL}",
    f"زززز رررر ذذذذ دددد {EMAIL}",
    f"ضصث قفغ عهخ حجچ {EMAIL}",
    f"ظظظ ذذذ پپپ ووو {PHONE} {EMAIL}",
    f"ثثث ژژژ گگگ ظظظ {EMAIL} {PHONE}",
]
SPANISH_HOUSING = ["necesito alquilar un piso barato", "busco alojamiento para mi familia"]
HOUSING_TERMS = {"", "housing-shelter", "housing-rental", "housing-tenant-advice", "housing-financial-support"}


def this_week() -> str:
    year, week, _ = datetime.datetime.now(ZoneInfo(os.environ.get("CITY_TIMEZONE") or "Europe/Zurich")).isocalendar()
    return f"{year}-W{week:02d}"


@contextlib.contextmanager
def no_active_housing_services(directory_api: str, database_url: str):
    """Every active housing service set inactive for the duration (restored afterwards)."""
    page = requests.get(directory_api + "/services", params={"taxonomy_term_id": "housing", "status": "active", "per_page": 100}, timeout=10).json()
    ids = [service["id"] for service in page["contents"]]
    assert ids and page["total_items"] == len(ids)
    code = "import json,sys; from hsds.models import Service; Service.objects.filter(id__in=json.loads(sys.stdin.read())).update(status='{}')"
    manage_shell(database_url, code.format("inactive"), json.dumps(ids))
    try:
        yield
    finally:
        manage_shell(database_url, code.format("active"), json.dumps(ids))


def wait_for_total(session, directory_url, before, expected, timeout=15.0):
    """Counts once the background reports have arrived (the total change reaches `expected`),
    then once more a moment later: nothing else may arrive."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if sum(delta(before, counts(session, directory_url)).values()) >= expected:
            break
        time.sleep(0.2)
    time.sleep(1.5)
    return counts(session, directory_url)


def test_fallbacks_and_searches_without_services_are_counted_exactly(rasa, directory, directory_api, directory_database, staff_session):
    admin, week = staff_session("administrator"), this_week()
    # Free the example slots of this week's Persian fallbacks (other tests may have used them).
    page = admin.get(directory.url + "/admin/unmet-needs/", params={"week": week, "language": "fa", "outcome": "fallback"}, timeout=10).text
    old = [part.split('"')[0] for part in page.split('name="example" value="')[1:]]
    if old:
        admin.post(
            directory.url + "/admin/unmet-needs/examples/delete/",
            data={"example": old, "csrfmiddlewaretoken": admin.cookies["csrftoken"]},
            headers={"Referer": directory.url + "/admin/unmet-needs/"},
            timeout=10,
        )
    before = counts(admin, directory.url)

    senders, fell_back = [], []
    for text in PERSIAN_GIBBERISH:
        senders.append(f"analytics-{uuid.uuid4().hex}")
        replies = say(rasa, text, senders[-1], language="fa")
        if replies == [response_text("utter_fallback", "fa")]:
            fell_back.append(text)
            if len(fell_back) == 3:
                break
    assert len(fell_back) == 3, "fewer than three Persian keyboard-mashes fall back: the NLU changed, add candidates"
    senders += [f"analytics-{uuid.uuid4().hex}" for _ in SPANISH_HOUSING]
    with no_active_housing_services(directory_api, directory_database):
        for sender, text in zip(senders[-2:], SPANISH_HOUSING):
            replies = say(rasa, text, sender, language="es")
            assert replies == [response_text("utter_no_services", "es")], (text, replies)

    changes = delta(before, wait_for_total(admin, directory.url, before, 5))
    assert {key: n for key, n in changes.items() if key[5] == "fallback"} == {(week, "fa", "", "", "", "fallback"): 3}
    no_service = {key: n for key, n in changes.items() if key[5] == "no_service"}
    assert sum(no_service.values()) == 2 and sum(changes.values()) == 5, changes
    assert all(key[:3] == (week, "es", "housing") and key[3] in HOUSING_TERMS and key[4] == "" for key in no_service), no_service

    # The examples are the scrubbed messages; no phone number, e-mail address or sender id is stored anywhere.
    page = admin.get(directory.url + "/admin/unmet-needs/", params={"week": week, "language": "fa", "outcome": "fallback"}, timeout=10).text
    for text in fell_back:
        assert text.replace(PHONE, "[number]").replace(EMAIL, "[email]") in page, text
    stored = json.dumps(analytics_tables(directory_database), ensure_ascii=False)
    for secret in [PHONE, "7700", "900 461", EMAIL, "mail.example", *senders]:
        assert secret not in stored, secret


def test_an_unreachable_directory_never_delays_a_fallback_reply(rasa, directory, staff_session):
    """The analytics endpoint is down (the whole directory is): replies stay normal and quick."""
    viewer = staff_session("viewer")
    before = counts(viewer, directory.url)
    directory.stop()
    try:
        fallbacks = 0
        for text in PERSIAN_GIBBERISH[:4]:
            replies, seconds = say_timed(rasa, text, f"analytics-{uuid.uuid4().hex}", language="fa")
            assert seconds < 2.0, (replies, seconds)
            fallbacks += replies == [response_text("utter_fallback", "fa")]
        assert fallbacks >= 2
    finally:
        directory.start()
    time.sleep(5)  # past the reporter's retries: nothing from here may land in another test's counts
    changes = delta(before, counts(viewer, directory.url))
    # Reports are resent only while the connection is refused: delivered once the directory is back, or dropped; never doubled.
    assert set(changes) <= {(this_week(), "fa", "", "", "", "fallback")} and sum(changes.values()) <= fallbacks


EASTGATE = (47.0527, 8.1188)  # a shared location beside the demo city's Eastgate services
OUTSIDE_EVERY_NEIGHBOURHOOD = (47.15, 8.25)  # in the city's bounds, kilometres from any address


def test_unmet_needs_are_counted_by_neighbourhood(rasa, directory, directory_api, directory_database, staff_session):
    """A neighbourhood named in the message, or the one around a shared location, is counted; the
    coordinates themselves are not stored."""
    admin, week = staff_session("administrator"), this_week()
    before = counts(admin, directory.url)
    shared = [EASTGATE, OUTSIDE_EVERY_NEIGHBOURHOOD]
    with no_active_housing_services(directory_api, directory_database):
        for latitude, longitude in shared:
            sender = f"analytics-{uuid.uuid4().hex}"
            replies = say(rasa, f'/share_location{{"latitude": {latitude}, "longitude": {longitude}}}', sender, language="es")
            assert replies == [response_text("utter_ask_category_near_you", "es")], replies
            replies = say(rasa, "necesito alquilar un piso barato", sender, language="es")
            assert replies == [response_text("utter_no_services", "es")], replies
        replies = say(rasa, "busco alojamiento para mi familia en old harbour", f"analytics-{uuid.uuid4().hex}", language="es")
        assert replies == [response_text("utter_no_services", "es")], replies

    changes = delta(before, wait_for_total(admin, directory.url, before, 3))
    assert sum(changes.values()) == 3, changes
    by_neighbourhood = {}
    for (row_week, language, category, _need, neighbourhood, outcome), n in changes.items():
        assert (row_week, language, category, outcome) == (week, "es", "housing", "no_service")
        by_neighbourhood[neighbourhood] = by_neighbourhood.get(neighbourhood, 0) + n
    assert by_neighbourhood == {"Eastgate": 1, "Old Harbour": 1, "": 1}
    # The staff page filters by neighbourhood too.
    assert sum(counts(admin, directory.url, week=week, neighbourhood="Eastgate").values()) >= 1
    stored = json.dumps(analytics_tables(directory_database))
    for latitude, longitude in shared:
        assert str(latitude) not in stored and str(longitude) not in stored
