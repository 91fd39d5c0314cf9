"""The chat widget's own words (widget/i18n.json): every language has every key, translated."""

import json
import re

import pytest

from contracts.languages import LANGUAGES
from servers import ROOT

I18N = json.loads((ROOT / "widget" / "i18n.json").read_text(encoding="utf-8"))
# Words the widget cannot work without (card labels, controls, error).
REQUIRED = {
    "input_label",
    "send",
    "language_label",
    "delete",
    "address",
    "opening_hours",
    "open_now",
    "closed_now",
    "phone",
    "call",
    "languages_spoken",
    "what_to_bring",
    "appointment_needed",
    "show_on_map",
    "error_unreachable",
    "use_location",
    "my_location",
    "location_denied",
    "location_unavailable",
    "distance_away",
    "verified_on",
}
ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff]")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def test_exactly_the_six_languages():
    assert sorted(I18N) == sorted(LANGUAGES)


def test_english_has_every_required_key():
    assert REQUIRED <= set(I18N["en"]), REQUIRED - set(I18N["en"])


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_key_is_translated(language):
    strings = I18N[language]
    assert set(strings) == set(I18N["en"]), {"missing": set(I18N["en"]) - set(strings), "extra": set(strings) - set(I18N["en"])}
    empty = [key for key, value in strings.items() if not isinstance(value, str) or not value.strip()]
    assert not empty, empty


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_match_english(language):
    for key, english in I18N["en"].items():
        assert sorted(re.findall(r"{\w+}", I18N[language][key])) == sorted(re.findall(r"{\w+}", english)), (language, key)


@pytest.mark.parametrize("language,script", [("ar", ARABIC_SCRIPT), ("fa", ARABIC_SCRIPT), ("uk", CYRILLIC)])
def test_non_latin_languages_are_in_their_script(language, script):
    untranslated = [key for key, value in I18N[language].items() if not script.search(value)]
    assert not untranslated, untranslated


@pytest.mark.parametrize("language", ["es", "fr", "ar", "uk", "fa"])
def test_not_just_copied_from_english(language):
    same = [key for key, value in I18N[language].items() if value == I18N["en"][key]]
    # A few words are the same in some languages ("Conversation" in French).
    assert len(same) <= 2, same


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_reply_about_sharing_a_location_names_the_widgets_own_button(language):
    """ "Near me" says which button to press: it must be the label the widget shows in that language."""
    from servers import response_text

    assert I18N[language]["use_location"] in response_text("utter_how_to_share_location", language)


def test_no_label_needs_an_emoji_font():
    """Debian's Chromium has no emoji font: a pictograph in a label showed as a missing-glyph box."""
    pictographs = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf]")
    assert not [(lang, key) for lang, table in I18N.items() for key, text in table.items() if pictographs.search(text)]
    assert not [p.name for p in (ROOT / "widget").rglob("*.js") if pictographs.search(p.read_text(encoding="utf-8"))]
