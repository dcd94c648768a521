"""Starts a throw-away scim2-server (in memory) for tests, the demo and benchmarks.

The server runs in a child process on 127.0.0.1, on a free port, with its base path ``/v2``.
It is stopped by SIGTERM (then SIGKILL) when ``stop()`` is called, when the ``with`` block
ends, when this interpreter exits, and by itself when the process that started it goes away.
Its data lives in memory only and is lost when it stops.
"""

from __future__ import annotations

import atexit
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from typing import IO

import httpx

STARTUP_TIMEOUT = 20.0  # seconds
STOP_TIMEOUT = 5.0
TOKEN_VARIABLE = "IDMS_SCIM_SERVER_TOKEN"

# Run in the child: leave when the parent is gone, read the token from the environment (so it is
# not in the process list), keep request logging quiet, and run the scim2-server command.
_LAUNCHER = f"""
import os, sys, threading, time
parent = os.getppid()
def _watch_parent():
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(0)
threading.Thread(target=_watch_parent, daemon=True).start()
from wsgiref.simple_server import WSGIRequestHandler
WSGIRequestHandler.log_message = lambda *args: None
token = os.environ.pop({TOKEN_VARIABLE!r}, None)
sys.argv = ["scim2-server", *sys.argv[1:]]
if token:
    sys.argv += ["--bearer-token", token]
from scim2_server.testserver.cli import main
main()
"""

_running: set[RunningScimServer] = set()
_running_lock = threading.Lock()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class ScimServerError(RuntimeError):
    """The server did not start."""


class RunningScimServer:
    """A scim2-server child process; ``base_url`` ends with ``/v2``."""

    def __init__(
        self, process: subprocess.Popen[bytes], port: int, log: IO[bytes], token: str | None
    ) -> None:
        self.process = process
        self.port = port
        self.base_url = f"http://127.0.0.1:{port}/v2"
        self.bearer_token = token
        self._log = log
        self._stopped = False

    def __repr__(self) -> str:
        return f"RunningScimServer(base_url={self.base_url!r}, pid={self.process.pid})"

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        """End the process (SIGTERM, then SIGKILL) and wait for it; safe to call twice."""
        if self._stopped:
            return
        self._stopped = True
        try:
            if self.process.poll() is None:
                self.process.terminate()
                try:
                    self.process.wait(STOP_TIMEOUT)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait(STOP_TIMEOUT)
        finally:
            self._log.close()
            with _running_lock:
                _running.discard(self)

    def output(self) -> str:
        """What the server wrote to stderr/stdout so far (its start banner, its errors)."""
        if self._log.closed:
            return ""
        self._log.flush()
        self._log.seek(0)
        return self._log.read().decode(errors="replace")

    def __enter__(self) -> RunningScimServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def _stop_all() -> None:
    with _running_lock:
        servers = list(_running)
    for server in servers:
        server.stop()


atexit.register(_stop_all)


def _wait_until_answering(server: RunningScimServer, deadline: float) -> bool:
    """True once the server answers; False if the process ended first."""
    url = server.base_url + "/ServiceProviderConfig"
    with httpx.Client(timeout=1.0) as client:
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                return False
            try:
                if client.get(url).status_code < 500:
                    return True
            except httpx.TransportError:
                pass
            time.sleep(0.02)
    raise ScimServerError(f"scim2-server did not answer on port {server.port} in time")


def start_scim_server(
    port: int | None = None, bearer_token: str | None = None
) -> RunningScimServer:
    """Start scim2-server on ``port`` (a free one when None) and wait until it answers.

    With ``bearer_token``, requests without that token get 401. Use it as a context manager, or
    call ``stop()``.
    """
    attempts = 1 if port is not None else 3  # a free port can be taken before the server binds
    deadline = time.monotonic() + STARTUP_TIMEOUT
    output = ""
    for _ in range(attempts):
        chosen = port if port is not None else free_port()
        environment = dict(os.environ)
        environment.pop(TOKEN_VARIABLE, None)
        if bearer_token:
            environment[TOKEN_VARIABLE] = bearer_token
        log = tempfile.TemporaryFile()  # noqa: SIM115 - closed by RunningScimServer.stop()
        process = subprocess.Popen(
            [sys.executable, "-c", _LAUNCHER, "--hostname", "127.0.0.1", "--port", str(chosen)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=environment,
        )
        server = RunningScimServer(process, chosen, log, bearer_token)
        with _running_lock:
            _running.add(server)
        try:
            if _wait_until_answering(server, deadline):
                return server
        except BaseException:
            server.stop()
            raise
        output = server.output()
        server.stop()
    tail = output.strip().splitlines()[-1:] or ["no output"]
    raise ScimServerError(f"scim2-server did not start: {tail[0]}")
