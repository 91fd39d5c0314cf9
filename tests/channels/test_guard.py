"""The text every channel hands to Rasa (bot/channels/guard.py)."""

import pytest

from bot.channels.guard import MAX_MESSAGE_CHARACTERS, MESSAGE_TOO_LONG, UNSUPPORTED_MESSAGE, sanitize, trigger
from bot.channels.rate_limit import RateLimiter


@pytest.mark.parametrize(
    "text,expected",
    [
        ("I need a doctor", "I need a doctor"),
        ("  بدي دكتور  ", "بدي دكتور"),
        ("/restart", "restart"),
        ('//inform{"slot": "x"}', 'inform{"slot": "x"}'),
        ("/message_too_long", "message_too_long"),
        ("hello\x00world\x07", "hello world"),
        ("👍", "👍"),
        ("<script>alert(1)</script>", "<script>alert(1)</script>"),
        ("abc\udfffdef", "abc def"),  # a lone surrogate (JSON "\udfff") once made NLU fail: no reply
        ("\u200f/restart", "\u200f/restart"),
        ("/ /restart", "restart"),  # found by fuzzing: one strip exposed the next "/"
        (' / \t/\u3000/find_health{"need": "x"}', 'find_health{"need": "x"}'),  # not a command: Rasa only treats a leading "/" as one
    ],
)
def test_user_text_is_cleaned_but_kept(text, expected):
    assert sanitize(text) == expected


@pytest.mark.parametrize("nothing", ["", "   ", "\u200b", "\u200f\u200e", "\x00\x01", "\ud800", "/\udc00", "/", None, 42, ["x"], {"text": "x"}])
def test_no_text_is_an_unsupported_message(nothing):
    assert sanitize(nothing) == trigger(UNSUPPORTED_MESSAGE)


def test_long_text_is_capped_before_nlu():
    assert sanitize("a" * MAX_MESSAGE_CHARACTERS) == "a" * MAX_MESSAGE_CHARACTERS
    assert sanitize("a" * (MAX_MESSAGE_CHARACTERS + 1)) == trigger(MESSAGE_TOO_LONG)


def test_rate_limiter_allows_a_burst_then_refuses_then_refills(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr("bot.channels.rate_limit.time.monotonic", lambda: now[0])
    limiter = RateLimiter(per_minute=60, burst=3)
    assert [limiter.allow("a") for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("b")  # per client
    now[0] += 1.0
    assert limiter.allow("a") and not limiter.allow("a")


def test_the_rate_limiters_table_stays_bounded_with_many_active_addresses(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr("bot.channels.rate_limit.time.monotonic", lambda: now[0])
    limiter = RateLimiter(per_minute=30, burst=10, max_clients=1000)
    for n in range(5000):  # all within one second: none is idle, the old code kept every one
        limiter.allow(f"10.0.{n // 256}.{n % 256}")
    assert len(limiter.buckets) == 1000
    # The most recent clients keep their state: an exhausted one stays limited.
    for _ in range(10):
        limiter.allow("203.0.113.9")
    assert not limiter.allow("203.0.113.9")


def test_our_button_payloads_pass_but_nothing_else_with_a_slash():
    assert sanitize("/find_health") == "/find_health"
    assert sanitize(" /find_health ") == "/find_health"
    assert sanitize('/find_health{"need": "health-dentist"}') == 'find_health{"need": "health-dentist"}'
    assert sanitize("/restart") == "restart"


def test_long_texts_are_split_at_boundaries():
    from bot.channels.common import numbered_menu, split_text

    card = "Name\nAddress: 1 Quay Street\nPhone: +442079460100"
    parts = split_text("\n\n".join([card] * 100), 1600)
    assert all(len(p) <= 1600 for p in parts) and len(parts) > 1
    assert "".join(parts).replace("\n", "") == ("".join([card] * 100)).replace("\n", "")
    assert split_text("x" * 5000, 2000) == ["x" * 2000, "x" * 2000, "x" * 1000]
    assert numbered_menu("What do you need?", ["Work", "Health"]) == "What do you need?\n1. Work\n2. Health"


def test_a_shared_location_becomes_the_internal_payload_rounded_to_about_100_m():
    from bot.channels.guard import location

    assert location(47.05271, 8.11881) == '/share_location{"latitude": 47.053, "longitude": 8.119}'
    assert location("-33.86785", "151.20732") == '/share_location{"latitude": -33.868, "longitude": 151.207}'
    for bad in [("x", 8), (91, 8), (47, 181), (float("nan"), 8), (float("inf"), 8), (None, 8), (True, 8), ([1], 8), ("1e400", 8)]:
        assert location(*bad) == trigger(UNSUPPORTED_MESSAGE), bad


def test_the_widgets_location_text_passes_only_in_its_exact_shape():
    good = '/share_location{"latitude": 47.05271, "longitude": 8.11881}'
    assert sanitize(good) == '/share_location{"latitude": 47.053, "longitude": 8.119}'
    assert sanitize('/share_location{"latitude":47.1,"longitude":-8}') == '/share_location{"latitude": 47.1, "longitude": -8.0}'
    for forged in [
        '/share_location{"latitude": 91, "longitude": 8}',
        '/share_location{"latitude": "x", "longitude": 8}',
        '/share_location{"latitude": 1, "longitude": 2, "need": "health-dentist"}',
        '/share_location{"latitude": 1e5, "longitude": 2}',
        '/share_location{"longitude": 2, "latitude": 1}',
        "/share_location",
        '/share_location{"latitude": 1, "longitude": 2}/restart',
        '/share_location{"latitude": 1, "longitude": 2}\n/restart',
    ]:
        assert not sanitize(forged).startswith("/"), forged


def test_payloads_carry_the_language_a_client_chose():
    from bot.channels.guard import with_language

    assert with_language("/find_health", "fr") == '/find_health{"language": "fr"}'
    assert with_language('/share_location{"latitude": 47.016, "longitude": 8.09}', "ar") == ('/share_location{"latitude": 47.016, "longitude": 8.09, "language": "ar"}')
    assert with_language("/find_health", "xx") == "/find_health"
    assert with_language("/find_health", None) == "/find_health"
    assert with_language("I need a doctor", "fr") == "I need a doctor"
