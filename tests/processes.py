"""Real processes for durability tests: a Celery worker that can be SIGKILLed, a gunicorn server,
Django one-liners, and an SMTP server that counts what it receives.

Each uses the test database (tests must use `transactional_db`) and its own Celery queue, so a
session-wide worker (tests/conftest.py) never takes their jobs.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from email import message_from_bytes
from pathlib import Path

from tests.conftest import PROJECT_ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def closed_port_redis_url() -> str:
    """A Redis URL on a port nobody listens on (bound, then closed)."""
    return f"redis://127.0.0.1:{free_port()}/0"


def project_env(**overrides: str) -> dict[str, str]:
    from django.conf import settings
    from django.db import connection

    db = connection.settings_dict
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CONN_MAX_AGE": "0",
        "LOG_LEVEL": "WARNING",
        **overrides,
    }


def run_django(code: str, env: dict[str, str], timeout: float = 60) -> str:
    """Run Python with Django set up in a fresh process (e.g. a sweep, as beat would); its stdout."""
    script = f"import django\ndjango.setup()\n{code}"
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT_ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "clinic.settings"},
        capture_output=True, text=True, timeout=timeout,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


class Worker:
    """`celery worker` (prefork, one child) on its own queue; kill its child or the whole of it."""

    def __init__(self, env: dict[str, str], name: str, log: Path):
        self.env, self.name, self.log_path = env, name, log
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self, timeout: float = 60) -> None:
        from clinic.celery import app

        self.starts += 1
        self.node = node = f"{self.name}-{self.starts}@{socket.gethostname()}"
        log = open(self.log_path, "a")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "clinic", "worker", "-Q", self.env["CELERY_DEFAULT_QUEUE"],
             "--concurrency", "1", "--pool", "prefork", "--loglevel", "INFO", "--without-gossip",
             "--without-mingle", "--without-heartbeat", "-n", node],
            cwd=PROJECT_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited with {self.process.returncode}; see {self.log_path}")
            if app.control.ping(destination=[node], timeout=0.5) and self.child_pid():
                return
        raise RuntimeError(f"worker did not answer within {timeout} s; see {self.log_path}")

    def idle(self) -> bool:
        """Running nothing and holding no message (asked through the broker)."""
        from clinic.celery import app

        inspect = app.control.inspect(destination=[self.node], timeout=1)
        active, reserved = inspect.active(), inspect.reserved()
        return bool(active and reserved) and not active.get(self.node) and not reserved.get(self.node)

    def child_pid(self) -> int | None:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return int(children[0]) if children else None

    def kill_child(self) -> bool:
        """SIGKILL the pool process running the job; the worker starts a new one."""
        pid = self.child_pid()
        if pid is None:
            return False
        os.kill(pid, signal.SIGKILL)
        return True

    def kill_all(self) -> None:
        """SIGKILL the worker and its child at once, as a crashed machine or OOM-killed container."""
        pid = self.child_pid()
        self.process.send_signal(signal.SIGKILL)
        if pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill_all()


class Server:
    """The product's gunicorn server (one process) on a free port."""

    def __init__(self, env: dict[str, str], log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        log_file = open(log, "w")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "clinic.wsgi", "--bind", f"127.0.0.1:{self.port}", "--workers", "1",
             "--timeout", "60"],
            cwd=PROJECT_ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT,
        )
        log_file.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}; see {log}")
            try:
                urllib.request.urlopen(self.url + "/healthz", timeout=5)  # noqa: S310 - our own server
                return
            except urllib.error.HTTPError:
                return  # it answers (503 is an answer)
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"server did not answer within 60 s; see {log}")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


class SmtpSink:
    """An in-process SMTP server (aiosmtpd) counting received messages by Message-ID.

    `delay` holds each message between receiving it and answering 250, widening the window in
    which a killed worker has handed a message over without learning that it did.
    """

    def __init__(self, delay: float = 0.0, port: int | None = None):
        import logging

        from aiosmtpd.controller import Controller

        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self.received: Counter[str] = Counter()
        self.messages: list[bytes] = []  # every message as received
        self.lock = threading.Lock()
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
                import asyncio

                message_id = message_from_bytes(envelope.content)["Message-ID"]
                with sink.lock:
                    sink.received[message_id] += 1
                    sink.messages.append(envelope.content)
                if delay:
                    await asyncio.sleep(delay)
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=port or free_port())
        self.controller.start()
        self.port = self.controller.port

    def stop(self) -> None:
        self.controller.stop()
