"""The ``idms`` command.

Exit status: 0 success; 1 finished, but with rejected rows or errors (or nothing found);
2 usage or configuration error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from idms.cli import commands, rp_commands
from idms.cli.errors import UsageError
from idms.web.relying_parties.secret_box import SecretKeyError

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="idms",
        description="Keeps relying parties in step with the credential management system. "
        "The database is IDMS_DATABASE_URL (default: sqlite:///idms.sqlite3).",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    migrate = sub.add_parser("migrate", help="create or upgrade the database tables")
    migrate.set_defaults(handler=commands.migrate)

    cms = sub.add_parser("cms", help="work with the credential management system")
    cms_sub = cms.add_subparsers(dest="cms_command", required=True, metavar="COMMAND")
    cms_import = cms_sub.add_parser(
        "import", help="import a CMS credential history report (CredentialHistoryReportJobManager)"
    )
    cms_import.add_argument("path", help="the report file (.csv or .jsonl)")
    cms_import.add_argument(
        "--format", choices=["csv", "jsonl"], help="file format (default: from the extension)"
    )
    cms_import.add_argument("--json", action="store_true", help="print the result as JSON")
    cms_import.set_defaults(handler=commands.cms_import)

    credentials = sub.add_parser("credentials", help="look up people and their credentials")
    cred_sub = credentials.add_subparsers(
        dest="credentials_command", required=True, metavar="COMMAND"
    )
    show = cred_sub.add_parser(
        "show", help="a person's credentials, current status and full history"
    )
    show.add_argument("key", metavar="PERSON_ID|FASCN|CARD_UUID")
    show.add_argument("--json", action="store_true", help="print as JSON")
    show.set_defaults(handler=commands.credentials_show)

    reports = sub.add_parser("reports", help="the reports that runs leave")
    rep_sub = reports.add_subparsers(dest="reports_command", required=True, metavar="COMMAND")
    rep_list = rep_sub.add_parser("list", help="the most recent runs")
    rep_list.add_argument("--limit", type=int, default=20, help="how many runs (default 20)")
    rep_list.add_argument("--json", action="store_true", help="print as JSON")
    rep_list.set_defaults(handler=commands.reports_list)
    rep_show = rep_sub.add_parser("show", help="one run's report, every row")
    rep_show.add_argument("run_id", type=int, metavar="RUN_ID")
    form = rep_show.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="print as JSON")
    form.add_argument("--csv", action="store_true", help="print the report rows as CSV")
    rep_show.set_defaults(handler=commands.reports_show)

    rp_commands.add_parsers(sub)

    demo = sub.add_parser("demo", help="import the bundled demo data and show what idms did")
    demo.set_defaults(handler=commands.demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except (UsageError, SecretKeyError) as problem:  # a bad key file is a configuration error
        print(f"idms: {problem}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("idms: interrupted; the open transaction was rolled back", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
