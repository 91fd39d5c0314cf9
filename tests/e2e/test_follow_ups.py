"""End to end through the REST channel: "more" continues the last search without repeating a service."""

import uuid

import pytest
import requests

from bot_client import say
from servers import response_text

RTL_MARK = "\u200f"
FIRST_QUESTION = {
    "en": "I'm looking for a job",
    "es": "busco trabajo",
    "fr": "je cherche du travail",
    "ar": "أبحث عن عمل",
    "uk": "шукаю роботу",
    "fa": "دنبال کار می‌گردم",
}
# Phrasings from no training file.
MORE = {
    "en": "have you got any others",
    "es": "enséñame otros sitios más",
    "fr": "tu en as d'autres à me montrer",
    "ar": "هل عندك أماكن غيرها",
    "uk": "а є ще якісь інші",
    "fa": "جای دیگه‌ای هم داری",
}


def header(name: str, language: str) -> str:
    """A response's text up to its first placeholder."""
    return response_text(name, language).split("{")[0]


def card_names(replies: list) -> list:
    """The service names of the cards in a reply (a card's first line), without the right-to-left mark."""
    return [text.split("\n")[0].lstrip(RTL_MARK) for text in replies if "\n" in text]


def names(directory_api: str, term: str, **conditions) -> set:
    """The names of the active services the directory itself lists for a search with these conditions."""
    params = {"taxonomy_term_id": term, "status": "active", "per_page": 100, **conditions}
    return {s["name"] for s in requests.get(f"{directory_api}/services", params=params, timeout=10).json()["contents"]}


def services_of(directory_api: str, term: str = "employment") -> set:
    page = requests.get(f"{directory_api}/services", params={"taxonomy_term_id": term, "status": "active", "per_page": 100}, timeout=10).json()
    assert page["total_items"] > 6, f"the demo city needs more than two pages of {term} services"
    return {service["name"] for service in page["contents"]}


def test_more_walks_the_whole_list_once_and_says_when_it_showed_the_last(rasa, directory_api):
    sender = f"more-{uuid.uuid4().hex[:8]}"
    seen = card_names(say(rasa, FIRST_QUESTION["en"], sender, language="en"))
    assert len(seen) == 3
    for _ in range(20):
        replies = say(rasa, "show me more", sender, language="en")
        assert replies[0] == response_text("utter_more_results"), replies
        names = card_names(replies)
        assert names and not set(names) & set(seen), f"repeated: {set(names) & set(seen)}"
        seen += names
        # The reply with the last cards says so itself: nobody has to ask once more to find out.
        if replies[-1] == response_text("utter_no_more_results"):
            break
    else:
        pytest.fail("'more' never said it had reached the end of the list")
    # Every service of the list the search chose (the job-search sub-need's, which it names), each once.
    assert sorted(seen) == sorted(services_of(directory_api, "employment-job-search"))
    # Asked again at the end, still no repeats.
    assert say(rasa, "more", sender, language="en") == [response_text("utter_no_more_results")]


@pytest.mark.parametrize("language", sorted(FIRST_QUESTION))
def test_more_in_every_language_shows_new_services_of_the_same_search(rasa, directory_api, language):
    sender = f"more-{language}-{uuid.uuid4().hex[:8]}"
    first = card_names(say(rasa, FIRST_QUESTION[language], sender, language=language))
    replies = say(rasa, MORE[language], sender, language=language)
    assert replies[0] == response_text("utter_more_results", language), replies
    second = card_names(replies)
    assert len(second) == 3 and not set(second) & set(first)
    assert response_text("utter_no_more_results", language) not in replies, "the employment list has more than two pages"
    assert set(second) <= services_of(directory_api)


def test_more_before_any_search_asks_what_is_needed(rasa):
    sender = f"more-first-{uuid.uuid4().hex[:8]}"
    assert say(rasa, "show me more", sender, language="en") == [response_text("utter_more_without_search")]
