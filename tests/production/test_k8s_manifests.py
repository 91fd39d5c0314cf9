"""deploy/k8s/ runs the local production profile's processes, ports and variables, with secrets only in
the Secret (tests/production/deployment_sources.py reads both sides; parsing only, no cluster needed)."""

import re
from urllib.parse import urlsplit

import yaml

from deployment_sources import (
    IMAGE,
    K8S_DIR,
    MIGRATE,
    RENDER,
    RETENTION,
    RETENTION_CRONJOB,
    SECRET_TEMPLATE,
    container,
    container_env,
    container_port,
    dockerfile_user,
    is_secret,
    k8s_command,
    local_model,
    local_ports,
    local_processes,
    local_replicas,
    local_retention_hours,
    missing,
    of_kind,
    pod_labels,
    pod_spec,
    rasa_variables,
    required_secrets,
    retention_needs,
    run_production_defaults,
    workloads,
)


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
    assert (K8S_DIR / "balancer-config.yaml").read_text(encoding="utf-8") == RENDER.k8s_configmap(), "deploy/k8s/balancer-config.yaml is out of date: run python deploy/nginx/render.py"
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
                assert source == "value" and not re.sub(r"\$\(\w+\)", "", value).replace("postgres://:@:/", ""), f"{name}: {variable} is written in the manifest"
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
    policies = [policy for policy in of_kind(manifests, "NetworkPolicy").values() if policy["spec"]["podSelector"].get("matchLabels", {}).items() <= actions_labels.items()]
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
