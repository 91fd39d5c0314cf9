"""End to end through the REST channel: "which ones are open on Saturday?" narrows the last search to
services open then; the condition carries over to the next follow-up, a new question drops it, and when
nothing is open then the answer says so and labels the alternatives."""

import uuid

import pytest

from bot_client import say
from servers import response_text
from test_follow_ups import card_names, header, names

DOCTOR = {
    "en": "my husband needs to see a doctor",
    "es": "mi marido necesita ver a un médico",
    "fr": "mon mari doit voir un médecin",
    "ar": "زوجي بدو يشوف دكتور",
    "uk": "чоловікові треба до лікаря",
    "fa": "شوهرم باید دکتر ببینه",
}
# Phrasings from no training file, naming Saturday.
SATURDAY = {
    "en": "can I go to one of them on a saturday",
    "es": "¿puedo ir a alguno un sábado?",
    "fr": "je peux aller dans l'un d'eux un samedi ?",
    "ar": "بقدر روح على واحد منهم يوم سبت؟",
    "uk": "чи можна до когось із них піти в суботу?",
    "fa": "میشه شنبه به یکی از اینا برم؟",
}


@pytest.mark.parametrize("language", sorted(SATURDAY))
def test_an_opening_filter_keeps_only_services_open_then(rasa, directory_api, language):
    sender = f"open-{language}-{uuid.uuid4().hex[:8]}"
    say(rasa, DOCTOR[language], sender, language=language)
    replies = say(rasa, SATURDAY[language], sender, language=language)
    assert replies[0].startswith(header("utter_results_open", language)), replies
    shown = card_names(replies)
    open_saturday = names(directory_api, "health-doctor", open="sa")
    assert shown and set(shown) <= open_saturday, (shown, open_saturday)
    assert names(directory_api, "health-doctor") - open_saturday, "the demo city changed: every doctor opens on Saturday"


def test_conditions_carry_over_and_a_new_question_drops_them(rasa, directory_api):
    sender = f"open-carry-{uuid.uuid4().hex[:8]}"
    say(rasa, "I'm looking for a job", sender, language="en")
    say(rasa, "do any of them speak arabic?", sender, language="en")
    replies = say(rasa, "and which of those open on saturday", sender, language="en")
    assert replies[0] == response_text("utter_results_open").format(when="open on Saturday"), replies
    both = names(directory_api, "employment-job-search", open="sa", language="ar")
    assert card_names(replies) and set(card_names(replies)) <= both
    # A new question is a new search: three doctors, not only the one open on Saturday.
    doctors = say(rasa, "I need a doctor", sender, language="en")
    assert len(card_names(doctors)) == 3 and len(names(directory_api, "health-doctor", open="sa")) < 3


def test_when_none_is_open_then_the_answer_says_so_and_labels_the_others(rasa, directory_api):
    sender = f"open-none-{uuid.uuid4().hex[:8]}"
    say(rasa, "my tooth hurts, I need a dentist", sender, language="en")
    assert not names(directory_api, "health-dentist", open="su"), "the demo city changed: pick another day"
    replies = say(rasa, "any open on sunday?", sender, language="en")
    assert replies[0] == response_text("utter_none_open").format(when="open on Sunday"), replies
    others = card_names(replies)
    assert others and set(others) <= names(directory_api, "health-dentist")


def test_an_opening_filter_without_a_time_asks_when(rasa):
    sender = f"open-when-{uuid.uuid4().hex[:8]}"
    say(rasa, "I need a doctor", sender, language="en")
    assert say(rasa, "which ones are open", sender, language="en") == [response_text("utter_which_time")]
