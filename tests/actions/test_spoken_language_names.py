"""A language the assistant names on a card is a language it understands as a filter, in every interface
language: a Persian user who reads "تیگرینیا" under a service can ask for "تیگرینیا" back."""

import pytest

from actions import locales
from actions.spoken_language import named_language

INTERFACE_LANGUAGES = sorted(locales.available())
QUESTION = {
    "en": "any that speak {name}?",
    "es": "¿alguno donde hablen {name}?",
    "fr": "quelqu'un qui parle {name} ?",
    "ar": "في حدا بيحكي {name}؟",
    "uk": "є хтось, хто говорить {name}?",
    "fa": "کسی هست که {name} صحبت کند؟",
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


@pytest.mark.parametrize(
    "text, code",
    [
        ("طيب وبالنسبة للتدريب المهني؟", None),  # "للتدريب" holds "دری" (Dari) but is "training"
        ("گفتی کاری نکردی", None),  # "نکردی" (you did not do) holds "کردی" (Kurdish)
        ("بالتركي", "tr"),
        ("بيحكي تغريني", "ti"),
        ("کسی که تیگرینیایی بلد باشد", "ti"),
        ("به زبان دری", "prs"),
        ("في حدا بيحكي الأردية؟", "ur"),
        ("فيه أحد يتكلم الصومالية", "so"),
    ],
)
def test_arabic_script_names_are_whole_words_with_their_prefixes_and_endings(text, code):
    assert named_language(text, "ar") == code


def test_every_language_the_assistant_can_name_is_one_the_directory_filters_by():
    """A code the action server sends as `language=` that the directory refuses would answer with an
    error instead of services (it did for Dari, 'prs')."""
    import importlib.util
    from pathlib import Path

    from actions.spoken_language import _stems

    path = Path(__file__).resolve().parents[2] / "directory" / "hsds" / "api" / "language_names.py"
    spec = importlib.util.spec_from_file_location("directory_language_names", path)
    directory_names = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(directory_names)
    refused = sorted({code for code in _stems().values() if directory_names.code_for(code) != code})
    assert not refused, f"the directory refuses these codes: {refused}"
