"""Test guard loaded into every kernel the reproducibility and browser tests start.

Put this folder on ``PYTHONPATH`` and Python imports it at start-up (``sitecustomize``). It installs
an audit hook (PEP 578) that

* refuses every socket connection (``connect``, ``sendto``, ``sendmsg``) and every name lookup to
  an address other than loopback, raising ``ConnectionRefusedError`` in the notebook's code;
* when ``RMSVIZ_GUARD_WRITE_ROOTS`` is set (``os.pathsep``-separated folders), records every file
  opened for writing, created, renamed or removed outside those folders (and ``/dev``);

and appends each violation as one JSON line to the file named by ``RMSVIZ_GUARD_LOG``, so a test
sees it even when the notebook catches the exception. Nothing here changes what a notebook
computes; it only refuses the network and reports writes.
"""

from __future__ import annotations

import ipaddress
import json
import os
import socket
import sys
import threading

_LOG = os.environ.get("RMSVIZ_GUARD_LOG")
_ROOTS = tuple(
    os.path.realpath(p) for p in os.environ.get("RMSVIZ_GUARD_WRITE_ROOTS", "").split(os.pathsep) if p
) + ("/dev",)
_AUDIT_WRITES = bool(os.environ.get("RMSVIZ_GUARD_WRITE_ROOTS"))
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
_LOCAL = threading.local()
_INET = (socket.AF_INET, socket.AF_INET6)


def _record(kind: str, detail) -> None:
    if not _LOG:
        return
    _LOCAL.busy = True
    try:
        with open(_LOG, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"kind": kind, "detail": detail, "pid": os.getpid()}) + "\n")
    except Exception:  # pragma: no cover - never let the guard itself break a kernel
        pass
    finally:
        _LOCAL.busy = False


def _is_loopback(host) -> bool:
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if host is None or host in ("", "localhost", "localhost.localdomain", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False  # any other host name would need a DNS query


def _refuse(kind: str, address) -> None:
    _record(kind, repr(address))
    raise ConnectionRefusedError(
        f"rmsviz test guard: network access to {address!r} refused (only loopback is allowed)")


def _outside(path) -> str | None:
    if isinstance(path, int):
        return None
    try:
        path = os.fsdecode(path)
    except TypeError:
        return None
    full = os.path.realpath(os.path.abspath(path))
    for root in _ROOTS:
        if full == root or full.startswith(root.rstrip(os.sep) + os.sep):
            return None
    return full


def _hook(event: str, args) -> None:
    if getattr(_LOCAL, "busy", False):
        return
    if event in ("socket.connect", "socket.sendto", "socket.sendmsg"):
        sock, address = args[0], args[1]
        if getattr(sock, "family", None) in _INET and isinstance(address, tuple) and address:
            if not _is_loopback(address[0]):
                _refuse(event, address)
    elif event == "socket.getaddrinfo":
        if not _is_loopback(args[0]):
            _refuse(event, args[0])
    elif event == "socket.gethostbyname":
        if not _is_loopback(args[0]):
            _refuse(event, args[0])
    elif _AUDIT_WRITES:
        paths = ()
        if event == "open":
            path, mode, flags = args
            writing = (mode is not None and any(c in mode for c in "wax+")) or (
                mode is None and isinstance(flags, int) and flags & _WRITE_FLAGS)
            if writing:
                paths = (path,)
        elif event in ("os.mkdir", "os.remove", "os.rmdir", "os.truncate", "shutil.rmtree",
                       "os.chmod", "os.utime"):
            paths = (args[0],)
        elif event in ("os.symlink", "os.link"):
            paths = (args[1],)
        elif event == "os.rename":
            paths = (args[0], args[1])
        for path in paths:
            outside = _outside(path)
            if outside is not None:
                _record(f"write:{event}", outside)


sys.addaudithook(_hook)
