"""The hub of the classroom load test: JupyterHub from classroom/jupyterhub_config.py (test mode)
on 127.0.0.1, the series as a local git repository for nbgitpuller, and every process it starts
(tracked so that all of them can be stopped). Used by benchmarks/classroom.py.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import requests

from rmsviz import project

ROOT = Path(__file__).resolve().parents[2]
CLASSROOM = ROOT / "classroom"
HUB_CONFIG = CLASSROOM / "jupyterhub_config.py"
PROXY = CLASSROOM / "node_modules" / ".bin" / "configurable-http-proxy"
GUARD = ROOT / "tests" / "guard"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- the series as a git repository ----------------------------------------------------------------


def make_series_repository(dest: Path) -> Path:
    """A git repository at ``dest/<repository name>`` holding the tracked files of this working
    tree as they are now (uncommitted edits included), on the branch students get."""
    repo = dest / project.repository_name()
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True)
    for name in listed.stdout.decode().split("\0"):
        source = ROOT / name
        if name and source.is_file():
            target = repo / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    git = ["git", "-c", "user.name=rmsviz load test", "-c", "user.email=loadtest@localhost",
           "-c", "init.defaultBranch=" + project.BRANCH, "-c", "commit.gpgsign=false"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "series"]):
        subprocess.run(git + args, cwd=repo, check=True, capture_output=True)
    return repo


# -- processes -------------------------------------------------------------------------------------


class ProcessTree:
    """Every process seen below the hub, remembered so that all of them can be stopped, even those
    that left the hub's process group (servers and kernels start sessions of their own)."""

    def __init__(self, root_pid: int):
        self.root = psutil.Process(root_pid)
        self.seen: dict[int, psutil.Process] = {}
        self.lock = threading.Lock()

    def scan(self) -> list[psutil.Process]:
        try:
            children = self.root.children(recursive=True)
        except psutil.Error:
            children = []
        with self.lock:
            for p in children:
                self.seen.setdefault(p.pid, p)
        return children

    def stop_all(self) -> None:
        self.scan()
        with self.lock:
            leftovers = [p for p in self.seen.values() if alive(p)]
        for p in leftovers:
            try:
                p.terminate()
            except psutil.Error:
                pass
        _gone, still_running = psutil.wait_procs(leftovers, timeout=5)
        for p in still_running:
            try:
                p.kill()
            except psutil.Error:
                pass


def alive(p: psutil.Process) -> bool:
    try:
        return p.is_running() and p.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def cmdline(p: psutil.Process) -> str:
    try:
        return " ".join(p.cmdline())
    except psutil.Error:
        return ""


def cpu_seconds(p: psutil.Process) -> float:
    try:
        t = p.cpu_times()
        return t.user + t.system
    except psutil.Error:
        return 0.0


# -- the hub ---------------------------------------------------------------------------------------


LOADTEST_CONFIG = """\
# Written by benchmarks/classroom.py: the classroom configuration (test mode) plus a service
# whose token lets the load test hand each student a token of their own.
load_subconfig({config!r})
c.JupyterHub.services = list(c.JupyterHub.services) + [
    {{"name": "classroom-loadtest", "api_token": {token!r}}}]
c.JupyterHub.load_roles = list(c.JupyterHub.load_roles) + [
    {{"name": "classroom-loadtest", "scopes": ["admin:users", "tokens", "admin:servers"],
      "services": ["classroom-loadtest"]}}]
c.Spawner.env_keep.extend(["RMSVIZ_GUARD_LOG", "PYTHONPATH"])
c.JupyterHub.log_level = "WARN"
"""


class Hub:
    """JupyterHub from ``classroom/jupyterhub_config.py`` (test mode) on 127.0.0.1, free ports."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.token = secrets.token_hex(32)
        self.proc: subprocess.Popen | None = None
        self.tree: ProcessTree | None = None
        self.guard_log = workdir / "guard.log"
        self.log_path = workdir / "hub.log"
        self.http = requests.Session()
        self.http.trust_env = False

    def start(self, timeout: float = 90) -> None:
        if not PROXY.exists():
            raise RuntimeError(f"{PROXY} is missing: run `npm ci --prefix classroom` first")
        state = self.workdir / "state"
        state.mkdir(parents=True)
        config = self.workdir / "loadtest_config.py"
        config.write_text(LOADTEST_CONFIG.format(config=str(HUB_CONFIG), token=self.token))
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "RMSVIZ_HUB_"))}
        env.update({
            "RMSVIZ_HUB_MODE": "test", "RMSVIZ_HUB_STATE_DIR": str(state),
            "RMSVIZ_HUB_PORT": str(self.port), "RMSVIZ_HUB_HUB_PORT": str(free_port()),
            "RMSVIZ_HUB_PROXY_API_PORT": str(free_port()),
            "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost",
            "PATH": os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]),
        })
        if GUARD.is_dir():
            env["PYTHONPATH"] = os.pathsep.join([str(GUARD)] + [p for p in env.get("PYTHONPATH", "")
                                                               .split(os.pathsep) if p])
            env["RMSVIZ_GUARD_LOG"] = str(self.guard_log)
        log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(config)], cwd=state, env=env,
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        self.tree = ProcessTree(self.proc.pid)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterHub exited with {self.proc.returncode}:\n"
                                   f"{self.log_tail()}")
            try:
                if self.http.get(f"{self.url}/hub/api/", timeout=2).status_code == 200:
                    self.tree.scan()
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"JupyterHub did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def api(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {"Authorization": f"token {self.token}"}
        return self.http.request(method, f"{self.url}/hub/api{path}", headers=headers, timeout=60,
                                 **kwargs)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def processes(self) -> dict:
        """The hub's processes by role: hub, proxy, culler, and per student: server and kernels."""
        found = {"hub": self.tree.root, "proxy": None, "culler": None, "students": {}}
        for p in self.tree.scan():
            cmd = cmdline(p)
            if "configurable-http-proxy" in cmd:
                found["proxy"] = p
            elif "jupyterhub_idle_culler" in cmd:
                found["culler"] = p
            elif "jupyterhub-singleuser" in cmd or "jupyterhub.singleuser" in cmd:
                try:
                    user = p.environ().get("JUPYTERHUB_USER")
                    kernels = [k for k in p.children(recursive=True) if "ipykernel" in cmdline(k)]
                except psutil.Error:
                    continue
                if user:
                    found["students"][user] = {"server": p, "kernels": kernels}
        return found

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.tree is not None:
            self.tree.scan()
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)  # the hub stops its servers and proxy
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        if self.tree is not None:
            self.tree.stop_all()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        self.proc = None

    def guard_violations(self) -> list[str]:
        if not self.guard_log.exists():
            return []
        return [line for line in self.guard_log.read_text().splitlines() if line.strip()]
