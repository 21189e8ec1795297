"""``python manage.py evaluate_choreographer --split test --json``: quality metrics of the
choreography model on held-out clips (see `generation.evaluation.evaluate_split`)."""

import json

from django.core.management.base import BaseCommand

from generation.evaluation import evaluate_split
from generation.models import FAMILIES, checkpoint_path
from generation.styles import LEVELS


class Command(BaseCommand):
    help = "Evaluate the choreography model on the held-out (test or val) clips."

    def add_arguments(self, parser):
        parser.add_argument("--split", default="test", choices=("test", "val"))
        parser.add_argument(
            "--arch",
            choices=list(FAMILIES),
            help="model family: generation/checkpoints/<arch>.pt (default: the shipped model)",
        )
        parser.add_argument("--checkpoint", help="checkpoint path (overrides --arch)")
        parser.add_argument("--level", default="intermediate", choices=LEVELS)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--json", action="store_true", help="print only the JSON result")

    def handle(self, *args, **options):
        quiet = options["json"]
        result = evaluate_split(
            split=options["split"],
            checkpoint_path=options["checkpoint"] or checkpoint_path(options["arch"]),
            level=options["level"],
            seed=options["seed"],
            progress=(lambda message: None) if quiet else self.stderr.write,
        )
        self.stdout.write(json.dumps(result, indent=2))
