"""The classroom: the hub's configuration, and a short load test of three students on a real hub.

The load test is ``benchmarks/classroom.py`` (see its docstring) with N = 3 and 20 s of slider
moves: JupyterHub from ``classroom/jupyterhub_config.py`` in test mode on 127.0.0.1, every student
logging in, starting a server, pulling the series with nbgitpuller from a local git repository,
running notebooks 01 and 04 and moving their sliders through the widget protocol. It asserts what
must hold on any machine (no failed step, every move answered, every image sent a new one,
everything stopped afterwards); latencies are printed, not asserted (the machine may be busy).

Needs ``classroom/requirements.txt`` and ``npm ci --prefix classroom`` (``.ci/run`` does both);
without them the load test is skipped, except under CI (``CI`` set), where it fails.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import re
import sys
from pathlib import Path

import pytest

# Only the main CI environment installs the hub (classroom/requirements.txt, npm's proxy).
pytestmark = pytest.mark.classroom

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "classroom" / "jupyterhub_config.py"
Z2JH_CONFIG = ROOT / "classroom" / "zero-to-jupyterhub" / "config.yaml"
PROXY = ROOT / "classroom" / "node_modules" / ".bin" / "configurable-http-proxy"
STUDENTS, DURATION = 3, 20.0


def missing_tools() -> str:
    for module in ("jupyterhub", "nbgitpuller", "jupyterhub_idle_culler", "psutil", "websocket",
                   "requests"):
        if importlib.util.find_spec(module) is None:
            return f"{module} is not installed (pip install -r classroom/requirements.txt)"
    if not PROXY.exists():
        return "configurable-http-proxy is not installed (npm ci --prefix classroom)"
    return ""


def require_tools():
    reason = missing_tools()
    if reason and os.environ.get("CI"):
        pytest.fail(f"CI must run the classroom test: {reason}")
    if reason:
        pytest.skip(reason)


def load_hub_config(monkeypatch, **env):
    from traitlets.config.loader import PyFileConfigLoader

    for key in list(os.environ):
        if key.startswith("RMSVIZ_HUB_"):
            monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(f"RMSVIZ_HUB_{key}", value)
    return PyFileConfigLoader(CONFIG.name, str(CONFIG.parent)).load_config()


def bytes_of(size: str) -> int:
    """'1G', '1.5Gi', '800M', '512Mi' -> bytes, as JupyterHub reads them (K = 1024; Zero to
    JupyterHub's singleuser sizes go through JupyterHub's reading too)."""
    match = re.fullmatch(r"([0-9.]+)\s*([KMGT]?)(i?)B?", str(size).strip())
    assert match, f"unreadable size {size!r}"
    number, unit, _binary = match.groups()
    return int(float(number) * 1024 ** " KMGT".index(unit or " "))


# -- configuration (fast) --------------------------------------------------------------------------


def test_production_mode_names_real_authenticator_spawner_and_limits(monkeypatch):
    pytest.importorskip("jupyterhub")
    config = load_hub_config(monkeypatch)
    hub, spawner = config.JupyterHub, config.Spawner
    assert hub.authenticator_class == "generic-oauth"
    assert hub.spawner_class == "systemd"
    assert bytes_of(spawner.mem_limit) >= 512 * 1024 ** 2 and spawner.cpu_limit > 0
    assert any("jupyterhub_idle_culler" in " ".join(s.get("command", [])) for s in hub.services)
    assert any(a.startswith("--MappingKernelManager.cull_idle_timeout=") for a in spawner.args)
    assert hub.hub_bind_url.startswith("http://127.0.0.1:")
    assert "127.0.0.1" in config.ConfigurableHTTPProxy.api_url
    if missing_tools() == "" and importlib.util.find_spec("oauthenticator"):
        # The names resolve to installed classes (what JupyterHub does at start-up).
        def names(group):
            return {e.name for e in importlib.metadata.entry_points(group=group)}

        authenticators, spawners = names("jupyterhub.authenticators"), names("jupyterhub.spawners")
        assert hub.authenticator_class in authenticators
        assert hub.spawner_class in spawners


def test_test_mode_is_loopback_and_needs_its_own_state_folder(monkeypatch, tmp_path):
    pytest.importorskip("jupyterhub")
    config = load_hub_config(monkeypatch, MODE="test", STATE_DIR=str(tmp_path), PORT="8123")
    assert config.JupyterHub.authenticator_class == "dummy"
    assert config.JupyterHub.spawner_class == "simple"
    assert config.JupyterHub.bind_url == "http://127.0.0.1:8123"
    assert config.JupyterHub.db_url.endswith(str(tmp_path / "jupyterhub.sqlite"))
    with pytest.raises(ValueError, match="RMSVIZ_HUB_STATE_DIR"):
        load_hub_config(monkeypatch, MODE="test")
    with pytest.raises(ValueError, match="RMSVIZ_HUB_MODE"):
        load_hub_config(monkeypatch, MODE="demo")


def test_one_machine_limits_match_the_kubernetes_sizing(monkeypatch):
    """The per-student limits of the one-machine hub are the Zero to JupyterHub limits."""
    yaml = pytest.importorskip("yaml")
    pytest.importorskip("jupyterhub")
    singleuser = yaml.safe_load(Z2JH_CONFIG.read_text())["singleuser"]
    config = load_hub_config(monkeypatch)
    assert bytes_of(config.Spawner.mem_limit) == bytes_of(singleuser["memory"]["limit"])
    assert config.Spawner.cpu_limit == pytest.approx(float(singleuser["cpu"]["limit"]))
    assert bytes_of(singleuser["memory"]["guarantee"]) <= bytes_of(singleuser["memory"]["limit"])
    assert float(singleuser["cpu"]["guarantee"]) <= float(singleuser["cpu"]["limit"])


# -- the load test (about a minute) ----------------------------------------------------------------


@pytest.fixture(scope="module")
def short_class():
    require_tools()
    # By path: the name "classroom" is also the folder classroom/ at the repository's root.
    name = "rmsviz_classroom_load_test"
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / "classroom.py")
    classroom = importlib.util.module_from_spec(spec)
    sys.modules[name] = classroom  # dataclasses look their module up there
    spec.loader.exec_module(classroom)
    result = classroom.run_class(STUDENTS, DURATION, setup_timeout=420, log=lambda s: None)
    return classroom, result


def test_every_student_logs_in_starts_pulls_and_runs_both_notebooks(short_class, capsys):
    classroom, result = short_class
    with capsys.disabled():
        print("\n" + classroom.describe(result) + "\n" + classroom.summary_line(result))
    assert result["failed"] == {"login": 0, "spawn": 0, "pull": 0, "open_notebooks": 0}
    assert result["errors"] == []


def test_every_move_is_answered_and_redraws(short_class):
    _, result = short_class
    assert all(moves >= 5 for moves in result["moves_per_student"]), result["moves_per_student"]
    assert result["unanswered"] == 0  # every move answered within 10 s
    assert result["new_picture"] + result["same_picture"] == result["moves"]
    assert result["unchanged"] == 0  # every image the kernel sent differs from the one before
    # A move may leave the picture as it was (more steps of a run that already diverged): then
    # the kernel sends no image. That stays rare; almost every move redraws.
    assert result["same_picture"] <= 0.2 * result["moves"]


def test_memory_is_measured_and_everything_started_is_stopped(short_class):
    _, result = short_class
    # a server and two kernels per student, each well over 30 MB resident
    assert result["rss_mb_per_student"] > 90
    assert result["processes_seen"] >= 1 + 1 + 1 + 3 * STUDENTS  # hub, proxy, culler, students
    assert result["processes_left"] == []


# -- the single-user image (repo2docker) -----------------------------------------------------------


def requirement_lines(path: Path) -> list[str]:
    return [line.split("#")[0].strip() for line in path.read_text().splitlines()
            if line.split("#")[0].strip()]


def test_binder_image_has_the_series_nbgitpuller_and_the_hubs_jupyterhub():
    binder = requirement_lines(ROOT / "binder" / "requirements.txt")
    hub = requirement_lines(ROOT / "classroom" / "requirements.txt")
    # repo2docker ignores the root's requirements.txt when binder/ exists: it must come in here,
    # with its `-e .` (the series itself).
    assert "-r ../requirements.txt" in binder
    assert "-e ." in requirement_lines(ROOT / "requirements.txt")
    assert any(line.startswith("nbgitpuller") for line in binder)
    # the image's jupyterhub-singleuser must match the hub's major version
    image_hub = [line for line in binder if re.match(r"jupyterhub\b(?!-)", line)]
    hub_hub = [line for line in hub if re.match(r"jupyterhub\b(?!-)", line)]
    assert image_hub == hub_hub and image_hub


def test_binder_python_is_one_the_package_supports():
    runtime = (ROOT / "binder" / "runtime.txt").read_text().strip()
    match = re.fullmatch(r"python-(\d+)\.(\d+)", runtime)
    assert match, runtime
    lowest = re.search(r'requires-python\s*=\s*">=(\d+)\.(\d+)"',
                       (ROOT / "pyproject.toml").read_text())
    assert tuple(map(int, match.groups())) >= tuple(map(int, lowest.groups()))
