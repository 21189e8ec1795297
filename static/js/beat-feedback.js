// Per-beat feedback as the practice page and a class learner's page show it: a list of the
// latest beats (label, beat number, early/late, the body part to fix) and the big latest label.
import { PART_NAMES } from "./skeleton2d.js";

export const HIGHLIGHT_MS = 2000; // how long the body part to fix stays marked
const FEEDBACK_SHOWN = 12;
const ON_TIME_MS = 50; // offsets this small are reported as on time

export function timingText(offsetMs) {
  if (Math.abs(offsetMs) < ON_TIME_MS) return "on time";
  return `${Math.round(Math.abs(offsetMs))} ms ${offsetMs < 0 ? "early" : "late"}`;
}

// Puts `beat` (a beat message of the practice socket) first in `list` and on `latest`.
export function showBeatFeedback(list, latest, beat) {
  const item = document.createElement("li");
  item.className = `beat beat-${beat.label.toLowerCase()}`;
  const label = document.createElement("strong");
  label.className = "beat-label";
  label.textContent = beat.label;
  const fix = beat.fix ? ` · fix your ${PART_NAMES[beat.fix] || beat.fix}` : "";
  item.append(label, ` beat ${beat.index + 1} · ${timingText(beat.timing_offset_ms)}${fix}`);
  list.prepend(item);
  while (list.children.length > FEEDBACK_SHOWN) list.lastElementChild.remove();
  latest.textContent = beat.label;
  latest.className = `latest-beat show beat-${beat.label.toLowerCase()}`;
}
