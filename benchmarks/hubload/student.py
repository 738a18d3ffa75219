"""A student of the classroom load test, doing what a browser does: the hub's login form, the
server started with the student's token, the nbgitpuller link's git-pull API, notebooks run over
their kernels' websockets, and slider moves sent as widget messages, timed until the panel's new
picture arrives. Used by benchmarks/classroom.py.
"""

from __future__ import annotations

import json
import queue
import random
import struct
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlsplit

import requests
import websocket

from rmsviz import project

if TYPE_CHECKING:
    from .hub import Hub

NOTEBOOKS = ("01_rms_step_by_step.ipynb", "04_gradients.ipynb")
SLIDER_MODELS = {"FloatSliderModel", "IntSliderModel", "FloatLogSliderModel"}
MOVE_TIMEOUT = 10.0          # a move not answered by then counts as failed
CELL_TIMEOUT = 300.0
SETUP_TIMEOUT = 180.0        # a session, a kernel's websocket, a kernel's first answer
THINK_SECONDS = (0.5, 1.0)   # pause after each picture, before the next move


class StepFailed(Exception):
    """A student's step (login, spawn, pull, notebook, move) failed; the message says why."""

    def __init__(self, step: str, message: str):
        super().__init__(f"{step}: {message}")
        self.step = step


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
