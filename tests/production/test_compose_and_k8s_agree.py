"""docker-compose.yml and deploy/k8s/ give each process the same variables, secrets and restarts, and every
secret and directory setting the code reads is deployed and documented."""

import re
from urllib.parse import urlsplit

from deployment_sources import (
    MIGRATE,
    RETENTION,
    RETENTION_CRONJOB,
    ROOT,
    SECRET_TEMPLATE,
    code_secrets,
    container,
    container_env,
    environment,
    interpolated,
    is_secret,
    local_replicas,
    missing,
    of_kind,
    pod_spec,
    workloads,
)


def test_compose_and_k8s_restart_a_process_that_exits(services, manifests):
    for name, service in services.items():
        if name != MIGRATE:
            assert service.get("restart") in {"always", "unless-stopped"}, f"compose {name} is not restarted when it exits"
    for name, deployment in of_kind(manifests, "Deployment").items():
        assert pod_spec(deployment).get("restartPolicy", "Always") == "Always"
        assert container(deployment).get("livenessProbe"), f"Kubernetes does not restart a hung {name}"


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
        assert not missing(compose_env, k8s_env, f"deploy/k8s {k8s_name} (compose {compose_name} has it)"), missing(compose_env, k8s_env, f"deploy/k8s {k8s_name} (compose {compose_name} has it)")
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
