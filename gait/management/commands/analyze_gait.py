"""`python manage.py analyze_gait VIDEO ...`: a thin shell around gait.engine.cli.run."""

import sys

from django.core.management.base import BaseCommand
from django.db import OperationalError, ProgrammingError

from gait.engine.cli import build_parser, run
from gait.selectors import gait_threshold_overrides


def _clinic_thresholds() -> dict:
    try:
        return gait_threshold_overrides()
    except ProgrammingError:
        return {}  # database not migrated yet: the clinic has no settings, defaults apply
    except OperationalError:
        # The engine itself needs no database; say so rather than fail or stay silent.
        sys.stderr.write("note: clinic threshold overrides not read (database unreachable); using the defaults\n")
        return {}


class Command(BaseCommand):
    help = build_parser().description

    def run_from_argv(self, argv):
        # The engine parses its own arguments and reports bad input as one line, exit 2;
        # Django's parser and traceback handling are deliberately bypassed.
        sys.exit(run(argv[2:], thresholds=_clinic_thresholds()))

    def add_arguments(self, parser):
        parser.add_argument("args", nargs="*", help="analyze_gait arguments (see --help)")

    def handle(self, *args, **options):
        code = run(list(args), thresholds=_clinic_thresholds())
        if code:
            sys.exit(code)
