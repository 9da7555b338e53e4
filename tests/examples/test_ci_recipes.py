"""The CI recipes in examples/ agree with the image they run: parsed with a
YAML parser (no engine here), each must name the image docker-compose.yml
builds, publish or reach ports the Dockerfile exposes, and probe health with
the Dockerfile's HEALTHCHECK command or the route it probes. With $REEMU_BIN
set, that route is also checked against the binary's route list.

    python3 -m pytest tests/examples
"""

import os
import re
import shlex
import subprocess

import pytest
import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
HEALTH_ROUTE = "/emulator/v1/health"


def read(*parts):
    with open(os.path.join(ROOT, *parts), encoding="utf-8") as f:
        return f.read()


def load(*parts):
    return yaml.safe_load(read(*parts))


def dockerfile():
    """The run stage's EXPOSE ports, HEALTHCHECK (command and options),
    ENTRYPOINT and ENV, continuation lines joined."""
    text = re.sub(r"\\\n", " ", read("Dockerfile"))
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    stages = [[]]
    for ln in lines:
        if ln.startswith("FROM ") and stages[-1]:
            stages.append([])
        stages[-1].append(ln)
    run_stage = stages[-1]
    out = {"expose": set(), "env": {}}
    for ln in run_stage:
        op, _, args = ln.partition(" ")
        if op == "EXPOSE":
            out["expose"] |= {int(p.split("/")[0]) for p in args.split()}
        elif op == "HEALTHCHECK":
            opts, _, cmd = args.partition("CMD ")
            out["health_cmd"] = yaml.safe_load(cmd)  # the exec form is a JSON array
            out["health_opts"] = dict(re.findall(r"--([a-z-]+)=(\S+)", opts))
        elif op == "ENTRYPOINT":
            out["entrypoint"] = yaml.safe_load(args)
        elif op == "ENV":
            key, _, value = args.partition("=")
            out["env"][key] = value
    return out


DOCKER = dockerfile()
IMAGE = load("docker-compose.yml")["services"]["emulator"]["image"]


def image_name(ref):
    """The repository's last path component, without registry or tag."""
    return ref.rsplit("/", 1)[-1].split(":", 1)[0].split("@", 1)[0]


def test_the_dockerfile_parses_as_the_recipes_expect():
    assert DOCKER["expose"] == {8080, 9443}
    assert DOCKER["health_cmd"] == ["re-actions-emulator", "--health-check"]
    assert DOCKER["entrypoint"] == ["re-actions-emulator"]
    assert IMAGE == "re-actions-emulator"


def test_github_actions_runs_the_image_as_a_service_with_its_health_check():
    doc = load("examples", "ci", "github-actions.yml")
    triggers = doc.get("on", doc.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "pull_request" in triggers
    [job] = [j for j in doc["jobs"].values() if "services" in j]
    service = job["services"]["emulator"]
    assert image_name(service["image"]) == IMAGE
    published = {tuple(int(x) for x in p.split(":")) for p in service["ports"]}
    assert {container for _, container in published} == DOCKER["expose"]
    assert all(host == container for host, container in published)
    options = shlex.split(service["options"])
    flags = dict(zip(options[0::2], options[1::2]))
    assert shlex.split(flags["--health-cmd"]) == DOCKER["health_cmd"]
    for name, value in DOCKER["health_opts"].items():
        assert flags[f"--health-{name}"] == value, name
    assert service["env"]["REEMU_CLOCK"] in ("manual", "real")
    steps = "\n".join(s.get("run", "") for s in job["steps"])
    assert job["env"]["REEMU_URL"] == "http://localhost:8080"
    assert f"$REEMU_URL{HEALTH_ROUTE}" in steps


def test_gitlab_ci_runs_the_image_as_a_service_and_waits_for_its_health_route():
    doc = load("examples", "ci", "gitlab-ci.yml")
    job = doc["against-emulator"]
    [service] = job["services"]
    assert service["name"] == "$REEMU_IMAGE"
    assert image_name(doc["variables"]["REEMU_IMAGE"]) == IMAGE
    alias = service["alias"]
    assert service["variables"]["REEMU_TLS_NAMES"] == alias  # the certificate names the host used
    # The image's ENTRYPOINT is the binary: `command` is its flags.
    assert all(arg.startswith("--") or not arg.startswith("-") for arg in service["command"])
    assert service["command"][0].startswith("--")
    url = job["variables"]["REEMU_URL"]
    assert re.fullmatch(rf"http://{re.escape(alias)}:(\d+)", url)
    assert int(url.rsplit(":", 1)[1]) in DOCKER["expose"]
    waits = [line for line in job["before_script"] if HEALTH_ROUTE in line]
    assert waits and "$REEMU_URL" in waits[0] and "curl -fsS" in waits[0]


@pytest.mark.parametrize("recipe", ["github-actions.yml", "gitlab-ci.yml"])
def test_the_recipes_set_the_variables_the_kits_read(recipe):
    doc = load("examples", "ci", recipe)
    job = doc["jobs"]["against-emulator"] if "jobs" in doc else doc["against-emulator"]
    names = job.get("env") or job.get("variables")
    kits = read("clients", "python", "reemu", "pytest_plugin.py") + read("clients", "go", "reemutest.go")
    for name in ("REEMU_URL", "REEMU_USER", "REEMU_PASSWORD"):
        assert name in names, name
        assert f'"{name}"' in kits, f"no kit reads {name}"
    assert (names["REEMU_USER"], names["REEMU_PASSWORD"]) == ("admin@redis.local", "Redis123!")


def test_the_dev_stack_compose_file_wires_a_tool_to_a_healthy_emulator():
    doc = load("examples", "dev-stack", "docker-compose.yml")
    here = os.path.join(ROOT, "examples", "dev-stack")
    emu, tool = doc["services"]["emulator"], doc["services"]["tool"]
    assert emu["image"] == IMAGE
    assert os.path.isfile(os.path.join(here, emu["build"], "Dockerfile"))
    assert {int(p.split(":")[1]) for p in emu["ports"]} == DOCKER["expose"]
    health = emu["healthcheck"]
    assert health["test"] == ["CMD"] + DOCKER["health_cmd"]
    for name, value in DOCKER["health_opts"].items():
        assert str(health[name.replace("-", "_")]) == value, name
    assert tool["depends_on"]["emulator"]["condition"] == "service_healthy"
    # The tool pins the certificate the emulator writes to the shared volume,
    # which names the host name the tool uses.
    env = emu["environment"]
    cert_dir, cert_name = env["REEMU_TLS_CERT_OUT"].rsplit("/", 1)
    assert f"certs:{cert_dir}" in emu["volumes"]
    [tool_certs] = [v for v in tool["volumes"] if v.startswith("certs:")]
    assert f"--cacert {tool_certs.split(':')[1]}/{cert_name}" in tool["command"]
    host = re.fullmatch(r"https://([^:]+):(\d+)", tool["environment"]["CLUSTER_URL"])
    assert host and host.group(1) == env["REEMU_TLS_NAMES"] and int(host.group(2)) in DOCKER["expose"]
    # Bind-mounted paths exist, and the script the tool runs is there.
    for volume in emu["volumes"] + tool["volumes"]:
        src = volume.split(":")[0]
        if src.startswith("."):
            assert os.path.exists(os.path.join(here, src)), src
    [app] = [v for v in tool["volumes"] if v.endswith(":/app:ro")]
    script = re.search(r"python /app/(\S+)", tool["command"]).group(1)
    assert os.path.isfile(os.path.join(here, app.split(":")[0], script))
    assert set(doc["volumes"]) == {"certs"}


@pytest.mark.skipif(not os.environ.get("REEMU_BIN"), reason="REEMU_BIN names no binary")
def test_the_health_route_the_recipes_probe_is_served_without_credentials():
    routes = subprocess.run([os.environ["REEMU_BIN"], "--list-routes"], capture_output=True,
                            text=True, check=True).stdout
    [line] = [ln for ln in routes.splitlines() if ln.split("\t")[1:2] == [HEALTH_ROUTE]]
    fields = line.split("\t")
    assert fields[0] == "GET" and fields[-1] == "public"
