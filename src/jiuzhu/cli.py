"""The `jiuzhu` command: Django's management commands, with two-word names.

`jiuzhu export allocation …` runs the management command `export_allocation`, `jiuzhu check notice …` runs
`check_notice`, `jiuzhu export usage-report …` runs `export_usage_report`, and so on; a single word runs the command of that name (`jiuzhu demo`, `jiuzhu migrate`).
"""

import os
import sys


def resolve_argv(argv: list[str], known: set[str]) -> list[str]:
    """Join the first two words into one command name when such a command exists (``usage-report`` is
    ``usage_report``)."""
    if len(argv) >= 3 and (name := f"{argv[1]}_{argv[2]}".replace("-", "_")) in known:
        return [argv[0], name, *argv[3:]]
    if len(argv) >= 2 and "-" in argv[1] and argv[1].replace("-", "_") in known:
        return [argv[0], argv[1].replace("-", "_"), *argv[2:]]  # jiuzhu purge-uploads
    return argv


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiuzhu.settings")
    import django
    from django.core.management import execute_from_command_line, get_commands

    django.setup()
    execute_from_command_line(resolve_argv(sys.argv, set(get_commands())))


if __name__ == "__main__":
    main()
