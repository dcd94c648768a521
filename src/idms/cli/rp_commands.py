"""`idms rp ...` and `idms reconcile`: relying parties and reconciliation runs."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from idms.cli.commands import _actor, _database, _report_run
from idms.cli.errors import UsageError
from idms.cli.progress import ProgressBar


def _clock() -> Any:
    from idms.domain import SystemClock

    return SystemClock()


def _named(name: str) -> Any:
    from idms.web.relying_parties.services import RelyingPartyError, get_relying_party

    try:
        return get_relying_party(name)
    except RelyingPartyError as problem:
        raise UsageError(str(problem)) from None


def _token(args: argparse.Namespace) -> str:
    if args.token_env and args.token_stdin:
        raise UsageError("give the token with --token-env or --token-stdin, not both")
    if args.token_env:
        token = os.environ.get(args.token_env, "")
        if not token:
            raise UsageError(f"the environment variable {args.token_env} is not set or empty")
        return token
    if args.token_stdin:
        token = sys.stdin.readline().strip()
        if not token:
            raise UsageError("no token on standard input")
        return token
    return ""


def rp_add(args: argparse.Namespace) -> int:
    token = _token(args)
    _database()
    from idms.web.relying_parties.services import RelyingPartyError, add_relying_party

    try:
        relying_party = add_relying_party(
            name=args.name,
            kind=args.type,
            settings={"url": args.url},
            secret=token,
            disable_threshold=args.disable_threshold,
            actor=_actor(),
            clock=_clock(),
        )
    except RelyingPartyError as problem:
        raise UsageError(str(problem)) from None
    print(
        f"Added relying party {relying_party.name} ({relying_party.type}, {args.url}, "
        f"token {'set' if token else 'none'}), with the automation 'all credentials'."
    )
    return 0


def _describe(relying_party: Any) -> dict[str, Any]:
    return {
        "name": relying_party.name,
        "type": relying_party.type,
        "url": relying_party.settings.get("url"),
        "enabled": relying_party.enabled,
        "token": "set" if relying_party.secret else "none",
        "disable_threshold": relying_party.disable_threshold,
        "automations": [
            {
                "name": automation.name,
                "enabled": automation.enabled,
                "credential_types": automation.credential_types or "all",
                "organizations": automation.organizations or "all",
                "use_for_revocations": automation.use_for_revocations,
            }
            for automation in relying_party.automations.all()
        ],
        "accounts_known": relying_party.accounts.count(),
    }


def rp_list(args: argparse.Namespace) -> int:
    _database()
    from idms.web.relying_parties.models import RelyingParty

    parties = [_describe(rp) for rp in RelyingParty.objects.all()]
    if args.json:
        print(json.dumps(parties, indent=2))
        return 0
    if not parties:
        print("No relying parties yet; add one with `idms rp add NAME --type scim --url URL`.")
    for party in parties:
        state = "enabled" if party["enabled"] else "DISABLED"
        print(f"{party['name']:20} {party['type']:6} {state:9} {party['url']}")
    return 0


def rp_show(args: argparse.Namespace) -> int:
    _database()
    party = _describe(_named(args.name))
    if args.json:
        print(json.dumps(party, indent=2))
        return 0
    print(f"Relying party {party['name']}")
    for label in ("type", "url", "enabled", "token", "disable_threshold", "accounts_known"):
        print(f"  {label.replace('_', ' '):18} {party[label]}")
    for automation in party["automations"]:
        print(
            f"  automation '{automation['name']}': types {automation['credential_types']}, "
            f"organizations {automation['organizations']}, "
            f"revocations {'applied' if automation['use_for_revocations'] else 'not applied'}"
            f"{'' if automation['enabled'] else ' (disabled)'}"
        )
    return 0


def rp_check(args: argparse.Namespace) -> int:
    _database()
    from idms.web.relying_parties.services import connector_for

    relying_party = _named(args.name)
    health = connector_for(relying_party).check()
    capabilities = sorted(capability.value for capability in health.capabilities)
    if args.json:
        result = {"name": relying_party.name, "status": health.status.value}
        print(json.dumps(result | {"message": health.message, "capabilities": capabilities}))
    else:
        print(f"{relying_party.name}: {health.status.value}: {health.message}")
        if capabilities:
            print(f"  capabilities: {', '.join(capabilities)}")
    return 0 if health.status.value == "ok" else 1


def rp_enable(args: argparse.Namespace) -> int:
    return _set_enabled(args.name, True)


def rp_disable(args: argparse.Namespace) -> int:
    return _set_enabled(args.name, False)


def _set_enabled(name: str, enabled: bool) -> int:
    _database()
    from idms.web.relying_parties.services import set_relying_party_enabled

    set_relying_party_enabled(_named(name), enabled, actor=_actor(), clock=_clock())
    print(f"{name} {'enabled' if enabled else 'disabled'}")
    return 0


def rp_remove(args: argparse.Namespace) -> int:
    _database()
    from idms.web.relying_parties.services import remove_relying_party

    remove_relying_party(_named(args.name), actor=_actor(), clock=_clock())
    print(f"{args.name} removed (nothing on it was touched; past reports keep its name)")
    return 0


def reconcile(args: argparse.Namespace) -> int:
    _database()
    from idms.jobs.kinds import Trigger
    from idms.web.relying_parties.reconcile_job import run_reconciliation

    chosen = [_named(name) for name in args.rp] if args.rp else None
    bar = ProgressBar("Reconciling")

    def progress(name: str, done: int, total: int) -> None:
        bar.label = f"Reconciling {name}"
        bar.update(done, total, f"{done:,} of {total:,} actions")

    try:
        run = run_reconciliation(
            actor=_actor(),
            trigger=Trigger.CLI,
            relying_parties=chosen,
            dry_run=args.dry_run,
            allow_mass_change=args.allow_mass_change,
            on_progress=progress,
        )
    finally:
        bar.close()
    if args.json:
        print(json.dumps(reconcile_summary(run), indent=2))
        return 0 if run.status in ("succeeded", "dry run") else 1
    return _report_run(run, as_json=False)


def reconcile_summary(run: Any) -> dict[str, Any]:
    from idms.web.runs.report import rp_summaries

    return {
        "run_id": run.pk,
        "status": run.status,
        "dry_run": run.status == "dry run",
        "message": run.message,
        "relying_parties": rp_summaries(run),
    }


def add_parsers(sub: Any) -> None:
    rp = sub.add_parser("rp", help="relying parties: add, list, check, enable, disable, remove")
    rp_sub = rp.add_subparsers(dest="rp_command", required=True, metavar="COMMAND")
    add = rp_sub.add_parser("add", help="add a relying party (with a default automation)")
    add.add_argument("name")
    add.add_argument("--type", required=True, choices=["scim"])
    add.add_argument("--url", required=True, help="the service's base URL, e.g. https://rp/scim/v2")
    add.add_argument("--token-env", metavar="VAR", help="read the bearer token from variable VAR")
    add.add_argument("--token-stdin", action="store_true", help="read the token from stdin")
    add.add_argument(
        "--disable-threshold",
        type=float,
        default=5.0,
        metavar="PCT",
        help="stop a run that would disable more than PCT%% of the accounts (default 5; "
        "never fewer than 10)",
    )
    add.set_defaults(handler=rp_add)
    for name, handler, text in (
        ("list", rp_list, "every relying party"),
        ("show", rp_show, "one relying party and its automations"),
        ("check", rp_check, "can idms reach it, and what can it do"),
        ("enable", rp_enable, "include it in reconciliations again"),
        ("disable", rp_disable, "leave it out of reconciliations"),
        ("remove", rp_remove, "forget it (nothing on it is touched)"),
    ):
        command = rp_sub.add_parser(name, help=text)
        if name != "list":
            command.add_argument("name")
        if name in ("list", "show", "check"):
            command.add_argument("--json", action="store_true", help="print as JSON")
        command.set_defaults(handler=handler)

    run = sub.add_parser("reconcile", help="make relying parties hold what the CMS says (a run)")
    run.add_argument(
        "--rp", action="append", metavar="NAME", help="only this relying party (repeatable)"
    )
    run.add_argument("--dry-run", action="store_true", help="plan and report; change nothing")
    run.add_argument(
        "--allow-mass-change",
        action="store_true",
        help="apply even when the disables exceed a relying party's threshold",
    )
    run.add_argument("--json", action="store_true", help="print the result as JSON")
    run.set_defaults(handler=reconcile)
