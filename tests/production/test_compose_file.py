"""docker-compose.yml and the Dockerfile run the local production profile's processes, ports and variables
(tests/production/deployment_sources.py reads both sides; parsing only, no Docker needed)."""

import re
from urllib.parse import urlsplit

from deployment_sources import (
    COMPOSE_FILE,
    INTERPOLATION,
    MIGRATE,
    RENDER,
    RETENTION,
    ROOT,
    command_line,
    dockerfile_lines,
    dockerfile_user,
    environment,
    interpolated,
    is_secret,
    local_datastores,
    local_model,
    local_ports,
    local_processes,
    local_replicas,
    local_retention_hours,
    missing,
    published_container_ports,
    rasa_variables,
    required_secrets,
    retention_needs,
    run_production_defaults,
    uses_our_image,
)


def test_compose_runs_the_local_profiles_processes_datastores_and_jobs(services):
    expected = set(local_processes()) | local_datastores() | {MIGRATE}
    assert set(services) == expected, f"docker-compose.yml services differ from the local profile: missing {sorted(expected - set(services))}, " f"extra {sorted(set(services) - expected)}"


def test_compose_rasa_replicas_are_the_local_ones_on_the_same_ports(services):
    replicas = local_replicas()
    compose_replicas = {name for name in services if re.fullmatch(r"rasa\d+", name)}
    assert compose_replicas == set(replicas) and len(compose_replicas) >= 2
    for name, port in replicas.items():
        command = command_line(services[name])
        assert "rasa run" in command and f"--port {port}" in command, f"{name} should run `rasa run --port {port}`: {command}"
        assert "--credentials credentials.yml" in command and "RASA_ENDPOINTS" in command
        assert "--enable-api" not in command, f"{name}: Rasa's HTTP API must stay off"
        assert environment(services[name])["RASA_ENDPOINTS"] == run_production_defaults()["RASA_ENDPOINTS"]
        assert environment(services[name])["RASA_MODEL"] == local_model()
        assert str(port) in map(str, services[name].get("expose", [])), f"{name} should expose {port}"


def test_compose_ports_are_the_local_ones(services):
    ports = local_ports()
    assert f"--bind 0.0.0.0:{ports['directory']}" in command_line(services["directory"])
    assert ports["directory"] in published_container_ports(services["directory"])
    assert f"--port {ports['actions']}" in command_line(services["actions"])
    assert str(ports["actions"]) in map(str, services["actions"].get("expose", []))
    assert published_container_ports(services["actions"]) == set(), "the action server must not be published"
    assert ports["balancer"] in published_container_ports(services["balancer"])
    for name in local_replicas():
        assert not services[name].get("ports"), f"{name} must be reached through the balancer only"


def test_compose_balancer_config_is_rendered_from_the_local_template(services):
    conf_path = ROOT / "deploy" / "nginx" / "nginx.conf"
    conf = conf_path.read_text(encoding="utf-8")
    assert conf == RENDER.compose_conf(), "deploy/nginx/nginx.conf is out of date: run python deploy/nginx/render.py"
    assert any("deploy/nginx/nginx.conf" in str(volume) for volume in services["balancer"].get("volumes", []))
    upstream = set(re.findall(r"server (\S+) max_fails", conf))
    assert upstream == {f"{name}:{port}" for name, port in local_replicas().items()}, upstream
    assert re.search(rf"listen 0\.0\.0\.0:{local_ports()['balancer']};", conf)
    assert "access_log off;" in conf


def test_compose_gives_rasa_every_variable_of_endpoints_and_credentials(services):
    needed = rasa_variables()
    problems = [missing(needed, environment(services[name]), f"docker-compose.yml service {name}") for name in local_replicas()]
    assert not any(problems), "\n".join(filter(None, problems))


def test_compose_retention_runs_like_the_local_process_with_the_tracker_store_settings(services):
    retention = services[RETENTION]
    problem = missing(retention_needs(), environment(retention), "docker-compose.yml service retention")
    assert not problem, problem
    command = command_line(retention)
    assert "-m bot.retention" in command and f"--every-hours {local_retention_hours()}" in command, command
    assert environment(retention)["RASA_ENDPOINTS"] == run_production_defaults()["RASA_ENDPOINTS"]


def test_compose_action_server_token_reaches_rasa_and_the_action_server(services):
    actions_env = environment(services["actions"])
    assert interpolated(actions_env.get("ACTION_SERVER_TOKEN", "")) == ["ACTION_SERVER_TOKEN"], "the actions service should take ACTION_SERVER_TOKEN from ${ACTION_SERVER_TOKEN}"
    for name in local_replicas():
        env = environment(services[name])
        assert env.get("ACTION_SERVER_TOKEN") == actions_env["ACTION_SERVER_TOKEN"], f"{name} and actions must share ACTION_SERVER_TOKEN"
        url = urlsplit(env["ACTION_SERVER_URL"])
        assert (url.hostname, url.port, url.path) == ("actions", local_ports()["actions"], "/webhook"), env["ACTION_SERVER_URL"]
    # Bound to every interface of its container (the local default, loopback, would shut Rasa out).
    assert actions_env.get("SANIC_HOST") == "0.0.0.0"


def test_compose_datastore_settings_match_the_datastores_and_the_local_defaults(compose, services):
    defaults = run_production_defaults()
    postgres, redis = environment(services["postgres"]), environment(services["redis"])
    for name in [*local_replicas(), RETENTION]:
        env = environment(services[name])
        assert env["POSTGRES_HOST"] == "postgres" and env["REDIS_HOST"] == "redis"
        assert env["POSTGRES_PORT"] == defaults["POSTGRES_PORT"] and env["REDIS_PORT"] == defaults["REDIS_PORT"]
        assert env["POSTGRES_USER"] == postgres["POSTGRES_USER"] and env["POSTGRES_PASSWORD"] == postgres["POSTGRES_PASSWORD"]
        assert interpolated(env["POSTGRES_TRACKER_DB"]) == ["POSTGRES_TRACKER_DB"]
        assert interpolated(env["REDIS_PASSWORD"]) == interpolated(redis["REDIS_PASSWORD"]) == ["REDIS_PASSWORD"]
    # The directory's database: the image creates POSTGRES_DB, the init script the tracker's one.
    assert interpolated(postgres["POSTGRES_DB"]) == ["POSTGRES_DIRECTORY_DB"]
    init = compose["configs"]["postgres-tracker-db"]["content"]
    assert "CREATE DATABASE" in init and interpolated(init) == ["POSTGRES_TRACKER_DB", "POSTGRES_USER"]
    for name in ("directory", "migrate"):
        url = environment(services[name])["DATABASE_URL"]
        assert interpolated(url) == ["POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DIRECTORY_DB"], url
        assert f"@postgres:{defaults['POSTGRES_PORT']}/" in url
    # One default per variable across the file, and the local profile's where it has one.
    text = COMPOSE_FILE.read_text(encoding="utf-8")
    seen = {}
    for match in INTERPOLATION.finditer(text):
        variable, operator, default = match.groups()
        if operator == ":-":
            assert seen.setdefault(variable, default) == default, f"{variable} has two defaults in docker-compose.yml"
            if variable in defaults and not variable.endswith("_HOST"):
                assert default == defaults[variable], f"{variable}: compose default {default!r}, scripts/run-production {defaults[variable]!r}"


def test_compose_has_no_literal_secrets(services):
    required = required_secrets()
    problems = []
    for service_name, service in services.items():
        for name, value in environment(service).items():
            if not is_secret(name):
                continue
            rest = INTERPOLATION.sub("", value)
            allowed = {"postgres://:@postgres:5432/"} if name == "DATABASE_URL" else {""}
            if rest not in allowed or not interpolated(value):
                problems.append(f"{service_name}.{name} holds a literal value")
            if name == "DATABASE_URL":
                continue
            if interpolated(value) != [name]:
                problems.append(f"{service_name}.{name} should come from ${{{name}}}")
            elif name in required and ":?" not in value:
                problems.append(f"{service_name}.{name} is required: use ${{{name}:?...}}")
    assert not problems, "\n".join(problems)
    assert ".env" in (ROOT / ".gitignore").read_text().split(), ".env (compose secrets) must stay out of git"


def test_compose_serving_services_have_healthchecks(services):
    serving = {"directory", "actions", "balancer", *local_replicas(), *local_datastores()}
    for name in serving:
        assert (services[name].get("healthcheck") or {}).get("test"), f"{name} has no healthcheck"
    assert str(services[MIGRATE].get("restart")) == "no", "migrate is a one-shot job"
    assert services["directory"]["depends_on"][MIGRATE]["condition"] == "service_completed_successfully"
    for name in local_replicas():
        assert {store: "service_healthy" for store in local_datastores()}.items() <= {key: value["condition"] for key, value in services[name]["depends_on"].items()}.items()


def test_compose_services_do_not_run_as_root(services):
    for name, service in services.items():
        user = str(service.get("user", "")).split(":")[0]
        if uses_our_image(service):
            assert user in {"", *dockerfile_user()}, f"{name} overrides the image's user with {user!r}"
        else:
            assert user and user not in {"root", "0"}, f"{name} runs its image as root: set `user:`"


def test_compose_only_rasa_shares_a_network_with_the_action_server(compose, services):
    def networks(service):
        value = service.get("networks") or ["default"]
        return set(value) if isinstance(value, (list, dict)) else {value}

    for network in networks(services["actions"]):
        members = {name for name, service in services.items() if network in networks(service)}
        # The directory is there for its API, which the action server calls.
        assert members <= {"actions", "directory", *local_replicas()}, f"network {network} also joins {sorted(members)}"
        assert compose["networks"][network].get("internal") is True, f"network {network} should be internal"
    assert all(networks(services["actions"]) & networks(services[name]) for name in local_replicas())


def test_dockerfile_builds_from_the_lock_as_a_non_root_user_without_secrets():
    lines = dockerfile_lines()
    bases = [line.split()[1] for line in lines if line.upper().startswith("FROM ")]
    assert len(bases) == 1 and re.fullmatch(r"python:3\.10-slim(-\w+)?", bases[0]), bases
    assert any(re.search(r"pip install .*-r \S*requirements\.lock", line) for line in lines), "install from requirements.lock"
    assert any(re.match(r"COPY .*requirements\.lock", line) for line in lines)
    assert any(re.match(r"COPY models/? ", line) for line in lines), "the image should carry the trained model"
    assert dockerfile_user() and dockerfile_user().pop().isdigit(), "use a numeric uid (Kubernetes checks runAsNonRoot on it)"
    secrets = set(rasa_variables()) | required_secrets()
    for line in lines:
        if line.upper().startswith(("ENV ", "ARG ")):
            names = set(re.findall(r"\b([A-Z][A-Z0-9_]+)\s*=", line)) | set(line.split()[1:2])
            baked = {name for name in names if name in secrets and is_secret(name)}
            assert not baked, f"the Dockerfile bakes in {sorted(baked)}"
    ignore = (ROOT / ".dockerignore").read_text().split()
    for private in (".env", ".venv", "var", ".git"):
        assert f"!{private}" not in ignore
    assert "**" in ignore or {".env", ".venv", "var", ".git"} <= set(ignore), ".dockerignore must keep .env, .venv, var and .git out"


def project_packages_imported() -> dict:
    """Top-level packages of this repository (contracts, actions, ...) that the processes' code imports
    -> a file importing it. The directory imports `contracts` too, from its own working directory."""
    packages = {path.parent.name for path in ROOT.glob("*/__init__.py")}
    imported = {}
    for folder in ("actions", "bot", "directory"):
        for path in (ROOT / folder).rglob("*.py"):
            for name in re.findall(r"^\s*(?:from|import) (\w+)", path.read_text(encoding="utf-8"), re.M):
                if name in packages:
                    imported.setdefault(name, str(path.relative_to(ROOT)))
    return imported


def test_the_image_carries_every_project_package_the_processes_import():
    imported = project_packages_imported()
    assert "contracts" in imported, "no process imports the shared contracts package"
    lines = dockerfile_lines()
    copied = {line.split()[1].rstrip("/") for line in lines if line.upper().startswith("COPY ") and "--from" not in line}
    ignore = (ROOT / ".dockerignore").read_text().split()
    problems = [f"the Dockerfile does not COPY {name}/ (imported by {where})" for name, where in imported.items() if name not in copied]
    problems += [f".dockerignore keeps {name}/ out of the build context (imported by {where})" for name, where in imported.items() if "**" in ignore and f"!{name}" not in ignore]
    assert not problems, "\n".join(problems)
