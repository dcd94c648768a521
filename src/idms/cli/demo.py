"""`idms demo`: what idms does, end to end, on the embedded default with nothing to install.

1. The credential history job imports a CSV export from the CMS (with a few rows a real export
   could carry by mistake), then the next day's JSON Lines delta, which overlaps it.
2. A SCIM relying party (a scim2-server idms starts for the demo) is reconciled with the store:
   a dry run first, then for real. The server is seeded the way a real one drifts: an account
   for a terminated card that is still active, an unlinked account that must be adopted, an
   account nobody in the CMS knows (an orphan), and one that takes a new user's name (an error
   caused on purpose).
3. What idms now knows about one person, relying party included.

Running the demo again changes nothing in the store; the relying party is re-created each time.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import httpx

from idms.cli.render import print_outcomes, print_profile, print_run

DEMO_FILES = ("cms-history-1.csv", "cms-history-2.jsonl")
DEMO_RP = "demo-scim"
SPOTLIGHT = "P-1002"  # a lost card revoked and reissued: the history tells the whole story
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"

# What the demo relying party holds before idms first looks at it.
SEEDED_ACCOUNTS = (
    # Barbara Liskov's only card was terminated in the CMS, but her account is still active.
    {"externalId": "P-1007", "userName": "barbara.liskov@agency.example", "active": True},
    # Alan Turing's account was created by hand, without idms' key: it is adopted by userName.
    # His card is suspended, so the adopted account is also disabled.
    {"userName": "alan.turing@agency.example", "active": True},
    # Nobody in the CMS: reported as an orphan, never removed.
    {"externalId": "HR-7", "userName": "ada@analytics.agency.example", "active": True},
)


def _seed(base_url: str) -> None:
    with httpx.Client(base_url=base_url, timeout=10) as client:
        for account in SEEDED_ACCOUNTS:
            client.post("/Users", json={"schemas": [USER_SCHEMA], **account}).raise_for_status()


def run_demo(*, actor: str) -> int:
    from idms.connectors.scim import start_scim_server
    from idms.domain import SystemClock
    from idms.jobs.kinds import Trigger
    from idms.web import bootstrap
    from idms.web.credentials.history_job import import_credential_history
    from idms.web.relying_parties.models import RelyingParty
    from idms.web.relying_parties.reconcile_job import run_reconciliation
    from idms.web.relying_parties.services import (
        add_relying_party,
        remove_relying_party,
        set_relying_party_enabled,
    )

    clock = SystemClock()
    bootstrap.migrate()
    print(f"idms demo, using the {bootstrap.database_description()}\n")
    data = resources.files("idms.demo")
    for number, name in enumerate(DEMO_FILES, start=1):
        with resources.as_file(data / name) as path:
            print(f"== Step {number}: CredentialHistoryReportJobManager imports {name}")
            run = import_credential_history(Path(path), actor=actor, trigger=Trigger.DEMO)
        _show(run)

    with start_scim_server() as server:
        _seed(server.base_url)
        for old in RelyingParty.objects.filter(name=DEMO_RP):
            remove_relying_party(old, actor=actor, clock=clock)
        relying_party = add_relying_party(
            name=DEMO_RP,
            kind="scim",
            settings={"url": server.base_url},
            secret="",
            disable_threshold=5.0,
            actor=actor,
            clock=clock,
        )
        print(
            f"== Step 3: ReconciliationJobManager, dry run, against {DEMO_RP} ({server.base_url})"
        )
        run = run_reconciliation(
            actor=actor, trigger=Trigger.DEMO, relying_parties=[relying_party], dry_run=True
        )
        _show(run, outcomes=False)
        print(f"== Step 4: ReconciliationJobManager applies it to {DEMO_RP}")
        run = run_reconciliation(actor=actor, trigger=Trigger.DEMO, relying_parties=[relying_party])
        _show(run)
        # The server goes away with the demo: keep the relying party, but out of later runs.
        set_relying_party_enabled(relying_party, False, actor=actor, clock=clock)

    _spotlight(SPOTLIGHT)
    print(
        "\nNext: `idms reports list`, `idms reports show RUN_ID --csv`, "
        "`idms credentials show P-1005` (a card past its expiry date, a derived credential "
        "still active), `idms cms import YOUR-REPORT.csv`, "
        "`idms rp add NAME --type scim --url URL`, `idms reconcile --dry-run`."
    )
    return 0


def _show(run: Any, *, outcomes: bool = True) -> None:
    from idms.web.runs.report import rp_summaries, run_entries, run_outcomes, run_summary

    print_run(
        run_summary(run), run_entries(run), truncated=False, relying_parties=rp_summaries(run)
    )
    if outcomes:
        print_outcomes(run_outcomes(run))
    print()


def _spotlight(person_id: str) -> None:
    from idms.domain import SystemClock, today
    from idms.web.credentials.lookup import find_person, person_profile

    person = find_person(person_id)
    if person is not None:
        print(
            f"== Step 5: what idms now knows about {person_id} (idms credentials show {person_id})"
        )
        print_profile(person_profile(person, today(SystemClock())))
