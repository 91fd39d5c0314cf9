"""Real-world cell values with one right meaning become what the models expect (tabular/normalise.py)."""

import importlib.util
import uuid

import pytest

from servers import ROOT

# Pure functions, no Django: loaded by path so that the test needs no settings or database.
_spec = importlib.util.spec_from_file_location("normalise", ROOT / "directory" / "hsds" / "tabular" / "normalise.py")
normalise = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(normalise)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("47.0512345678", "47.051235"),
        ("-122.41941555", "-122.419416"),
        ("8.1", "8.100000"),
        ("47,05", "47.050000"),
        ("north", None),
        ("nan", None),
    ],
)
def test_coordinates_are_rounded_to_six_decimals(raw, expected):
    assert normalise.coordinate(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("(305) 555-0100", [("+13055550100", None)]),
        ("305.555.0100 ext 12", [("+13055550100", 12)]),
        ("305-555-0100 x7", [("+13055550100", 7)]),
        ("(305) 555-0100 / 305 555 0101", [("+13055550100", None), ("+13055550101", None)]),
        ("305-555-0100; 786-555-0102 ext. 3", [("+13055550100", None), ("+17865550102", 3)]),
        ("+44 20 7946 0321", [("+442079460321", None)]),
        ("call us", None),
        ("305-555-0100 or banana", None),
    ],
)
def test_phone_cells_in_national_format_with_extensions_and_several_numbers(raw, expected):
    assert normalise.phone_numbers(raw, "US") == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("English", "en"),
        ("Spanish", "es"),
        ("spanish", "es"),
        ("Español", "es"),
        ("espanol", "es"),
        ("Haitian Creole", "ht"),
        ("Creole", "ht"),
        ("Tigrinya", "ti"),
        ("tigriña", "ti"),
        ("العربية", "ar"),
        ("українська", "uk"),
        ("فارسی", "fa"),
        ("Farsi", "fa"),
        ("Dari", "prs"),
        ("français", "fr"),
        ("ES", "es"),
        ("pt-br", "pt-br"),
        ("Klingonese", None),
    ],
)
def test_language_names_in_english_and_the_six_languages_become_iso_codes(raw, expected):
    assert normalise.language_code(raw) == expected


def test_tigrinya_is_known_in_every_ui_language_that_names_it():
    # The example: a language named in Arabic or Ukrainian script, not only in English.
    from babel import Locale

    for ui in normalise.UI_LANGUAGES:
        name = Locale.parse(ui).languages.get("ti")
        if name:
            assert normalise.language_code(name) == "ti", (ui, name)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("9:00am", "09:00"),
        ("9am", "09:00"),
        ("9 AM", "09:00"),
        ("5.30 p.m.", "17:30"),
        ("12:15 pm", "12:15"),
        ("12:15am", "00:15"),
        ("12 noon", "12:00"),
        ("Noon", "12:00"),
        ("midnight", "00:00"),
        ("0900", "09:00"),
        ("17h30", "17:30"),
        ("17:30:15", "17:30:15"),
        ("13pm", None),
        ("25:00", None),
        ("soon", None),
    ],
)
def test_twelve_hour_and_worded_times(raw, expected):
    assert normalise.time_of_day(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("www.example.org/help", "https://www.example.org/help"),
        ("example.org", "https://example.org"),
        ("http://example.org", "http://example.org"),
        ("mailto:x", "mailto:x"),
        ("", ""),
    ],
)
def test_web_addresses_without_a_scheme(raw, expected):
    assert normalise.url(raw) == expected


def test_numeric_ids_map_to_the_same_uuid_at_every_import_and_per_source():
    first = normalise.stable_id("Miami 211", "service", "1042")
    assert isinstance(first, uuid.UUID)
    assert normalise.stable_id(" miami 211 ", "service", "1042 ") == first
    assert normalise.stable_id("Miami 211", "organization", "1042") != first
    assert normalise.stable_id("Broward 211", "service", "1042") != first
