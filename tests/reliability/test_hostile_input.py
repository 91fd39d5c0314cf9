"""Hostile input through the real REST channel (the web widget's), fuzzed with hypothesis.

Whatever a client sends: no 5xx, no crash, a non-empty reply to every well-formed message,
over-long messages answered with the localized "too long" message before NLU sees them, and no
intent injected by a user. FUZZ_EXAMPLES sets the number of messages (2,000 in `make test`,
10,000 in `make bench`); they go out in batches of FUZZ_CONCURRENCY concurrent conversations.
"""

import json
import os
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from bot.channels.guard import MAX_MESSAGE_CHARACTERS
from bot_client import REST_WEBHOOK, rest_url
from servers import DOMAIN, response_text

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "2000"))
FUZZ_CONCURRENCY = int(os.environ.get("FUZZ_CONCURRENCY", "8"))

HOSTILE = [
    "",
    " ",
    "\t\n\r ",
    "\u200b",
    "\u200f",
    "\u200e",
    "\u202e",
    "\u2066abc\u2069",
    "\ufeff",
    "\x00",
    "\x07\x1b[31m",
    "😀",
    "🏠🏥💼",
    "👍🏽👍🏽👍🏽",
    "🇺🇦",
    "\u0000\u0001\u0002",
    "/restart",
    "/restart{}",
    "/session_start",
    "/greet",
    "/message_too_long",
    "/unsupported_message",
    '/inform{"language": "ar"}',
    '/find_housing{"need": "housing-shelter"}',
    '/find_health{"need": "../../etc/passwd"}',
    "//find_health",
    " /restart",
    "\u200f/restart",
    "/ restart",
    '/change_language{"language":"fa"}',
    "/ /message_too_long",
    " / /\t/message_too_long",
    "/\u3000/message_too_long",
    "/\x00/message_too_long",  # found by fuzzing
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<b>job</b>",
    "{{7*7}}",
    "${jndi:ldap://x}",
    "' OR '1'='1'; DROP TABLE hsds_service;--",
    "1; SELECT * FROM auth_user",
    '" OR ""="',
    "../../../etc/passwd",
    "..\\..\\windows\\win.ini",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "file:///etc/passwd",
    "I need a doctor مرحبا шукаю житло کار",
    "Necesito un médico, please, بدي شغل",
    "ḑ̷̛o̵c̶t̸o̷r̵",
    "\ud800",
    "abc\udfffdef",
    "job" * 400,
    "a" * (MAX_MESSAGE_CHARACTERS + 1),
]

# Pieces a hostile message is built from: any text, hostile fragments, marks, emoji, scripts.
_emoji = st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF)
_marks = st.sampled_from(["\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2069", "\u200b", "\u200d"])
_controls = st.characters(min_codepoint=0, max_codepoint=0x1F)
_scripts = st.characters(whitelist_categories=("Lu", "Ll", "Lo", "Mn", "Nd", "Po"), max_codepoint=0x10FFFF)
_surrogates = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF, blacklist_categories=())
_fragment = st.one_of(
    st.text(max_size=30),
    st.sampled_from(HOSTILE),
    st.text(_emoji, min_size=1, max_size=8),
    st.text(_marks, min_size=1, max_size=4),
    st.text(_controls, min_size=1, max_size=6),
    st.text(_scripts, max_size=30),
    st.text(_surrogates, min_size=1, max_size=2),
)
_prefix = st.sampled_from(["", "", "", "/", "/restart ", '/inform{"x": 1} ', " /", "\u200f/", "/ /", " / \t/", "/ /message_too_long"])
short_messages = st.builds(lambda p, parts: p + "".join(parts), _prefix, st.lists(_fragment, max_size=4))
long_messages = st.builds(
    lambda unit, n: (unit * (n // max(1, len(unit)) + 1))[:n],
    st.sampled_from(["a", "ayuda ", "مرحبا ", "😀", "<script>", "\u200f", "x\u0000"]),
    st.integers(MAX_MESSAGE_CHARACTERS + 1, 100_000),
)
messages = st.one_of(short_messages, short_messages, short_messages, long_messages, st.sampled_from(HOSTILE))

ALL_TEXTS = {v["text"] for variations in DOMAIN["responses"].values() for v in variations}


def post(rasa_url: str, message, sender: str = None, session: requests.Session = requests) -> requests.Response:
    body = json.dumps({"sender": sender or f"fuzz-{uuid.uuid4()}", "message": message})  # ASCII: lone surrogates travel as \ud800
    return session.post(rasa_url + REST_WEBHOOK, data=body, headers={"Content-Type": "application/json"}, timeout=60)


MAX_BODY_BYTES = 16 * 1024  # bot/channels/rest.py


def check_turn(rasa_url: str, message: str) -> None:
    response = post(rasa_url, message)
    if len(response.request.body) > MAX_BODY_BYTES:
        assert response.status_code == 413 and response.json()["error"] == "too_large", (message[:80], response.status_code)
        return
    assert response.status_code == 200, (message[:200], response.status_code, response.text[:300])
    replies = response.json()
    assert replies and all(isinstance(r.get("text"), str) and r["text"].strip() for r in replies), (message[:200], replies)
    stripped = message.strip()
    if len(stripped) > MAX_MESSAGE_CHARACTERS:
        # Capped before NLU; a new conversation speaks English until the user shows otherwise.
        assert [r["text"] for r in replies] == [response_text("utter_message_too_long")], (message[:80], replies)
    elif len(message) < 200 and [r["text"] for r in replies] == [response_text("utter_message_too_long")]:
        pytest.fail(f"a short message was answered as too long (an injected internal intent?): {message!r}")


@pytest.mark.timeout(900)
def test_fuzzed_messages_always_get_a_reply_and_never_a_server_error(fault_rasa, healthy):
    batches = max(1, FUZZ_EXAMPLES // FUZZ_CONCURRENCY)
    sent = []

    @settings(max_examples=batches, deadline=None, database=None, derandomize=True, phases=[Phase.explicit, Phase.generate, Phase.shrink], suppress_health_check=list(HealthCheck), print_blob=True)
    @given(st.lists(messages, min_size=FUZZ_CONCURRENCY, max_size=FUZZ_CONCURRENCY))
    def fuzz(batch):
        with ThreadPoolExecutor(FUZZ_CONCURRENCY) as pool:
            for future in [pool.submit(check_turn, fault_rasa.url, message) for message in batch]:
                future.result()
        sent.extend(batch)

    fuzz()
    assert len(sent) >= batches * FUZZ_CONCURRENCY
    assert sum(len(m.strip()) > MAX_MESSAGE_CHARACTERS for m in sent) > FUZZ_EXAMPLES // 20  # the generator did send huge ones
    assert sum(MAX_MESSAGE_CHARACTERS < len(m.strip()) and len(json.dumps(m)) < MAX_BODY_BYTES - 200 for m in sent) > 0  # and long ones under 16 KB


@pytest.mark.parametrize("message", HOSTILE, ids=range(len(HOSTILE)))
def test_each_known_hostile_message_is_answered(fault_rasa, message):
    check_turn(fault_rasa.url, message)


NOT_JSON, NOT_TEXT, GREETING, NOT_AN_OBJECT = "not json", "utter_unsupported_message", "utter_greet", "not an object"


@pytest.mark.parametrize(
    "body,expected",
    [
        (b'{"sender": "x", "message": "\xff\xfe\xfd"}', NOT_JSON),  # invalid UTF-8 inside a JSON string
        (b'{"sender": "x", "message": "caf\xc3"}', NOT_JSON),  # truncated UTF-8 sequence
        (b'{"sender": "\xc0\xaf", "message": "hi"}', NOT_JSON),  # overlong encoding of '/'
        (b'\xef\xbb\xbf{"sender": "x", "message": "hi"}', NOT_JSON),  # byte order mark
        (b'{"sender": "x", "message": "hi"', NOT_JSON),  # truncated JSON
        (b'{"sender": "x", "message": {"text": "/restart"}}', NOT_TEXT),  # not a string: answered, never run
        (b'{"sender": "x", "message": ["a", "b"]}', NOT_TEXT),
        (b'{"sender": "x", "message": null}', NOT_TEXT),
        (b'{"sender": "x", "message": 12345}', NOT_TEXT),
        (b"[1, 2, 3]", NOT_AN_OBJECT),
        (b"null", NOT_AN_OBJECT),
        (b"", NOT_AN_OBJECT),
        (b'{"sender": "x", "message": "hi", "input_channel": "telegram", "metadata": "not a dict"}', GREETING),
        (b'{"sender": "x", "message": "hi", "metadata": {"language": "xx"}}', GREETING),
        (b'{"sender": "x", "message": "hi", "metadata": {"language": ["ar"]}}', GREETING),
    ],
)
def test_malformed_bodies_and_invalid_utf8_get_their_exact_answer(fault_rasa, body, expected):
    response = requests.post(rest_url(fault_rasa), data=body, headers={"Content-Type": "application/json"}, timeout=30)
    if expected == NOT_JSON:  # Sanic refuses it before any of our code: a 400, no stack trace
        assert response.status_code == 400 and "Failed when parsing body as json" in response.text, (body, response.text[:300])
    elif expected == NOT_AN_OBJECT:
        assert response.status_code == 400 and response.json()["error"] == "bad_request", (body, response.text[:300])
    else:  # answered in English (a new conversation), the odd parts ignored
        assert response.status_code == 200, (body, response.text[:300])
        assert [r.get("text") for r in response.json()] == [response_text(expected)], (body, response.text[:300])


@pytest.mark.parametrize(
    "language,greeting",
    [
        ("en", "hello there"),
        ("es", "hola, buenas tardes"),
        ("fr", "bonjour, comment ça va"),
        ("ar", "السلام عليكم"),
        ("uk", "Привіт!"),
        ("fa", "سلام، خوبی؟"),
    ],
)
def test_huge_messages_and_injection_keep_the_conversation_and_its_language(fault_rasa, language, greeting):
    """5,000 characters get the localized 'too long' answer, 100,000 a 413; '/restart' and '/inform{...}' from
    a user neither restart the conversation nor change its language."""
    sender = f"fuzz-{uuid.uuid4()}"

    def texts(message):
        response = post(fault_rasa.url, message, sender)
        assert response.status_code == 200
        return [r.get("text") for r in response.json()]

    assert texts(greeting) == [response_text("utter_greet", language)]
    assert texts("x" * 5_000) == [response_text("utter_message_too_long", language)]
    assert texts("😀" * 1200) == [response_text("utter_message_too_long", language)]
    # A body over 16 KB is refused before it is read as a turn; the conversation goes on as before.
    assert post(fault_rasa.url, "x" * 100_000, sender).status_code == 413
    language_texts = {
        v["text"]
        for variations in DOMAIN["responses"].values()
        for v in variations
        if (language == "en" and not v.get("condition")) or any(c.get("value") == language for c in v.get("condition") or [])
    }
    for injection in ("/restart", '/inform{"language": "ar"}', "/session_start", "/restart{}"):
        # Understood (or not) as the words they are, answered in the conversation's language.
        replies = texts(injection)
        assert replies and replies[0] in language_texts, (injection, replies)
    replies = texts("ok")
    assert replies and all(r in language_texts for r in replies), replies
