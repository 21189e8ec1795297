"""``python -m scoring ATTEMPT.json --reference ROUTINE.json [--mirror auto|on|off] [--json]``

Scores a recorded attempt against a routine (or against another recording with ``"beats"``).
Malformed input prints a one-line error to stderr and exits with status 2.
"""

import argparse
import json
import sys

from scoring.attempt import MIRROR_MODES, score_attempt
from scoring.formats import PoseInputError
from scoring.reference import Reference

EXIT_BAD_INPUT = 2


def _load(path: str, what: str):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except OSError as exc:
        raise PoseInputError(f"cannot read {what} {path}: {exc.strerror}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise PoseInputError(f"{what} {path} is not valid JSON: {exc}") from None


def _reference(data) -> Reference:
    """A routine has ``joints``; a recording has ``format``."""
    if isinstance(data, dict) and "format" in data:
        return Reference.from_attempt(data)
    return Reference.from_routine(data)


def _table(result: dict) -> str:
    lines = ["beat  time_s  offset_ms  timing  accuracy  smooth  overall  label    fix"]
    for b in result["beats"]:
        lines.append(
            f"{b['index']:>4}  {b['time_s']:>6.2f}  {b['timing_offset_ms']:>9.0f}  {b['timing']:>6.0f}  "
            f"{b['accuracy']:>8.0f}  {b['smoothness']:>6.0f}  {b['overall']:>7.0f}  {b['label']:<7}  {b['fix'] or ''}"
        )
    s = result["summary"]
    lines.append(
        f"overall {s['overall']}  timing {s['timing']}  accuracy {s['accuracy']}  "
        f"smoothness {s['smoothness']}  mirrored {s['mirrored']}  weakest parts {s['weakest_parts']}"
    )
    if not s["reliable"]:
        lines.append(f"not a verdict: {s['unreliable_reason']}")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scoring", description=__doc__.splitlines()[0])
    parser.add_argument("attempt", help="ATTEMPT.json: {format, timestamps_ms, frames}")
    parser.add_argument(
        "--reference", required=True, help="ROUTINE.json, or a recording with beats"
    )
    parser.add_argument("--mirror", choices=MIRROR_MODES, default="auto")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    try:
        reference = _reference(_load(args.reference, "reference"))
        result = score_attempt(_load(args.attempt, "attempt"), reference, args.mirror)
    except PoseInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(json.dumps(result) if args.json else _table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
