"""End to end through the REST channel: a first question may name conditions itself ("a dentist who
speaks Spanish", "a GP in Southfield"): the list meets them, the next follow-up keeps them, and when
nothing does the answer says which and labels the alternatives. A language in a question about
courses is what to learn, not a condition."""

import uuid

import pytest

from bot_client import say
from servers import response_text
from test_follow_ups import card_names, names

DENTIST_SPANISH = {
    "en": "I need a dentist who speaks Spanish",
    "es": "necesito un dentista que hable español",
    "fr": "il me faut un dentiste qui parle espagnol",
    "ar": "بدي دكتور اسنان بيحكي اسباني",
    "uk": "потрібен стоматолог, який говорить іспанською",
    "fa": "دندانپزشکی میخوام که اسپانیایی حرف بزنه",
}


@pytest.mark.parametrize("language", sorted(DENTIST_SPANISH))
def test_a_language_in_the_question_is_a_condition(rasa, directory_api, language):
    replies = say(rasa, DENTIST_SPANISH[language], f"first-{language}-{uuid.uuid4().hex[:8]}", language=language)
    assert replies[0] == response_text("utter_results_health", language), replies
    shown, fitting = card_names(replies), names(directory_api, "health-dentist", language="es")
    assert shown and set(shown) <= fitting and names(directory_api, "health-dentist") - fitting


def test_a_neighbourhood_in_the_question_is_a_condition_kept_by_the_next_follow_up(rasa, directory_api):
    sender = f"first-region-{uuid.uuid4().hex[:8]}"
    replies = say(rasa, "is there a clinic in Southfield where I can see a doctor", sender, language="en")
    assert card_names(replies) and set(card_names(replies)) <= names(directory_api, "health-doctor", region="Southfield")
    follow = say(rasa, "which of those is open on saturday", sender, language="en")
    assert set(card_names(follow)) <= names(directory_api, "health-doctor", region="Southfield", open="sa")


def test_when_nothing_meets_the_question_the_answer_says_which_and_labels_the_others(rasa, directory_api):
    assert not names(directory_api, "health-dentist", language="ti"), "the demo city changed: pick another language"
    replies = say(rasa, "I need a dentist who speaks Tigrinya", f"first-none-{uuid.uuid4().hex[:8]}", language="en")
    assert replies[0] == response_text("utter_none_in_language").format(spoken_language="Tigrinya"), replies
    assert card_names(replies) and set(card_names(replies)) <= names(directory_api, "health-dentist")


def test_a_language_to_learn_is_not_a_condition(rasa, directory_api):
    replies = say(rasa, "where can I learn German", f"first-learn-{uuid.uuid4().hex[:8]}", language="en")
    assert replies[0] == response_text("utter_results_education"), replies
    assert len(card_names(replies)) == 3 and len(names(directory_api, "education-language-courses", language="de")) < 3
