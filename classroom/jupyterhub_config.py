# JupyterHub on one machine for a class working through the rmsviz series.
#
#     pip install -r classroom/requirements.txt      # from the repository's root: hub + series
#     npm ci --prefix classroom                       # configurable-http-proxy (npm registry)
#     jupyterhub -f classroom/jupyterhub_config.py    # as root (SystemdSpawner needs systemd)
#
# Two modes, chosen by the environment variable RMSVIZ_HUB_MODE:
#
# * "production" (the default): students log in through the school's single sign-on (OAuth 2 /
#   OpenID Connect, oauthenticator's GenericOAuthenticator; any other JupyterHub authenticator can
#   be named in RMSVIZ_HUB_AUTHENTICATOR), and each student's server runs under SystemdSpawner as a
#   throw-away system user, with the memory and CPU limits below enforced by systemd (cgroups).
# * "test": the built-in DummyAuthenticator (any name, any password) and SimpleLocalProcessSpawner
#   (every server runs as the hub's own user, limits NOT enforced), everything on 127.0.0.1, all
#   state in RMSVIZ_HUB_STATE_DIR. This is what benchmarks/classroom.py and
#   tests/test_classroom.py start: never expose a hub in test mode.
#
# Both modes cull idle servers (jupyterhub-idle-culler) and idle kernels, and have nbgitpuller in
# every student's server, so the link from `python tools/project_links.py --hub URL` puts the
# series in every student's home (see classroom/README.md). Sizing: classroom/README.md.
#
# Everything a teacher or an admin may change is an environment variable read at the top; the
# defaults are the sizing measured by benchmarks/classroom.py (classroom/README.md says how).

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent  # the environment classroom/requirements.txt was installed into


def setting(name, default):
    return os.environ.get(f"RMSVIZ_HUB_{name}", default)


MODE = setting("MODE", "production")
if MODE not in ("production", "test"):
    raise ValueError(f"RMSVIZ_HUB_MODE must be 'production' or 'test', not {MODE!r}")
TEST = MODE == "test"

# -- settings ------------------------------------------------------------------------------------
# Where the hub keeps its database, cookie secret and (in test mode) the students' homes.
STATE_DIR = Path(setting("STATE_DIR", "" if TEST else "/srv/rmsviz-hub"))
if not str(STATE_DIR) or str(STATE_DIR) == ".":
    raise ValueError("test mode needs RMSVIZ_HUB_STATE_DIR (a temporary folder)")
# The address students open; in production put HTTPS in front (or set SSL_CERT and SSL_KEY).
IP = setting("IP", "127.0.0.1" if TEST else "")
PORT = int(setting("PORT", "8000"))
HUB_PORT = int(setting("HUB_PORT", "8081"))           # the hub's own API, loopback only
PROXY_API_PORT = int(setting("PROXY_API_PORT", "8001"))  # the proxy's REST API, loopback only
SSL_CERT, SSL_KEY = setting("SSL_CERT", ""), setting("SSL_KEY", "")
# Per-student limits (enforced by SystemdSpawner in production; see classroom/README.md, Sizing).
MEM_LIMIT = setting("MEM_LIMIT", "1.2G")
CPU_LIMIT = float(setting("CPU_LIMIT", "1.0"))
# Stop a student's server after this many seconds without activity, and a kernel idle this long.
CULL_TIMEOUT = int(setting("CULL_TIMEOUT", "3600"))
CULL_EVERY = int(setting("CULL_EVERY", "300"))
# At most this many students' servers at once (0: no limit): what the machine holds, see Sizing.
ACTIVE_SERVER_LIMIT = int(setting("ACTIVE_SERVER_LIMIT", "0"))
# The teacher(s): comma-separated user names with the admin page (start/stop students' servers).
ADMINS = {name.strip() for name in setting("ADMINS", "").split(",") if name.strip()}
# Only these students (comma-separated); empty: everyone the school's sign-on lets in.
ALLOWED = {name.strip() for name in setting("ALLOWED_USERS", "").split(",") if name.strip()}
AUTHENTICATOR = "dummy" if TEST else setting("AUTHENTICATOR", "generic-oauth")

# -- hub and proxy -------------------------------------------------------------------------------
c.JupyterHub.bind_url = f"{'https' if SSL_CERT else 'http'}://{IP}:{PORT}"
if SSL_CERT:
    c.JupyterHub.ssl_cert, c.JupyterHub.ssl_key = SSL_CERT, SSL_KEY
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{HUB_PORT}"
c.JupyterHub.db_url = f"sqlite:///{STATE_DIR / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE_DIR / "jupyterhub_cookie_secret")
c.JupyterHub.active_server_limit = ACTIVE_SERVER_LIMIT
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every student's server
# The class link (/hub/user-redirect/git-pull?...) starts the student's own server by itself,
# instead of showing "server not running" with a button to press first.
c.JupyterHub.implicit_spawn_seconds = 1
c.JupyterHub.cleanup_proxy = True

proxy = HERE / "node_modules" / ".bin" / "configurable-http-proxy"  # `npm ci --prefix classroom`
c.ConfigurableHTTPProxy.command = [str(proxy) if proxy.exists() else "configurable-http-proxy"]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{PROXY_API_PORT}"
c.ConfigurableHTTPProxy.pid_file = str(STATE_DIR / "proxy.pid")

# -- who logs in ---------------------------------------------------------------------------------
c.JupyterHub.authenticator_class = AUTHENTICATOR
c.Authenticator.admin_users = ADMINS
c.Authenticator.allowed_users = ALLOWED
c.Authenticator.allow_all = not ALLOWED
if AUTHENTICATOR == "generic-oauth":
    # The school's identity provider (Google Workspace, Microsoft Entra ID, Keycloak, ...) gives
    # the rest through the environment, read by oauthenticator itself: OAUTH_CLIENT_ID,
    # OAUTH_CLIENT_SECRET, OAUTH_CALLBACK_URL (https://<hub>/hub/oauth_callback),
    # OAUTH2_AUTHORIZE_URL, OAUTH2_TOKEN_URL, OAUTH2_USERDATA_URL.
    c.GenericOAuthenticator.scope = ["openid", "profile", "email"]
    c.GenericOAuthenticator.username_claim = setting("USERNAME_CLAIM", "preferred_username")

# -- each student's server -----------------------------------------------------------------------
c.Spawner.cmd = [str(BIN / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.mem_limit = MEM_LIMIT
c.Spawner.cpu_limit = CPU_LIMIT
# A class starts together: thirty servers starting at once on one machine take longer than the
# defaults (60 s to start, 30 s to answer) allow.
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 120
c.Spawner.args = [
    # A kernel nobody has used for CULL_TIMEOUT seconds is shut down (a browser tab left open
    # keeps its kernel: cull_connected stays False).
    f"--MappingKernelManager.cull_idle_timeout={CULL_TIMEOUT}",
    f"--MappingKernelManager.cull_interval={CULL_EVERY}",
]
if TEST:
    c.JupyterHub.spawner_class = "simple"
    c.Spawner.ip = "127.0.0.1"  # the default, said out loud: test traffic stays on loopback
    c.SimpleLocalProcessSpawner.home_dir_template = str(STATE_DIR / "home" / "{username}")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        c.Spawner.args.append("--allow-root")
else:
    c.JupyterHub.spawner_class = "systemd"
    c.SystemdSpawner.dynamic_users = True   # no Unix accounts to create: one per student, on demand
    c.SystemdSpawner.isolate_tmp = True
    c.SystemdSpawner.isolate_devices = True
    c.SystemdSpawner.disable_user_sudo = True

# -- idle culling --------------------------------------------------------------------------------
c.JupyterHub.load_roles = [{
    "name": "idle-culler",
    "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    "services": ["idle-culler"],
}]
c.JupyterHub.services = [{
    "name": "idle-culler",
    "command": [sys.executable, "-m", "jupyterhub_idle_culler",
                f"--timeout={CULL_TIMEOUT}", f"--cull-every={CULL_EVERY}"],
}]
