"""The chat widget in a real browser (the system's Chromium, driven by Playwright), on the directory's demo page.

What a user would notice: service cards for a question, Arabic right to left, keyboard-only use, the conversation
kept across reloads and deleted on request, no accessibility blockers, bot text never run as HTML, nothing
loaded from other hosts, a clear message when the assistant is down.
"""

import json
import re
import uuid
from urllib.parse import urlparse

import pytest
import requests
import yaml
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from browser import chromium_browser
from servers import ROOT

ARTIFACTS = ROOT / "tests" / "artifacts"
I18N = json.loads((ROOT / "widget" / "i18n.json").read_text(encoding="utf-8"))
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
WEBHOOK = "**/webhooks/rest/webhook"
STORE_KEY = "newcomer-chat"
REPLY_TIMEOUT_MS = 60_000
INJECTED = '<img src=x onerror="window.__pwned=1">'


def ui(language: str, key: str) -> str:
    return I18N[language][key].replace("{emergency}", "112")


def responses_in(language: str) -> set:
    """Every reply text of the domain in one language."""
    return {v["text"] for variations in DOMAIN["responses"].values() for v in variations if any(c.get("value") == language for c in v.get("condition") or [])}


def service_names(directory_api: str, category: str) -> set:
    page = requests.get(f"{directory_api}/services", params={"taxonomy_term_id": category, "status": "active", "per_page": 100}, timeout=10).json()
    return {s["name"] for s in page["contents"]}


@pytest.fixture(scope="module")
def browser():
    with chromium_browser() as browser:
        yield browser


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1024, "height": 900}, locale="en-US", timezone_id="Europe/Zurich")
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture(scope="module", autouse=True)
def artifacts():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def open_chat(page, directory):
    page.goto(directory.url + "/")
    page.wait_for_selector('.nc-chat[data-ready="true"]')
    return page.locator(".nc-chat")


def wait_for_reply(page, bot_messages_before: int) -> None:
    page.wait_for_function(
        """n => document.querySelectorAll('.nc-msg--bot').length > n
                && document.querySelector('.nc-chat').dataset.pending === '0'""",
        arg=bot_messages_before,
        timeout=REPLY_TIMEOUT_MS,
    )


def ask(page, text: str) -> None:
    before = page.locator(".nc-msg--bot").count()
    page.locator("#nc-chat-input").fill(text)
    page.locator("#nc-chat-input").press("Enter")
    wait_for_reply(page, before)


def stored(page):
    raw = page.evaluate(f"() => window.sessionStorage.getItem({STORE_KEY!r})")
    return json.loads(raw) if raw else None


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_english_job_question_shows_employment_service_cards(page, directory, rasa, directory_api):
    page.set_viewport_size({"width": 360, "height": 780})
    sent = []
    page.on("request", lambda r: sent.append(r.post_data_json) if r.url.endswith("/webhooks/rest/webhook") and r.method == "POST" else None)
    open_chat(page, directory)
    ask(page, "I'm looking for a job")

    names = service_names(directory_api, "employment")
    cards = page.locator(".nc-log .nc-card")
    expect(cards.first).to_be_visible()
    shown = [n.strip() for n in cards.locator(".nc-card-name").all_text_contents()]
    matching = [i for i, name in enumerate(shown) if name in names]
    assert matching, (shown, names)
    for i in matching:
        card = cards.nth(i)
        assert card.locator('a[href^="tel:+"]').count() == 1
        labels = card.locator("dt").all_text_contents()
        assert "Opening hours" in labels and "Address" in labels, labels
        expect(card.locator(".nc-badge--open, .nc-badge--closed")).to_have_text(re.compile("^(Open now|Closed now)$"))
        map_link = card.get_by_role("link", name="Show on map")
        if map_link.count():
            assert re.match(r"^https://www\.openstreetmap\.org/\?mlat=-?[\d.]+&mlon=-?[\d.]+#map=17/-?[\d.]+/-?[\d.]+$", map_link.get_attribute("href"))
    # The plain-text version of each card is replaced by the rich card, not shown twice.
    bubbles = page.locator(".nc-msg--bot .nc-bubble").all_text_contents()
    assert not any(b.split("\n")[0] in names for b in bubbles), bubbles
    assert bubbles[0] == DOMAIN["responses"]["utter_results_employment"][0]["text"]
    # Before a language is picked the widget asks for cards only and lets the bot detect the language.
    assert sent and sent[0]["metadata"] == {"cards": True} and sent[0]["message"] == "I'm looking for a job"
    assert no_horizontal_scroll(page)
    page.screenshot(path=str(ARTIFACTS / "widget-ltr-360.png"), full_page=True)


def test_arabic_conversation_reads_right_to_left(page, directory, rasa):
    page.set_viewport_size({"width": 360, "height": 780})
    sent = []
    page.on("request", lambda r: sent.append(r.post_data_json) if r.url.endswith("/webhooks/rest/webhook") and r.method == "POST" else None)
    root = open_chat(page, directory)
    page.get_by_label("Language", exact=True).select_option("ar")
    expect(root).to_have_attribute("dir", "rtl")
    expect(root).to_have_attribute("lang", "ar")
    expect(page.get_by_label(I18N["ar"]["input_label"], exact=True)).to_be_visible()

    ask(page, "بدي دكتور")
    bubbles = page.locator(".nc-msg--bot .nc-bubble").all_text_contents()
    assert bubbles and bubbles[0] in responses_in("ar"), bubbles
    assert page.evaluate("() => getComputedStyle(document.querySelector('.nc-chat')).direction") == "rtl"
    assert sent[-1]["metadata"] == {"language": "ar", "cards": True}
    cards = page.locator(".nc-log .nc-card")
    if cards.count():
        assert I18N["ar"]["opening_hours"] in cards.first.locator("dt").all_text_contents()
        expect(cards.first).to_have_attribute("dir", "rtl")
    assert page.locator('.nc-bubble:not([dir="auto"])').count() == 0
    assert no_horizontal_scroll(page)
    page.screenshot(path=str(ARTIFACTS / "widget-rtl-360.png"), full_page=True)


def test_the_widgets_own_labels_follow_the_language_the_assistant_detected(page, directory, rasa):
    """No language picked, an English browser: an Arabic question turns the labels Arabic and right to left,
    and the English privacy line's full stop no longer jumps to the front."""
    root = open_chat(page, directory)
    expect(root).to_have_attribute("lang", "en")
    expect(page.locator(".nc-send")).to_have_text(I18N["en"]["send"])
    ask(page, "بدي دكتور")
    expect(root).to_have_attribute("lang", "ar")
    expect(root).to_have_attribute("dir", "rtl")
    expect(page.locator(".nc-send")).to_have_text(I18N["ar"]["send"])
    expect(page.get_by_text(I18N["ar"]["privacy_note"], exact=True)).to_be_visible()
    expect(page.get_by_label(I18N["ar"]["input_label"], exact=True)).to_be_visible()
    assert stored(page)["detected"] == "ar" and stored(page)["language"] is None
    # Kept across a reload, until the conversation changes language.
    page.reload()
    page.wait_for_selector('.nc-chat[data-ready="true"]')
    expect(page.locator(".nc-send")).to_have_text(I18N["ar"]["send"])
    ask(page, "I need a doctor please")
    expect(page.locator(".nc-send")).to_have_text(I18N["en"]["send"])
    expect(root).to_have_attribute("dir", "ltr")


def test_the_location_button_draws_its_pin(page, directory):
    """An SVG, not the emoji Debian's Chromium cannot draw (a missing-glyph box)."""
    open_chat(page, directory)
    button = page.locator(".nc-location")
    assert button.locator("svg path").count() == 1
    assert "📍" not in button.inner_text()


def test_rest_answers_say_the_conversations_language(rasa):
    answer = requests.post(f"{rasa.url}/webhooks/rest/webhook", json={"sender": f"lang-{uuid.uuid4().hex[:8]}", "message": "мені потрібен лікар"}, timeout=30)
    assert answer.status_code == 200 and answer.json()
    assert answer.headers.get("Content-Language") == "uk"
    assert "Content-Language" in answer.headers.get("Access-Control-Expose-Headers", "")


def test_keyboard_only_conversation_and_deletion(page, directory, rasa):
    open_chat(page, directory)
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == "nc-chat-input":
            break
    else:
        pytest.fail("the message field cannot be reached with Tab")
    assert page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle") != "none", "no visible focus"
    page.keyboard.type("hello")
    before = page.locator(".nc-msg--bot").count()
    page.keyboard.press("Enter")
    wait_for_reply(page, before)
    first_sender = stored(page)["sender"]
    assert page.locator(".nc-log .nc-msg").count() >= 2

    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.textContent") == I18N["en"]["delete"]:
            break
    else:
        pytest.fail("the delete button cannot be reached with Tab")
    assert page.evaluate("() => document.activeElement.tagName") == "BUTTON"
    assert page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle") != "none", "no visible focus"
    with page.expect_request(lambda request: request.method == "POST" and "/webhooks/rest/webhook" in request.url) as erase:
        page.keyboard.press("Enter")
    # The server is asked to erase the old conversation (bot/tracker_store.py does it).
    assert json.loads(erase.value.post_data)["sender"] == first_sender
    assert json.loads(erase.value.post_data)["message"] == "/delete_conversation"

    expect(page.locator(".nc-log .nc-msg")).to_have_count(0)
    assert page.evaluate("() => window.sessionStorage.length") == 0
    assert page.evaluate("() => window.localStorage.length") == 0
    expect(page.locator(".nc-status")).to_have_text(I18N["en"]["deleted"])

    # The next message starts a new conversation under a new sender id.
    page.locator("#nc-chat-input").focus()
    page.keyboard.type("hello")
    before = page.locator(".nc-msg--bot").count()
    page.keyboard.press("Enter")
    wait_for_reply(page, before)
    assert stored(page)["sender"] != first_sender


def widget_turns(page) -> list:
    """The widget's requests to Rasa, as (sender, message), from now on."""
    sent = []
    page.on("request", lambda r: sent.append((r.post_data_json["sender"], r.post_data_json["message"])) if r.url.endswith("/webhooks/rest/webhook") and r.method == "POST" else None)
    return sent


def delete_and_wait(page, language: str = "en") -> None:
    """Press "Delete my conversation", labelled in the language the widget shows."""
    page.get_by_role("button", name=I18N[language]["delete"]).click()
    page.wait_for_function("() => document.querySelector('.nc-chat').dataset.pending === '0'", timeout=REPLY_TIMEOUT_MS)


def test_deletion_is_shown_as_done_only_when_the_server_erased_it(page, directory, rasa):
    open_chat(page, directory)
    ask(page, "أحتاج إلى طبيب")
    sender = stored(page)["sender"]
    delete_and_wait(page, "ar")  # the labels followed the Arabic conversation
    expect(page.locator(".nc-status")).to_have_text(I18N["ar"]["deleted"])
    # The detected language stays for this page view: the emptied box does not jump back to English.
    expect(page.locator(".nc-chat")).to_have_attribute("lang", "ar")
    expect(page.locator(".nc-chat")).to_have_attribute("dir", "rtl")
    # Not the widget's word for it: the server has forgotten the conversation. Had it kept it, the
    # Arabic chosen then would answer this neutral message.
    follow_up = requests.post(f"{rasa.url}/webhooks/rest/webhook", json={"sender": sender, "message": "ok"}, timeout=30).json()
    assert follow_up and not any(m.get("text", "").startswith("\u200f") for m in follow_up), follow_up


@pytest.mark.parametrize("answer", ["utter_something_went_wrong", "utter_conversation_not_deleted", "HTTP 503"])
def test_a_failed_deletion_is_not_shown_as_done_and_is_asked_again(page, directory, rasa, answer):
    """The server answered, but not with its confirmation: e.g. its apology when the tracker store is down."""

    def refuse_deletion(route):
        body = route.request.post_data_json if route.request.method == "POST" else None
        if not body or body.get("message") != "/delete_conversation":
            return route.continue_()
        if answer.startswith("HTTP"):
            return route.fulfill(status=503, content_type="application/json", headers={"Access-Control-Allow-Origin": "*"}, body="{}")
        reply = [{"recipient_id": body["sender"], "text": DOMAIN["responses"][answer][0]["text"]}]
        return route.fulfill(status=200, content_type="application/json", headers={"Access-Control-Allow-Origin": "*"}, body=json.dumps(reply))

    open_chat(page, directory)
    ask(page, "hello")
    first = stored(page)["sender"]
    page.route(WEBHOOK, refuse_deletion)
    delete_and_wait(page)
    expect(page.locator(".nc-status")).to_have_text(I18N["en"]["delete_failed"])
    expect(page.locator(".nc-log .nc-msg")).to_have_count(0)  # gone from the browser all the same

    page.unroute(WEBHOOK)
    ask(page, "hello")
    second = stored(page)["sender"]
    sent = widget_turns(page)
    delete_and_wait(page)
    # The next deletion asks again for the conversation the server kept, then for the current one.
    assert sent == [(first, "/delete_conversation"), (second, "/delete_conversation")]
    expect(page.locator(".nc-status")).to_have_text(I18N["en"]["deleted"])
    assert page.evaluate("() => window.sessionStorage.length") == 0


def test_conversation_is_kept_across_reload(page, directory, rasa):
    root = open_chat(page, directory)
    page.get_by_label("Language", exact=True).select_option("es")
    ask(page, "Necesito un dentista")
    texts = page.locator(".nc-log .nc-msg").all_inner_texts()
    cards = page.locator(".nc-log .nc-card").count()
    sender = stored(page)["sender"]
    assert len(texts) >= 2

    page.reload()
    page.wait_for_selector('.nc-chat[data-ready="true"]')
    assert page.locator(".nc-log .nc-msg").all_inner_texts() == texts
    assert page.locator(".nc-log .nc-card").count() == cards
    assert stored(page)["sender"] == sender
    expect(page.get_by_label(I18N["es"]["language_label"], exact=True)).to_have_value("es")
    expect(root).to_have_attribute("lang", "es")


def test_no_serious_accessibility_violations(page, directory, rasa):
    open_chat(page, directory)
    ask(page, "I'm looking for a job")
    expect(page.locator(".nc-log .nc-card").first).to_be_visible()
    problems = []
    for language in ("en", "ar"):
        if language != "en":
            page.locator("#nc-chat-language").select_option(language)
        results = Axe().run(page)
        problems += [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
        if problems:
            print(results.generate_report())
    assert not problems, [(v["id"], v["impact"], [n["target"] for n in v["nodes"]]) for v in problems]


def test_bot_and_directory_text_is_never_run_as_html(page, directory):
    replies = [
        {"recipient_id": "x", "text": f"Hello <script>window.__pwned=2</script> {INJECTED}"},
        {"recipient_id": "x", "text": "PLAIN TEXT CARD"},
        {
            "recipient_id": "x",
            "custom": {
                "type": "service",
                "id": "1",
                "name": f"Evil {INJECTED}",
                "description": INJECTED,
                "status": "active",
                "address": {"address_1": INJECTED, "city": "Port Meridian"},
                "latitude": 46.2,
                "longitude": 6.14,
                "phone": "+41 22 555 01 99",
                "url": "javascript:window.__pwned=3",
                "email": INJECTED,
                "schedules": [{"byday": "MO,TU,WE,TH,FR", "opens_at": "09:00", "closes_at": "17:00"}],
                "languages": ["en", "ar"],
                "documents": [INJECTED],
                "appointment_only": True,
            },
        },
        {"recipient_id": "x", "text": "Pick one", "buttons": [{"title": INJECTED, "payload": "/greet"}]},
    ]
    page.route(WEBHOOK, lambda route: route.fulfill(status=200, content_type="application/json", headers={"Access-Control-Allow-Origin": "*"}, body=json.dumps(replies)))
    open_chat(page, directory)
    ask(page, f"<script>window.__pwned=4</script>{INJECTED}")

    for attempt in ("first render", "after reload"):
        log = page.locator(".nc-log")
        assert page.evaluate("() => window.__pwned") is None, attempt
        assert log.locator("img, script, iframe").count() == 0, attempt
        expect(log.locator(".nc-msg--user .nc-bubble")).to_have_text(f"<script>window.__pwned=4</script>{INJECTED}")
        expect(log.locator(".nc-msg--bot .nc-bubble").first).to_have_text(f"Hello <script>window.__pwned=2</script> {INJECTED}")
        expect(log.locator(".nc-card-name")).to_have_text(f"Evil {INJECTED}")
        expect(log.get_by_role("button", name=INJECTED)).to_be_visible()
        assert log.get_by_text("PLAIN TEXT CARD").count() == 0
        assert log.locator('a[href^="javascript:"]').count() == 0
        expect(log.locator('a[href^="tel:"]')).to_have_attribute("href", "tel:+41225550199")
        page.reload()
        page.wait_for_selector('.nc-chat[data-ready="true"]')


@pytest.mark.parametrize("utc_time,expected", [("2024-01-01T08:30:00Z", "open_now"), ("2024-01-01T16:30:00Z", "closed_now")])
def test_open_now_uses_the_city_time_and_localized_days(browser, directory, utc_time, expected):
    # The browser is in New York: 08:30Z is 03:30 there but 09:30 in the city (Europe/Zurich), 16:30Z is 17:30 in the city.
    context = browser.new_context(locale="fr-FR", timezone_id="America/New_York")
    try:
        page = context.new_page()
        page.clock.set_fixed_time(utc_time)
        card = {"type": "service", "name": "Test service", "schedules": [{"byday": "MO,TU,WE,TH,FR", "opens_at": "09:00", "closes_at": "17:00"}], "languages": ["ar", "uk"]}
        page.route(
            WEBHOOK,
            lambda route: route.fulfill(
                status=200,
                content_type="application/json",
                headers={"Access-Control-Allow-Origin": "*"},
                body=json.dumps([{"recipient_id": "x", "text": "Test service"}, {"recipient_id": "x", "custom": card}]),
            ),
        )
        open_chat(page, directory)
        page.locator("#nc-chat-language").select_option("fr")
        ask(page, "bonjour")
        shown = page.locator(".nc-card")
        expect(shown.locator(".nc-badge")).to_have_text(I18N["fr"][expected])
        expect(shown.locator(".nc-hours")).to_contain_text("lun.")
        expect(shown.locator(".nc-hours")).to_contain_text("09:00–17:00")
        expect(shown.locator("dd").last).to_have_text("arabe et ukrainien")
    finally:
        context.close()


def test_no_request_leaves_loopback(page, directory, rasa):
    urls = []
    page.on("request", lambda request: urls.append(request.url))
    open_chat(page, directory)
    ask(page, "I'm looking for a job")
    page.locator("#nc-chat-language").select_option("ar")
    ask(page, "بدي دكتور")
    page.reload()
    page.wait_for_selector('.nc-chat[data-ready="true"]')
    assert any(u.endswith("/webhooks/rest/webhook") for u in urls)
    outside = [u for u in urls if urlparse(u).hostname not in ("127.0.0.1", "localhost")]
    assert not outside, outside


def test_the_pages_content_security_policy_blocks_nothing_the_widget_needs(page, directory, rasa):
    """The chat page's policy (directory_site/security.py) is enforced by the browser: the widget's
    script, stylesheet, translations and its calls to Rasa all get through, nothing is reported."""
    page.add_init_script("""window.__violations = [];
        document.addEventListener('securitypolicyviolation', e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));""")
    console = []
    page.on("console", lambda message: console.append(message.text))
    answer = page.goto(directory.url + "/")
    assert "connect-src 'self' " + rasa.url in answer.headers["content-security-policy"]
    page.wait_for_selector('.nc-chat[data-ready="true"]')
    page.locator("#nc-chat-language").select_option("es")
    ask(page, "Necesito un médico")
    expect(page.locator(".nc-log .nc-card").first).to_be_visible()
    # The page's own stylesheet and the widget's applied (the notice's background, the widget's layout).
    assert page.evaluate("() => getComputedStyle(document.querySelector('.notice')).backgroundColor") == "rgb(255, 243, 196)"
    assert page.evaluate("() => window.__violations") == []
    assert not [text for text in console if "Content Security Policy" in text], console


def test_unreachable_assistant_gets_a_localized_message(page, directory):
    page.route(WEBHOOK, lambda route: route.abort("connectionrefused"))
    open_chat(page, directory)
    page.locator("#nc-chat-language").select_option("fr")
    page.locator("#nc-chat-input").fill("bonjour")
    page.locator("#nc-chat-input").press("Enter")
    expect(page.locator(".nc-log .nc-msg--notice .nc-bubble")).to_have_text(ui("fr", "error_unreachable"))
    expect(page.locator(".nc-log .nc-msg--user")).to_have_count(1)
    expect(page.locator(".nc-chat")).to_have_attribute("data-pending", "0")


def test_widget_still_works_in_english_without_its_translations(page, directory):
    page.route("**/widget/i18n.json", lambda route: route.abort())
    page.route(WEBHOOK, lambda route: route.abort("connectionrefused"))
    open_chat(page, directory)
    expect(page.get_by_label("Your message", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Send")).to_be_visible()
    page.locator("#nc-chat-language").select_option("uk")
    expect(page.locator(".nc-chat")).to_have_attribute("lang", "uk")
    ask(page, "привіт")
    expect(page.locator(".nc-log .nc-msg--notice .nc-bubble")).to_have_text(ui("en", "error_unreachable"))


def test_direction_follows_the_replies_until_a_language_is_picked(page, directory):
    replies = iter(
        [
            [{"recipient_id": "x", "text": "\u200fمرحبًا! Port Meridian"}],
            [{"recipient_id": "x", "text": "Hello! How can I help?"}],
        ]
    )
    sent = []
    page.route(
        WEBHOOK,
        lambda route: (
            sent.append(route.request.post_data_json),
            route.fulfill(status=200, content_type="application/json", headers={"Access-Control-Allow-Origin": "*"}, body=json.dumps(next(replies))),
        ),
    )
    root = open_chat(page, directory)
    expect(root).to_have_attribute("dir", "ltr")
    ask(page, "السلام عليكم")
    expect(root).to_have_attribute("dir", "rtl")
    ask(page, "hello")
    expect(root).to_have_attribute("dir", "ltr")
    assert [m["metadata"] for m in sent] == [{"cards": True}, {"cards": True}]


# ---------------------------------------------------------------- "Use my location" and "last checked"

SOUTHFIELD = {"latitude": 47.01623, "longitude": 8.09034}  # beside the demo city's Women First centre


def nearest(directory_api: str, category: str, count: int = 3) -> list:
    page = requests.get(
        f"{directory_api}/services", params={"taxonomy_term_id": category, "status": "active", "per_page": count, "lat": SOUTHFIELD["latitude"], "lon": SOUTHFIELD["longitude"]}, timeout=10
    ).json()
    return [s["name"] for s in page["contents"]]


def test_use_my_location_with_the_keyboard_lists_the_nearest_services(browser, directory, rasa, directory_api):
    context = browser.new_context(viewport={"width": 360, "height": 780}, locale="en-GB", timezone_id="Europe/Zurich", geolocation=SOUTHFIELD, permissions=["geolocation"])
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        sent = []
        page.on("request", lambda r: sent.append(r.post_data_json) if r.url.endswith("/webhooks/rest/webhook") and r.method == "POST" else None)
        open_chat(page, directory)
        ask(page, "I need a doctor")
        cards_before = page.locator(".nc-log .nc-card").count()
        assert page.locator(".nc-card-distance").count() == 0  # no location, no distances

        page.locator("#nc-chat-input").focus()
        for _ in range(5):
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.classList.contains('nc-location')"):
                break
        else:
            pytest.fail("the location button cannot be reached with Tab")
        button = page.get_by_role("button", name=I18N["en"]["use_location"])
        expect(button).to_be_focused()
        before = page.locator(".nc-msg--bot").count()
        page.keyboard.press("Enter")
        wait_for_reply(page, before)

        # Sent rounded to about 100 m; shown and stored as "My location", never as coordinates.
        assert sent[-1]["message"] == '/share_location{"latitude": 47.016, "longitude": 8.09}'
        expect(page.locator(".nc-msg--user .nc-bubble").last).to_have_text(I18N["en"]["my_location"])
        users = [m["text"] for m in stored(page)["messages"] if m["from"] == "user"]
        assert users[-1] == I18N["en"]["my_location"] and not any("share_location" in u or "47.016" in u for u in users)
        new_cards = page.locator(".nc-log .nc-card")
        shown = [n.strip() for n in new_cards.locator(".nc-card-name").all_text_contents()[cards_before:]]
        # The search the location refines was for a doctor (the sub-need), so: the nearest doctors.
        assert shown == nearest(directory_api, "health-doctor")
        distances = new_cards.locator(".nc-card-distance").all_text_contents()
        assert len(distances) == 3 and all(re.fullmatch(r"\d+(\.\d)?\s(m|km) away", d) for d in distances), distances
        metres = [float(d.split()[0]) * (1000 if " km" in d.replace("\u00a0", " ") else 1) for d in distances]
        assert metres == sorted(metres), distances
        # Every demo service was checked on 1 November 2026.
        expect(new_cards.first.locator(".nc-card-verified")).to_have_text("Checked by city staff on 1 November 2026")
        expect(button).to_be_focused()
        page.screenshot(path=str(ARTIFACTS / "widget-location-360.png"), full_page=True)
    finally:
        context.close()


def test_location_first_in_french_then_a_category_button(browser, directory, rasa, directory_api):
    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Zurich", geolocation=SOUTHFIELD, permissions=["geolocation"])
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        open_chat(page, directory)
        page.locator("#nc-chat-language").select_option("fr")
        before = page.locator(".nc-msg--bot").count()
        page.get_by_role("button", name=I18N["fr"]["use_location"]).click()
        wait_for_reply(page, before)
        fr_ask = next(v["text"] for v in DOMAIN["responses"]["utter_ask_category_near_you"] if v.get("condition", [{}])[0].get("value") == "fr")
        expect(page.locator(".nc-msg--bot .nc-bubble").last).to_have_text(fr_ask)
        before = page.locator(".nc-msg--bot").count()
        page.get_by_role("button", name="Logement").click()
        wait_for_reply(page, before)
        card = page.locator(".nc-log .nc-card").first
        expect(card.locator(".nc-card-name")).to_have_text(nearest(directory_api, "housing", 1)[0])
        expect(card.locator(".nc-card-distance")).to_have_text(re.compile(r"^à \d+(,\d)?\s(m|km)$"))
        expect(card.locator(".nc-card-verified")).to_have_text("Vérifié par les services de la ville le 1 novembre 2026")
    finally:
        context.close()


def test_a_refused_location_is_said_and_nothing_is_sent(browser, directory):
    context = browser.new_context(locale="en-GB")  # no geolocation permission granted
    try:
        page = context.new_page()
        sent = []
        page.on("request", lambda r: sent.append(r.url) if r.url.endswith("/webhooks/rest/webhook") else None)
        open_chat(page, directory)
        page.get_by_role("button", name=I18N["en"]["use_location"]).click()
        expect(page.locator(".nc-status")).to_have_text(re.compile(f"^({re.escape(I18N['en']['location_denied'])}|{re.escape(I18N['en']['location_unavailable'])})$"))
        assert sent == [] and page.locator(".nc-log .nc-msg").count() == 0
    finally:
        context.close()
