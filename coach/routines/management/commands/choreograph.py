"""``python manage.py choreograph AUDIO --style S --level L [--seed N] --out routine.json``:
generate a routine for a song file (see `generation.choreograph.generate_routine`)."""

import json
import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from generation.audio import AudioError, load_song
from generation.choreograph import generate_routine, routine_to_json
from generation.models import FAMILIES
from generation.styles import LEVELS, STYLES


class Command(BaseCommand):
    help = "Generate a dance routine for a song and write it as JSON."

    def add_arguments(self, parser):
        parser.add_argument("audio", help="song file (mp3, wav, ogg, flac, m4a)")
        parser.add_argument("--style", required=True, choices=list(STYLES))
        parser.add_argument("--level", required=True, choices=LEVELS)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--out", required=True, help="where to write the routine JSON")
        parser.add_argument(
            "--arch",
            choices=list(FAMILIES),
            help="model family: generation/checkpoints/<arch>.pt (default: the shipped model)",
        )
        parser.add_argument("--checkpoint", help="checkpoint path (overrides --arch)")
        parser.add_argument(
            "--half-time",
            action="store_true",
            help="each phrase over 16 beats, every move at half speed (phrases model only)",
        )

    def handle(self, *args, **options):
        try:
            song = load_song(options["audio"])
            routine = generate_routine(
                song,
                options["style"],
                options["level"],
                seed=options["seed"],
                checkpoint_path=options["checkpoint"],
                architecture=options["arch"],
                half_time=options["half_time"],
                progress=lambda fraction, message: self.stderr.write(f"{fraction:4.0%} {message}"),
            )
        except (AudioError, ValueError, FileNotFoundError) as error:
            raise CommandError(str(error)) from error
        out = Path(options["out"])
        # Write beside the target and move into place, so a failure leaves no half file.
        with tempfile.NamedTemporaryFile(
            "w", dir=out.parent or ".", suffix=".tmp", delete=False
        ) as tmp:
            json.dump(routine_to_json(routine), tmp)
        os.replace(tmp.name, out)
        self.stdout.write(
            f"wrote {out}: {len(routine['frames'])} frames, {len(routine['segments'])} phrases, "
            f"{routine['tempo_bpm']} BPM"
        )
