"""`switchboard protect`: data protection at rest (a new checkpoint key; the migration).

switchboard protect new-key     print a fresh key for SWITCHBOARD_CHECKPOINT_KEYS
switchboard protect migrate     mask personal data already stored (complaints, checkpoints)
                                and (re-)encrypt every checkpoint with the first key
"""

from __future__ import annotations

import argparse
import json


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("protect", help="data protection: checkpoint keys and the migration")
    actions = parser.add_subparsers(dest="action", required=True)
    actions.add_parser("new-key", help="print a fresh 32-byte key (base64)")
    migrate = actions.add_parser("migrate", help="mask stored personal data and re-encrypt the checkpoints")
    migrate.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from graphs.encryption import new_key

    if args.action == "new-key":
        print(new_key())
        return 0
    from graphs.protect import migrate
    from switchboard.settings import get_settings
    from tools.db import get_engine

    settings = get_settings()
    report = migrate(settings, get_engine(settings.database_url))
    if args.json:
        print(json.dumps(report.as_dict()))
    else:
        print(
            f"complaints masked: {report.complaints_masked}; checkpoint values rewritten: "
            f"{report.values_rewritten} (masked {report.values_masked}, encrypted {report.values_encrypted}, "
            f"moved out of inline JSON {report.inline_moved})"
        )
        for note in report.notes:
            print(note)
    return 0
