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


def test_our_button_payloads_pass_but_nothing_else_with_a_slash():
    assert sanitize("/find_health") == "/find_health"
    assert sanitize(' /find_health ') == "/find_health"
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
