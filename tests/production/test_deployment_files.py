"""The deployment files for a real cluster (docker-compose.yml, Dockerfile, deploy/k8s/) agree with the
local production profile (`make run-prod`): the same services, ports and variables.

The local profile is read from its own sources, not restated here: the processes that
deploy/render_production.py writes into supervisord.conf, the datastores from scripts/datastores, the ports from the Makefile
and the renderer, the defaults and required secrets from scripts/run-production, and the variables Rasa
needs from the `${...}` in endpoints.production.yml and credentials.yml. Parsing only: no Docker needed.
"""
import importlib.util
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
K8S_DIR = ROOT / "deploy" / "k8s"
SECRET_TEMPLATE = K8S_DIR / "secret.template.yaml"
CONFIG_MAP = "newcomer-config"
SECRET = "newcomer-secrets"
IMAGE = "newcomer-assistant"
# A variable whose value is a secret: never written in a deployment file.
SECRET_NAME = re.compile(r"PASSWORD|TOKEN|SECRET|_KEY$|^DATABASE_URL$")
NOT_SECRETS = {"DIRECTORY_REQUIRE_SECRET_KEY"}  # a switch ("1"), not a secret
# Compose interpolation: ${NAME}, ${NAME:-default}, ${NAME:?error} ($$ escapes a dollar).
INTERPOLATION = re.compile(r"(?<!\$)\$\{(\w+)(?:(:?[-?])([^}]*))?\}")
# The one-shot job that scripts/run-production runs before the processes (migrations, taxonomy).
MIGRATE = "migrate"
# The local profile's `retention` process (a loop) is a CronJob in Kubernetes.
RETENTION = "retention"
RETENTION_CRONJOB = "conversation-retention"


def is_secret(name: str) -> bool:
    return bool(SECRET_NAME.search(name)) and name not in NOT_SECRETS


# --- The local profile -----------------------------------------------------------------------------


def _import(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


RENDER = _import(ROOT / "deploy" / "nginx" / "render.py", "deploy_nginx_render")


def local_processes() -> dict:
    """name -> command line of the processes `make run-prod` runs, with the renderer's defaults."""
    with RENDER.default_settings():
        profile = RENDER.local_profile()
        return profile.processes(profile.replica_ports(), Path("/prod/nginx/nginx.conf"))


def local_replicas() -> dict:
    """rasa1 -> 5011, rasa2 -> 5012, ...: the replica processes and their ports."""
    replicas = {}
    for name, command in local_processes().items():
        if re.fullmatch(r"rasa\d+", name):
            replicas[name] = int(re.search(r"--port (\d+)", command).group(1))
    return replicas


def local_datastores() -> set:
    """The stores scripts/datastores starts (start_postgres, start_redis)."""
    return set(re.findall(r"^start_(\w+)\(\)", (ROOT / "scripts" / "datastores").read_text(), re.M))


def makefile_defaults() -> dict:
    return dict(re.findall(r"^export (\w+) \?= (.*)$", (ROOT / "Makefile").read_text(), re.M))


def local_model() -> str:
    """The trained model the Makefile's RASA_MODEL points at (MODEL := models/newcomer.tar.gz)."""
    return re.search(r"^MODEL := (\S+)$", (ROOT / "Makefile").read_text(), re.M).group(1)


def run_production_defaults() -> dict:
    """NAME=${NAME:-default} in scripts/run-production."""
    text = (ROOT / "scripts" / "run-production").read_text()
    return {name: default for name, same, default in re.findall(r"(\w+)=\$\{(\w+):-([^}]*)\}", text) if name == same}


def required_secrets() -> set:
    """The secrets scripts/run-production generates when they are not set: every deployment needs them."""
    match = re.search(r"for name in ([A-Z_ ]+); do", (ROOT / "scripts" / "run-production").read_text())
    assert match, "scripts/run-production no longer lists the secrets it generates ('for name in ...; do')"
    return set(match.group(1).split())


def file_variables(name: str) -> set:
    return set(re.findall(r"\$\{(\w+)\}", (ROOT / name).read_text(encoding="utf-8")))


def rasa_variables() -> dict:
    """Every variable Rasa expands at start -> the file that needs it (Rasa refuses unset ones)."""
    needed = {}
    for name in ("credentials.yml", "endpoints.production.yml"):
        for variable in file_variables(name):
            needed[variable] = name
    return needed


def local_ports() -> dict:
    make = makefile_defaults()
    return {"directory": int(make["DIRECTORY_PORT"]), "actions": int(make["ACTION_PORT"]), "balancer": int(make["RASA_PORT"])}


def missing(needed, present, where: str) -> str:
    absent = sorted(set(needed) - set(present))
    if not absent:
        return ""
    if isinstance(needed, dict):
        return f"{where} lacks " + ", ".join(f"{name} (used by {needed[name]})" for name in absent)
    return f"{where} lacks " + ", ".join(absent)


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


# --- docker-compose.yml ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def environment(service: dict) -> dict:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
    return {name: "" if value is None else str(value) for name, value in env.items()}


def command_line(service: dict, key: str = "command") -> str:
    command = service.get(key) or ""
    return " ".join(command) if isinstance(command, list) else str(command)


def interpolated(value: str) -> list:
    return [match.group(1) for match in INTERPOLATION.finditer(value)]


def uses_our_image(service: dict) -> bool:
    return "build" in service or IMAGE in str(service.get("image", ""))


def test_compose_runs_the_local_profiles_processes_datastores_and_jobs(services):
    expected = set(local_processes()) | local_datastores() | {MIGRATE}
    assert set(services) == expected, (
        f"docker-compose.yml services differ from the local profile: missing {sorted(expected - set(services))}, "
        f"extra {sorted(set(services) - expected)}"
    )


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


def published_container_ports(service: dict) -> set:
    return {int(str(mapping).rsplit(":", 1)[-1].split("/")[0]) for mapping in service.get("ports", [])}


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


def retention_needs() -> dict:
    """bot.retention reads endpoints.production.yml (Rasa expands all of it) and RETENTION_DAYS."""
    needed = {name: "endpoints.production.yml" for name in file_variables("endpoints.production.yml")}
    needed.update(RETENTION_DAYS="bot.retention", RASA_ENDPOINTS="bot.retention")
    return needed


def local_retention_hours() -> str:
    command = local_processes()[RETENTION]
    assert "-m bot.retention" in command, command
    return re.search(r"--every-hours (\S+)", command).group(1)


def test_compose_retention_runs_like_the_local_process_with_the_tracker_store_settings(services):
    retention = services[RETENTION]
    problem = missing(retention_needs(), environment(retention), "docker-compose.yml service retention")
    assert not problem, problem
    command = command_line(retention)
    assert "-m bot.retention" in command and f"--every-hours {local_retention_hours()}" in command, command
    assert environment(retention)["RASA_ENDPOINTS"] == run_production_defaults()["RASA_ENDPOINTS"]


def test_compose_action_server_token_reaches_rasa_and_the_action_server(services):
    actions_env = environment(services["actions"])
    assert interpolated(actions_env.get("ACTION_SERVER_TOKEN", "")) == ["ACTION_SERVER_TOKEN"], (
        "the actions service should take ACTION_SERVER_TOKEN from ${ACTION_SERVER_TOKEN}"
    )
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
        assert {store: "service_healthy" for store in local_datastores()}.items() <= {
            key: value["condition"] for key, value in services[name]["depends_on"].items()
        }.items()


def test_compose_and_k8s_restart_a_process_that_exits(services, manifests):
    for name, service in services.items():
        if name != MIGRATE:
            assert service.get("restart") in {"always", "unless-stopped"}, f"compose {name} is not restarted when it exits"
    for name, deployment in of_kind(manifests, "Deployment").items():
        assert pod_spec(deployment).get("restartPolicy", "Always") == "Always"
        assert container(deployment).get("livenessProbe"), f"Kubernetes does not restart a hung {name}"


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


# --- Dockerfile ------------------------------------------------------------------------------------


def dockerfile_lines() -> list:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def dockerfile_user() -> set:
    users = [line.split(None, 1)[1] for line in dockerfile_lines() if line.upper().startswith("USER ")]
    assert users, "the Dockerfile sets no USER: the image would run as root"
    user = users[-1].split(":")[0]
    assert user not in {"root", "0"}, f"the Dockerfile's last USER is {user}"
    return {user}


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


# --- Kubernetes ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def manifests() -> list:
    documents = []
    for path in sorted(K8S_DIR.glob("*.yaml")):
        if path.name in {"kustomization.yaml", SECRET_TEMPLATE.name}:
            continue
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if document:
                document["__file__"] = path.name
                documents.append(document)
    return documents


def of_kind(manifests, kind: str) -> dict:
    return {document["metadata"]["name"]: document for document in manifests if document["kind"] == kind}


@pytest.fixture(scope="module")
def config_map(manifests) -> dict:
    return of_kind(manifests, "ConfigMap")[CONFIG_MAP]["data"]


@pytest.fixture(scope="module")
def secret_template() -> dict:
    document = yaml.safe_load(SECRET_TEMPLATE.read_text(encoding="utf-8"))
    assert document["kind"] == "Secret" and document["metadata"]["name"] == SECRET
    return document.get("stringData") or document.get("data") or {}


def pod_spec(workload: dict) -> dict:
    if workload["kind"] == "CronJob":
        return workload["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return workload["spec"]["template"]["spec"]


def pod_labels(workload: dict) -> dict:
    spec = workload["spec"]["jobTemplate"]["spec"] if workload["kind"] == "CronJob" else workload["spec"]
    return spec["template"]["metadata"]["labels"]


def workloads(manifests) -> dict:
    found = {}
    for kind in ("Deployment", "Job", "CronJob"):
        found.update(of_kind(manifests, kind))
    return found


def container(workload: dict) -> dict:
    containers = pod_spec(workload)["containers"]
    assert len(containers) == 1, f"{workload['metadata']['name']}: one container expected"
    return containers[0]


def container_env(workload: dict, config: dict) -> dict:
    """name -> ("config", key) / ("secret", key) / ("value", text), as the container sees it."""
    env = {}
    item = container(workload)
    for source in item.get("envFrom", []):
        if "configMapRef" in source:
            assert source["configMapRef"]["name"] == CONFIG_MAP
            env.update({name: ("config", name) for name in config})
        else:
            raise AssertionError(f"{workload['metadata']['name']}: take secrets one by one (secretKeyRef), not envFrom")
    for entry in item.get("env", []):
        if "valueFrom" in entry:
            ref = entry["valueFrom"]["secretKeyRef"]
            assert ref["name"] == SECRET, entry
            env[entry["name"]] = ("secret", ref["key"])
        else:
            references = re.findall(r"\$\((\w+)\)", str(entry.get("value", "")))
            undefined = [name for name in references if name not in env]
            assert not undefined, f"{workload['metadata']['name']}: {entry['name']} refers to undefined {undefined}"
            env[entry["name"]] = ("value", str(entry.get("value", "")))
    return env


def k8s_command(workload: dict) -> str:
    item = container(workload)
    return " ".join([*item.get("command", []), *item.get("args", [])])


def container_port(workload: dict) -> int:
    return container(workload)["ports"][0]["containerPort"]


def test_kustomization_applies_every_manifest_but_the_secret_template():
    kustomization = yaml.safe_load((K8S_DIR / "kustomization.yaml").read_text())
    files = {path.name for path in K8S_DIR.glob("*.yaml")} - {"kustomization.yaml"}
    assert set(kustomization["resources"]) == files - {SECRET_TEMPLATE.name}
    assert IMAGE in {image["name"] for image in kustomization.get("images", [])}


def test_k8s_runs_the_local_profiles_processes_and_jobs(manifests):
    expected = {re.sub(r"\d+$", "", name) for name in local_processes()} - {RETENTION}
    deployments = of_kind(manifests, "Deployment")
    assert set(deployments) == expected, f"Deployments {sorted(deployments)}, local processes {sorted(expected)}"
    assert set(of_kind(manifests, "Job")) == {MIGRATE}
    assert set(of_kind(manifests, "CronJob")) == {RETENTION_CRONJOB}
    assert deployments["rasa"]["spec"]["replicas"] >= max(2, len(local_replicas()))
    retention = of_kind(manifests, "CronJob")[RETENTION_CRONJOB]
    assert k8s_command(retention) == "python -m bot.retention", "the CronJob runs the retention once per schedule"
    # The local process repeats every 24 hours: the CronJob runs daily.
    if local_retention_hours() == "24":
        assert re.fullmatch(r"\d+ \d+ \* \* \*", retention["spec"]["schedule"]), retention["spec"]["schedule"]


def test_k8s_services_have_the_local_ports(manifests):
    ports = {**local_ports(), "rasa": local_ports()["balancer"]}
    services = of_kind(manifests, "Service")
    deployments = of_kind(manifests, "Deployment")
    assert set(services) == set(deployments) == set(ports)
    for name, port in ports.items():
        service, deployment = services[name], deployments[name]
        assert [entry["port"] for entry in service["spec"]["ports"]] == [port], f"Service {name} should listen on {port}"
        assert service["spec"]["selector"].items() <= pod_labels(deployment).items(), f"Service {name} selects no {name} pod"
        named = {entry.get("name"): entry["containerPort"] for entry in container(deployment)["ports"]}
        target = service["spec"]["ports"][0]["targetPort"]
        assert named.get(target, target) == container_port(deployment) == port
    assert f"--bind 0.0.0.0:{ports['directory']}" in k8s_command(deployments["directory"])
    assert f"--port {ports['actions']}" in k8s_command(deployments["actions"])
    assert f"--port {ports['rasa']}" in k8s_command(deployments["rasa"])
    assert "--enable-api" not in k8s_command(deployments["rasa"])


def test_k8s_balancer_config_is_rendered_from_the_local_template(manifests):
    assert (K8S_DIR / "balancer-config.yaml").read_text(encoding="utf-8") == RENDER.k8s_configmap(), (
        "deploy/k8s/balancer-config.yaml is out of date: run python deploy/nginx/render.py"
    )
    conf = of_kind(manifests, "ConfigMap")["balancer-nginx"]["data"]["nginx.conf"]
    assert set(re.findall(r"server (\S+) max_fails", conf)) == {f"rasa:{local_ports()['balancer']}"}
    balancer = pod_spec(of_kind(manifests, "Deployment")["balancer"])
    assert {volume.get("configMap", {}).get("name") for volume in balancer["volumes"]} >= {"balancer-nginx"}


def test_k8s_gives_rasa_every_variable_of_endpoints_and_credentials(manifests, config_map, secret_template):
    rasa = of_kind(manifests, "Deployment")["rasa"]
    env = container_env(rasa, config_map)
    assert not missing(rasa_variables(), env, "deploy/k8s Deployment rasa"), missing(rasa_variables(), env, "deploy/k8s Deployment rasa")
    assert env["RASA_ENDPOINTS"] == ("config", "RASA_ENDPOINTS")
    assert config_map["RASA_ENDPOINTS"] == run_production_defaults()["RASA_ENDPOINTS"]
    assert config_map["RASA_MODEL"] == local_model()
    retention = of_kind(manifests, "CronJob")[RETENTION_CRONJOB]
    problem = missing(retention_needs(), container_env(retention, config_map), f"CronJob {RETENTION_CRONJOB}")
    assert not problem, problem


def test_k8s_action_server_token_reaches_rasa_and_the_action_server(manifests, config_map):
    deployments = of_kind(manifests, "Deployment")
    token = ("secret", "ACTION_SERVER_TOKEN")
    assert container_env(deployments["rasa"], config_map).get("ACTION_SERVER_TOKEN") == token, "rasa lacks ACTION_SERVER_TOKEN"
    assert container_env(deployments["actions"], config_map).get("ACTION_SERVER_TOKEN") == token, "actions lacks ACTION_SERVER_TOKEN"
    url = urlsplit(config_map["ACTION_SERVER_URL"])
    assert (url.hostname, url.port, url.path) == ("actions", local_ports()["actions"], "/webhook")
    assert container_env(deployments["actions"], config_map)["SANIC_HOST"] == ("value", "0.0.0.0")


def test_k8s_datastore_settings_match_the_local_defaults(manifests, config_map):
    defaults = run_production_defaults()
    for name in ("POSTGRES_PORT", "POSTGRES_USER", "POSTGRES_DIRECTORY_DB", "POSTGRES_TRACKER_DB", "REDIS_PORT"):
        assert config_map.get(name) == defaults[name], f"ConfigMap {name}={config_map.get(name)!r}, scripts/run-production {defaults[name]!r}"
    assert config_map["POSTGRES_HOST"] and config_map["REDIS_HOST"]
    # The directory's DATABASE_URL is built from the same settings, as scripts/run-production builds it.
    local_url = re.sub(r"\$(\w+)", r"$(\1)", defaults["DATABASE_URL"])
    for name in ("directory", "migrate"):
        env = container_env(workloads(manifests)[name], config_map)
        assert env["DATABASE_URL"] == ("value", local_url), f"{name}: DATABASE_URL {env['DATABASE_URL']}"
        assert env["POSTGRES_PASSWORD"] == ("secret", "POSTGRES_PASSWORD")


def test_k8s_has_no_literal_secrets(manifests, config_map, secret_template):
    leaked = sorted(name for name in config_map if is_secret(name))
    assert not leaked, f"the ConfigMap holds secrets: {leaked} (move them to {SECRET_TEMPLATE.name})"
    filled = sorted(name for name, value in secret_template.items() if value not in ("", None))
    assert not filled, f"{SECRET_TEMPLATE.name} is a template: empty values only, found {filled}"
    assert required_secrets() <= set(secret_template), missing(required_secrets(), secret_template, SECRET_TEMPLATE.name)
    assert not of_kind(manifests, "Secret"), "a Secret is applied with the manifests: keep secrets out of git"
    used = set()
    for name, workload in workloads(manifests).items():
        for variable, (source, value) in container_env(workload, config_map).items():
            if source == "secret":
                assert value in secret_template, f"{name}: {variable} refers to {value}, which {SECRET_TEMPLATE.name} lacks"
                used.add(value)
            elif is_secret(variable):
                assert source == "value" and not re.sub(r"\$\(\w+\)", "", value).replace("postgres://:@:/", ""), (
                    f"{name}: {variable} is written in the manifest"
                )
    assert set(secret_template) == used, f"unused keys in {SECRET_TEMPLATE.name}: {sorted(set(secret_template) - used)}"


def test_k8s_pods_do_not_run_as_root(manifests):
    for name, workload in workloads(manifests).items():
        spec = pod_spec(workload)
        security = spec.get("securityContext", {})
        assert security.get("runAsNonRoot") is True and security.get("runAsUser", 0) > 0, f"{name} may run as root"
        for item in spec["containers"]:
            assert item.get("securityContext", {}).get("allowPrivilegeEscalation") is False, f"{name}: allowPrivilegeEscalation"
            assert item.get("securityContext", {}).get("capabilities", {}).get("drop") == ["ALL"], f"{name}: drop ALL capabilities"
        if name != "balancer":
            assert container(workload)["image"] == IMAGE, f"{name} should run the project's image"
            assert security["runAsUser"] == int(dockerfile_user().pop())


def test_k8s_only_rasa_pods_reach_the_action_server(manifests):
    actions_labels = pod_labels(of_kind(manifests, "Deployment")["actions"])
    policies = [
        policy for policy in of_kind(manifests, "NetworkPolicy").values()
        if policy["spec"]["podSelector"].get("matchLabels", {}).items() <= actions_labels.items()
    ]
    assert policies, "no NetworkPolicy selects the action server's pods"
    others = {name: pod_labels(workload) for name, workload in workloads(manifests).items() if name != "rasa"}
    for policy in policies:
        assert "Ingress" in policy["spec"]["policyTypes"]
        for rule in policy["spec"].get("ingress", []):
            assert [entry["port"] for entry in rule.get("ports", [])] == [local_ports()["actions"]]
            assert rule.get("from"), f"{policy['metadata']['name']}: a rule without `from` admits everyone"
            for peer in rule["from"]:
                assert set(peer) == {"podSelector"}, f"{policy['metadata']['name']}: only pod selectors, got {sorted(peer)}"
                selector = peer["podSelector"]["matchLabels"].items()
                assert selector <= pod_labels(of_kind(manifests, "Deployment")["rasa"]).items()
                admitted = [name for name, labels in others.items() if selector <= labels.items()]
                assert not admitted, f"{policy['metadata']['name']} also admits {admitted}"


# --- docker-compose.yml and Kubernetes together -----------------------------------------------------


def code_secrets() -> dict:
    """Secret settings the code reads ("..._TOKEN", "..._PASSWORD", "..._SECRET_KEY"), by the process
    that reads them: actions/ -> the action server, directory/ -> the directory, bot/ -> Rasa."""
    found = {}
    literal = re.compile(r"[\"']([A-Z][A-Z0-9_]*(?:TOKEN|PASSWORD|SECRET|SECRET_KEY))[\"']")
    for folder, process in (("actions", "actions"), ("directory", "directory"), ("bot", "rasa")):
        for path in (ROOT / folder).rglob("*.py"):
            for name in literal.findall(path.read_text(encoding="utf-8")):
                if is_secret(name):
                    found.setdefault(process, {})[name] = str(path.relative_to(ROOT))
    return found


def test_every_secret_the_code_reads_is_deployed(services, manifests, config_map, secret_template):
    deployments = of_kind(manifests, "Deployment")
    problems = []
    for process, names in code_secrets().items():
        compose_names = list(local_replicas()) if process == "rasa" else [process]
        for compose_name in compose_names:
            problem = missing(names, environment(services[compose_name]), f"docker-compose.yml service {compose_name}")
            problems.append(problem)
        problems.append(missing(names, container_env(deployments[process], config_map), f"deploy/k8s Deployment {process}"))
        problems.append(missing(names, secret_template, SECRET_TEMPLATE.name))
    assert not any(problems), "\n".join(filter(None, problems))



def test_compose_and_k8s_give_each_process_the_same_variables_and_secrets(services, manifests, config_map):
    all_workloads = workloads(manifests)
    pairs = {"directory": "directory", "actions": "actions", MIGRATE: MIGRATE, RETENTION: RETENTION_CRONJOB}
    pairs.update({name: "rasa" for name in local_replicas()})
    for compose_name, k8s_name in pairs.items():
        compose_env = environment(services[compose_name])
        k8s_env = container_env(all_workloads[k8s_name], config_map)
        assert not missing(compose_env, k8s_env, f"deploy/k8s {k8s_name} (compose {compose_name} has it)"), missing(
            compose_env, k8s_env, f"deploy/k8s {k8s_name} (compose {compose_name} has it)"
        )
        # The secrets each process gets (compose builds DATABASE_URL in place, Kubernetes from $(...)).
        compose_secrets = {name for value in compose_env.values() for name in interpolated(value) if is_secret(name)}
        k8s_secrets = {name for name, (source, _) in k8s_env.items() if source == "secret"}
        assert compose_secrets == k8s_secrets, f"{compose_name}/{k8s_name}: compose secrets {sorted(compose_secrets)}, k8s {sorted(k8s_secrets)}"


# --- The directory's web security (tests/directory/test_web_security.py runs these settings) -----------

# What the directory reads for HTTPS behind the TLS proxy and for counting failed admin logins in Redis.
DIRECTORY_WEB_SECURITY = ["DIRECTORY_PUBLIC_URL", "DIRECTORY_HSTS_INCLUDE_SUBDOMAINS", "DIRECTORY_HSTS_PRELOAD", "REDIS_HOST", "REDIS_PORT", "REDIS_PASSWORD"]


def test_the_directory_gets_its_web_security_settings_everywhere(services, manifests, config_map):
    settings_text = (ROOT / "directory" / "directory_site" / "settings.py").read_text(encoding="utf-8")
    assert all(f'"{name}"' in settings_text or f"'{name}'" in settings_text for name in DIRECTORY_WEB_SECURITY)
    problems = [
        missing(DIRECTORY_WEB_SECURITY, environment(services["directory"]), "docker-compose.yml service directory"),
        missing(DIRECTORY_WEB_SECURITY, container_env(of_kind(manifests, "Deployment")["directory"], config_map), "deploy/k8s Deployment directory"),
    ]
    assert not any(problems), "\n".join(filter(None, problems))
    # Compose keeps plain http://localhost working by default; the cluster example is behind TLS.
    assert environment(services["directory"])["DIRECTORY_PUBLIC_URL"] == "${DIRECTORY_PUBLIC_URL:-}"
    public = urlsplit(config_map["DIRECTORY_PUBLIC_URL"])
    assert public.scheme == "https" and public.hostname in config_map["DIRECTORY_ALLOWED_HOSTS"].split(",")
    assert config_map["RASA_CORS_ORIGINS"] == config_map["DIRECTORY_PUBLIC_URL"]


def test_readme_documents_every_variable_the_directory_settings_read():
    settings_text = (ROOT / "directory" / "directory_site" / "settings.py").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    names = set(re.findall(r"environ(?:\.get)?[\(\[]\s*[\"']([A-Z][A-Z0-9_]+)[\"']", settings_text))
    names |= set(re.findall(r"env_bool\(\s*[\"']([A-Z][A-Z0-9_]+)[\"']", settings_text))
    assert names and not [name for name in sorted(names) if f"`{name}`" not in readme], [name for name in sorted(names) if f"`{name}`" not in readme]
