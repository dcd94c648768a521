"""Reconciliation end to end: the store (filled by importing CMS reports), relying parties in
the database, and what the relying party holds afterwards (a real scim2-server, or the in-memory
relying party when a fault has to be made to happen)."""

from __future__ import annotations

import uuid
from functools import partial

import pytest

from idms.connectors.base import (
    ACTIVE,
    EMAIL,
    FAMILY_NAME,
    GIVEN_NAME,
    USER_NAME,
    Account,
    ActionKind,
)
from idms.connectors.errors import StopError, TransientError
from idms.connectors.memory import MemoryTarget
from idms.connectors.scim.server import free_port
from idms.engine.apply import apply_plan
from idms.jobs.kinds import Trigger
from idms.web.audit.models import AuditRecord
from idms.web.relying_parties import reconcile_job
from idms.web.relying_parties.models import RelyingPartyAccount
from idms.web.relying_parties.reconcile_job import run_reconciliation
from idms.web.runs.models import ActionOutcome, RelyingPartyReport
from report_files import event

pytestmark = pytest.mark.django_db

VALID_UNTIL = "2031-12-31"
EXPIRED_ON = "2020-01-01"  # before the test clock's today (2026-12-04)


def email_of(person_id: str) -> str:
    return f"{person_id.lower()}@agency.example"


def card(
    person_id: str,
    status: str = "ACTIVE",
    *,
    credential_id: str | None = None,
    credential_type: str = "PIV",
    expires_on: str = VALID_UNTIL,
    email: str | None = None,
) -> dict[str, str]:
    """One CMS report row: a credential of ``person_id`` in ``status``."""
    credential_id = credential_id or f"C-{person_id}"
    return event(
        f"E-{credential_id}",
        "2026-01-01T09:00:00Z",
        status,
        person_id=person_id,
        credential_id=credential_id,
        credential_type=credential_type,
        given_name="Ann",
        family_name=f"Lee-{person_id}",
        email=email_of(person_id) if email is None else email,
        expires_on=expires_on,
        card_uuid=str(uuid.uuid5(uuid.NAMESPACE_URL, credential_id)),
    )


def attributes(person_id: str, *, active: bool = True, **overrides):
    """What the default projection makes of ``card(person_id)``."""
    values = {
        USER_NAME: email_of(person_id),
        GIVEN_NAME: "Ann",
        FAMILY_NAME: f"Lee-{person_id}",
        EMAIL: email_of(person_id),
        ACTIVE: active,
    }
    return values | overrides


def account(person_id: str, *, active: bool = True, linked: bool = True, **overrides) -> Account:
    """An account on the in-memory relying party that holds what the store says."""
    return Account(
        rp_id=f"acct-{person_id}",
        key=person_id if linked else None,
        attributes=attributes(person_id, active=active, **overrides),
    )


def seed_scim(admin, person_id: str, *, linked: bool = True, **overrides) -> str:
    """A SCIM user holding what the store says about ``card(person_id)``, changed by
    ``overrides``; returns its id on the relying party."""
    values = {
        "user_name": email_of(person_id),
        "given_name": "Ann",
        "family_name": f"Lee-{person_id}",
        "email": email_of(person_id),
        "active": True,
    } | overrides
    return admin.create(external_id=person_id if linked else None, **values)


def reconcile(clock, targets=None, **options):
    if targets is not None:
        options["connector_factory"] = lambda relying_party: targets[relying_party.name]
    return run_reconciliation(actor="tester", trigger=Trigger.CLI, clock=clock, **options)


def outcomes(run, name=None):
    """{person or account key: (action, status)} of one relying party's outcomes."""
    rows = ActionOutcome.objects.filter(report__run=run)
    if name is not None:
        rows = rows.filter(report__name=name)
    return {row.key: (row.action, row.status) for row in rows}


def report(run, name):
    return RelyingPartyReport.objects.get(run=run, name=name)


def counts(report_or_run):
    keys = ("added", "updated", "disabled", "unchanged", "orphans", "errors")
    return {key: report_or_run.counts[key] for key in keys}


@pytest.fixture
def sleeps(monkeypatch):
    """Retries back off without waiting; the list holds the delays asked for."""
    asked: list[float] = []
    monkeypatch.setattr(reconcile_job, "apply_plan", partial(apply_plan, sleep=asked.append))
    return asked


# -- against a real SCIM relying party ----------------------------------------------------------


def test_people_with_an_active_credential_get_a_scim_user_in_the_default_projection(
    load_store, add_rp, scim_server, scim_admin, clock
):
    load_store(
        [
            card("P1"),
            card("P2", email=""),  # no e-mail: the user name is the CMS person id
            card("P3", "REVOKED"),  # nothing active: no account is created
            card("P4", "REVOKED", credential_id="C-P4-old"),
            card("P4", credential_id="C-P4-new", credential_type="DERIVED_PIV"),
        ]
    )
    relying_party = add_rp("scim", scim_server.base_url)

    run = reconcile(clock)

    assert run.status == "succeeded", run.message
    assert counts(run) == {
        "added": 3,
        "updated": 0,
        "disabled": 0,
        "unchanged": 0,
        "orphans": 0,
        "errors": 0,
    }
    held = scim_admin.by_external_id()
    assert sorted(held) == ["P1", "P2", "P4"]
    ada = held["P1"]
    assert ada["userName"] == "p1@agency.example"
    assert ada["name"] == {"givenName": "Ann", "familyName": "Lee-P1"}
    assert ada["emails"] == [{"value": "p1@agency.example", "type": "work", "primary": True}]
    assert ada["active"] is True
    assert held["P2"]["userName"] == "P2"
    assert "emails" not in held["P2"]
    assert held["P4"]["active"] is True
    links = {
        link.key: (link.rp_account_id, link.active, link.last_run_id)
        for link in RelyingPartyAccount.objects.filter(relying_party=relying_party)
    }
    assert links == {key: (user["id"], True, run.pk) for key, user in held.items()}


def test_drifted_accounts_are_updated_and_those_without_an_active_card_disabled(
    load_store, add_rp, scim_server, scim_admin, clock
):
    load_store(
        [
            card("P1"),  # renamed on the relying party: updated
            card("P2"),  # e-mail differs in case only: unchanged
            card("P3", "REVOKED"),  # revoked, account active: disabled
            card("P4", expires_on=EXPIRED_ON),  # ACTIVE in the CMS but expired: disabled
            card("P5", "SUSPENDED"),  # account disabled already: unchanged
            card("P6"),  # account disabled by hand: enabled again
        ]
    )
    seed_scim(scim_admin, "P1", family_name="Old-Name")
    seed_scim(scim_admin, "P2", email="P2@Agency.EXAMPLE")
    for person_id in ("P3", "P4"):
        seed_scim(scim_admin, person_id)
    seed_scim(scim_admin, "P5", active=False)
    seed_scim(scim_admin, "P6", active=False)
    add_rp("scim", scim_server.base_url)

    run = reconcile(clock)

    assert run.status == "succeeded", run.message
    assert counts(run) == {
        "added": 0,
        "updated": 2,
        "disabled": 2,
        "unchanged": 2,
        "orphans": 0,
        "errors": 0,
    }
    held = scim_admin.by_external_id()
    assert held["P1"]["name"]["familyName"] == "Lee-P1"
    assert held["P2"]["emails"][0]["value"] == "P2@Agency.EXAMPLE"  # left alone
    assert {key: user["active"] for key, user in held.items()} == {
        "P1": True,
        "P2": True,
        "P3": False,
        "P4": False,
        "P5": False,
        "P6": True,
    }
    assert outcomes(run) == {
        "P1": ("update", "applied"),
        "P3": ("disable", "applied"),
        "P4": ("disable", "applied"),
        "P6": ("update", "applied"),
    }
    disabled = ActionOutcome.objects.get(report__run=run, key="P3")
    assert (disabled.before[ACTIVE], disabled.after[ACTIVE]) == (True, False)
    renamed = ActionOutcome.objects.get(report__run=run, key="P1")
    assert renamed.changes == {FAMILY_NAME: "Lee-P1"}
    assert (renamed.before[FAMILY_NAME], renamed.after[FAMILY_NAME]) == ("Old-Name", "Lee-P1")


def test_an_unlinked_account_with_the_same_user_name_is_adopted_not_duplicated(
    load_store, add_rp, scim_server, scim_admin, clock
):
    load_store([card("P1"), card("P2", "REVOKED")])
    made_by_hand = seed_scim(scim_admin, "P1", linked=False, user_name="P1@AGENCY.example")
    revoked_by_hand = seed_scim(scim_admin, "P2", linked=False)
    relying_party = add_rp("scim", scim_server.base_url)

    run = reconcile(clock)

    assert run.status == "succeeded", run.message
    users = scim_admin.users()
    assert len(users) == 2  # no second account for either person
    held = {user["id"]: user for user in users}
    assert held[made_by_hand]["externalId"] == "P1"
    assert held[made_by_hand]["active"] is True
    assert held[revoked_by_hand]["externalId"] == "P2"
    assert held[revoked_by_hand]["active"] is False  # adopted, and disabled as it must be
    assert outcomes(run) == {"P1": ("update", "applied"), "P2": ("disable", "applied")}
    assert all(ActionOutcome.objects.filter(report__run=run).values_list("adopted", flat=True))
    assert report(run, "scim").counts["adopted"] == 2
    links = RelyingPartyAccount.objects.filter(relying_party=relying_party)
    assert {link.key: link.rp_account_id for link in links} == {
        "P1": made_by_hand,
        "P2": revoked_by_hand,
    }


def test_accounts_nobody_expects_are_reported_as_orphans_and_left_in_place(
    load_store, add_rp, scim_server, scim_admin, clock
):
    load_store([card("P1")])
    seed_scim(scim_admin, "P1")
    scim_admin.create("hr7@agency.example", external_id="HR-7", given_name="Hal")
    scim_admin.create("shared-desk@agency.example")  # no externalId, no person by that name
    before = scim_admin.users()
    add_rp("scim", scim_server.base_url)

    run = reconcile(clock)

    assert run.status == "succeeded", run.message
    assert counts(run)["orphans"] == 2
    assert counts(run)["unchanged"] == 1
    assert outcomes(run) == {
        "HR-7": ("orphan", "reported"),
        "shared-desk@agency.example": ("orphan", "reported"),
    }
    assert scim_admin.users() == before  # not removed, not disabled, not touched


def test_reconciling_twice_in_a_row_the_second_run_changes_nothing(
    load_store, add_rp, scim_server, scim_admin, clock
):
    load_store(
        [
            card("P1"),
            card("P2"),
            card("P3", "REVOKED"),
            card("P4"),
            card("P5", "TERMINATED"),  # no account: never created
        ]
    )
    seed_scim(scim_admin, "P2", family_name="Drifted")
    seed_scim(scim_admin, "P3")
    seed_scim(scim_admin, "P4", linked=False)
    scim_admin.create("orphan@agency.example", external_id="HR-7")
    relying_party = add_rp("scim", scim_server.base_url)
    first = reconcile(clock)
    assert counts(first) == {
        "added": 1,
        "updated": 2,
        "disabled": 1,
        "unchanged": 0,
        "orphans": 1,
        "errors": 0,
    }
    held = scim_admin.users()
    links = list(RelyingPartyAccount.objects.filter(relying_party=relying_party).values())

    second = reconcile(clock)

    assert second.status == "succeeded", second.message
    assert counts(second) == {
        "added": 0,
        "updated": 0,
        "disabled": 0,
        "unchanged": 4,
        "orphans": 1,
        "errors": 0,
    }
    assert outcomes(second) == {"HR-7": ("orphan", "reported")}
    assert scim_admin.users() == held  # not even a version moved
    assert list(RelyingPartyAccount.objects.filter(relying_party=relying_party).values()) == links


def test_a_dry_run_stores_the_plan_and_writes_nothing(
    load_store, add_rp, scim_server, scim_admin, clock
):
    load_store([card("P1"), card("P2"), card("P3", "REVOKED"), card("P4")])
    seed_scim(scim_admin, "P2", family_name="Drifted")
    seed_scim(scim_admin, "P3")
    seed_scim(scim_admin, "P4", linked=False)
    scim_admin.create("orphan@agency.example", external_id="HR-7")
    held = scim_admin.users()
    relying_party = add_rp("scim", scim_server.base_url)

    dry = reconcile(clock, dry_run=True)

    assert dry.status == "dry run"
    assert report(dry, "scim").status == "dry run"
    assert "would add 1, update 2, disable 1" in report(dry, "scim").message
    planned = {
        "P1": ("add", "planned"),
        "P2": ("update", "planned"),
        "P3": ("disable", "planned"),
        "P4": ("update", "planned"),
        "HR-7": ("orphan", "reported"),
    }
    assert outcomes(dry) == planned
    assert scim_admin.users() == held
    assert not RelyingPartyAccount.objects.filter(relying_party=relying_party).exists()

    real = reconcile(clock)

    applied = {
        key: (action, "reported" if action == "orphan" else "applied")
        for key, (action, _) in planned.items()
    }
    assert outcomes(real) == applied
    assert scim_admin.users() != held


def test_a_relying_party_that_is_down_fails_with_a_clear_error_and_the_others_go_on(
    load_store, add_rp, scim_server, scim_admin, clock
):
    load_store([card("P1"), card("P2")])
    down = add_rp("down", f"http://127.0.0.1:{free_port()}/v2")
    add_rp("up", scim_server.base_url)

    run = reconcile(clock)

    assert run.status == "partial"
    failed = report(run, "down")
    assert failed.status == "failed"
    assert failed.message.startswith("nothing was changed: cannot reach http://127.0.0.1:")
    assert "down: nothing was changed" in run.message
    assert not ActionOutcome.objects.filter(report=failed).exists()
    assert not RelyingPartyAccount.objects.filter(relying_party=down).exists()
    assert report(run, "up").status == "succeeded"
    assert counts(report(run, "up"))["added"] == 2
    assert sorted(scim_admin.by_external_id()) == ["P1", "P2"]


# -- faults, order and safety, on the in-memory relying party ------------------------------------


def test_a_transient_failure_is_retried_with_backoff_and_the_action_applied(
    load_store, add_rp, clock, sleeps
):
    load_store([card("P1"), card("P2")])
    add_rp("memory", concurrency=1)
    target = MemoryTarget()
    target.fail_next(2, TransientError("memory is busy (503)"))

    run = reconcile(clock, {"memory": target})

    assert run.status == "succeeded", run.message
    assert sorted(account.key for account in target.read()) == ["P1", "P2"]
    assert sorted(ActionOutcome.objects.values_list("key", "status", "attempts", "error")) == [
        ("P1", "applied", 3, ""),
        ("P2", "applied", 1, ""),
    ]
    assert sleeps == [0.5, 1.0]


def test_after_consecutive_transient_failures_the_relying_party_is_unreachable(
    load_store, add_rp, clock, sleeps
):
    people = [f"P{n}" for n in range(1, 9)]
    load_store([card(person_id) for person_id in people])
    add_rp("flaky")
    add_rp("steady")
    flaky = MemoryTarget(name="flaky")
    flaky.fail_next(10**6, TransientError("flaky does not answer"))
    steady = MemoryTarget(name="steady")

    run = reconcile(clock, {"flaky": flaky, "steady": steady})

    assert run.status == "partial"
    failed = report(run, "flaky")
    assert failed.status == "failed"
    assert counts(failed)["errors"] == 8
    errors = list(ActionOutcome.objects.filter(report=failed).values_list("key", "error"))
    assert sorted(key for key, _ in errors) == people  # one outcome per action
    gave_up = [e for _, e in errors if e == "flaky does not answer (gave up after 4 attempts)"]
    unreachable = [
        e
        for _, e in errors
        if e == "not attempted: the relying party is unreachable (flaky does not answer)"
    ]
    assert (len(gave_up), len(unreachable)) == (5, 3)
    assert len(flaky.received) == 5 * 4  # the rest never reached it
    assert len(flaky) == 0
    assert report(run, "steady").status == "succeeded"
    assert sorted(account.key for account in steady.read()) == people


def test_a_stop_error_ends_that_relying_party_and_each_remaining_action_says_why(
    load_store, add_rp, clock
):
    load_store([card(f"P{n}") for n in range(1, 9)])
    add_rp("memory")
    target = MemoryTarget()
    reason = "memory refused the token (401)"
    target.fail_next(10**6, StopError(reason))

    run = reconcile(clock, {"memory": target})

    assert run.status == "failed"
    assert report(run, "memory").status == "failed"
    errors = list(ActionOutcome.objects.values_list("status", "error"))
    assert len(errors) == 8
    assert {status for status, _ in errors} == {"failed"}
    assert {error for _, error in errors} <= {reason, f"not attempted: {reason}"}
    assert f"not attempted: {reason}" in {error for _, error in errors}
    assert len(target.received) <= 4  # no more than were in flight when it stopped
    assert len(target) == 0


def test_a_refused_value_fails_that_action_only_and_the_relying_party_ends_partial(
    load_store, add_rp, clock
):
    load_store([card("P1"), card("P2"), card("P3")])
    add_rp("memory")
    target = MemoryTarget()
    target.refuse_value(FAMILY_NAME, "Lee-P2")

    run = reconcile(clock, {"memory": target})

    assert run.status == "partial"
    assert report(run, "memory").status == "partial"
    assert counts(run)["added"] == 2
    assert counts(run)["errors"] == 1
    refused = ActionOutcome.objects.get(key="P2")
    assert (refused.status, refused.error) == (
        "failed",
        "memory refused the value 'Lee-P2' for family_name",
    )
    assert sorted(account.key for account in target.read()) == ["P1", "P3"]


def test_disables_go_first_then_updates_then_adds(load_store, add_rp, clock):
    load_store(
        [
            card("A1"),
            card("A2"),
            card("U1"),
            card("U2"),
            card("D1", "REVOKED"),
            card("D2", "REVOKED"),
        ]
    )
    target = MemoryTarget(
        [
            account("U1", family_name="Old"),
            account("U2", family_name="Old"),
            account("D1"),
            account("D2"),
        ]
    )
    add_rp("memory")

    run = reconcile(clock, {"memory": target})

    assert run.status == "succeeded", run.message
    assert [action.kind for action in target.received] == [
        ActionKind.DISABLE,
        ActionKind.DISABLE,
        ActionKind.UPDATE,
        ActionKind.UPDATE,
        ActionKind.ADD,
        ActionKind.ADD,
    ]


def mass_disable_store(load_store, people: int, revoked: int) -> MemoryTarget:
    """``people`` persons, each with an account that holds what the store says; the first
    ``revoked`` of them no longer hold an active card."""
    ids = [f"P{n:04d}" for n in range(people)]
    load_store(
        [card(person_id, "REVOKED" if n < revoked else "ACTIVE") for n, person_id in enumerate(ids)]
    )
    return MemoryTarget([account(person_id) for person_id in ids])


@pytest.mark.parametrize(
    ("people", "revoked"),
    [(100, 10), (400, 20)],
    ids=["floor-of-10", "5-percent"],
)
def test_disables_exactly_at_the_limit_go_ahead(load_store, add_rp, clock, people, revoked):
    target = mass_disable_store(load_store, people, revoked)
    add_rp("memory")

    run = reconcile(clock, {"memory": target})

    assert run.status == "succeeded", run.message
    assert counts(run)["disabled"] == revoked
    inactive = [a.key for a in target.read() if a.attributes[ACTIVE] is False]
    assert len(inactive) == revoked


@pytest.mark.parametrize(
    ("people", "revoked", "limit"),
    [(100, 11, "limit 10: 5% of 100, at least 10"), (400, 21, "limit 20: 5% of 400")],
    ids=["floor-of-10", "5-percent"],
)
def test_one_disable_above_the_limit_stops_that_relying_party_untouched(
    load_store, add_rp, clock, people, revoked, limit
):
    target = mass_disable_store(load_store, people, revoked)
    add_rp("memory")

    run = reconcile(clock, {"memory": target})

    assert run.status == "stopped"
    stopped = report(run, "memory")
    assert stopped.status == "stopped"
    assert f"would disable {revoked} of {people} accounts" in stopped.message
    assert limit in stopped.message
    assert "--allow-mass-change" in stopped.message
    assert counts(stopped) == {
        "added": 0,
        "updated": 0,
        "disabled": 0,
        "unchanged": people - revoked,
        "orphans": 0,
        "errors": 0,
    }
    assert target.received == []
    assert all(a.attributes[ACTIVE] is True for a in target.read())
    statuses = set(ActionOutcome.objects.values_list("action", "status"))
    assert statuses == {("disable", "planned")}  # the plan is kept for the user to look at


def test_a_stopped_relying_party_does_not_hold_up_the_others(load_store, add_rp, clock):
    target = mass_disable_store(load_store, 100, 40)
    load_store([card("NEW")])
    other = MemoryTarget(name="other")
    add_rp("big")
    add_rp("other")

    run = reconcile(clock, {"big": target, "other": other})

    assert report(run, "big").status == "stopped"
    assert report(run, "other").status == "succeeded"
    assert len(other) == 61  # the 60 active people and the new one
    assert target.received == []
    assert run.status == "partial"  # one relying party changed, the other did not


def test_allow_mass_change_applies_a_plan_above_the_limit(load_store, add_rp, clock):
    target = mass_disable_store(load_store, 100, 40)
    add_rp("memory")

    run = reconcile(clock, {"memory": target}, allow_mass_change=True)

    assert run.status == "succeeded", run.message
    assert counts(run)["disabled"] == 40
    assert sum(a.attributes[ACTIVE] is False for a in target.read()) == 40
    # The override is on the record: in the report and in the audit trail.
    assert "going ahead because --allow-mass-change was given" in report(run, "memory").message
    audit = AuditRecord.objects.get(action="run.started", target=f"run {run.pk}")
    assert audit.details["allow_mass_change"] is True


def test_a_higher_threshold_of_a_relying_party_lets_more_disables_through(
    load_store, add_rp, clock
):
    target = mass_disable_store(load_store, 100, 40)
    add_rp("memory", threshold=40)

    run = reconcile(clock, {"memory": target})

    assert run.status == "succeeded", run.message
    assert counts(run)["disabled"] == 40


def test_an_automation_for_derived_credentials_only_ignores_piv_cards(load_store, add_rp, clock):
    load_store(
        [
            card("PIV-ONLY"),  # has an account: nobody expects it now, an orphan
            card("PIV-NO-ACCOUNT"),  # nothing happens
            card("DERIVED", credential_type="DERIVED_PIV"),  # added
            card("MIXED", credential_id="C-MIXED-PIV"),  # active PIV, revoked derived: disabled
            card("MIXED", "REVOKED", credential_id="C-MIXED-D", credential_type="DERIVED_PIV"),
        ]
    )
    target = MemoryTarget([account("PIV-ONLY"), account("MIXED")])
    relying_party = add_rp("memory")
    relying_party.automations.update(credential_types=["DERIVED_PIV"])

    run = reconcile(clock, {"memory": target})

    assert run.status == "succeeded", run.message
    assert outcomes(run) == {
        "PIV-ONLY": ("orphan", "reported"),
        "DERIVED": ("add", "applied"),
        "MIXED": ("disable", "applied"),
    }
    held = {a.key: a.attributes[ACTIVE] for a in target.read()}
    assert held == {"PIV-ONLY": True, "MIXED": False, "DERIVED": True}


def test_an_automation_not_used_for_revocations_never_disables(load_store, add_rp, clock):
    load_store([card("P1", "REVOKED"), card("P2")])
    target = MemoryTarget([account("P1")])
    relying_party = add_rp("memory")
    relying_party.automations.update(use_for_revocations=False)

    run = reconcile(clock, {"memory": target})

    assert run.status == "succeeded", run.message
    assert counts(run)["disabled"] == 0
    assert outcomes(run) == {"P2": ("add", "applied")}
    assert target.find("P1").attributes[ACTIVE] is True
    assert "1 disables left out" in report(run, "memory").message


def test_a_disabled_relying_party_is_left_out_unless_named(load_store, add_rp, clock):
    load_store([card("P1")])
    on, off = MemoryTarget(name="on"), MemoryTarget(name="off")
    add_rp("on")
    switched_off = add_rp("off")
    switched_off.enabled = False
    switched_off.save()

    run = reconcile(clock, {"on": on, "off": off})

    assert [r.name for r in run.rp_reports.all()] == ["on"]
    assert (len(on), len(off)) == (1, 0)

    named = reconcile(clock, {"off": off}, relying_parties=[switched_off])

    assert named.status == "failed"
    assert "disabled" in report(named, "off").message
    assert len(off) == 0


def test_progress_is_reported_up_to_every_planned_action(load_store, add_rp, clock):
    target = mass_disable_store(load_store, 30, 5)
    add_rp("memory")
    calls: list[tuple[str, int, int]] = []

    reconcile(clock, {"memory": target}, on_progress=lambda *call: calls.append(call))

    assert calls
    assert calls[-1] == ("memory", 5, 5)
    assert [done for _, done, _ in calls] == sorted(done for _, done, _ in calls)
