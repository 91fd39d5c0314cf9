"""End to end through the REST channel: "only the free ones" and "can I go without an appointment?" narrow
the last search to services free of charge / taking people without an appointment (the directory's
`free` and `walk_in`), carry over to the next follow-up, and combine with the other conditions."""

import uuid

import pytest

from bot_client import say
from servers import response_text
from test_follow_ups import card_names, names
from test_region_filter import TENANT_ADVICE

TERM = "housing-tenant-advice"  # in the demo city some of these are free, some by appointment only

# Phrasings from no training file.
FREE = {
    "en": "are there ones that won't charge me",
    "es": "¿hay alguno que sea gratis del todo?",
    "fr": "y en a-t-il de gratuits parmi eux ?",
    "ar": "في منهم شي مجاني؟",
    "uk": "а є серед них безкоштовні?",
    "fa": "بینشون رایگان هم هست؟",
}
WALK_IN = {
    "en": "which of them could I visit without an appointment",
    "es": "¿a cuál de ellos puedo ir sin cita?",
    "fr": "dans lequel puis-je aller sans rendez-vous ?",
    "ar": "اي واحد فيني روح عليه بدون موعد؟",
    "uk": "до котрого з них можна прийти без запису?",
    "fa": "پیش کدومشون می‌شه بدون وقت قبلی رفت؟",
}


def test_the_demo_city_has_services_with_and_without_each_feature(directory_api):
    for feature in ("free", "walk_in"):
        some = names(directory_api, TERM, **{feature: "true"})
        assert some and some < names(directory_api, TERM), feature


@pytest.mark.parametrize("language", sorted(FREE))
def test_free_keeps_only_services_free_of_charge(rasa, directory_api, language):
    sender = f"free-{language}-{uuid.uuid4().hex[:8]}"
    say(rasa, TENANT_ADVICE[language], sender, language=language)
    replies = say(rasa, FREE[language], sender, language=language)
    assert replies[0] == response_text("utter_results_free", language), replies
    shown = card_names(replies)
    assert shown and set(shown) <= names(directory_api, TERM, free="true")


@pytest.mark.parametrize("language", sorted(WALK_IN))
def test_walk_in_keeps_only_services_without_appointment_and_the_free_condition_carries_over(rasa, directory_api, language):
    sender = f"walk-in-{language}-{uuid.uuid4().hex[:8]}"
    say(rasa, TENANT_ADVICE[language], sender, language=language)
    say(rasa, FREE[language], sender, language=language)
    replies = say(rasa, WALK_IN[language], sender, language=language)
    both = names(directory_api, TERM, free="true", walk_in="true")
    shown = card_names(replies)
    if both:
        assert replies[0] == response_text("utter_results_walk_in", language) and shown and set(shown) <= both, replies
    else:  # nothing is both: says so, and keeps the free condition for the alternatives
        assert replies[0] == response_text("utter_none_walk_in", language) and set(shown) <= names(directory_api, TERM, free="true")


def test_a_first_question_may_ask_for_free_services(rasa, directory_api):
    sender = f"free-first-{uuid.uuid4().hex[:8]}"
    replies = say(rasa, "my landlord is evicting me, I need free advice", sender, language="en")
    free_advice = names(directory_api, TERM, free="true")
    assert free_advice and card_names(replies) and set(card_names(replies)) <= free_advice
    # A new question is a new search: answered as one, not as the free list of another category.
    later = say(rasa, "where can I get help with my rent", sender, language="en")
    assert later[0] == response_text("utter_results_housing") and card_names(later)
