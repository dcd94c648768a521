"""Relying parties in the store: adding, switching off, removing, their audit trail, and the
token each carries (encrypted at rest, used on the wire, shown nowhere)."""

from __future__ import annotations

import json
import logging
import uuid

import httpx
import pytest
from django.db import connection

from idms.connectors.memory import MemoryTarget
from idms.connectors.scim import start_scim_server
from idms.jobs.kinds import Trigger
from idms.web.audit.models import AuditRecord
from idms.web.relying_parties.models import RelyingParty, RelyingPartyAccount
from idms.web.relying_parties.reconcile_job import run_reconciliation
from idms.web.relying_parties.secret_box import SecretKeyError
from idms.web.relying_parties.services import (
    RelyingPartyError,
    connector_for,
    remove_relying_party,
    set_relying_party_enabled,
)
from idms.web.runs.models import ActionOutcome, RelyingPartyReport
from idms.web.runs.report import rp_summaries, run_outcomes, run_summary
from report_files import event

pytestmark = pytest.mark.django_db

TOKEN = "tok-3b9f0c1e-relying-party-secret"
WRONG_TOKEN = "tok-77aa01-not-the-right-one"


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


def reconcile(clock, **options):
    return run_reconciliation(actor="tester", trigger=Trigger.CLI, clock=clock, **options)


def stored_secret(name: str) -> str:
    """The secret column as the database holds it, read with plain SQL."""
    table = connection.ops.quote_name(RelyingParty._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT secret FROM {table} WHERE name = %s", [name])
        (value,) = cursor.fetchone()
    return value


# -- adding, switching off, removing ------------------------------------------------------------


def test_a_relying_party_is_added_with_one_automation_covering_every_credential(add_rp):
    relying_party = add_rp("badge", "https://badge.agency.example/scim/v2/", threshold=7.5)

    relying_party.refresh_from_db()
    assert (relying_party.type, relying_party.enabled, relying_party.disable_threshold) == (
        "scim",
        True,
        7.5,
    )
    [automation] = relying_party.automations.all()
    assert (automation.name, automation.enabled) == ("all credentials", True)
    assert (automation.credential_types, automation.organizations) == ([], [])
    assert automation.use_for_revocations is True


def test_a_second_relying_party_with_the_same_name_is_refused(add_rp):
    add_rp("badge")

    with pytest.raises(RelyingPartyError, match="a relying party named 'badge' exists already"):
        add_rp("badge", "https://other.agency.example/v2")

    assert RelyingParty.objects.get().settings["url"] == "http://rp.invalid/scim/v2"


@pytest.mark.parametrize(
    ("url", "threshold", "message"),
    [
        ("ftp://rp.agency.example", 5.0, "a SCIM URL starts with http:// or https://"),
        ("https://rp.agency.example/v2", 150.0, "between 0 and 100"),
        ("https://rp.agency.example/v2", -1.0, "between 0 and 100"),
    ],
)
def test_settings_that_could_never_work_are_refused_and_nothing_is_stored(
    add_rp, url, threshold, message
):
    with pytest.raises(RelyingPartyError, match=message):
        add_rp("badge", url, threshold=threshold)

    assert not RelyingParty.objects.exists()
    assert not AuditRecord.objects.exists()


def test_adding_switching_off_removing_and_running_are_audited(add_rp, clock):
    relying_party = add_rp("badge", token=TOKEN, threshold=3)
    set_relying_party_enabled(relying_party, False, actor="alice", clock=clock)
    set_relying_party_enabled(relying_party, True, actor="alice", clock=clock)
    run = reconcile(clock, connector_factory=lambda rp: MemoryTarget())
    remove_relying_party(relying_party, actor="bob", clock=clock)

    trail = [
        (record.actor, record.action, record.target)
        for record in AuditRecord.objects.order_by("id")
    ]
    assert trail == [
        ("admin", "relying_party.added", "badge"),
        ("alice", "relying_party.disabled", "badge"),
        ("alice", "relying_party.enabled", "badge"),
        ("tester", "run.started", f"run {run.pk}"),
        ("bob", "relying_party.removed", "badge"),
    ]
    added = AuditRecord.objects.get(action="relying_party.added")
    assert added.details == {
        "type": "scim",
        "settings": {"url": "http://rp.invalid/scim/v2"},
        "token_set": True,
        "disable_threshold": 3,
    }
    assert not RelyingParty.objects.exists()
    assert RelyingPartyReport.objects.get(run=run).name == "badge"  # past reports keep it


def test_removing_a_relying_party_forgets_its_links_and_touches_nothing_on_it(
    add_rp, load_store, clock
):
    load_store([card("P1")])
    relying_party = add_rp("memory")
    target = MemoryTarget()
    reconcile(clock, connector_factory=lambda rp: target)
    assert RelyingPartyAccount.objects.count() == 1
    calls = target.calls

    remove_relying_party(relying_party, actor="admin", clock=clock)

    assert not RelyingPartyAccount.objects.exists()
    assert (len(target), target.calls) == (1, calls)


# -- the token at rest --------------------------------------------------------------------------


def test_the_token_is_stored_encrypted_and_given_back_to_the_connector_only(add_rp):
    add_rp("badge", token=TOKEN)

    at_rest = stored_secret("badge")
    assert at_rest
    assert TOKEN not in at_rest
    connector = connector_for(RelyingParty.objects.get(name="badge"))
    assert connector.config.token == TOKEN
    assert TOKEN not in repr(connector) + repr(connector.config) + str(connector.config)


def test_a_relying_party_without_a_token_stores_none(add_rp):
    add_rp("open")

    assert stored_secret("open") == ""
    assert connector_for(RelyingParty.objects.get()).config.token is None


def test_without_idms_secret_key_a_key_file_only_its_owner_can_read_is_created(add_rp, key_file):
    assert not key_file.exists()

    add_rp("badge", token=TOKEN)

    assert key_file.stat().st_mode & 0o777 == 0o600
    key = key_file.read_bytes()
    add_rp("door", token=WRONG_TOKEN)
    assert key_file.read_bytes() == key  # made once, then reused
    tokens = {rp.name: connector_for(rp).config.token for rp in RelyingParty.objects.all()}
    assert tokens == {"badge": TOKEN, "door": WRONG_TOKEN}


def test_a_key_file_others_can_read_is_refused_with_a_clear_message(add_rp, key_file):
    add_rp("badge", token=TOKEN)
    key_file.chmod(0o644)
    expected = f"the key file {key_file} is readable by others; run: chmod 600 {key_file}"

    with pytest.raises(SecretKeyError) as refused:
        add_rp("door", token=TOKEN)
    assert str(refused.value) == expected
    with pytest.raises(SecretKeyError):
        connector_for(RelyingParty.objects.get(name="badge"))

    assert list(RelyingParty.objects.values_list("name", flat=True)) == ["badge"]


def test_a_key_file_that_holds_no_idms_key_is_refused(add_rp, key_file):
    key_file.write_text("not a key\n")
    key_file.chmod(0o600)

    with pytest.raises(SecretKeyError, match="does not hold an idms key"):
        add_rp("badge", token=TOKEN)


def test_with_another_key_the_token_cannot_be_read_and_a_run_says_why(
    add_rp, key_file, monkeypatch, load_store, clock
):
    load_store([card("P1")])
    monkeypatch.setenv("IDMS_SECRET_KEY", "the first passphrase")
    add_rp("badge", token=TOKEN)
    assert not key_file.exists()  # the passphrase is the key: no file is made

    monkeypatch.setenv("IDMS_SECRET_KEY", "another passphrase")
    with pytest.raises(SecretKeyError, match="cannot be decrypted with this key"):
        connector_for(RelyingParty.objects.get())
    run = reconcile(clock)

    assert run.status == "failed"
    message = RelyingPartyReport.objects.get(run=run).message
    assert message.startswith("nothing was changed: the stored secret cannot be decrypted")
    assert "set the relying party's token again" in message
    monkeypatch.setenv("IDMS_SECRET_KEY", "the first passphrase")
    assert connector_for(RelyingParty.objects.get()).config.token == TOKEN


# -- the token on the wire, and nowhere else -----------------------------------------------------


def test_the_bearer_token_is_what_opens_the_relying_party(add_rp, load_store, clock):
    load_store([card("P1")])
    with start_scim_server(bearer_token=TOKEN) as server:
        add_rp("right", server.base_url, token=TOKEN)
        add_rp("wrong", server.base_url, token=WRONG_TOKEN)
        add_rp("none", server.base_url)

        run = reconcile(clock)

        with httpx.Client(base_url=server.base_url) as client:
            assert client.get("/Users").status_code == 401
            held = client.get("/Users", headers={"Authorization": f"Bearer {TOKEN}"}).json()
    assert [user["externalId"] for user in held["Resources"]] == ["P1"]
    reports = {report["name"]: report for report in rp_summaries(run)}
    assert (reports["right"]["status"], reports["right"]["added"]) == ("succeeded", 1)
    assert reports["wrong"]["status"] == "failed"
    assert reports["wrong"]["message"] == (
        f"nothing was changed: the relying party at {server.base_url} refused the token (401)"
    )
    assert reports["none"]["status"] == "failed"
    assert "asks for a token and none is configured" in reports["none"]["message"]
    assert run.status == "partial"


def test_the_token_appears_in_no_log_record_report_or_audit_record(
    add_rp, load_store, clock, caplog
):
    caplog.set_level(logging.DEBUG)
    load_store([card("P1"), card("P2", "REVOKED")])
    with start_scim_server(bearer_token=TOKEN) as server:
        headers = {"Authorization": f"Bearer {TOKEN}"}
        user = {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "x@a.b"}
        httpx.post(server.base_url + "/Users", json=user, headers=headers).raise_for_status()
        right = add_rp("right", server.base_url, token=TOKEN)
        wrong = add_rp("wrong", server.base_url, token=WRONG_TOKEN)
        caplog.clear()

        health = [connector_for(rp).check() for rp in (right, wrong)]
        run = reconcile(clock)

    assert [h.status.value for h in health] == ["ok", "refused"]
    assert any(record.name.startswith("httpx") for record in caplog.records)  # logs were seen
    logged = caplog.text + "".join(
        repr(record.args) + repr(getattr(record, "exc_text", "")) for record in caplog.records
    )
    shown = json.dumps(
        [
            run_summary(run),
            rp_summaries(run),
            list(run_outcomes(run)),
            [h.message for h in health],
            list(AuditRecord.objects.values("target", "details")),
            list(ActionOutcome.objects.values()),
            list(RelyingPartyAccount.objects.values("attributes")),
        ],
        default=str,
    )
    assert run.status == "partial"  # the wrong token failed, the right one worked
    for secret in (TOKEN, WRONG_TOKEN):
        assert secret not in logged
        assert secret not in shown
