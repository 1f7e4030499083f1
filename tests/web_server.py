"""The web application served by uvicorn on a free port of localhost, in a
thread of the test process, for the browser test and the benchmark."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from billing.files.centre_file import DEFAULT_CENTRE_FILE
from billing.web.app import create_app
from billing.web.config import AppConfig


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(database_url: str) -> Iterator[str]:
    """The base URL of the running server; stopped on leaving."""
    port = free_port()
    app = create_app(AppConfig(database_url, DEFAULT_CENTRE_FILE, auto_upgrade=False))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the web server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
