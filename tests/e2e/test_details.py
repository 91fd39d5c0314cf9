"""End to end through the REST channel: "tell me more about the second one" (or its name) answers with
everything the directory says about that service of the last reply, in the conversation's language."""

import uuid

import pytest
import requests

from bot_client import say
from servers import response_text
from test_follow_ups import FIRST_QUESTION, card_names

# Phrasings from no training file, pointing at the second card.
SECOND = {
    "en": "could you say more about the second of those",
    "es": "¿me dices algo más sobre el segundo de esos?",
    "fr": "tu peux m'en dire plus sur le deuxième de ceux-là ?",
    "ar": "ممكن تحكيلي شوي عن التاني منهم؟",
    "uk": "можеш розповісти більше про другий із них?",
    "fa": "میشه درباره دومی‌شون بیشتر توضیح بدی؟",
}


def service_named(directory_api: str, name: str) -> dict:
    page = requests.get(f"{directory_api}/services", params={"search": name, "full": "true", "per_page": 20}, timeout=10).json()
    return next(s for s in page["contents"] if s["name"] == name)


def assert_details_of(reply: list, service: dict) -> None:
    text = "\n".join(reply)
    assert service["name"] in text and service["phones"][0]["number"] in text, text
    assert service["description"][:40] in text and service["url"] in text and "openstreetmap.org" in text, text


@pytest.mark.parametrize("language", sorted(SECOND))
def test_details_of_the_second_card(rasa, directory_api, language):
    sender = f"details-{language}-{uuid.uuid4().hex[:8]}"
    cards = card_names(say(rasa, FIRST_QUESTION[language], sender, language=language))
    reply = say(rasa, SECOND[language], sender, language=language)
    assert len(reply) == 1 and reply[0].lstrip("\u200f").startswith(cards[1]), reply
    assert_details_of(reply, service_named(directory_api, cards[1]))


def test_a_position_beyond_the_list_asks_which(rasa):
    sender = f"details-range-{uuid.uuid4().hex[:8]}"
    say(rasa, "I'm looking for a job", sender, language="en")
    assert say(rasa, "tell me more about number 7", sender, language="en") == [response_text("utter_which_service")]


def test_details_before_any_list_asks_what_is_needed(rasa):
    assert say(rasa, "tell me more about the second one", f"details-first-{uuid.uuid4().hex[:8]}", language="en") == [response_text("utter_more_without_search")]
