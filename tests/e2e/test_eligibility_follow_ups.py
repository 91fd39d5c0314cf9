"""End to end through the REST channel: who may use the services ("without insurance", "for women", "no
papers"), as a follow-up in six languages or in the first question; the groups named one after the other
must all hold, and when none fits the answer says so and shows the same search without that condition."""

import uuid

import pytest

from actions.locales import fragments
from bot_client import say
from servers import response_text
from test_follow_ups import card_names, names

DOCTOR = "health-doctor"  # in the demo city some doctors take people without insurance, none is for women

# Phrasings from no training file.
A_DOCTOR = {
    "en": "where do I find a GP",
    "es": "necesito ver a un médico de cabecera",
    "fr": "je dois consulter un médecin généraliste",
    "ar": "بدي شوف طبيب عام",
    "uk": "мені треба до сімейного лікаря",
    "fa": "باید پیش پزشک عمومی بروم",
}
UNINSURED = {
    "en": "I'm not insured, which of those would see me",
    "es": "no tengo seguro, ¿cuál de esos me atiende?",
    "fr": "je suis sans assurance, lequel me recevrait ?",
    "ar": "ما عندي تأمين صحي، مين منهم بيستقبلني؟",
    "uk": "у мене немає страховки, хто з них мене прийме?",
    "fa": "بیمه ندارم، کدامشان مرا می‌پذیرد؟",
}
FOR_WOMEN = {
    "en": "and only for women?",
    "es": "¿y solo para mujeres?",
    "fr": "et réservés aux femmes ?",
    "ar": "وخاص بالنساء؟",
    "uk": "а тільки для жінок?",
    "fa": "و فقط مخصوص زنان؟",
}


def test_the_demo_city_has_doctors_for_people_without_insurance_and_none_for_women(directory_api):
    assert names(directory_api, DOCTOR, eligibility="uninsured") < names(directory_api, DOCTOR)
    assert names(directory_api, DOCTOR, eligibility="uninsured") and not names(directory_api, DOCTOR, eligibility="women")


@pytest.mark.parametrize("language", sorted(A_DOCTOR))
def test_a_group_narrows_the_list_and_a_second_group_must_hold_too(rasa, directory_api, language):
    sender = f"eligible-{language}-{uuid.uuid4().hex[:8]}"
    say(rasa, A_DOCTOR[language], sender, language=language)
    replies = say(rasa, UNINSURED[language], sender, language=language)
    label = {"eligible": response_text_fragment(language, "uninsured")}
    assert replies[0] == response_text("utter_results_eligibility", language).format(**label), replies
    shown = card_names(replies)
    assert shown and set(shown) <= names(directory_api, DOCTOR, eligibility="uninsured")
    # "And for women?": both must hold; none does, so the answer says so and lists doctors without the condition.
    replies = say(rasa, FOR_WOMEN[language], sender, language=language)
    both = {"eligible": response_text_fragment(language, "uninsured", "women")}
    assert replies[0] == response_text("utter_none_eligibility", language).format(**both), replies
    alternatives = card_names(replies)
    assert alternatives and set(alternatives) <= names(directory_api, DOCTOR)


def test_a_first_question_naming_a_group_is_answered_with_services_for_it(rasa, directory_api):
    sender = f"eligible-first-{uuid.uuid4().hex[:8]}"
    replies = say(rasa, "I have no papers and I am sick, where can a doctor see me?", sender, language="en")
    shown = card_names(replies)
    assert shown and set(shown) <= names(directory_api, "health", eligibility="any-residence-status"), replies
    replies = say(rasa, "ما عندي اوراق وبدي مأوى الليلة", f"{sender}-ar", language="ar")
    shown = card_names(replies)
    assert shown and set(shown) <= names(directory_api, "housing-shelter", eligibility="any-residence-status"), replies


def response_text_fragment(language: str, *groups: str) -> str:
    """How the answer names the groups: the locale's labels, joined as the action joins them."""
    words = fragments(language)
    return words["list_separator"].join(words["eligibility"][group] for group in sorted(groups))
