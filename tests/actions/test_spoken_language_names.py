"""A language the assistant names on a card is a language it understands as a filter, in every interface
language: a Persian user who reads "تیگرینیا" under a service can ask for "تیگرینیا" back."""
import pytest

from actions import locales
from actions.spoken_language import named_language

INTERFACE_LANGUAGES = sorted(locales.available())
QUESTION = {
    "en": "any that speak {name}?", "es": "¿alguno donde hablen {name}?", "fr": "quelqu'un qui parle {name} ?",
    "ar": "في حدا بيحكي {name}؟", "uk": "є хтось, хто говорить {name}?", "fa": "کسی هست که {name} صحبت کند؟",
}


@pytest.mark.parametrize("interface", INTERFACE_LANGUAGES)
def test_every_language_name_on_a_card_is_understood_as_that_language(interface):
    names = locales.fragments(interface)["languages"]
    assert len(names) >= 10
    misread = {}
    for code, label in names.items():
        for name in [label.split(" (")[0], *[part.strip(" )") for part in label.split(" (")[1:]]]:
            found = named_language(QUESTION[interface].format(name=name), interface)
            if found != code:
                misread[name] = found
    assert not misread, f"{interface}: names on cards read as another language or none: {misread}"


def test_persian_tigrinya_as_written_on_the_card():
    assert named_language("جایی هست که تیگرینیا حرف بزنن؟", "fa") == "ti"
