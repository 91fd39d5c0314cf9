"""Which features a message asks for (actions/service_features.yml): free of charge and no appointment
needed, in the six languages, as whole words (or a word's start where the language inflects)."""

import pytest

from actions.service_features import named_eligibility, named_features

FREE, WALK_IN = {"free": "true"}, {"walk_in": "true"}


@pytest.mark.parametrize(
    "text, features",
    [
        ("only free ones please", FREE),
        ("any that are free of charge and walk-in?", {**FREE, **WALK_IN}),
        ("¿alguno gratuito?", FREE),
        ("sans rendez-vous, c'est possible ?", WALK_IN),
        ("в якому безкоштовно?", FREE),
        ("في شي بالمجان؟ بدي المجانية", FREE),
        ("رایگانه؟", FREE),
        ("ما بدي احجز، في شي بلا موعد؟", WALK_IN),
        ("можна без попереднього запису?", WALK_IN),
        ("بدون نوبت میشه رفت؟", WALK_IN),
        # Not a feature: a word that only contains one, or an appointment asked for rather than avoided.
        ("freedom of movement for refugees", {}),
        ("I need a dentist", {}),
        ("بدي آخد موعد عند الدكتور", {}),
        ("я хочу записатися на прийом", {}),
        ("je voudrais prendre rendez-vous", {}),
    ],
)
def test_features_named_in_a_message(text, features):
    assert named_features(text) == features


@pytest.mark.parametrize(
    "text, groups",
    [
        ("I need a doctor but I don't have insurance", "uninsured"),
        ("any shelter for women?", "women"),
        ("sin papeles y sin seguro, ¿dónde me atienden?", "any-residence-status,uninsured"),
        ("un psychologue pour les enfants", "children"),
        ("ما عندي اوراق، بدي دكتور", "any-residence-status"),
        ("في مأوى للنساء؟", "women"),
        ("лікар без страховки", "uninsured"),
        ("مدرک ندارم", "any-residence-status"),
        ("دندانپزشک برای بچه‌ها", "children"),
        # Not a group: words that only contain one, papers asked about rather than missing, or who the help is for
        # ("for my son": any doctor sees children; the group is services for children and young people).
        ("which papers do I need to bring", ""),
        ("a doctor for my son", ""),
        ("برای پسرم دندانپزشک می‌خواهم", ""),
        ("médecin pour mon fils", ""),
        ("womenswear shop", ""),
        ("I need a dentist", ""),
        ("childcare centre hours", ""),
    ],
)
def test_who_may_use_the_services_named_in_a_message(text, groups):
    assert named_eligibility(text) == groups


def test_every_group_has_words_in_every_language_and_a_label_in_every_locale():
    import yaml
    from pathlib import Path
    from actions.locales import available
    from actions.service_features import ELIGIBILITY

    words = yaml.safe_load(ELIGIBILITY.read_text(encoding="utf-8"))
    taxonomy = yaml.safe_load((Path(__file__).resolve().parents[2] / "directory" / "hsds" / "taxonomy" / "newcomer_needs.yml").read_text(encoding="utf-8"))
    groups = {t["code"].removeprefix("eligibility-") for tax in taxonomy["taxonomies"] if tax["key"] == "eligibility" for t in tax["terms"]}
    assert set(words) == groups
    for group, by_language in words.items():
        assert set(by_language) == set(available()), group
        assert all(available()[language]["eligibility"][group] for language in available())


def test_a_follow_up_group_joins_the_groups_named_before_it():
    from actions.feature_filters import EligibilityFilter

    refiner = EligibilityFilter()
    assert refiner.combined("uninsured", "women") == "uninsured,women"
    assert refiner.combined("uninsured,women", "women") == "uninsured,women"
    assert refiner.labels("uninsured,women", "fr") == {"eligible": "pour les personnes sans assurance maladie, pour les femmes"}
