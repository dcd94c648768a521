"""Fixtures for the relying-party tests: a key of the test's own, a real SCIM relying party,
and a store filled the way a user fills it (by importing a CMS report)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from idms.connectors.scim import start_scim_server
from idms.connectors.scim.server import RunningScimServer
from idms.domain import FixedClock
from idms.jobs.kinds import Trigger
from idms.web.credentials.history_job import import_credential_history
from idms.web.relying_parties.models import RelyingParty
from idms.web.relying_parties.services import add_relying_party
from report_files import write_csv

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture(autouse=True)
def key_file(monkeypatch, tmp_path):
    """Secrets are sealed with a key file of this test's own (never one in the working
    directory, never a passphrase from the environment)."""
    path = tmp_path / "idms.key"
    monkeypatch.delenv("IDMS_SECRET_KEY", raising=False)
    monkeypatch.setenv("IDMS_KEY_FILE", str(path))
    return path


@pytest.fixture
def load_store(tmp_path, clock) -> Callable[[Sequence[Mapping[str, str]]], None]:
    """Import CMS report rows into the store, as `idms cms import` does."""
    files = iter(range(1, 1000))

    def load(rows: Sequence[Mapping[str, str]]) -> None:
        path = write_csv(tmp_path / f"cms-{next(files)}.csv", rows)
        run = import_credential_history(path, actor="tester", trigger=Trigger.CLI, clock=clock)
        assert run.counts["rejected"] == 0, run.message

    return load


@pytest.fixture
def add_rp(clock) -> Callable[..., RelyingParty]:
    """A SCIM relying party added through the service the CLI uses."""

    def add(
        name: str,
        url: str = "http://rp.invalid/scim/v2",
        *,
        token: str = "",
        threshold: float = 5.0,
        **settings: Any,
    ) -> RelyingParty:
        return add_relying_party(
            name=name,
            kind="scim",
            settings={"url": url, **settings},
            secret=token,
            disable_threshold=threshold,
            actor="admin",
            clock=clock,
        )

    return add


class ScimAdmin:
    """Direct access to a SCIM relying party, bypassing idms: to seed it and to see what it
    really holds."""

    def __init__(self, server: RunningScimServer) -> None:
        headers = {"Authorization": f"Bearer {server.bearer_token}"} if server.bearer_token else {}
        self.client = httpx.Client(base_url=server.base_url, headers=headers, timeout=10)

    def create(
        self,
        user_name: str,
        *,
        external_id: str | None = None,
        given_name: str | None = None,
        family_name: str | None = None,
        email: str | None = None,
        active: bool = True,
    ) -> str:
        user: dict[str, Any] = {"schemas": [USER_SCHEMA], "userName": user_name, "active": active}
        if external_id:
            user["externalId"] = external_id
        if given_name or family_name:
            user["name"] = {"givenName": given_name, "familyName": family_name}
        if email:
            user["emails"] = [{"value": email, "type": "work", "primary": True}]
        response = self.client.post("/Users", json=user)
        response.raise_for_status()
        return str(response.json()["id"])

    def users(self) -> list[dict[str, Any]]:
        response = self.client.get("/Users", params={"startIndex": 1, "count": 1000})
        response.raise_for_status()
        return list(response.json().get("Resources", []))

    def by_external_id(self) -> dict[str | None, dict[str, Any]]:
        return {user.get("externalId"): user for user in self.users()}


@pytest.fixture
def scim_server() -> Iterator[RunningScimServer]:
    """A scim2-server of this test's own, in memory."""
    with start_scim_server() as server:
        yield server


@pytest.fixture
def scim_admin(scim_server) -> Iterator[ScimAdmin]:
    admin = ScimAdmin(scim_server)
    yield admin
    admin.client.close()
