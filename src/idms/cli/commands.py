"""What each ``idms`` subcommand does. Handlers return the exit status."""

from __future__ import annotations

import argparse
import csv
import getpass
import json
import sys
from itertools import islice
from pathlib import Path
from typing import Any

from idms.cli.errors import UsageError
from idms.cli.progress import ProgressBar
from idms.cli.render import print_outcomes, print_profile, print_run, print_runs

SHOWN_ENTRIES = 20


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _database(ready: bool = True) -> None:
    """Start Django on IDMS_DATABASE_URL; with ``ready``, insist the tables exist."""
    try:
        from idms.web import bootstrap

        bootstrap.setup()
        if ready and (missing := bootstrap.unapplied_migrations()):
            raise UsageError(
                f"the database ({bootstrap.database_description()}) is not set up "
                f"({len(missing)} migrations to apply); run `idms migrate` first"
            )
    except UsageError:
        raise
    except Exception as problem:
        raise UsageError(f"cannot use the database: {type(problem).__name__}: {problem}") from None


def migrate(args: argparse.Namespace) -> int:
    _database(ready=False)
    from idms.web import bootstrap

    bootstrap.migrate()
    print(f"Database ready: {bootstrap.database_description()}")
    return 0


def cms_import(args: argparse.Namespace) -> int:
    path = Path(args.path)
    if not path.is_file():
        raise UsageError(f"no such file: {path}")
    _database()
    from idms.connectors.cms_report import ReportFormat
    from idms.jobs.kinds import Trigger
    from idms.web.credentials.history_job import import_credential_history

    bar = ProgressBar(f"Importing {path.name}")

    def progress(reader: Any, summary: Any) -> None:
        bar.update(reader.bytes_read, reader.size, f"{summary.read:,} rows")

    try:
        run = import_credential_history(
            path,
            actor=_actor(),
            trigger=Trigger.CLI,
            fmt=ReportFormat(args.format) if args.format else None,
            on_progress=progress,
        )
    finally:
        bar.close()
    return _report_run(run, as_json=args.json)


def _report_run(run: Any, *, as_json: bool) -> int:
    from idms.web.runs.report import rp_summaries, run_entries, run_outcomes, run_summary

    summary = run_summary(run)
    entries = list(islice(run_entries(run), SHOWN_ENTRIES + 1))
    outcomes = list(islice(run_outcomes(run), SHOWN_ENTRIES + 1))
    truncated = len(entries) > SHOWN_ENTRIES or len(outcomes) > SHOWN_ENTRIES
    entries, outcomes = entries[:SHOWN_ENTRIES], outcomes[:SHOWN_ENTRIES]
    relying_parties = rp_summaries(run)
    if as_json:
        extra = {"entries_truncated": truncated} if truncated else {}
        if relying_parties:
            extra |= {"relying_parties": relying_parties, "outcomes": outcomes}
        print(json.dumps({**summary, **extra, "entries": entries}, indent=2, default=str))
    else:
        print_run(summary, entries, truncated=truncated, relying_parties=relying_parties)
        print_outcomes(outcomes)
    return 0 if run.status in ("succeeded", "dry run") else 1


def credentials_show(args: argparse.Namespace) -> int:
    _database()
    from idms.domain import SystemClock, today
    from idms.web.credentials.lookup import find_person, person_profile

    person = find_person(args.key)
    if person is None:
        print(f"idms: no person, FASC-N or card UUID matches {args.key!r}", file=sys.stderr)
        return 1
    profile = person_profile(person, today(SystemClock()))
    if args.json:
        print(json.dumps(profile, indent=2))
    else:
        print_profile(profile)
    return 0


def reports_list(args: argparse.Namespace) -> int:
    _database()
    from idms.web.runs.models import Run
    from idms.web.runs.report import run_summary

    runs = [run_summary(run) for run in Run.objects.order_by("-id")[: max(args.limit, 0)]]
    if args.json:
        print(json.dumps(runs, indent=2))
    else:
        print_runs(runs)
    return 0


def reports_show(args: argparse.Namespace) -> int:
    _database()
    from idms.jobs.kinds import Job
    from idms.web.runs.models import Run
    from idms.web.runs.report import (
        ENTRY_COLUMNS,
        OUTCOME_COLUMNS,
        rp_summaries,
        run_entries,
        run_outcomes,
        run_summary,
    )

    run = Run.objects.filter(pk=args.run_id).first()
    if run is None:
        raise UsageError(f"no run {args.run_id}; `idms reports list` shows the runs")
    reconciliation = run.job == Job.RECONCILIATION
    if args.csv:
        writer = csv.writer(sys.stdout)
        columns = OUTCOME_COLUMNS if reconciliation else ENTRY_COLUMNS
        writer.writerow(columns)
        for row in run_outcomes(run) if reconciliation else run_entries(run):
            writer.writerow([_csv_value(row[column]) for column in columns])
    elif args.json:
        summary = run_summary(run)
        if reconciliation:
            summary["relying_parties"] = rp_summaries(run)
            _stream_json(summary, run_outcomes(run), "outcomes")
        else:
            _stream_json(summary, run_entries(run), "entries")
    else:
        print_run(
            run_summary(run), run_entries(run), truncated=False, relying_parties=rp_summaries(run)
        )
        print_outcomes(run_outcomes(run))
    return 0


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return str(value)


def _stream_json(summary: dict[str, Any], entries: Any, name: str) -> None:
    """The summary with every row, written as it is read: a report can hold millions of rows."""
    head = json.dumps({**summary, name: []}, indent=2)
    sys.stdout.write(head[: head.rindex("[") + 1])
    for number, entry in enumerate(entries):
        sys.stdout.write(("," if number else "") + "\n    " + json.dumps(entry, default=str))
    sys.stdout.write("\n  ]\n}\n")


def demo(args: argparse.Namespace) -> int:
    _database(ready=False)
    from idms.cli.demo import run_demo

    return run_demo(actor=_actor())
