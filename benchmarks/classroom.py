"""Classroom load test: N students on a real JupyterHub, dragging sliders at a human pace.

    python benchmarks/classroom.py                            # N = 1, 5, 10, 20; 75 s of moves
    python benchmarks/classroom.py --students 3 --duration 20 # what tests/test_classroom.py runs
    python benchmarks/classroom.py --json results.json        # also save every figure

For each N, on this machine and on 127.0.0.1 only:

1. start JupyterHub from ``classroom/jupyterhub_config.py`` in test mode (built-in
   DummyAuthenticator, SimpleLocalProcessSpawner, configurable-http-proxy from
   ``classroom/node_modules``, the idle culler), on free ports, in a temporary folder;
2. make a local git repository of the series (the tracked files as they are in this working tree);
3. for each student, in a thread of its own, as the browser does: log in through the hub's login
   form; start the server (REST, with the student's own token); pull the series with nbgitpuller
   (the ``git-pull`` API the link's page calls, with the link's parameters from
   :func:`rmsviz.project.nbgitpuller_url`); open notebooks 01 and 04 (a session and a kernel each)
   and run every code cell of the pulled copy over the kernel's websocket, all through the proxy;
4. when every student is ready, each one moves sliders for ``--duration`` seconds: a random slider
   of a random displayed panel (found from the ``comm_open`` messages and the widget views the
   cells displayed), set to a new value on its step grid by a widget ``comm_msg``
   (``{"method": "update", "state": {"value": v}}``), exactly what the front end sends; the time
   from sending it to the arrival of the update of the panel's ``Image`` value is the move's
   latency; then a pause of 0.5-1 s (a person looking at the picture) before the next move. A
   move the kernel handles without sending an image (the new picture is byte for byte the old one,
   e.g. more steps of a run that had already diverged) counts as "same picture", not as a failure;
   a move with no answer within 10 s, or an error, is a failure;
5. stop everything it started (hub, proxy, culler, every server and kernel), also on failure.

Per N it prints: failed logins, spawns, pulls, notebook runs; link-to-sliders time (and each
step's median); moves (new picture / same picture / unanswered), move-to-image latency p50/p95;
memory per student (RSS of the student's
server plus its two kernels, peak; and PSS, which shares libraries fairly); kernel CPU per
student, hub and proxy CPU (percent of one core over the moving phase); errors. Then a table, and
last, for the largest N:
``classroom: <N> students, move-to-image p50 <ms> ms p95 <ms> ms, <MB> MB per student, <k> errors``.

Kernels and servers run with ``tests/guard`` on their path (when present): a connection to any
address but loopback is refused and counted as an error.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import queue
import random
import secrets
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import psutil
import requests
import websocket

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from rmsviz import project  # noqa: E402

CLASSROOM = ROOT / "classroom"
HUB_CONFIG = CLASSROOM / "jupyterhub_config.py"
PROXY = CLASSROOM / "node_modules" / ".bin" / "configurable-http-proxy"
GUARD = ROOT / "tests" / "guard"
NOTEBOOKS = ("01_rms_step_by_step.ipynb", "04_gradients.ipynb")
SLIDER_MODELS = {"FloatSliderModel", "IntSliderModel", "FloatLogSliderModel"}
MOVE_TIMEOUT = 10.0          # a move not answered by then counts as failed
CELL_TIMEOUT = 300.0
SETUP_TIMEOUT = 180.0        # a session, a kernel's websocket, a kernel's first answer
THINK_SECONDS = (0.5, 1.0)   # pause after each picture, before the next move
SAMPLE_EVERY = 1.0           # memory sampling period, seconds
DEFAULT_STUDENTS = (1, 5, 10, 20)


class StepFailed(Exception):
    """A student's step (login, spawn, pull, notebook, move) failed; the message says why."""

    def __init__(self, step: str, message: str):
        super().__init__(f"{step}: {message}")
        self.step = step


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values, q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


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
            leftovers = [p for p in self.seen.values() if _alive(p)]
        for p in leftovers:
            try:
                p.terminate()
            except psutil.Error:
                pass
        _gone, alive = psutil.wait_procs(leftovers, timeout=5)
        for p in alive:
            try:
                p.kill()
            except psutil.Error:
                pass


def _alive(p: psutil.Process) -> bool:
    try:
        return p.is_running() and p.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _cmdline(p: psutil.Process) -> str:
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
            cmd = _cmdline(p)
            if "configurable-http-proxy" in cmd:
                found["proxy"] = p
            elif "jupyterhub_idle_culler" in cmd:
                found["culler"] = p
            elif "jupyterhub-singleuser" in cmd or "jupyterhub.singleuser" in cmd:
                try:
                    user = p.environ().get("JUPYTERHUB_USER")
                    kernels = [k for k in p.children(recursive=True) if "ipykernel" in _cmdline(k)]
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


# -- a kernel, spoken to over its websocket as the front end does ----------------------------------


def decode_frame(frame) -> dict:
    """A websocket frame from jupyter_server: JSON text, or the binary form with buffers
    (4-byte count n, n 4-byte offsets, then the JSON message and its buffers)."""
    if isinstance(frame, str):
        msg = json.loads(frame)
        msg.setdefault("buffers", [])
        return msg
    (n,) = struct.unpack("!I", frame[:4])
    offsets = list(struct.unpack("!" + "I" * n, frame[4:4 * (n + 1)])) + [len(frame)]
    parts = [frame[offsets[i]:offsets[i + 1]] for i in range(n)]
    msg = json.loads(parts[0].decode("utf8"))
    msg["buffers"] = parts[1:]
    return msg


def put_buffers(state: dict, buffer_paths: list, buffers: list) -> dict:
    for path, buf in zip(buffer_paths, buffers):
        target = state
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = bytes(buf)
    return state


@dataclass
class Slider:
    comm_id: str
    model: str
    state: dict

    def new_value(self, rng: random.Random):
        """A value on the slider's step grid, different from the current one."""
        lo, hi, step = self.state["min"], self.state["max"], self.state["step"]
        steps = max(1, int(round((hi - lo) / step)))
        current = self.state["value"]
        for _ in range(50):
            k = rng.randint(0, steps)
            value = lo + k * step
            if self.model == "IntSliderModel":
                value = int(value)
            elif self.model == "FloatLogSliderModel":
                value = float(self.state.get("base", 10.0)) ** round(value, 10)
            else:
                value = round(value, 10)
            if abs(value - current) > 1e-9 * max(1.0, abs(current)):
                return value
        raise StepFailed("move", f"no new value for slider {self.comm_id}")


@dataclass
class PanelView:
    notebook: str
    sliders: list
    image_id: str


class Kernel:
    """One notebook's kernel: a session, the websocket, and the widget models it opened.

    A reader thread reads the websocket all the time, as a browser does (so the server's pings
    are answered while the student is busy elsewhere), applies widget messages to the models and
    queues every message with the time it arrived.
    """

    def __init__(self, server_url: str, ws_url: str, token: str, notebook_path: str,
                 http: requests.Session):
        self.token, self.path, self.http = token, notebook_path, http
        headers = {"Authorization": f"token {token}"}
        r = http.post(f"{server_url}/api/sessions", headers=headers, timeout=SETUP_TIMEOUT,
                      json={"path": notebook_path, "type": "notebook",
                            "name": Path(notebook_path).name, "kernel": {"name": "python3"}})
        if r.status_code != 201:
            raise StepFailed("notebook", f"session for {notebook_path}: "
                                         f"HTTP {r.status_code} {r.text[:200]}")
        self.kernel_id = r.json()["kernel"]["id"]
        self.session = uuid.uuid4().hex
        self.ws = websocket.create_connection(
            f"{ws_url}/api/kernels/{self.kernel_id}/channels?session_id={self.session}",
            header=[f"Authorization: token {token}"], timeout=SETUP_TIMEOUT,
            enable_multithread=True)
        self.ws.settimeout(None)
        self.models: dict[str, dict] = {}   # comm id -> {"model": name, "state": {...}}
        self.views: list[str] = []          # model ids of displayed widgets, in order
        self.errors: list[str] = []
        self.inbox: queue.Queue = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        try:
            while True:
                frame = self.ws.recv()
                received = time.perf_counter()
                if not frame:  # the server closed the connection
                    raise websocket.WebSocketConnectionClosedException("closed by the server")
                msg = decode_frame(frame)
                msg["received"] = received
                self.handle(msg)
                self.inbox.put(msg)
        except Exception as e:  # noqa: BLE001 - the connection is gone, whatever the reason
            self.inbox.put(e)

    def close(self) -> None:
        try:
            self.ws.close()
        except Exception:
            pass

    def send(self, msg_type: str, content: dict, channel: str = "shell") -> str:
        msg_id = uuid.uuid4().hex
        self.ws.send(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": msg_type, "session": self.session,
                       "username": "student", "version": "5.3",
                       "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())},
            "parent_header": {}, "metadata": {}, "content": content, "channel": channel,
            "buffers": []}))
        return msg_id

    def handle(self, msg: dict) -> None:
        kind, content = msg["header"]["msg_type"], msg.get("content", {})
        if kind == "comm_open" and content.get("target_name") == "jupyter.widget":
            data = content.get("data", {})
            state = put_buffers(dict(data.get("state", {})), data.get("buffer_paths", []),
                                msg["buffers"])
            self.models[content["comm_id"]] = {"model": state.get("_model_name"), "state": state}
        elif kind == "comm_msg" and content.get("comm_id") in self.models:
            data = content.get("data", {})
            if data.get("method") in ("update", "echo_update"):
                state = put_buffers(dict(data.get("state", {})), data.get("buffer_paths", []),
                                    msg["buffers"])
                self.models[content["comm_id"]]["state"].update(state)
        elif kind in ("display_data", "execute_result"):
            view = content.get("data", {}).get("application/vnd.jupyter.widget-view+json")
            if view:
                self.views.append(view["model_id"])
        elif kind == "error":
            self.errors.append(f"{content.get('ename')}: {content.get('evalue')}")

    def request(self, msg_type: str, content: dict, timeout: float, on_message=None) -> dict:
        """Send a shell request; wait for its reply (if any) and the kernel's idle for it."""
        msg_id = self.send(msg_type, content)
        reply, idle = None, False
        expects_reply = not msg_type.startswith("comm_")
        deadline = time.monotonic() + timeout
        while not (idle and (reply is not None or not expects_reply)):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"{msg_type} not answered within {timeout:.0f} s")
            try:
                msg = self.inbox.get(timeout=remaining)
            except queue.Empty:
                continue
            if isinstance(msg, Exception):
                self.inbox.put(msg)  # the connection stays broken for every later request
                raise websocket.WebSocketConnectionClosedException(
                    f"kernel websocket lost: {type(msg).__name__}: {msg}")
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            if on_message is not None:
                on_message(msg)
            kind = msg["header"]["msg_type"]
            if kind.endswith("_reply"):
                reply = msg
            elif kind == "status" and msg["content"].get("execution_state") == "idle":
                idle = True
        return reply or {}

    def run_notebook(self, cells: list[str]) -> None:
        try:
            self.request("kernel_info_request", {}, timeout=SETUP_TIMEOUT)
        except (TimeoutError, websocket.WebSocketException) as e:
            raise StepFailed("notebook", f"{self.path}: kernel did not start: {e}") from None
        for index, code in enumerate(cells):
            before = len(self.errors)
            try:
                reply = self.request("execute_request", {
                    "code": code, "silent": False, "store_history": True, "user_expressions": {},
                    "allow_stdin": False, "stop_on_error": True}, timeout=CELL_TIMEOUT)
            except (TimeoutError, websocket.WebSocketException) as e:
                raise StepFailed("notebook", f"{self.path} cell {index}: {e}") from None
            if reply.get("content", {}).get("status") != "ok" or len(self.errors) > before:
                raise StepFailed("notebook", f"{self.path} cell {index}: "
                                 f"{'; '.join(self.errors[before:]) or reply.get('content')}")

    def panels(self) -> list[PanelView]:
        """The displayed panels: each displayed widget with sliders and an Image below it."""
        found = []
        for view in self.views:
            sliders, images, stack, seen = [], [], [view], set()
            while stack:
                comm_id = stack.pop()
                if comm_id in seen or comm_id not in self.models:
                    continue
                seen.add(comm_id)
                model = self.models[comm_id]
                if model["model"] in SLIDER_MODELS:
                    sliders.append(Slider(comm_id, model["model"], model["state"]))
                elif model["model"] == "ImageModel":
                    images.append(comm_id)
                children = model["state"].get("children") or []
                stack.extend(c.removeprefix("IPY_MODEL_") for c in children if isinstance(c, str))
            if sliders and len(images) == 1:
                found.append(PanelView(Path(self.path).name, sliders, images[0]))
        return found

    def move(self, slider: Slider, value, image_id: str) -> dict:
        """Set ``slider`` to ``value`` as the front end does; time the panel's new image."""
        image_before = self.models[image_id]["state"].get("value")
        arrived = {}
        start = time.perf_counter()

        def on_message(msg):
            content = msg.get("content", {})
            data = content.get("data", {})
            # The PNG travels as a binary buffer: its key is named in buffer_paths, not in state.
            if (msg["header"]["msg_type"] == "comm_msg" and content.get("comm_id") == image_id
                    and ("value" in data.get("state", {})
                         or ["value"] in data.get("buffer_paths", []))
                    and "t" not in arrived):
                arrived["t"] = msg["received"] - start

        self.request("comm_msg", {"comm_id": slider.comm_id, "data": {
            "method": "update", "state": {"value": value}, "buffer_paths": []}},
            timeout=MOVE_TIMEOUT, on_message=on_message)
        slider.state["value"] = value
        image_after = self.models[image_id]["state"].get("value")
        # No image message at all: the kernel handled the move (it went idle) and the picture is
        # byte for byte the one shown (a widget sends a value only when it changes), e.g. more
        # steps of a run that had already diverged. A person sees nothing change: not a failure.
        return {"latency": arrived.get("t"), "changed": image_after != image_before}


# -- a student -------------------------------------------------------------------------------------


@dataclass
class StudentResult:
    name: str
    steps_done: list = field(default_factory=list)
    step_seconds: dict = field(default_factory=dict)
    ready_after: float | None = None
    latencies: list = field(default_factory=list)
    unchanged: int = 0       # an image update whose picture equals the one before (a bug)
    same_picture: int = 0    # the kernel answered without a new image: the picture is the same
    moves: int = 0
    unanswered: int = 0
    errors: list = field(default_factory=list)


class Student:
    def __init__(self, hub: Hub, name: str, repository: Path, seed: int):
        self.hub, self.name, self.repository = hub, name, repository
        self.rng = random.Random(seed)
        self.http = requests.Session()
        self.http.trust_env = False
        self.server_url = f"{hub.url}/user/{name}"
        self.ws_url = self.server_url.replace("http://", "ws://", 1)
        self.token = ""
        self.kernels: list[Kernel] = []
        self.result = StudentResult(name)

    def auth(self) -> dict:
        return {"Authorization": f"token {self.token}"}

    def login(self) -> None:
        """The hub's login form, as a browser submits it (with its XSRF cookie)."""
        try:
            self.http.get(f"{self.hub.url}/hub/login", timeout=SETUP_TIMEOUT)
            xsrf = self.http.cookies.get("_xsrf", "")
            r = self.http.post(f"{self.hub.url}/hub/login?next=", timeout=SETUP_TIMEOUT,
                               allow_redirects=False,
                               data={"username": self.name, "password": "class", "_xsrf": xsrf})
        except requests.RequestException as e:
            raise StepFailed("login", str(e)) from None
        if r.status_code != 302 or not any(c.name.startswith("jupyterhub-session")
                                           or c.name == "jupyterhub-hub-login"
                                           for c in self.http.cookies):
            raise StepFailed("login", f"HTTP {r.status_code}, "
                                      f"cookies {sorted(self.http.cookies.keys())}")
        # The student's own token (a browser would carry the login cookie instead).
        r = self.hub.api("POST", f"/users/{self.name}/tokens", json={"note": "classroom load test"})
        if r.status_code not in (200, 201):
            raise StepFailed("login", f"token: HTTP {r.status_code} {r.text[:200]}")
        self.token = r.json()["token"]

    def spawn(self, timeout: float = 240) -> None:
        api = f"{self.hub.url}/hub/api/users/{self.name}"
        try:
            r = self.http.post(f"{api}/server", headers=self.auth(), timeout=SETUP_TIMEOUT)
            if r.status_code not in (201, 202):
                raise StepFailed("spawn", f"HTTP {r.status_code} {r.text[:200]}")
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                user = self.http.get(api, headers=self.auth(), timeout=SETUP_TIMEOUT).json()
                server = (user.get("servers") or {}).get("")
                if server is None:
                    raise StepFailed("spawn", "the server stopped while starting "
                                              "(see the hub's log)")
                if server.get("ready"):
                    return
                time.sleep(0.5)
        except requests.RequestException as e:
            raise StepFailed("spawn", str(e)) from None
        raise StepFailed("spawn", f"not ready within {timeout:.0f} s")

    def pull(self) -> None:
        """What the nbgitpuller link's page does: the git-pull API, with the link's parameters."""
        link = project.nbgitpuller_url(self.hub.url, repository=self.repository.as_uri())
        query = dict(parse_qsl(urlsplit(link).query))
        try:
            with self.http.get(f"{self.server_url}/git-pull/api", headers=self.auth(),
                               timeout=SETUP_TIMEOUT, stream=True,
                               params={k: query[k] for k in ("repo", "branch")}) as r:
                if r.status_code != 200:
                    raise StepFailed("pull", f"HTTP {r.status_code} {r.text[:200]}")
                phase, last = None, ""
                for line in r.iter_lines(decode_unicode=True):
                    if line and line.startswith("data:"):
                        event = json.loads(line[5:])
                        phase = event.get("phase")
                        last = event.get("message") or event.get("output", "")
                        if phase in ("finished", "error"):
                            break
        except requests.RequestException as e:
            raise StepFailed("pull", str(e)) from None
        if phase != "finished":
            raise StepFailed("pull", f"phase {phase}: {str(last)[:300]}")
        self.folder = query["urlpath"].split("/tree/", 1)[1].rsplit("/", 1)[0]

    def open_notebooks(self) -> None:
        for notebook in NOTEBOOKS:
            path = f"{self.folder}/{notebook}"
            r = self.http.get(f"{self.server_url}/api/contents/{path}", headers=self.auth(),
                              timeout=SETUP_TIMEOUT, params={"content": 1})
            if r.status_code != 200:
                raise StepFailed("notebook", f"{path} not in the pulled copy: HTTP {r.status_code}")
            cells = ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                     for c in r.json()["content"]["cells"] if c["cell_type"] == "code"]
            try:
                kernel = Kernel(self.server_url, self.ws_url, self.token, path, self.http)
            except (requests.RequestException, websocket.WebSocketException, OSError) as e:
                raise StepFailed("notebook", f"{path}: {e}") from None
            self.kernels.append(kernel)
            t0 = time.monotonic()
            kernel.run_notebook(cells)
            self.result.step_seconds[notebook] = time.monotonic() - t0
            if not kernel.panels():
                raise StepFailed("notebook", f"{path}: no panel with sliders and an image "
                                             "displayed")

    def setup(self, started: float) -> None:
        for step in (self.login, self.spawn, self.pull, self.open_notebooks):
            t0 = time.monotonic()
            step()
            self.result.step_seconds[step.__name__] = time.monotonic() - t0
            self.result.steps_done.append(step.__name__)
        self.result.ready_after = time.monotonic() - started

    def move_until(self, deadline: float) -> None:
        panels = [(k, p) for k in self.kernels for p in k.panels()]
        while time.monotonic() < deadline:
            kernel, panel = self.rng.choice(panels)
            slider = self.rng.choice(panel.sliders)
            value = slider.new_value(self.rng)
            self.result.moves += 1
            try:
                outcome = kernel.move(slider, value, panel.image_id)
            except (TimeoutError, websocket.WebSocketException, OSError) as e:
                self.result.unanswered += 1
                self.result.errors.append(f"move: {panel.notebook} {slider.model} -> {value}: {e}")
                if isinstance(e, TimeoutError):
                    continue
                return
            if outcome["latency"] is None:
                self.result.same_picture += 1
            else:
                self.result.latencies.append(outcome["latency"])
                self.result.unchanged += not outcome["changed"]
            time.sleep(self.rng.uniform(*THINK_SECONDS))

    def close(self) -> None:
        for kernel in self.kernels:
            kernel.close()


# -- one class -------------------------------------------------------------------------------------


def sample_memory(hub: Hub, peaks: dict, stop: threading.Event) -> None:
    """Per student, the peak of (server + kernels) RSS and PSS, in bytes, until ``stop``."""
    while not stop.is_set():
        try:
            students = hub.processes()["students"]
        except psutil.Error:
            students = {}
        for user, procs in students.items():
            rss = pss = server_rss = kernel_rss = 0
            for p in [procs["server"], *procs["kernels"]]:
                try:
                    info = p.memory_full_info()
                except psutil.Error:
                    continue
                rss += info.rss
                pss += getattr(info, "pss", info.rss)
                if p is procs["server"]:
                    server_rss = info.rss
                else:
                    kernel_rss = max(kernel_rss, info.rss)
            peak = peaks.setdefault(user, {"rss": 0, "pss": 0, "kernels": 0, "server_rss": 0,
                                           "kernel_rss": 0})
            peak["rss"], peak["pss"] = max(peak["rss"], rss), max(peak["pss"], pss)
            peak["kernels"] = max(peak["kernels"], len(procs["kernels"]))
            peak["server_rss"] = max(peak["server_rss"], server_rss)
            peak["kernel_rss"] = max(peak["kernel_rss"], kernel_rss)
        stop.wait(SAMPLE_EVERY)


def cpu_snapshot(hub: Hub) -> dict:
    procs = hub.processes()
    kernels = [k for s in procs["students"].values() for k in s["kernels"]]
    servers = [s["server"] for s in procs["students"].values()]
    return {"time": time.monotonic(), "hub": cpu_seconds(procs["hub"]),
            "proxy": cpu_seconds(procs["proxy"]) if procs["proxy"] else 0.0,
            "kernels": {k.pid: cpu_seconds(k) for k in kernels},
            "servers": {s.pid: cpu_seconds(s) for s in servers}}


def run_class(students: int, duration: float, setup_timeout: float = 600, seed: int = 0,
              keep: bool = False, log=print) -> dict:
    """Start a hub, let ``students`` students set up and move sliders for ``duration`` seconds,
    stop everything; return the figures (see the module docstring)."""
    workdir = Path(tempfile.mkdtemp(prefix=f"rmsviz-classroom-{students}-"))
    hub = Hub(workdir)
    atexit.register(hub.stop)
    peaks: dict = {}
    stop_sampling = threading.Event()
    results: list[StudentResult] = []
    started = time.monotonic()
    try:
        repository = make_series_repository(workdir / "origin")
        hub.start()
        log(f"  hub up on {hub.url} after {time.monotonic() - started:.1f} s")
        sampler = threading.Thread(target=sample_memory, args=(hub, peaks, stop_sampling),
                                   daemon=True)
        sampler.start()
        crew = [Student(hub, f"student{i + 1:02d}", repository, seed + i) for i in range(students)]
        started = time.monotonic()  # the teacher sends the link: link-to-sliders counts from here
        results = [s.result for s in crew]
        window: dict = {}

        def open_window():  # runs once, when the last student is ready, before anyone moves
            window["before"] = cpu_snapshot(hub)
            window["end"] = time.monotonic() + duration

        ready = threading.Barrier(students + 1, action=open_window)

        def lesson(student: Student) -> None:
            try:
                try:
                    student.setup(started)
                except StepFailed as e:
                    student.result.errors.append(str(e))
                finally:
                    ready.wait()
                if student.result.ready_after is not None:
                    student.move_until(window["end"])
            except threading.BrokenBarrierError:
                student.result.errors.append("setup: the class did not get ready in time")
            except Exception as e:  # noqa: BLE001 - any surprise is an error of this student
                student.result.errors.append(f"{type(e).__name__}: {e}")

        threads = [threading.Thread(target=lesson, args=(s,), daemon=True) for s in crew]
        for t in threads:
            t.start()
        try:
            ready.wait(timeout=setup_timeout)
        except threading.BrokenBarrierError:
            pass
        set_up = time.monotonic() - started
        log(f"  {sum(r.ready_after is not None for r in results)}/{students} students ready "
            f"after {set_up:.1f} s; moving sliders for {duration:.0f} s")
        before = window.get("before") or cpu_snapshot(hub)
        for t in threads:
            t.join(timeout=duration + MOVE_TIMEOUT + 30)
        after = cpu_snapshot(hub)
        stop_sampling.set()
        sampler.join(timeout=10)
        for s in crew:
            s.close()
        guard = hub.guard_violations()
    finally:
        stop_sampling.set()
        hub.stop()
        atexit.unregister(hub.stop)
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)
    summary = summarise(students, duration, results, peaks, before, after, guard, set_up)
    summary["processes_seen"] = len(hub.tree.seen) + 1
    summary["processes_left"] = [_cmdline(p)[:120] for p in [hub.tree.root, *hub.tree.seen.values()]
                                 if _alive(p)]
    return summary


def summarise(students, duration, results, peaks, before, after, guard, set_up) -> dict:
    wall = max(1e-9, after["time"] - before["time"])
    latencies = [t for r in results for t in r.latencies]

    def pct_of_core(key):
        return 100 * (after[key] - before[key]) / wall

    kernel_cpu = sum(after["kernels"][pid] - t for pid, t in before["kernels"].items()
                     if pid in after["kernels"])
    server_cpu = sum(after["servers"][pid] - t for pid, t in before["servers"].items()
                     if pid in after["servers"])
    # Everything a student's server and kernels did before the moves: start, pull, run all.
    setup_cpu = sum(before["kernels"].values()) + sum(before["servers"].values())
    failed = {step: sum(step not in r.steps_done for r in results)
              for step in ("login", "spawn", "pull", "open_notebooks")}
    errors = [e for r in results for e in r.errors] + [f"network guard: {v}" for v in guard]
    mb = 1024 * 1024
    rss = [p["rss"] / mb for p in peaks.values()]
    pss = [p["pss"] / mb for p in peaks.values()]
    ready = [r.ready_after for r in results if r.ready_after is not None]
    steps = {step: percentile([r.step_seconds[step] for r in results if step in r.step_seconds], 50)
             for step in ("login", "spawn", "pull", *NOTEBOOKS)}
    return {
        "students": students, "duration_s": duration, "setup_s": set_up,
        "failed": failed, "errors": errors, "error_count": len(errors),
        "ready_p50_s": percentile(ready, 50), "ready_max_s": max(ready) if ready else float("nan"),
        "moves": sum(r.moves for r in results), "new_picture": len(latencies),
        "unanswered": sum(r.unanswered for r in results),
        "unchanged": sum(r.unchanged for r in results),
        "same_picture": sum(r.same_picture for r in results),
        "moves_per_student": [r.moves for r in results],
        "p50_ms": 1e3 * percentile(latencies, 50), "p95_ms": 1e3 * percentile(latencies, 95),
        "max_ms": 1e3 * max(latencies) if latencies else float("nan"),
        "rss_mb_per_student": statistics.mean(rss) if rss else float("nan"),
        "rss_mb_max": max(rss) if rss else float("nan"),
        "pss_mb_per_student": statistics.mean(pss) if pss else float("nan"),
        "server_mb": max((p["server_rss"] / mb for p in peaks.values()), default=float("nan")),
        "largest_kernel_mb": max((p["kernel_rss"] / mb for p in peaks.values()),
                                 default=float("nan")),
        "step_p50_s": steps,
        "setup_cpu_s_per_student": setup_cpu / max(1, students),
        "kernel_cpu_pct_per_student": 100 * kernel_cpu / wall / max(1, students),
        "server_cpu_pct_per_student": 100 * server_cpu / wall / max(1, students),
        "hub_cpu_pct": pct_of_core("hub"), "proxy_cpu_pct": pct_of_core("proxy"),
    }


def describe(r: dict) -> str:
    f = r["failed"]
    return (f"N={r['students']:>2}: failed logins {f['login']}, spawns {f['spawn']}, "
            f"pulls {f['pull']}, "
            f"notebook runs {f['open_notebooks']}; link-to-sliders p50 {r['ready_p50_s']:.1f} s, "
            f"max {r['ready_max_s']:.1f} s ("
            + ", ".join(f"{k.split('_')[0]} {v:.1f}" for k, v in r["step_p50_s"].items())
            + f" s); set-up CPU {r['setup_cpu_s_per_student']:.1f} s per student\n"
            f"      moves {r['moves']}: new picture {r['new_picture']}, "
            f"same picture (kernel answered, "
            f"nothing to redraw) {r['same_picture']}, unanswered {r['unanswered']}, image update "
            f"without change {r['unchanged']}; move-to-image p50 {r['p50_ms']:.0f} ms, "
            f"p95 {r['p95_ms']:.0f} ms, max {r['max_ms']:.0f} ms\n"
            f"      per student: {r['rss_mb_per_student']:.0f} MB RSS (max {r['rss_mb_max']:.0f}; "
            f"server {r['server_mb']:.0f}, largest kernel {r['largest_kernel_mb']:.0f}), "
            f"{r['pss_mb_per_student']:.0f} MB PSS, "
            f"kernels {r['kernel_cpu_pct_per_student']:.1f} % "
            f"+ server {r['server_cpu_pct_per_student']:.1f} % of a core; "
            f"hub {r['hub_cpu_pct']:.1f} %, "
            f"proxy {r['proxy_cpu_pct']:.1f} % of a core; errors {r['error_count']}")


def table(rows: list[dict]) -> str:
    lines = ["| students | move-to-image p50 | p95 | MB per student (RSS / PSS) | kernel CPU per "
             "student | hub CPU | proxy CPU | link-to-sliders p50 / max | moves | errors |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(
            f"| {r['students']} | {r['p50_ms']:.0f} ms | {r['p95_ms']:.0f} ms | "
            f"{r['rss_mb_per_student']:.0f} / {r['pss_mb_per_student']:.0f} | "
            f"{r['kernel_cpu_pct_per_student']:.1f} % | {r['hub_cpu_pct']:.1f} % | "
            f"{r['proxy_cpu_pct']:.1f} % | {r['ready_p50_s']:.0f} / {r['ready_max_s']:.0f} s | "
            f"{r['moves']} | {r['error_count']} |")
    return "\n".join(lines)


def summary_line(r: dict) -> str:
    return (f"classroom: {r['students']} students, move-to-image p50 {r['p50_ms']:.0f} ms "
            f"p95 {r['p95_ms']:.0f} ms, {r['rss_mb_per_student']:.0f} MB per student, "
            f"{r['error_count']} errors")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, nargs="+", default=list(DEFAULT_STUDENTS))
    parser.add_argument("--duration", type=float, default=75.0,
                        help="seconds of slider moves per N")
    parser.add_argument("--setup-timeout", type=float, default=600.0)
    parser.add_argument("--json", type=Path, help="save every figure here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folders (logs)")
    args = parser.parse_args(argv)

    def stop_on_signal(signum, _frame):
        raise SystemExit(128 + signum)  # unwinds through run_class's finally: everything stops

    signal.signal(signal.SIGTERM, stop_on_signal)
    signal.signal(signal.SIGINT, stop_on_signal)
    rows = []
    for n in args.students:
        print(f"classroom: {n} students", flush=True)
        row = run_class(n, args.duration, args.setup_timeout, keep=args.keep,
                        log=lambda s: print(s, flush=True))
        rows.append(row)
        print(describe(row), flush=True)
        for e in row["errors"][:10]:
            print(f"      error: {e}", flush=True)
    print()
    print(f"machine: {os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB; "
          f"{args.duration:.0f} s of moves per N, one move per student every "
          f"{THINK_SECONDS[0]}-{THINK_SECONDS[1]} s after the previous picture")
    print(table(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1, default=str))
    print(summary_line(max(rows, key=lambda r: r["students"])))
    return 0 if all(r["error_count"] == 0 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
