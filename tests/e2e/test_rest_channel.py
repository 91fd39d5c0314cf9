"""End to end: directory + action server + Rasa with the trained model, through the REST channel."""

import pytest
import requests

from bot_client import REST_WEBHOOK, new_sender, rest_url, say, say_timed
from servers import DOMAIN, response_text


def label(name: str, language: str) -> str:
    """The first line label after {name} in the service card, e.g. 'Address:'."""
    return response_text("utter_service_card", language).split("\n")[1].split("{")[0].strip()


def service_names(directory_api: str, category: str) -> set:
    page = requests.get(f"{directory_api}/services", params={"taxonomy_term_id": category, "status": "active", "per_page": 100}, timeout=10).json()
    return {s["name"] for s in page["contents"]}


def test_job_question_gets_employment_services(rasa, directory_api):
    replies = say(rasa, "I'm looking for a job")
    assert replies[0] == response_text("utter_results_employment")
    names = service_names(directory_api, "employment")
    cards = [r for r in replies[1:] if r.split("\n")[0] in names]
    assert len(cards) >= 1, replies
    for card in cards:
        assert label("utter_service_card", "en") in card and "Opening hours:" in card and "Phone: +" in card


def test_spanish_doctor_question_gets_health_services_in_spanish(rasa, directory_api):
    replies = say(rasa, "Necesito ver a un médico")
    assert replies[0] == response_text("utter_results_health", "es")
    names = service_names(directory_api, "health")
    cards = [r for r in replies[1:] if r.split("\n")[0] in names]
    assert cards, replies
    assert all("Horario:" in c and "Teléfono:" in c for c in cards)
    assert not any("Opening hours" in r for r in replies)


def test_emergency_gets_112_first(rasa):
    replies = say(rasa, "help my friend is not breathing")
    assert "112" in replies[0]
    replies = say(rasa, "ayuda, me están pegando, necesito ayuda urgente")
    assert "112" in replies[0] and replies[0] == response_text("utter_emergency", "es")


# Emergencies named in words of bot/nlu/emergency_terms.yml get the emergency number first, in the
# user's language, whatever the intent classifier makes of the rest of the message.
@pytest.mark.parametrize(
    "text,language",
    [("ساختمون آتیش گرفته، کمک", "fa"), ("ابعتولي الإسعاف بسرعة", "ar"), ("дитина не дихає", "uk"), ("il y a un incendie dans l'immeuble", "fr")],
)
def test_named_emergencies_get_112_first_in_every_language(rasa, text, language):
    replies = say(rasa, text)
    assert replies[0] == response_text("utter_emergency", language), replies


def test_language_is_kept_for_short_messages(rasa):
    sender = new_sender()
    say(rasa, "hola, buenas tardes", sender=sender)
    spanish = {v["text"] for variations in DOMAIN["responses"].values() for v in variations if v.get("condition")}
    for neutral in ("ok", "112", "👍"):
        replies = say(rasa, neutral, sender=sender)
        assert replies and all(r in spanish for r in replies), (neutral, replies)


def test_greeting_in_each_language(rasa):
    assert say(rasa, "hello there") == [response_text("utter_greet", "en")]
    assert say(rasa, "hola, ¿qué tal?") == [response_text("utter_greet", "es")]


def test_the_chat_page_is_served_with_its_widget(directory, rasa):
    page = requests.get(directory.url + "/", timeout=10)
    # The one-tag embed: the script builds the widget (tests/widget checks it in a browser).
    assert page.status_code == 200 and 'src="/static/widget/chat.js"' in page.text and f'data-rasa-url="{rasa.url}"' in page.text
    loader = requests.get(directory.url + "/static/widget/chat.js", timeout=10)
    assert loader.status_code == 200 and "modules/main.js" in loader.text
    # The modules the loader starts are served too, as JavaScript (a module with another type does not run).
    config = requests.get(directory.url + "/static/widget/modules/config.js", timeout=10)
    assert "javascript" in config.headers["Content-Type"] and REST_WEBHOOK in config.text


def test_cors_allows_only_the_widget_origin(rasa, directory):
    def preflight(origin):
        return requests.options(
            rest_url(rasa),
            headers={"Origin": origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"},
            timeout=10,
        ).headers.get("Access-Control-Allow-Origin")

    assert preflight(directory.url) == directory.url
    assert preflight("http://evil.example") is None


def test_directory_down_gets_a_graceful_reply_then_recovers(rasa, directory, directory_api):
    directory.stop()
    try:
        replies, elapsed = say_timed(rasa, "I need a place to stay tonight")
        assert replies == [response_text("utter_directory_unavailable")]
        assert elapsed < 4
        replies, elapsed = say_timed(rasa, "necesito un médico por favor")
        assert replies == [response_text("utter_directory_unavailable", "es")]
    finally:
        directory.start()
    replies = say(rasa, "I need a place to stay tonight")
    assert replies[0] == response_text("utter_results_housing")
    assert any(r.split("\n")[0] in service_names(directory_api, "housing") for r in replies[1:])


@pytest.mark.parametrize(
    "language,text,category",
    [
        ("fr", "bonjour, je cherche un medecin pour mon fils", "health"),
        ("ar", "مرحبا، بدي شغل بأسرع وقت", "employment"),
        ("uk", "шукаю житло для сімʼї з двома дітьми", "housing"),
        ("fa", "کلاس زبان برای بزرگسالان کجاست؟", "education"),
    ],
)
def test_each_language_gets_services_in_that_language(rasa, directory_api, language, text, category):
    replies = say(rasa, text)
    assert replies[0] == response_text(f"utter_results_{category}", language), replies
    names = service_names(directory_api, category)
    cards = [r for r in replies[1:] if r.split("\n")[0].lstrip("\u200f") in names]
    assert cards, replies
    address_label = response_text("utter_service_card", language).split("\n")[1].split("{")[0].strip()
    assert all(address_label in card for card in cards)


def test_right_to_left_replies_are_marked(rasa):
    replies = say(rasa, "السلام عليكم")
    assert replies == [response_text("utter_greet", "ar")]
    assert replies[0].startswith("\u200f")


def test_user_can_switch_language_explicitly(rasa):
    sender = new_sender()
    say(rasa, "hola, buenas tardes", sender=sender)
    replies = say(rasa, "can you speak arabic please", sender=sender)
    assert replies == [response_text("utter_language_changed", "ar")]
    replies = say(rasa, "ok", sender=sender)
    arabic = {v["text"] for variations in DOMAIN["responses"].values() for v in variations if any(c.get("value") == "ar" for c in v.get("condition") or [])}
    assert replies and all(r in arabic for r in replies), replies


def test_channel_metadata_sets_the_language(rasa):
    replies = say(rasa, "hello", metadata={"language": "uk"})
    assert replies == [response_text("utter_greet", "uk")]


def names_with_term(directory_api: str, term: str, language: str) -> set:
    """Names (as shown in `language`) of the directory's active services tagged with `term` or its children."""
    params = {"taxonomy_term_id": term, "status": "active", "per_page": 100, "lang": language}
    page = requests.get(f"{directory_api}/services", params=params, timeout=10).json()
    assert page["contents"], f"the directory has no {term} service to check against"
    return {s["name"] for s in page["contents"]}


@pytest.mark.parametrize(
    "language,text,need",
    [
        ("en", "I need a doctor", "health-doctor"),
        ("ar", "أحتاج إلى رؤية طبيب", "health-doctor"),
        ("fr", "Je cherche une école pour mon fils", "education-school-enrolment"),
        ("en", "My landlord wants to throw me out, who can advise me?", "housing-tenant-advice"),
        ("uk", "Мені ніде сьогодні ночувати", "housing-shelter"),
        ("es", "busco un dentista que atienda sin cita", "health-dentist"),
        ("fa", "اجازه کار برای پناهنده چطوریه", "employment-work-permit"),
    ],
)
def test_every_listed_service_has_the_asked_sub_need(rasa, directory_api, language, text, need):
    """Not just the category: each card is a service the directory files under the sub-need asked for."""
    replies = say(rasa, text)
    category = need.split("-")[0]
    assert replies[0] == response_text(f"utter_results_{category}", language), replies
    with_need = names_with_term(directory_api, need, language)
    # Between the heading and the follow-up buttons: the cards.
    assert replies[-1] == response_text("utter_refine_choices", language), replies
    cards = replies[1:-1]
    assert cards, replies
    assert [card.split("\n")[0].lstrip("\u200f") for card in cards if card.split("\n")[0].lstrip("\u200f") not in with_need] == []
