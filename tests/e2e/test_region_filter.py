"""End to end through the REST channel: "anything in Eastgate?" narrows the last search to services with
an address in that neighbourhood (the directory's own names, in any letter case), keeps the other
conditions, and when none is there says so and labels the services elsewhere."""

import uuid

import pytest

from bot_client import say
from servers import response_text
from test_follow_ups import card_names, names

TENANT_ADVICE = {
    "en": "my landlord wants to throw me out, who can advise me?",
    "es": "mi casero me quiere echar, ¿quién me puede asesorar?",
    "fr": "mon propriétaire veut me mettre dehors, qui peut me conseiller ?",
    "ar": "صاحب البيت بدو يطلعني، مين بيقدر ينصحني؟",
    "uk": "хазяїн хоче мене виселити, хто може порадити?",
    "fa": "صاحبخونه میخواد بیرونم کنه، کی میتونه راهنماییم کنه؟",
}
# Phrasings from no training file, naming Eastgate (lower case in some).
EASTGATE = {
    "en": "do any of these happen to be in eastgate",
    "es": "¿alguno de estos queda por eastgate?",
    "fr": "est-ce qu'un de ceux-là est vers Eastgate ?",
    "ar": "في منهم شي موجود بمنطقة Eastgate؟",
    "uk": "а котрісь із них є в Eastgate?",
    "fa": "هیچکدوم توی eastgate نیست؟",
}


@pytest.mark.parametrize("language", sorted(EASTGATE))
def test_a_region_filter_keeps_only_services_there(rasa, directory_api, language):
    sender = f"region-{language}-{uuid.uuid4().hex[:8]}"
    say(rasa, TENANT_ADVICE[language], sender, language=language)
    replies = say(rasa, EASTGATE[language], sender, language=language)
    assert replies[0] == response_text("utter_results_in_region", language).format(region="Eastgate"), replies
    shown = card_names(replies)
    there = names(directory_api, "housing", region="Eastgate")
    assert shown and set(shown) <= there, (shown, there)


def test_the_region_carries_over_to_the_next_condition(rasa, directory_api):
    sender = f"region-carry-{uuid.uuid4().hex[:8]}"
    say(rasa, TENANT_ADVICE["en"], sender, language="en")
    say(rasa, "something around Eastgate?", sender, language="en")
    replies = say(rasa, "and which of those opens on a Saturday", sender, language="en")
    both = names(directory_api, "housing-tenant-advice", region="Eastgate", open="sa")
    assert replies[0] == response_text("utter_results_open").format(when="open on Saturday"), replies
    assert card_names(replies) and set(card_names(replies)) <= both


def test_when_none_is_there_the_answer_says_so_and_labels_the_others(rasa, directory_api):
    sender = f"region-none-{uuid.uuid4().hex[:8]}"
    say(rasa, "my tooth hurts, I need a dentist", sender, language="en")
    assert not names(directory_api, "health-dentist", region="Eastgate"), "the demo city changed: pick another region"
    replies = say(rasa, "anything in Eastgate?", sender, language="en")
    assert replies[0] == response_text("utter_none_in_region").format(region="Eastgate"), replies
    assert card_names(replies) and set(card_names(replies)) <= names(directory_api, "health-dentist")
