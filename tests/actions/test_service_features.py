"""Which features a message asks for (actions/service_features.yml): free of charge and no appointment
needed, in the six languages, as whole words (or a word's start where the language inflects)."""
import pytest

from actions.service_features import named_features

FREE, WALK_IN = {"free": "true"}, {"walk_in": "true"}


@pytest.mark.parametrize("text, features", [
    ("only free ones please", FREE), ("any that are free of charge and walk-in?", {**FREE, **WALK_IN}),
    ("¿alguno gratuito?", FREE), ("sans rendez-vous, c'est possible ?", WALK_IN), ("в якому безкоштовно?", FREE),
    ("في شي بالمجان؟ بدي المجانية", FREE), ("رایگانه؟", FREE), ("ما بدي احجز، في شي بلا موعد؟", WALK_IN),
    ("можна без попереднього запису?", WALK_IN), ("بدون نوبت میشه رفت؟", WALK_IN),
    # Not a feature: a word that only contains one, or an appointment asked for rather than avoided.
    ("freedom of movement for refugees", {}), ("I need a dentist", {}), ("بدي آخد موعد عند الدكتور", {}),
    ("я хочу записатися на прийом", {}), ("je voudrais prendre rendez-vous", {}),
])
def test_features_named_in_a_message(text, features):
    assert named_features(text) == features
