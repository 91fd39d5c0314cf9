"""The production profile, run for real: PostgreSQL and Redis started by scripts/datastores, the
directory on PostgreSQL, the action server behind its token, two Rasa replicas sharing conversations
(SQL tracker store + Redis lock store) behind nginx rendered by deploy/render_production.py.
"""

import contextlib
import os
import secrets
import subprocess
import time
import uuid

import psycopg2
import pytest
import requests
from production_stack import Datastores, balancer_server, start_services

from bot_client import post_message
from servers import ROOT, VENV_BIN, ServerProcess, response_text

pytestmark = [pytest.mark.servers, pytest.mark.timeout(900)]  # starts its own production stack

RTL_MARK = "\u200f"


@pytest.fixture(scope="module")
def stores():
    stores = Datastores()
    stores.run("start")
    yield stores
    stores.remove()


@pytest.fixture(scope="module")
def action_token() -> str:
    return secrets.token_hex(16)


@pytest.fixture(scope="module")
def stack(stores, action_token):
    stack = start_services(stores, action_token, replicas=2, rasa_env={"REST_RATE_PER_MINUTE": "600", "REST_RATE_BURST": "100"})
    yield stack
    for server in reversed(stack["servers"]):
        server.stop()


@pytest.fixture(scope="module")
def balancer(stack, stores):
    """nginx in front of the two replicas, from the same renderer `make run-prod` uses."""
    nginx = balancer_server(stores.data_dir / "balancer", stack["replicas"])
    nginx.start()
    yield nginx
    nginx.stop()


SPOKEN = {"senders": set(), "texts": set()}  # what the log test looks for


def turn(server: ServerProcess, sender: str, text: str) -> requests.Response:
    """One user message, its sender and text remembered for the log test; anything but a 200 fails."""
    SPOKEN["senders"].add(sender)
    if len(text) >= 10:
        SPOKEN["texts"].add(text)
    reply = post_message(server, text, sender)
    assert reply.status_code == 200, reply.text
    return reply


def say(server: ServerProcess, sender: str, text: str) -> list:
    return [message.get("text", "") for message in turn(server, sender, text).json()]


def test_the_action_server_answers_only_rasa(stack, action_token):
    url = stack["actions"].url + "/webhook"
    body = {"next_action": "action_find_services", "tracker": {"sender_id": "x", "slots": {}, "events": [], "latest_message": {}}, "domain": {}}
    assert requests.post(url, json=body, timeout=10).status_code == 401
    assert requests.post(url, json=body, headers={"Authorization": "Bearer wrong"}, timeout=10).status_code == 401
    assert requests.get(stack["actions"].url + "/health", timeout=10).status_code == 200


def test_turns_alternating_between_replicas_keep_the_conversation(stack, stores):
    first, second = stack["replicas"]
    sender = f"alternating-{uuid.uuid4().hex[:8]}"
    answer = say(first, sender, "أحتاج إلى طبيب")
    assert answer and answer[0].startswith(RTL_MARK)
    # "ok" says nothing about its language: the reply is Arabic only if replica 2 sees replica 1's turn.
    follow_up = say(second, sender, "ok")
    assert follow_up and all(text.startswith(RTL_MARK) for text in follow_up if text)
    events = stores.tracker_events(sender)
    user_turns = [row for row in events if row[0] == "user"]
    assert len(user_turns) == 2
    assert any(row[0] == "slot" and row[2] and '"ar"' in row[2] for row in events)


def test_the_load_balancer_spreads_one_conversation_over_both_replicas(stack, balancer, stores):
    sender = f"balanced-{uuid.uuid4().hex[:8]}"
    answers, served_by = [], []
    for text in ("Necesito un médico", "ok", "gracias", "ok"):
        reply = turn(balancer, sender, text)
        answers.append([message.get("text", "") for message in reply.json()])
        # nginx names the replica that answered (X-Rasa-Replica-Port, from $upstream_addr).
        served_by.append(reply.headers.get("X-Rasa-Replica-Port"))
    assert all(answers)
    assert response_text("utter_thank", "es") in answers[2]
    assert len([row for row in stores.tracker_events(sender) if row[0] == "user"]) == 4
    # Both replicas answered turns of this one conversation, and nothing else did.
    assert set(served_by) == {str(replica.port) for replica in stack["replicas"]}, served_by


def test_a_restarted_replica_loses_nothing(stack):
    first, second = stack["replicas"]
    sender = f"restart-{uuid.uuid4().hex[:8]}"
    assert say(first, sender, "J'ai besoin d'un logement")
    second.stop()
    second.start()
    assert say(second, sender, "merci") == [response_text("utter_thank", "fr")]
    follow_up = say(second, sender, "ok")
    assert follow_up and all(RTL_MARK not in text for text in follow_up)


def real_answer(server: ServerProcess, sender: str, text: str, language: str) -> list:
    """The answer once the outage is over: the pool replaces dead connections within a few turns."""
    apologies = {response_text(name, language) for name in ("utter_something_went_wrong", "utter_directory_unavailable")}
    for _ in range(5):
        answer = say(server, sender, text)
        if answer and not apologies.intersection(answer):
            return answer
        time.sleep(1)
    return answer


@contextlib.contextmanager
def stopped(stores, store: str):
    """PostgreSQL or Redis stopped for the duration, started again whatever happens."""
    stores.run(f"stop-{store}")
    try:
        yield
    finally:
        stores.run("start")


def test_postgres_outage_gets_a_graceful_reply_and_recovers(stack, stores):
    first, _ = stack["replicas"]
    sender = f"outage-{uuid.uuid4().hex[:8]}"
    assert say(first, sender, "hello")
    with stopped(stores, "postgres"):
        started = time.monotonic()
        answer = say(first, sender, "أحتاج إلى طبيب")
        assert time.monotonic() - started < 10
        # The directory shares the database: the user hears, in Arabic, that it cannot be reached now.
        assert answer and answer[0] in {response_text(name, "ar") for name in ("utter_something_went_wrong", "utter_directory_unavailable")}
    answer = real_answer(first, sender, "I need a doctor", "en")
    assert answer[0] == response_text("utter_results_health", "en"), answer


def test_redis_outage_gets_a_graceful_reply_and_recovers(stack, stores):
    _, second = stack["replicas"]
    sender = f"lock-outage-{uuid.uuid4().hex[:8]}"
    with stopped(stores, "redis"):
        answer = say(second, sender, "Necesito un médico")
        assert answer == [response_text("utter_something_went_wrong", "es")]
    answer = real_answer(second, sender, "Necesito un médico", "es")
    assert answer[0] == response_text("utter_results_health", "es"), answer


def test_delete_my_conversation_erases_it_from_postgres(stack, stores):
    first, second = stack["replicas"]
    sender = f"erase-{uuid.uuid4().hex[:8]}"
    assert say(first, sender, "Мені потрібен лікар")
    assert stores.tracker_events(sender)
    assert say(second, sender, "видали мою розмову") == [response_text("utter_conversation_deleted", "uk")]
    assert stores.tracker_events(sender) == []
    # The next message starts afresh: nothing of the Ukrainian conversation is left to carry over.
    assert say(first, sender, "ok")
    assert not any(row[2] and "Мені потрібен" in row[2] for row in stores.tracker_events(sender))


def test_rest_metadata_keeps_only_what_the_widget_uses_and_big_bodies_are_refused(stack, stores):
    first, _ = stack["replicas"]
    sender = f"meta-{uuid.uuid4().hex[:8]}"
    metadata = {"language": "es", "cards": True, "tracking": {"campaign": "x" * 2000}, "name": "Amira"}
    reply = post_message(first, "hola", sender, metadata=metadata)
    assert reply.status_code == 200 and reply.json()
    stored = " ".join(str(row[2]) for row in stores.tracker_events(sender))
    assert '"language": "es"' in stored and '"cards": true' in stored  # what the widget uses is kept
    assert "campaign" not in stored and "Amira" not in stored and "tracking" not in stored
    huge = post_message(first, "hola", sender, metadata={"pad": "x" * 17000})
    assert huge.status_code == 413
    assert "pad" not in " ".join(str(row[2]) for row in stores.tracker_events(sender))


def test_retention_deletes_only_conversations_idle_too_long(stack, stores):
    first, _ = stack["replicas"]
    old, recent = f"old-{uuid.uuid4().hex[:8]}", f"recent-{uuid.uuid4().hex[:8]}"
    assert say(first, old, "I need a job")
    assert say(first, recent, "I need a job")
    with psycopg2.connect(stores.database_url("rasa_tracker")) as connection, connection.cursor() as cursor:
        cursor.execute("UPDATE events SET timestamp = timestamp - 31 * 86400 WHERE sender_id = %s", (old,))
    job = subprocess.run(
        [str(VENV_BIN / "python"), "-m", "bot.retention", "--days", "30", "--endpoints", "endpoints.production.yml"],
        cwd=ROOT,
        env={**os.environ, **stores.env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert job.returncode == 0, job.stderr
    assert stores.tracker_events(old) == []
    assert stores.tracker_events(recent)
    assert "Deleted" in job.stderr and old not in job.stderr


def retention_job(stores, **kwargs):
    command = [str(VENV_BIN / "python"), "-m", "bot.retention", "--days", "30", "--endpoints", "endpoints.production.yml"]
    return subprocess.Popen(command, cwd=ROOT, env={**os.environ, **stores.env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


def test_retention_keeps_what_a_resumed_conversation_says_while_the_job_runs(stack, stores):
    """The job lists the idle conversations, then deletes them: a turn written in between stays."""
    first, _ = stack["replicas"]
    sender = f"resumed-{uuid.uuid4().hex[:8]}"
    assert say(first, sender, "I need a job")
    tracker_db = stores.database_url("rasa_tracker")
    with psycopg2.connect(tracker_db) as connection, connection.cursor() as cursor:
        cursor.execute("UPDATE events SET timestamp = timestamp - 31 * 86400 WHERE sender_id = %s", (sender,))
    # A replica's write, held in a transaction that also holds the job's deletion back (a table lock
    # its DELETE waits for) until the job has listed the conversation as idle.
    replica = psycopg2.connect(tracker_db)
    try:
        with replica.cursor() as cursor:
            cursor.execute("LOCK TABLE events IN SHARE MODE")
            job = retention_job(stores)
            deadline = time.monotonic() + 120
            while not deletion_waiting(tracker_db):
                assert job.poll() is None and time.monotonic() < deadline, job.communicate()
                time.sleep(0.2)
            cursor.execute(
                "INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name, data) "
                "SELECT sender_id, type_name, extract(epoch from now()), intent_name, action_name, data "
                "FROM events WHERE sender_id = %s AND type_name = 'user' ORDER BY id LIMIT 1",
                (sender,),
            )
        replica.commit()
    finally:
        replica.close()
    _, stderr = job.communicate(timeout=120)
    assert job.returncode == 0, stderr
    events = stores.tracker_events(sender)
    assert [row[0] for row in events] == ["user"], "the turn written after the cutoff was deleted with the idle ones"


def deletion_waiting(database_url: str) -> bool:
    with psycopg2.connect(database_url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE 'DELETE FROM events%'")
        return cursor.fetchone()[0] > 0


def test_sms_menus_are_shared_by_the_replicas_through_redis(stores, monkeypatch):
    """A numbered menu sent by one replica is understood by another ("2" → its second option)."""
    import asyncio

    from bot.channels.menus import MenuMemory

    for name in ("REDIS_HOST", "REDIS_PORT", "REDIS_PASSWORD"):
        monkeypatch.setenv(name, stores.env[name])
    number = f"+4420794{uuid.uuid4().int % 100000:05d}"

    async def exchange():
        sender_replica, other_replica = MenuMemory(), MenuMemory()
        await sender_replica.remember(number, ["/find_health", "/find_housing"])
        return await other_replica.recall(number), await MenuMemory().recall("+440000000000")

    shared, unknown = asyncio.run(exchange())
    assert shared == ["/find_health", "/find_housing"]
    assert unknown == []


def test_a_redelivery_reaching_another_replica_is_recognised_through_redis(stores, monkeypatch):
    """Meta or Telegram may redeliver an update to any replica: the first replica's record is shared."""
    import asyncio

    from bot.channels.redelivery import DeliveredUpdates

    for name in ("REDIS_HOST", "REDIS_PORT", "REDIS_PASSWORD"):
        monkeypatch.setenv(name, stores.env[name])
    message_id = f"wamid.{uuid.uuid4().hex}"

    async def deliveries():
        first_replica, other_replica = DeliveredUpdates(), DeliveredUpdates()
        return [await first_replica.first_delivery("whatsapp", message_id), await other_replica.first_delivery("whatsapp", message_id), await other_replica.first_delivery("facebook", message_id)]

    assert asyncio.run(deliveries()) == [True, False, True]


def test_logs_hold_no_message_text_or_sender_ids(stack):
    """Runs last: everything the tests above said, including during the outages, is checked."""
    assert SPOKEN["senders"]
    for server in [stack["directory"], stack["actions"], *stack["replicas"]]:
        log = server.log_path.read_text(errors="replace")
        for sender in SPOKEN["senders"]:
            assert sender not in log, f"{server.name} log names sender {sender}"
        for text in SPOKEN["texts"]:
            assert text not in log, f"{server.name} log holds the message {text!r}"
