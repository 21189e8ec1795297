"""``python manage.py compare_choreographers --seeds 3 --out bench/results/model_comparison.json``:
every model family on the held-out clips, several seeds, one table (see
`generation.comparison`)."""

import json
import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from generation.comparison import compare_choreographers, markdown_table
from generation.models import FAMILIES, available_architectures, checkpoint_path
from generation.styles import LEVELS, STYLES


class Command(BaseCommand):
    help = "Compare the choreography model families on the held-out clips; print a table."

    def add_arguments(self, parser):
        parser.add_argument(
            "--arch",
            action="append",
            choices=list(FAMILIES),
            help="a family to compare (repeatable; default: every family with a checkpoint)",
        )
        parser.add_argument("--seeds", type=int, default=3, help="seeds 0 .. N-1 per model")
        parser.add_argument("--split", default="test", choices=("test", "val"))
        parser.add_argument("--level", default="intermediate", choices=LEVELS)
        parser.add_argument(
            "--styles", help=f"comma-separated styles (default: all); from {', '.join(STYLES)}"
        )
        parser.add_argument("--out", help="also write the comparison JSON here")

    def handle(self, *args, **options):
        if options["seeds"] < 1:
            raise CommandError("--seeds must be at least 1")
        names = options["arch"] or available_architectures()
        missing = [name for name in names if not checkpoint_path(name).is_file()]
        if missing:
            raise CommandError(
                f"no checkpoint for {', '.join(missing)}: train it with "
                "`python manage.py train_choreographer --arch NAME`"
            )
        styles = options["styles"].split(",") if options["styles"] else None
        unknown = sorted(set(styles or ()) - set(STYLES))
        if unknown:
            raise CommandError(f"unknown style(s): {', '.join(unknown)}")
        try:
            comparison = compare_choreographers(
                {name: checkpoint_path(name) for name in names},
                seeds=options["seeds"],
                split=options["split"],
                level=options["level"],
                styles=styles,
                progress=self.stderr.write,
            )
        except (ValueError, FileNotFoundError) as error:
            raise CommandError(str(error)) from error
        if options["out"]:
            out = Path(options["out"])
            out.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(
                "w", dir=out.parent, suffix=".tmp", delete=False
            ) as tmp:
                json.dump(comparison, tmp, indent=1)
            os.replace(tmp.name, out)
        self.stdout.write(markdown_table(comparison))
