"""The local production profile (`make run-prod`) is what the deployment-file checks read, and it
restarts, balances and trusts proxies as the users' wait needs."""

import re
from pathlib import Path

import pytest

from deployment_sources import (
    RENDER,
    ROOT,
    local_datastores,
    local_ports,
    local_processes,
    local_replicas,
    rasa_variables,
    required_secrets,
)


def test_the_local_profile_is_what_these_checks_expect():
    processes = local_processes()
    assert {"directory", "actions", "balancer"} <= set(processes), processes
    assert len(local_replicas()) >= 2, "the local profile runs fewer than two Rasa replicas"
    assert local_datastores() == {"postgres", "redis"}
    # The balancer listens where the Makefile says Rasa is.
    with RENDER.default_settings():
        assert f":{local_ports()['balancer']};" in RENDER.local_profile().nginx_conf([5011], Path("/tmp"))
    assert rasa_variables(), "no ${...} found in endpoints.production.yml / credentials.yml"
    assert required_secrets() >= {"POSTGRES_PASSWORD", "REDIS_PASSWORD", "ACTION_SERVER_TOKEN"}


def test_the_local_profile_restarts_each_process_that_exits_and_stops_all_together():
    """supervisord, not honcho (which stops every process when one exits: one crash was a full outage)."""
    import configparser

    with RENDER.default_settings():
        profile = RENDER.local_profile()
        text = profile.supervisord_conf(local_processes(), Path("/prod"))
    conf = configparser.RawConfigParser()
    conf.read_string(text)
    programs = {section.split(":", 1)[1]: conf[section] for section in conf.sections() if section.startswith("program:")}
    assert set(programs) == set(local_processes())
    for name, program in programs.items():
        assert program["autorestart"] == "true", f"{name} is not restarted when it exits"
        assert int(program["startretries"]) >= 100, f"{name} gives up after {program['startretries']} failed starts"
        assert program["stopasgroup"] == program["killasgroup"] == "true", f"{name}: its children would outlive it"
        assert program["command"].startswith("/bin/sh -c 'exec "), f"{name}: the shell must become the process"
    assert conf["supervisord"]["nodaemon"] == "true", "Ctrl-C on make run-prod must reach supervisord"
    run_production = (ROOT / "scripts" / "run-production").read_text()
    assert "exec .venv/bin/supervisord" in run_production and "honcho" not in run_production


def test_the_balancer_passes_over_a_dead_or_hung_replica_within_the_users_wait():
    with RENDER.default_settings():
        conf = RENDER.local_profile().nginx_conf([5011, 5012], Path("/tmp"))
    webhooks = conf.split("location / {", 1)[1].split("}", 1)[0]
    seconds = lambda pattern, text: int(re.search(pattern + r" (\d+)s;", text).group(1))  # noqa: E731
    # A refused or silent replica costs at most connect/read timeout, then the other one answers: < 4 s.
    assert seconds("proxy_connect_timeout", conf) <= 1
    assert seconds("proxy_read_timeout", webhooks) <= 3
    assert re.search(r"proxy_next_upstream error timeout( \w+)* non_idempotent;", webhooks), "webhook POSTs are not retried"
    assert all(int(fails) == 1 for fails in re.findall(r"max_fails=(\d+)", conf))
    # Socket.IO is off (credentials.yml): the balancer has no route for it.
    assert "socket.io" not in conf and "ip_hash" not in conf


def test_trusted_proxies_are_checked_before_they_reach_nginx_conf():
    with RENDER.default_settings(TRUSTED_PROXIES="10.0.0.0/8; include /etc/passwd"):
        with pytest.raises(SystemExit, match="TRUSTED_PROXIES"):
            RENDER.local_profile().nginx_conf([5011], Path("/tmp"))
    with RENDER.default_settings():
        assert "set_real_ip_from" not in RENDER.local_profile().nginx_conf([5011], Path("/tmp"))  # nobody trusted by default
    # In Kubernetes the ingress controller's pods (private addresses) name the client.
    assert all(f"set_real_ip_from {network};" in RENDER.k8s_conf() for network in RENDER.K8S_TRUSTED_PROXIES.split(","))
