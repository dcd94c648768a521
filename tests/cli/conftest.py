"""The ``idms`` command run as a user runs it: a subprocess with its own database."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

IDMS = str(Path(sys.executable).parent / "idms")


@dataclass
class Cli:
    env: dict[str, str]
    cwd: Path

    def __call__(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [IDMS, *args],
            env=self.env,
            cwd=self.cwd,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=300,
        )


def _postgres_database(base_url: str):
    """A fresh database next to the test database, dropped afterwards."""
    import psycopg

    name = f"idms_cli_{uuid.uuid4().hex[:12]}"
    admin_url = base_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def database_url(tmp_path):
    base = os.environ.get("IDMS_DATABASE_URL", "")
    if base.startswith("postgres"):
        yield from _postgres_database(base)
    else:
        yield f"sqlite:///{tmp_path / 'idms.sqlite3'}"


@pytest.fixture
def cli(tmp_path, database_url):
    env = {**os.environ, "IDMS_DATABASE_URL": database_url}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return Cli(env=env, cwd=tmp_path)


@pytest.fixture
def migrated_cli(cli):
    result = cli("migrate")
    assert result.returncode == 0, result.stderr
    return cli
