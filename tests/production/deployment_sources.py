"""What the deployment-file tests compare: the local production profile (`make run-prod`) read from its
own sources, and readers for docker-compose.yml, the Dockerfile and deploy/k8s/.

The local profile is not restated here: the processes that deploy/render_production.py writes into
supervisord.conf, the datastores from scripts/datastores, the ports from the Makefile and the renderer,
the defaults and required secrets from scripts/run-production, and the variables Rasa needs from the
`${...}` in endpoints.production.yml and credentials.yml. Parsing only: no Docker or cluster needed.
"""

import importlib.util
import re
from pathlib import Path


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


def published_container_ports(service: dict) -> set:
    return {int(str(mapping).rsplit(":", 1)[-1].split("/")[0]) for mapping in service.get("ports", [])}


def retention_needs() -> dict:
    """bot.retention reads endpoints.production.yml (Rasa expands all of it) and RETENTION_DAYS."""
    needed = {name: "endpoints.production.yml" for name in file_variables("endpoints.production.yml")}
    needed.update(RETENTION_DAYS="bot.retention", RASA_ENDPOINTS="bot.retention")
    return needed


def local_retention_hours() -> str:
    command = local_processes()[RETENTION]
    assert "-m bot.retention" in command, command
    return re.search(r"--every-hours (\S+)", command).group(1)


def dockerfile_lines() -> list:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def dockerfile_user() -> set:
    users = [line.split(None, 1)[1] for line in dockerfile_lines() if line.upper().startswith("USER ")]
    assert users, "the Dockerfile sets no USER: the image would run as root"
    user = users[-1].split(":")[0]
    assert user not in {"root", "0"}, f"the Dockerfile's last USER is {user}"
    return {user}


def of_kind(manifests, kind: str) -> dict:
    return {document["metadata"]["name"]: document for document in manifests if document["kind"] == kind}


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
