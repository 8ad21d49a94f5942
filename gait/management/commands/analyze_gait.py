"""`python manage.py analyze_gait VIDEO ...`: a thin shell around gait.engine.cli.run."""

import sys

from django.core.management.base import BaseCommand

from gait.engine.cli import build_parser, run


class Command(BaseCommand):
    help = build_parser().description

    def run_from_argv(self, argv):
        # The engine parses its own arguments and reports bad input as one line, exit 2;
        # Django's parser and traceback handling are deliberately bypassed.
        sys.exit(run(argv[2:]))

    def add_arguments(self, parser):
        parser.add_argument("args", nargs="*", help="analyze_gait arguments (see --help)")

    def handle(self, *args, **options):
        code = run(list(args))
        if code:
            sys.exit(code)
