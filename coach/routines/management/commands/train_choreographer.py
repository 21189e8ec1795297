"""``python manage.py train_choreographer [--arch NAME]``: train a choreography model (see
`generation.training.train_choreographer`); writes ``generation/checkpoints/<arch>.pt``."""

import json

from django.core.management.base import BaseCommand, CommandError

from generation.models import ARCHITECTURES, DEFAULT_TRAINED_ARCHITECTURE
from generation.training import TrainingConfig, train_choreographer


class Command(BaseCommand):
    help = "Train a choreography model on the train split and write its checkpoint."

    def add_arguments(self, parser):
        defaults = TrainingConfig()
        parser.add_argument(
            "--arch",
            default=DEFAULT_TRAINED_ARCHITECTURE,
            choices=list(ARCHITECTURES),
            help=f"model family (default: {DEFAULT_TRAINED_ARCHITECTURE}, the best trained one)",
        )
        parser.add_argument(
            "--out", help="checkpoint path (default: generation/checkpoints/<arch>.pt)"
        )
        parser.add_argument("--steps", type=int, default=defaults.steps)
        parser.add_argument("--batch-size", type=int, default=defaults.batch_size)
        parser.add_argument("--learning-rate", type=float, default=defaults.learning_rate)
        parser.add_argument("--max-minutes", type=float, default=defaults.max_minutes)
        parser.add_argument("--seed", type=int, default=defaults.seed)
        parser.add_argument(
            "--model-config",
            default="{}",
            help="JSON overrides of the architecture's config, e.g. '{\"hidden\": 128}'",
        )
        parser.add_argument(
            "--init-from", help="start from this checkpoint's weights and normalisers (fine-tune)"
        )
        parser.add_argument("--device", help="cpu or cuda (default: cuda when present)")
        parser.add_argument(
            "--sources", default="ballroom,aistpp,cmu", help="comma-separated data sets to train on"
        )

    def handle(self, *args, **options):
        try:
            model_config = json.loads(options["model_config"])
        except json.JSONDecodeError as error:
            raise CommandError(f"--model-config is not JSON: {error}") from error
        if not isinstance(model_config, dict):
            raise CommandError("--model-config must be a JSON object")
        config = TrainingConfig(
            architecture=options["arch"],
            steps=options["steps"],
            batch_size=options["batch_size"],
            learning_rate=options["learning_rate"],
            max_minutes=options["max_minutes"],
            seed=options["seed"],
            model=model_config,
            init_from=options["init_from"],
            device=options["device"],
        )
        report = train_choreographer(
            out_path=options["out"],
            config=config,
            sources=tuple(options["sources"].split(",")),
            progress=lambda message: self.stdout.write(message),
        )
        summary = {k: report[k] for k in ("checkpoint", "steps", "wall_s", "data_prep_s", "device")}
        summary["architecture"] = options["arch"]
        summary["final_loss"] = report["losses"][-1] if report["losses"] else None
        summary["final_val_loss"] = report["val_losses"][-1] if report["val_losses"] else None
        self.stdout.write(json.dumps(summary, indent=2))
