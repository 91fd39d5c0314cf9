"""End to end through the REST channel: under a list of services, buttons in the conversation's language
("More", "Open now", "In my language", "Near me"); a tap does what the words would do."""

import uuid

import pytest

from bot_client import reply_messages, say
from servers import DOMAIN, response_text
from test_follow_ups import FIRST_QUESTION, card_names, header, names

PAYLOADS = ["/ask_more", "/refine_open_now", "/refine_my_language", "/ask_nearby"]


def turn(rasa, sender: str, text: str, language: str) -> list:
    return say(rasa, text, sender, language=language)


def button_titles(language: str) -> list:
    for variation in DOMAIN["responses"]["utter_refine_choices"]:
        conditions = variation.get("condition") or []
        if (language == "en" and not conditions) or any(c.get("value") == language for c in conditions):
            return [b["title"] for b in variation["buttons"]]
    raise KeyError(language)


@pytest.mark.parametrize("language", sorted(FIRST_QUESTION))
def test_a_list_ends_with_follow_up_buttons_in_the_users_language(rasa, language):
    messages = reply_messages(rasa, FIRST_QUESTION[language], f"buttons-{language}-{uuid.uuid4().hex[:8]}", language=language)
    assert len(card_names([m.get("text", "") for m in messages])) == 3
    last = messages[-1]
    assert last["text"] == response_text("utter_refine_choices", language)
    assert [b["payload"] for b in last["buttons"]] == PAYLOADS
    assert [b["title"] for b in last["buttons"]] == button_titles(language)
    if language != "en":
        assert button_titles(language) != button_titles("en")


def test_tapping_more_continues_the_list(rasa, directory_api):
    sender = f"buttons-more-{uuid.uuid4().hex[:8]}"
    first = card_names(turn(rasa, sender, FIRST_QUESTION["en"], "en"))
    replies = turn(rasa, sender, "/ask_more", "en")
    assert replies[0] == response_text("utter_more_results")
    assert card_names(replies) and not set(card_names(replies)) & set(first)


@pytest.mark.parametrize("language", ["en", "uk"])
def test_tapping_in_my_language_keeps_services_that_speak_the_conversations_language(rasa, directory_api, language):
    sender = f"buttons-lang-{language}-{uuid.uuid4().hex[:8]}"
    turn(rasa, sender, FIRST_QUESTION[language], language)
    replies = turn(rasa, sender, "/refine_my_language", language)
    speaking = names(directory_api, "employment-job-search", language=language)
    assert speaking, "the demo city needs job-search services speaking this language"
    assert replies[0].startswith(header("utter_results_in_language", language)), replies
    assert card_names(replies) and set(card_names(replies)) <= speaking


def test_tapping_open_now_keeps_services_open_now_or_says_none_is(rasa, directory_api):
    sender = f"buttons-open-{uuid.uuid4().hex[:8]}"
    turn(rasa, sender, FIRST_QUESTION["fr"], "fr")
    replies = turn(rasa, sender, "/refine_open_now", "fr")
    open_now = names(directory_api, "employment-job-search", open="now")
    shown = card_names(replies)
    assert shown
    if open_now:  # depends on the clock: the directory itself says which answer is right
        assert replies[0].startswith(header("utter_results_open", "fr")) and set(shown) <= open_now, (replies[0], shown, open_now)
    else:
        assert replies[0].startswith(header("utter_none_open", "fr")) and not set(shown) & open_now


def test_tapping_near_me_says_how_to_share_a_location(rasa):
    sender = f"buttons-near-{uuid.uuid4().hex[:8]}"
    turn(rasa, sender, FIRST_QUESTION["ar"], "ar")
    assert turn(rasa, sender, "/ask_nearby", "ar") == [response_text("utter_how_to_share_location", "ar")]
