"""The `bangkom` command: every Django management command, plus the project's own (import, seed-demo, ...)."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bangkom.config.settings.local")
    args = list(sys.argv if argv is None else argv)
    if len(args) > 1 and not args[1].startswith("-"):
        # CONTRACT.md spells commands with hyphens (seed-demo); Django modules use underscores.
        args[1] = args[1].replace("-", "_")
    args[0] = "bangkom"
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)


if __name__ == "__main__":
    main()
