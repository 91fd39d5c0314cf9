"""End to end through the REST channel: "anything in PM 1010?" narrows the last search to services with an
address with that postal code (however it is written), and a code of the city's shape where no service is
says so and labels the services elsewhere; a postal code in the first question applies to it."""

import uuid

import pytest

from bot_client import say
from servers import response_text
from test_follow_ups import card_names, names
from test_region_filter import TENANT_ADVICE

TERM = "housing-tenant-advice"
# Phrasings from no training file; the code written in several ways.
IN_PM_1010 = {
    "en": "is one of them at postcode pm 1010",
    "es": "¿alguno está en el código postal PM1010?",
    "fr": "y en a-t-il un au code postal pm-1010 ?",
    "ar": "في واحد منهم بالرمز البريدي PM-1010؟",
    "uk": "чи є котрийсь з індексом PM 1010?",
    "fa": "یکی‌شان در کد پستی PM-1010 هست؟",
}


@pytest.mark.parametrize("language", sorted(IN_PM_1010))
def test_a_postal_code_keeps_only_services_with_an_address_there(rasa, directory_api, language):
    sender = f"postcode-{language}-{uuid.uuid4().hex[:8]}"
    say(rasa, TENANT_ADVICE[language], sender, language=language)
    replies = say(rasa, IN_PM_1010[language], sender, language=language)
    assert replies[0] == response_text("utter_results_postal_code", language).format(postal_code="PM-1010"), replies
    shown = card_names(replies)
    there = names(directory_api, TERM, postal_code="PM-1010")
    assert shown and set(shown) <= there and there < names(directory_api, TERM), (shown, there)


def test_a_code_where_no_service_is_says_so_and_labels_the_others(rasa, directory_api):
    sender = f"postcode-none-{uuid.uuid4().hex[:8]}"
    say(rasa, TENANT_ADVICE["en"], sender, language="en")
    assert not names(directory_api, TERM, postal_code="PM-1099")
    replies = say(rasa, "anything at PM-1099?", sender, language="en")
    assert replies[0] == response_text("utter_none_postal_code").format(postal_code="PM-1099"), replies
    assert card_names(replies) and set(card_names(replies)) <= names(directory_api, TERM)


def test_a_first_question_with_a_postal_code_is_answered_there(rasa, directory_api):
    sender = f"postcode-first-{uuid.uuid4().hex[:8]}"
    replies = say(rasa, "I live at PM 1010 and my landlord wants to evict me, who can help?", sender, language="en")
    shown = card_names(replies)
    assert shown and set(shown) <= names(directory_api, "housing", postal_code="PM-1010"), replies
