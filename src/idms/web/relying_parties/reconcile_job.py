"""ReconciliationJobManager: make each relying party hold what the automations say it must.

For each relying party: read its accounts, project the store through its automations, plan,
check safety, then apply (or, in a dry run, store the plan). One relying party failing never
stops the others. Every outcome is kept in the run's report.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from django.db import transaction

from idms.connectors.base import ActionKind, Outcome, OutcomeStatus, TargetConnector
from idms.connectors.errors import ConnectorError
from idms.domain import Clock, SystemClock, today
from idms.engine.apply import apply_plan
from idms.engine.plan import Plan, plan
from idms.engine.projection import project, revocations_apply
from idms.engine.safety import check_safety
from idms.jobs.kinds import Job, RunStatus, Trigger
from idms.web.relying_parties.models import RelyingParty
from idms.web.relying_parties.secret_box import SecretKeyError
from idms.web.relying_parties.services import connector_for
from idms.web.relying_parties.store import AccountRecords, holders, rules
from idms.web.runs.models import ActionOutcome, RelyingPartyReport, Run
from idms.web.runs.services import finish_run, start_run

log = logging.getLogger(__name__)

COUNT_KEYS = ("added", "updated", "disabled", "unchanged", "orphans", "errors")
_APPLIED_COUNT = {
    ActionKind.ADD: "added",
    ActionKind.UPDATE: "updated",
    ActionKind.DISABLE: "disabled",
}
OUTCOME_BATCH = 1000

ConnectorFactory = Callable[[RelyingParty], TargetConnector]
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class _Options:
    dry_run: bool
    allow_mass_change: bool
    clock: Clock
    connector_factory: ConnectorFactory
    on_progress: Progress | None


def run_reconciliation(
    *,
    actor: str,
    trigger: Trigger,
    relying_parties: Sequence[RelyingParty] | None = None,
    dry_run: bool = False,
    allow_mass_change: bool = False,
    clock: Clock | None = None,
    connector_factory: ConnectorFactory = connector_for,
    on_progress: Progress | None = None,
) -> Run:
    """Reconcile the given relying parties (default: every enabled one) and return the run.

    ``on_progress(relying_party_name, actions_done, actions_planned)`` is called as outcomes
    are recorded (for a progress bar)."""
    clock = clock or SystemClock()
    options = _Options(dry_run, allow_mass_change, clock, connector_factory, on_progress)
    chosen = list(
        relying_parties
        if relying_parties is not None
        else RelyingParty.objects.filter(enabled=True)
    )
    source = ", ".join(rp.name for rp in chosen) or "no relying parties"
    run = start_run(
        Job.RECONCILIATION,
        actor=actor,
        trigger=trigger,
        clock=clock,
        source=source,
        options={"dry_run": dry_run, "allow_mass_change": allow_mass_change},
    )
    reports = [_reconcile_one(run, rp, options) for rp in chosen]
    totals: Counter[str] = Counter()
    for report in reports:
        totals.update({key: report.counts.get(key, 0) for key in COUNT_KEYS})
    status = _run_status(reports, dry_run)
    message = "; ".join(f"{report.name}: {report.message}" for report in reports) or (
        "no enabled relying party to reconcile"
    )
    counts = {key: totals[key] for key in COUNT_KEYS}
    return finish_run(run, status=status, clock=clock, message=message, counts=counts)


def _run_status(reports: list[RelyingPartyReport], dry_run: bool) -> RunStatus:
    statuses = {RunStatus(report.status) for report in reports}
    if dry_run and statuses <= {RunStatus.DRY_RUN}:
        return RunStatus.DRY_RUN
    if not statuses or statuses == {RunStatus.SUCCEEDED}:
        return RunStatus.SUCCEEDED
    if statuses == {RunStatus.FAILED}:
        return RunStatus.FAILED
    if statuses == {RunStatus.STOPPED}:
        return RunStatus.STOPPED
    # Some relying parties changed and others did not (stopped, failed, errors): partial.
    return RunStatus.PARTIAL


def _reconcile_one(run: Run, relying_party: RelyingParty, options: _Options) -> RelyingPartyReport:
    report = RelyingPartyReport.objects.create(
        run=run, relying_party=relying_party, name=relying_party.name, status=RunStatus.RUNNING
    )
    try:
        _reconcile(report, relying_party, options)
    except (ConnectorError, SecretKeyError) as problem:  # SecretKeyError: a configuration fault
        _end(report, RunStatus.FAILED, f"nothing was changed: {problem}")
    except Exception as problem:  # one relying party's failure must not stop the others
        log.exception("reconciliation of %s failed", relying_party.name)
        _end(report, RunStatus.FAILED, f"nothing was changed: internal error ({problem})")
    return report


def _end(report: RelyingPartyReport, status: RunStatus, message: str, **counts: int) -> None:
    report.status = status
    report.message = message
    report.counts = {key: counts.get(key, 0) for key in COUNT_KEYS} | {
        key: value for key, value in counts.items() if key not in COUNT_KEYS
    }
    report.save(update_fields=["status", "message", "counts"])


def _reconcile(report: RelyingPartyReport, relying_party: RelyingParty, options: _Options) -> None:
    dry_run, clock = options.dry_run, options.clock
    if not relying_party.enabled:
        _end(report, RunStatus.FAILED, "the relying party is disabled (idms rp enable)")
        return
    automation_rules = rules(relying_party)
    if not automation_rules:
        _end(report, RunStatus.FAILED, "no enabled automation says what it must hold")
        return
    target = options.connector_factory(relying_party)
    records = AccountRecords(relying_party, report.run, clock.now())
    expected = project(holders(), automation_rules, today(clock))
    # A dry run writes nothing, not even idms' own record of the accounts it saw.
    accounts = target.read() if dry_run else records.observe(target.read())
    the_plan = plan(expected, accounts)
    if not dry_run:
        records.flush()
    notes = []
    if not revocations_apply(automation_rules) and the_plan.disables:
        notes.append(
            f"{the_plan.disables} disables left out: no automation of this relying party is "
            "used for revocations"
        )
        kept = [a for a in the_plan.actions if a.kind is not ActionKind.DISABLE]
        the_plan = replace(the_plan, actions=kept)
    verdict = check_safety(
        the_plan,
        threshold_percent=relying_party.disable_threshold,
        allow_mass_change=options.allow_mass_change,
    )
    if options.allow_mass_change and not verdict.stop and the_plan.disables > verdict.limit:
        notes.append(verdict.message)  # the override was used: the report must say so
    if verdict.stop:
        _store_outcomes(report, apply_plan(the_plan, target, dry_run=True))
        _end(
            report,
            RunStatus.STOPPED,
            f"stopped by the safety check, nothing changed: {verdict.message}",
            unchanged=the_plan.unchanged,
            orphans=the_plan.orphans,
        )
        return
    concurrency = int(relying_party.settings.get("concurrency", 4))
    outcomes = apply_plan(the_plan, target, concurrency=concurrency, dry_run=dry_run)
    progress = None
    if options.on_progress is not None:
        callback, total = options.on_progress, len(the_plan.actions)
        progress = lambda done: callback(relying_party.name, done, total)  # noqa: E731
    tally = _store_outcomes(report, outcomes, None if dry_run else records, progress)
    if not dry_run:
        records.flush()
    _finish_report(report, the_plan, tally, dry_run, notes)


def _store_outcomes(
    report: RelyingPartyReport,
    outcomes: Iterable[Outcome],
    records: AccountRecords | None = None,
    progress: Callable[[int], None] | None = None,
) -> Counter[str]:
    """Write every outcome (in batches, each committed: what was applied stays recorded even if
    the process dies later) and count them."""
    tally: Counter[str] = Counter()
    batch: list[ActionOutcome] = []
    written = 0
    for outcome in outcomes:
        action = outcome.action
        if outcome.status is OutcomeStatus.FAILED:
            tally["errors"] += 1
        elif outcome.status in (OutcomeStatus.APPLIED, OutcomeStatus.PLANNED):
            tally[_APPLIED_COUNT[action.kind]] += 1
            tally["adopted"] += action.adopt
        if records is not None:
            records.record(outcome)
        batch.append(
            ActionOutcome(
                report=report,
                action=action.kind.value,
                status=outcome.status.value,
                key=action.key,
                rp_account_id=outcome.rp_id or action.rp_id or "",
                adopted=action.adopt,
                before=dict(action.before) if action.before is not None else None,
                after=dict(action.after) if action.after is not None else None,
                changes=dict(action.changes),
                error=outcome.error or "",
                attempts=outcome.attempts,
            )
        )
        if len(batch) >= OUTCOME_BATCH:
            written += len(batch)
            _write(batch)
        if progress is not None:
            progress(len(batch) + written)
    _write(batch)
    return tally


def _write(batch: list[ActionOutcome]) -> None:
    with transaction.atomic():
        ActionOutcome.objects.bulk_create(batch)
    batch.clear()


def _finish_report(
    report: RelyingPartyReport, the_plan: Plan, tally: Counter[str], dry_run: bool, notes: list[str]
) -> None:
    counts = {key: tally[key] for key in ("added", "updated", "disabled", "errors", "adopted")}
    counts |= {"unchanged": the_plan.unchanged, "orphans": the_plan.orphans}
    if dry_run:
        status = RunStatus.DRY_RUN
        summary = (
            f"dry run, nothing written: would add {counts['added']}, update {counts['updated']}, "
            f"disable {counts['disabled']}"
        )
    else:
        applied = counts["added"] + counts["updated"] + counts["disabled"]
        if counts["errors"] and not applied:
            status = RunStatus.FAILED
        elif counts["errors"]:
            status = RunStatus.PARTIAL
        else:
            status = RunStatus.SUCCEEDED
        summary = (
            f"added {counts['added']}, updated {counts['updated']}, disabled {counts['disabled']}"
        )
    summary += f", {counts['unchanged']} unchanged, {counts['orphans']} orphans reported"
    if counts["errors"]:
        summary += f", {counts['errors']} errors"
    summary = "; ".join([summary, *notes])
    _end(report, status, summary, **counts)
