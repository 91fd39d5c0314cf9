"""The directory's side over HTTP against the real server (gunicorn): the report endpoint's token,
validation and exact counting under concurrency; the staff page, roles and the CSV export."""

import datetime
import re
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from analytics_helpers import analytics_tables, counts, manage_shell, post_report
from servers import directory_server


def fresh_week() -> str:
    """A week no other test uses, so counts start at zero and examples at none; in the future, so that
    the examples' retention (RETENTION_DAYS after the week) never removes them during the test."""
    return f"{2100 + uuid.uuid4().int % 800}-W{1 + uuid.uuid4().int % 52:02d}"


def report(week, **fields):
    return {"week": week, "language": "es", "category": "housing", "need": "housing-shelter", "neighbourhood": "", "outcome": "no_service", **fields}


@pytest.mark.parametrize("token", [None, "", "wrong-token", "Bearer"], ids=["missing", "empty", "wrong", "odd"])
def test_the_endpoint_refuses_a_missing_or_wrong_token(directory, staff_session, token):
    week = fresh_week()
    answer = post_report(directory.url, report(week), token=token)
    assert answer.status_code == 403
    assert counts(staff_session("viewer"), directory.url, week=week) == {}


def test_the_endpoint_refuses_everything_when_the_directory_has_no_token(directory_database, staff_session, directory, analytics_token):
    server = directory_server(directory_database)
    server.env["DIRECTORY_ANALYTICS_TOKEN"] = ""
    server.start()
    try:
        week = fresh_week()
        for token in (analytics_token, "", None):
            assert post_report(server.url, report(week), token=token).status_code == 403
        assert counts(staff_session("viewer"), directory.url, week=week) == {}
    finally:
        server.stop()


def test_only_post_is_accepted(directory, analytics_token):
    answer = requests.get(directory.url + "/analytics/unmet-needs", headers={"Authorization": f"Bearer {analytics_token}"}, timeout=10)
    assert answer.status_code == 405


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"week": "2026-48"}, "week"),
        ({"week": "2026-W60"}, "week"),
        ({"language": "Spanish"}, "language"),
        ({"outcome": "happy"}, "outcome"),
        ({"category": "banking"}, "category"),
        ({"need": "health-dentist"}, "need"),  # a sub-need of another category
        ({"neighbourhood": "Flat 3, 12 Quay Street"}, "neighbourhood"),
        ({"neighbourhood": "Atlantis"}, "neighbourhood"),  # not a region of the directory's addresses
        ({"near": [47.05, 8.11]}, "near"),
        ({"near": {"latitude": "47.05", "longitude": 8.11}}, "near"),
        ({"near": {"latitude": 47.05, "longitude": 8.11, "sender": "x"}}, "near"),
        ({"near": {"latitude": 91, "longitude": 8.11}}, "near"),
        ({"language": 7}, "language"),
    ],
)
def test_invalid_reports_are_refused_and_not_counted(directory, analytics_token, staff_session, changes, field):
    week = fresh_week()
    answer = post_report(directory.url, {**report(week), **changes}, token=analytics_token)
    assert answer.status_code == 400 and answer.json()["field"] == field, answer.text
    assert counts(staff_session("viewer"), directory.url, week=week) == {}
    assert counts(staff_session("viewer"), directory.url, week=changes.get("week", week)) == {}


def test_counts_are_exact_under_concurrency(directory, analytics_token, staff_session):
    week = fresh_week()
    bodies = [report(week)] * 40 + [report(week, need="housing-rental")] * 15 + [report(week, language="fa", category="", need="", outcome="fallback")] * 25
    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(lambda body: post_report(directory.url, body, token=analytics_token).status_code, bodies))
    assert statuses == [201] * len(bodies)
    assert counts(staff_session("viewer"), directory.url, week=week) == {
        (week, "es", "housing", "housing-shelter", "", "no_service"): 40,
        (week, "es", "housing", "housing-rental", "", "no_service"): 15,
        (week, "fa", "", "", "", "fallback"): 25,
    }


def test_examples_are_scrubbed_capped_deduplicated_and_unlinked(directory, directory_database, analytics_token, staff_session):
    week = fresh_week()
    fallback = {"language": "fa", "category": "", "need": "", "outcome": "fallback"}
    texts = [f"example {letter} write to me at x.y@mail.example or +44 7700 900{i:03d}" for i, letter in enumerate("abcdefgh")]
    texts.insert(1, texts[0])  # a duplicate is kept once
    for text in texts:
        assert post_report(directory.url, report(week, **fallback, example=text), token=analytics_token).status_code == 201
    # An example on a no-service report is not kept (only messages not understood have examples).
    assert post_report(directory.url, report(week, example="kept? no"), token=analytics_token).status_code == 201

    assert counts(staff_session("viewer"), directory.url, week=week)[(week, "fa", "", "", "", "fallback")] == len(texts)
    page = staff_session("viewer").get(directory.url + "/admin/unmet-needs/", params={"week": week}, timeout=10).text
    shown = re.findall(r'<td dir="auto">([^<]*)</td>', page)
    assert shown == [f"example {letter} write to me at [email] or [number]" for letter in "abcde"]
    assert "kept? no" not in page and "mail.example" not in page and "7700" not in page

    columns = {name: cols for name, (cols, _) in analytics_tables(directory_database).items()}
    assert set(columns) == {"analytics_unmetneedcount", "analytics_examplephrasing"}
    assert set(columns["analytics_examplephrasing"]) == {"id", "week", "language", "category", "outcome", "slot", "text"}
    assert set(columns["analytics_unmetneedcount"]) == {"id", "week", "language", "category", "need", "neighbourhood", "outcome", "count"}


def test_examples_are_kept_no_longer_than_conversations(directory, directory_database, analytics_token, staff_session):
    """RETENTION_DAYS (30 by default) after the end of their week, scrubbed examples are gone; counts stay."""
    import datetime

    year, week_number, _ = datetime.date.today().isocalendar()
    this_week = f"{year}-W{week_number:02d}"
    long_ago = "2020-W10"
    fallback = {"language": "fr", "category": "", "need": "", "outcome": "fallback"}
    marker = uuid.uuid4().hex[:10].translate(str.maketrans("0123456789", "ghijklmnop"))  # letters: nothing to scrub
    for week in (long_ago, this_week):
        assert post_report(directory.url, report(week, **fallback, example=f"vieux message {marker}"), token=analytics_token).status_code == 201
    stored = [row for _, (cols, rows) in analytics_tables(directory_database).items() for row in rows if marker in str(row)]
    assert len(stored) == 1 and this_week in str(stored[0]), stored
    page = staff_session("viewer").get(directory.url + "/admin/unmet-needs/", params={"week": this_week}, timeout=10).text
    assert f"vieux message {marker}" in page
    assert counts(staff_session("viewer"), directory.url, week=long_ago)[(long_ago, "fr", "", "", "", "fallback")] >= 1


def iso_week(day: datetime.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def test_an_example_kept_earlier_goes_once_it_is_older_than_retention(directory, directory_database, analytics_token, staff_session):
    """An example of its week when it came is deleted once that week is RETENTION_DAYS past, on the next
    report with an example and on the next look at the page."""
    today = datetime.date.today()
    this_week, aged_week = iso_week(today), iso_week(today - datetime.timedelta(days=45))
    marker = "".join(chr(ord("a") + int(digit, 16)) for digit in uuid.uuid4().hex[:10])  # letters: scrubbing keeps them
    fallback = {"language": "uk", "category": "", "need": "", "outcome": "fallback"}
    examples = lambda: [row[-1] for row in analytics_tables(directory_database)["analytics_examplephrasing"][1]]  # noqa: E731
    # Kept when it came, 45 days ago: written as the server wrote it then.
    kept_then = "from analytics.models import ExamplePhrasing as E; E.objects.create(week={!r}, language='uk', outcome='fallback', slot={}, text={!r})"
    manage_shell(directory_database, kept_then.format(aged_week, 1, f"old example {marker}"))
    assert f"old example {marker}" in examples()
    recent = f"recent example {marker}"
    assert post_report(directory.url, report(this_week, **fallback, example=recent), token=analytics_token).status_code == 201
    assert f"old example {marker}" not in examples() and recent in examples()

    manage_shell(directory_database, kept_then.format(aged_week, 2, f"old example again {marker}"))
    page = staff_session("viewer").get(directory.url + "/admin/unmet-needs/", timeout=10).text
    assert f"old example again {marker}" not in page and recent in page
    assert f"old example again {marker}" not in examples()


def test_staff_page_needs_a_staff_role(directory, staff_session):
    anonymous = requests.get(directory.url + "/admin/unmet-needs/", timeout=10, allow_redirects=False)
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous.headers["Location"]
    assert requests.get(directory.url + "/admin/unmet-needs/export.csv", timeout=10, allow_redirects=False).status_code == 302
    no_role = staff_session("none")
    assert no_role.get(directory.url + "/admin/unmet-needs/", timeout=10).status_code == 403
    assert no_role.get(directory.url + "/admin/unmet-needs/export.csv", timeout=10).status_code == 403
    for role in ("viewer", "editor", "administrator"):
        page = staff_session(role).get(directory.url + "/admin/unmet-needs/", timeout=10)
        assert page.status_code == 200 and "Unmet needs" in page.text and "Download CSV" in page.text
        index = staff_session(role).get(directory.url + "/admin/", timeout=10).text
        assert "/admin/analytics/unmetneedcount/" in index, role


def _example_ids(session, directory_url, week):
    page = session.get(directory_url + "/admin/unmet-needs/", params={"week": week}, timeout=10).text
    return re.findall(r'name="example" value="([0-9a-f-]{36})"', page), page


def _delete(session, directory_url, ids, week):
    return session.post(
        directory_url + "/admin/unmet-needs/examples/delete/",
        data={"example": ids, "query": f"week={week}", "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": directory_url + "/admin/unmet-needs/"},
        timeout=10,
        allow_redirects=False,
    )


def test_viewers_read_examples_but_cannot_delete_them(directory, analytics_token, staff_session):
    week = fresh_week()
    for text in ("first unclear question", "second unclear question", "third unclear question"):
        post_report(directory.url, report(week, language="ar", category="", need="", outcome="fallback", example=text), token=analytics_token)
    editor_ids, _ = _example_ids(staff_session("editor"), directory.url, week)
    assert len(editor_ids) == 3

    viewer = staff_session("viewer")
    viewer_ids, page = _example_ids(viewer, directory.url, week)
    assert viewer_ids == [] and "first unclear question" in page and "Delete selected" not in page
    assert _delete(viewer, directory.url, editor_ids[:1], week).status_code == 403
    assert len(_example_ids(staff_session("editor"), directory.url, week)[0]) == 3

    answer = _delete(staff_session("editor"), directory.url, editor_ids[:1], week)
    assert answer.status_code == 302 and answer.headers["Location"].endswith(f"?week={week}")
    assert len(_example_ids(staff_session("editor"), directory.url, week)[0]) == 2
    assert _delete(staff_session("administrator"), directory.url, editor_ids[1:] + ["not-a-uuid"], week).status_code == 302
    assert _example_ids(staff_session("administrator"), directory.url, week)[0] == []
    # Deleting examples never changes the counts.
    assert counts(viewer, directory.url, week=week) == {(week, "ar", "", "", "", "fallback"): 3}


def test_filters_apply_to_the_page_and_the_csv(directory, analytics_token, staff_session):
    week = fresh_week()
    post_report(directory.url, report(week, neighbourhood="Old Harbour"), token=analytics_token)
    post_report(directory.url, report(week, neighbourhood="Eastgate"), token=analytics_token)
    post_report(directory.url, report(week, language="uk", category="health", need="health-dentist"), token=analytics_token)
    viewer = staff_session("viewer")
    assert counts(viewer, directory.url, week=week, neighbourhood="Old Harbour") == {(week, "es", "housing", "housing-shelter", "Old Harbour", "no_service"): 1}
    assert set(counts(viewer, directory.url, week=week, category="health")) == {(week, "uk", "health", "health-dentist", "", "no_service")}
    assert sum(counts(viewer, directory.url, week=week, outcome="no_service", language="es").values()) == 2
    page = viewer.get(directory.url + "/admin/unmet-needs/", params={"week": week, "language": "uk"}, timeout=10).text
    assert "health-dentist" in page and "Old Harbour" not in page.split('id="unmet-counts"')[1].split("</table>")[0]
    csv_text = viewer.get(directory.url + "/admin/unmet-needs/export.csv", params={"week": week}, timeout=10).text
    assert csv_text.splitlines()[0] == "week,language,category,need,neighbourhood,outcome,count"


def test_neighbourhoods_come_from_the_directory_and_from_search_points(directory, directory_database, analytics_token, staff_session):
    """Named neighbourhoods are the directory's (any case, its spelling kept); a search point counts in the
    neighbourhood of the nearest address within DIRECTORY_NEIGHBOURHOOD_RADIUS_METRES (1 km), and is not stored."""
    week, viewer = fresh_week(), staff_session("viewer")
    names = requests.get(directory.url + "/analytics/neighbourhoods", headers={"Authorization": f"Bearer {analytics_token}"}, timeout=10)
    assert names.status_code == 200
    assert {"Eastgate", "Old Harbour", "North Hill", "Southfield"} <= set(names.json()["neighbourhoods"])
    assert requests.get(directory.url + "/analytics/neighbourhoods", timeout=10).status_code == 403

    eastgate, old_harbour, nowhere = (47.0530, 8.1185), (47.0412, 8.0631), (47.15, 8.25)
    sent = [
        report(week, neighbourhood="eastgate"),
        report(week, near={"latitude": eastgate[0], "longitude": eastgate[1]}),
        report(week, near={"latitude": old_harbour[0], "longitude": old_harbour[1]}),
        report(week, near={"latitude": nowhere[0], "longitude": nowhere[1]}),
        report(week, neighbourhood="North Hill", near={"latitude": eastgate[0], "longitude": eastgate[1]}),  # the name wins
    ]
    for body in sent:
        assert post_report(directory.url, body, token=analytics_token).status_code == 201
    row = (week, "es", "housing", "housing-shelter")
    assert counts(viewer, directory.url, week=week) == {
        (*row, "Eastgate", "no_service"): 2,
        (*row, "Old Harbour", "no_service"): 1,
        (*row, "", "no_service"): 1,
        (*row, "North Hill", "no_service"): 1,
    }
    stored = str(analytics_tables(directory_database))
    for coordinate in (*eastgate, *old_harbour, *nowhere):
        assert str(coordinate) not in stored
