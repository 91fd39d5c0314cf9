"""A city staff editor changes a service in the admin, in a real browser; the assistant's next answer has it.

Everything real: the directory (gunicorn), the action server and Rasa with the trained model; Debian's
Chromium driven by Playwright. The editor is created with the documented command (`create_staff`) against
the test server's database. No restart or retraining happens between the edit and the question.
"""

import uuid

import pytest
import requests
from playwright.sync_api import expect

from bot_client import new_sender, say
from browser import chromium_browser, create_staff
from servers import ROOT

ARTIFACTS = ROOT / "tests" / "artifacts"
# A demo service of its own organisation and sub-need (health-dentist), whose phone and hours no other test asserts.
SERVICE = "Dental School Teaching Clinic"
ORGANIZATION = "University of Port Meridian"
NEW_PHONE, NEW_PHONE_E164 = "+44 20 7946 0555", "+442079460555"
NEW_OPENS, NEW_CLOSES = "08:15", "16:45"


def create_editor(database_url: str, username: str, password: str) -> str:
    return create_staff(database_url, username, password, "editor", ORGANIZATION)


def find_service(directory_api: str, name: str) -> dict:
    page = requests.get(f"{directory_api}/services", params={"search": name, "per_page": 10, "full": "true"}, timeout=10).json()
    matches = [s for s in page["contents"] if s["name"] == name]
    assert len(matches) == 1, page
    return matches[0]


def cards_for(rasa, text: str, name: str) -> list:
    replies = say(rasa, text, new_sender("staff-e2e"))
    return replies, [r for r in replies if r.split("\n")[0] == name]


@pytest.fixture(scope="module")
def browser():
    with chromium_browser() as browser:
        yield browser


def test_editor_changes_phone_and_hours_and_the_assistant_answers_with_them(browser, directory, directory_database, directory_api, actions, rasa):
    service = find_service(directory_api, SERVICE)
    assert service["organization"]["name"] == ORGANIZATION
    _, before = cards_for(rasa, "I'm looking for a dentist", SERVICE)
    assert before and NEW_PHONE_E164 not in before[0], before

    username, password = f"editor-{uuid.uuid4().hex[:8]}", f"pw-{uuid.uuid4().hex}"
    assert "Created staff account" in create_editor(directory_database, username, password)

    context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="en-GB", timezone_id="Europe/Zurich")
    context.set_default_timeout(20_000)
    # The admin's Content-Security-Policy (directory_site/security.py) must block nothing it uses.
    context.add_init_script("""window.__violations = [];
        document.addEventListener('securitypolicyviolation', e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));""")
    page = context.new_page()
    try:
        change_url = f"{directory.url}/admin/hsds/service/{service['id']}/change/"
        page.goto(change_url)
        expect(page).to_have_url(f"{directory.url}/admin/login/?next=/admin/hsds/service/{service['id']}/change/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        expect(page).to_have_url(change_url)
        expect(page.locator("#id_name")).to_have_value(SERVICE)

        page.locator('input[name="phones-0-number"]').fill(NEW_PHONE)
        page.locator('input[name="schedules-0-opens_at"]').fill(NEW_OPENS)
        page.locator('input[name="schedules-0-closes_at"]').fill(NEW_CLOSES)
        page.locator('input[name="_save"]').last.click()
        expect(page.locator(".messagelist .success")).to_contain_text("was changed successfully")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.goto(change_url)
        expect(page.locator('input[name="phones-0-number"]')).to_have_value(NEW_PHONE_E164)
        assert page.evaluate("() => window.__violations") == []  # the change form with its inlines and widgets
        page.screenshot(path=str(ARTIFACTS / "staff-admin-service.png"), full_page=True)

        # Another organisation's service is not there for this editor.
        other = find_service(directory_api, "Community Dental Clinic")
        assert page.goto(f"{directory.url}/admin/hsds/service/{other['id']}/change/").status == 404

        # The change is recorded under the editor's name.
        page.goto(f"{directory.url}/admin/hsds/service/{service['id']}/history/")
        history = page.locator("#change-history")
        expect(history).to_contain_text(username)
        expect(history).to_contain_text(NEW_PHONE_E164)
        assert page.evaluate("() => window.__violations") == []
    finally:
        context.close()

    # The assistant's next answer, through the REST channel, shows the new phone number and hours at once.
    replies, cards = cards_for(rasa, "I'm looking for a dentist", SERVICE)
    assert cards, replies
    assert f"Phone: {NEW_PHONE_E164}" in cards[0], cards[0]
    assert f"{NEW_OPENS}–{NEW_CLOSES}" in cards[0], cards[0]
