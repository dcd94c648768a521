"""`idms rp ...`, `idms reconcile` and what they leave in reports and profiles, as a system
manager sees them: the real command in a subprocess, a real SCIM relying party (scim2-server)."""

from __future__ import annotations

import csv
import io
import json
import uuid

import httpx
import pytest

from idms.connectors.scim import start_scim_server
from idms.connectors.scim.server import free_port
from report_files import event, write_csv

TOKEN = "tok-5d2e9a77-cli-relying-party"
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
RP_KEYS = {"name", "status", "message", "added", "updated", "disabled", "unchanged", "orphans"}


def card(person_id: str, status: str = "ACTIVE") -> dict[str, str]:
    return event(
        f"E-{person_id}",
        "2026-01-01T09:00:00Z",
        status,
        person_id=person_id,
        credential_id=f"C-{person_id}",
        given_name="Ann",
        family_name=f"Lee-{person_id}",
        email=f"{person_id.lower()}@agency.example",
        card_uuid=str(uuid.uuid5(uuid.NAMESPACE_URL, person_id)),
        expires_on="2031-12-31",
    )


class Scim:
    """The relying party seen directly, bypassing idms."""

    def __init__(self, base_url: str, token: str | None = None) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.client = httpx.Client(base_url=base_url, headers=headers, timeout=10)

    def create(self, user_name: str, external_id: str | None = None, active: bool = True) -> str:
        user = {"schemas": [USER_SCHEMA], "userName": user_name, "active": active}
        if external_id:
            user["externalId"] = external_id
        response = self.client.post("/Users", json=user)
        response.raise_for_status()
        return response.json()["id"]

    def users(self) -> list[dict]:
        response = self.client.get("/Users", params={"count": 1000})
        response.raise_for_status()
        return response.json().get("Resources", [])

    def by_external_id(self) -> dict:
        return {user.get("externalId"): user for user in self.users()}


@pytest.fixture
def server():
    with start_scim_server(bearer_token=TOKEN) as running:
        yield running


@pytest.fixture
def scim(server):
    seen = Scim(server.base_url, TOKEN)
    yield seen
    seen.client.close()


@pytest.fixture
def idms(migrated_cli):
    """The CLI with the relying party's token in a variable, as `--token-env` wants it."""
    migrated_cli.env["RP_TOKEN"] = TOKEN
    return migrated_cli


def ok(result, code=0):
    assert result.returncode == code, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert TOKEN not in result.stdout + result.stderr
    return result


def dead_url() -> str:
    return f"http://127.0.0.1:{free_port()}/v2"


def test_rp_add_list_show_and_check_describe_it_without_ever_printing_the_token(idms, server):
    added = ok(
        idms(
            "rp",
            "add",
            "badge",
            "--type",
            "scim",
            "--url",
            server.base_url,
            "--token-env",
            "RP_TOKEN",
            "--disable-threshold",
            "7.5",
        )
    )
    assert "Added relying party badge (scim, " in added.stdout
    assert "token set" in added.stdout
    down = dead_url()
    ok(idms("rp", "add", "door", "--type", "scim", "--url", down, "--token-stdin", stdin=TOKEN))

    listed = ok(idms("rp", "list")).stdout
    assert [line.split()[:3] for line in listed.splitlines()] == [
        ["badge", "scim", "enabled"],
        ["door", "scim", "enabled"],
    ]
    parties = json.loads(ok(idms("rp", "list", "--json")).stdout)
    badge = parties[0]
    assert (badge["name"], badge["url"], badge["token"]) == ("badge", server.base_url, "set")
    assert badge["disable_threshold"] == 7.5
    assert badge["automations"][0]["credential_types"] == "all"
    shown = ok(idms("rp", "show", "door")).stdout
    assert "Relying party door" in shown
    assert "token              set" in shown
    assert "automation 'all credentials': types all, organizations all, revocations applied" in (
        shown
    )

    checked = ok(idms("rp", "check", "badge")).stdout
    assert checked.startswith(f"badge: ok: the SCIM service at {server.base_url} answers")
    assert "capabilities: " in checked
    assert {"read", "create", "update", "disable"} <= set(
        checked.split("capabilities: ")[1].strip().split(", ")
    )
    unreachable = json.loads(ok(idms("rp", "check", "door", "--json"), 1).stdout)
    assert unreachable["status"] == "unreachable"
    assert unreachable["message"].startswith(f"cannot reach {down}")


def test_reconcile_dry_run_then_for_real_with_reports_and_profiles_showing_what_happened(
    idms, server, scim, tmp_path
):
    rows = [card("P1"), card("P2", "REVOKED"), card("P3")]
    ok(idms("cms", "import", str(write_csv(tmp_path / "cms.csv", rows))))
    revoked_account = scim.create("p2@agency.example", "P2")
    squatter = scim.create("p3@agency.example", "HR-9")  # takes P3's user name: an error
    held = scim.users()
    url = server.base_url
    ok(idms("rp", "add", "badge", "--type", "scim", "--url", url, "--token-env", "RP_TOKEN"))

    dry = json.loads(ok(idms("reconcile", "--dry-run", "--json")).stdout)

    assert (dry["status"], dry["dry_run"]) == ("dry run", True)
    [planned] = dry["relying_parties"]
    assert RP_KEYS | {"errors"} <= set(planned)
    assert (planned["added"], planned["disabled"], planned["orphans"]) == (2, 1, 1)
    assert scim.users() == held

    real = json.loads(ok(idms("reconcile", "--json"), 1).stdout)

    assert (real["status"], real["dry_run"]) == ("partial", False)
    assert isinstance(real["run_id"], int)
    [done] = real["relying_parties"]
    counts = {key: done[key] for key in RP_KEYS - {"name", "status", "message"}}
    assert counts == {"added": 1, "updated": 0, "disabled": 1, "unchanged": 0, "orphans": 1}
    assert (done["name"], done["status"], done["errors"]) == ("badge", "partial", 1)
    after = scim.by_external_id()
    assert after["P1"]["active"] is True
    assert after["P2"]["active"] is False
    assert "P3" not in after

    run_id = str(real["run_id"])
    text = ok(idms("reports", "show", run_id)).stdout
    assert "badge  DISABLE P2  applied" in text
    assert "active=True -> False" in text
    assert "badge  ADD     P3  FAILED" in text
    assert "already has a user named p3@agency.example" in text
    assert "badge  ORPHAN  HR-9  reported" in text
    shown = json.loads(ok(idms("reports", "show", run_id, "--json")).stdout)
    outcomes = {row["key"]: row for row in shown["outcomes"]}
    assert sorted(outcomes) == ["HR-9", "P1", "P2", "P3"]
    disabled = outcomes["P2"]
    assert (disabled["before"]["active"], disabled["after"]["active"]) == (True, False)
    assert disabled["rp_account_id"] == revoked_account
    assert outcomes["P1"]["before"] is None
    assert outcomes["P1"]["after"]["user_name"] == "p1@agency.example"
    assert "already has a user named p3@agency.example" in outcomes["P3"]["error"]
    exported = ok(idms("reports", "show", run_id, "--csv")).stdout
    table = {row["key"]: row for row in csv.DictReader(io.StringIO(exported))}
    assert (table["P2"]["relying_party"], table["P2"]["action"]) == ("badge", "disable")
    assert json.loads(table["P2"]["after"])["active"] is False
    assert table["P3"]["status"] == "failed"
    assert table["P3"]["error"] == outcomes["P3"]["error"]

    profile = ok(idms("credentials", "show", "P2")).stdout
    assert f"badge                account {revoked_account}  INACTIVE" in profile
    states = json.loads(ok(idms("credentials", "show", "P1", "--json")).stdout)["relying_parties"]
    assert [(s["relying_party"], s["account_id"], s["active"]) for s in states] == [
        ("badge", after["P1"]["id"], True)
    ]

    scim.client.delete(f"/Users/{squatter}").raise_for_status()
    again = ok(idms("reconcile"))
    assert "SUCCEEDED" in again.stdout
    assert "badge: SUCCEEDED: added 1, updated 0, disabled 0, 2 unchanged" in again.stdout
    assert scim.by_external_id()["P3"]["active"] is True


def test_a_run_over_the_disable_limit_stops_with_exit_1_until_mass_change_is_allowed(
    idms, server, scim, tmp_path
):
    people = [f"P{n:02d}" for n in range(11)]
    rows = [card(person_id, "REVOKED") for person_id in people]
    ok(idms("cms", "import", str(write_csv(tmp_path / "cms.csv", rows))))
    for person_id in people:
        scim.create(f"{person_id.lower()}@agency.example", person_id)
    url = server.base_url
    ok(idms("rp", "add", "badge", "--type", "scim", "--url", url, "--token-env", "RP_TOKEN"))

    stopped = json.loads(ok(idms("reconcile", "--json"), 1).stdout)

    assert stopped["status"] == "stopped"
    [party] = stopped["relying_parties"]
    assert party["status"] == "stopped"
    assert "would disable 11 of 11 accounts" in party["message"]
    assert "--allow-mass-change" in party["message"]
    assert all(user["active"] for user in scim.users())

    allowed = json.loads(ok(idms("reconcile", "--allow-mass-change", "--json")).stdout)

    assert (allowed["status"], allowed["relying_parties"][0]["disabled"]) == ("succeeded", 11)
    assert not any(user["active"] for user in scim.users())


def test_a_relying_party_that_is_down_makes_the_run_partial_and_can_be_left_out(
    idms, server, scim, tmp_path
):
    ok(idms("cms", "import", str(write_csv(tmp_path / "cms.csv", [card("P1")]))))
    url = server.base_url
    ok(idms("rp", "add", "live", "--type", "scim", "--url", url, "--token-env", "RP_TOKEN"))
    ok(idms("rp", "add", "down", "--type", "scim", "--url", dead_url()))

    partial = json.loads(ok(idms("reconcile", "--json"), 1).stdout)

    assert partial["status"] == "partial"
    parties = {party["name"]: party for party in partial["relying_parties"]}
    assert parties["down"]["status"] == "failed"
    assert parties["down"]["message"].startswith("nothing was changed: cannot reach")
    assert (parties["live"]["status"], parties["live"]["added"]) == ("succeeded", 1)

    assert ok(idms("rp", "disable", "down")).stdout.strip() == "down disabled"
    listed = ok(idms("rp", "list")).stdout
    assert [line.split()[:3] for line in listed.splitlines()] == [
        ["down", "scim", "DISABLED"],
        ["live", "scim", "enabled"],
    ]
    only_live = json.loads(ok(idms("reconcile", "--json")).stdout)
    assert only_live["status"] == "succeeded"
    assert [party["name"] for party in only_live["relying_parties"]] == ["live"]
    ok(idms("rp", "enable", "down"))
    ok(idms("rp", "remove", "down"))
    assert [party["name"] for party in json.loads(ok(idms("rp", "list", "--json")).stdout)] == [
        "live"
    ]
    earlier = json.loads(ok(idms("reports", "show", str(partial["run_id"]), "--json")).stdout)
    assert [party["name"] for party in earlier["relying_parties"]] == ["down", "live"]


def test_usage_errors_exit_2_with_a_clear_message(idms, tmp_path):
    ok(idms("rp", "add", "badge", "--type", "scim", "--url", dead_url(), "--token-env", "RP_TOKEN"))

    duplicate = ok(idms("rp", "add", "badge", "--type", "scim", "--url", dead_url()), 2)
    assert "a relying party named 'badge' exists already" in duplicate.stderr
    for command in (
        ("rp", "show", "nope"),
        ("rp", "remove", "nope"),
        ("reconcile", "--rp", "nope"),
    ):
        unknown = ok(idms(*command), 2)
        assert "no relying party named 'nope'" in unknown.stderr
    idms.env.pop("NOT_SET", None)
    unset = ok(
        idms("rp", "add", "x", "--type", "scim", "--url", dead_url(), "--token-env", "NOT_SET"), 2
    )
    assert "NOT_SET is not set" in unset.stderr

    (tmp_path / "idms.key").chmod(0o644)  # made by the first `rp add`, in the working directory
    exposed = ok(idms("rp", "check", "badge"), 2)
    assert "the key file idms.key is readable by others; run: chmod 600 idms.key" in exposed.stderr
    assert [p["name"] for p in json.loads(ok(idms("rp", "list", "--json")).stdout)] == ["badge"]
