"""End to end through the REST channel: "any that speak Russian?" narrows the last search to services
where that language is spoken; naming a language is not a request to change the conversation's language."""

import uuid

import pytest

from bot_client import say
from servers import response_text
from test_follow_ups import FIRST_QUESTION, card_names, header, names

# Phrasings from no training file, naming Russian (spoken at some job-search services of the demo city).
RUSSIAN = {
    "en": "are there ones where somebody speaks russian",
    "es": "¿hay alguno donde alguien hable ruso?",
    "fr": "y en a-t-il où quelqu'un parle russe",
    "ar": "هل يوجد واحد فيه أحد يتكلم الروسية",
    "uk": "а є такі, де хтось говорить російською",
    "fa": "جایی هست که کسی روسی صحبت کند",
}


def names_speaking(directory_api: str, term: str, language: str) -> set:
    return names(directory_api, term, language=language)


@pytest.mark.parametrize("language", sorted(RUSSIAN))
def test_a_language_filter_keeps_only_services_where_it_is_spoken(rasa, directory_api, language):
    sender = f"lang-{language}-{uuid.uuid4().hex[:8]}"
    say(rasa, FIRST_QUESTION[language], sender, language=language)
    replies = say(rasa, RUSSIAN[language], sender, language=language)
    assert replies[0].startswith(header("utter_results_in_language", language)), replies
    shown = card_names(replies)
    # Employment services where Russian is spoken (the job-search sub-need's when the question named it).
    speaking = names_speaking(directory_api, "employment", "ru")
    assert shown and set(shown) <= speaking, (shown, speaking)


def test_naming_a_language_does_not_switch_the_conversation_and_the_filter_carries_over(rasa, directory_api):
    sender = f"lang-keep-{uuid.uuid4().hex[:8]}"
    say(rasa, "I'm looking for a job", sender, language="en")
    replies = say(rasa, "do any of them speak arabic?", sender, language="en")
    assert replies[0] == response_text("utter_results_in_language").format(spoken_language="Arabic"), replies
    speaking = names_speaking(directory_api, "employment-job-search", "ar")
    seen = card_names(replies)
    assert len(seen) == 3 and set(seen) <= speaking
    # "More" continues the filtered list, still in English.
    more = say(rasa, "show me more", sender, language="en")
    assert more[0] == response_text("utter_more_results")
    assert set(card_names(more)) <= speaking and not set(card_names(more)) & set(seen)


def test_when_nobody_speaks_it_the_answer_says_so_and_labels_the_others(rasa, directory_api):
    sender = f"lang-none-{uuid.uuid4().hex[:8]}"
    say(rasa, "I'm looking for a job", sender, language="en")
    assert not names_speaking(directory_api, "employment-job-search", "ti"), "the demo city changed: pick another language"
    replies = say(rasa, "any that speak Tigrinya?", sender, language="en")
    assert replies[0] == response_text("utter_none_in_language").format(spoken_language="Tigrinya"), replies
    others = card_names(replies)
    assert others and set(others) <= names_speaking(directory_api, "employment-job-search", "en"), "the same search without the condition"


def test_a_language_filter_before_any_search_asks_what_is_needed(rasa):
    sender = f"lang-first-{uuid.uuid4().hex[:8]}"
    assert say(rasa, "any that speak tigrinya?", sender, language="en") == [response_text("utter_more_without_search")]
