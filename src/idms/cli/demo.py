"""`idms demo`: import two bundled CMS reports into the configured database and show the result.

The first report is a CSV export with a few rows a real CMS export could carry by mistake; the
second is the next day's JSON Lines delta, overlapping the first. Running the demo twice shows
that re-importing changes nothing.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from idms.cli.render import print_profile, print_run

DEMO_FILES = ("cms-history-1.csv", "cms-history-2.jsonl")
SPOTLIGHT = "P-1002"  # a lost card revoked and reissued: the history tells the whole story


def run_demo(*, actor: str) -> int:
    from idms.domain import SystemClock, today
    from idms.jobs.kinds import Trigger
    from idms.web import bootstrap
    from idms.web.credentials.history_job import import_credential_history
    from idms.web.credentials.lookup import find_person, person_profile
    from idms.web.runs.report import run_entries, run_summary

    bootstrap.migrate()
    print(f"idms demo, using the {bootstrap.database_description()}\n")
    data = resources.files("idms.demo")
    for number, name in enumerate(DEMO_FILES, start=1):
        with resources.as_file(data / name) as path:
            print(f"== Step {number}: CredentialHistoryReportJobManager imports {name}")
            run = import_credential_history(Path(path), actor=actor, trigger=Trigger.DEMO)
        print_run(run_summary(run), run_entries(run), truncated=False)
        print()
    person = find_person(SPOTLIGHT)
    if person is not None:
        print(
            f"== Step 3: what idms now knows about {SPOTLIGHT} (idms credentials show {SPOTLIGHT})"
        )
        print_profile(person_profile(person, today(SystemClock())))
    print(
        "\nNext: `idms reports list`, `idms reports show RUN_ID --csv`, "
        "`idms credentials show P-1005` (a card past its expiry date), "
        "`idms cms import YOUR-REPORT.csv`."
    )
    return 0
