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
  item.className = `beat beat-${beat.label.toLowerCase().replace(/ /g, "-")}`;
  const label = document.createElement("strong");
  label.className = "beat-label";
  label.textContent = beat.label;
  const fix = beat.fix ? ` · fix your ${PART_NAMES[beat.fix] || beat.fix}` : "";
  // A beat the camera did not see has no scores and no timing.
  const timing = beat.overall === null ? "not seen" : timingText(beat.timing_offset_ms);
  item.append(label, ` beat ${beat.index + 1} · ${timing}${fix}`);
  list.prepend(item);
  while (list.children.length > FEEDBACK_SHOWN) list.lastElementChild.remove();
  latest.textContent = beat.label;
  latest.className = `latest-beat show beat-${beat.label.toLowerCase().replace(/ /g, "-")}`;
}

// What the camera can and cannot judge, said to the learner while they dance. Thresholds mirror
// scoring/params.py: MIN_TRACKING_FPS (7.5; warned a little above it) and the leg parts.
const SLOW_TRACKING_FPS = 8;
const GREAT = 75; // scoring/params.py LABELS: Great and above
const RATE_WINDOW_MS = 5000;
const RATE_MIN_SPAN_MS = 2000; // the rate is judged over at least this long

export class CameraWatch {
  constructor() { this.stamps = []; this.lastBeat = null; }

  // Call once per tracked frame.
  frame(nowMs = performance.now()) {
    this.stamps.push(nowMs);
    while (this.stamps.length && this.stamps[0] < nowMs - RATE_WINDOW_MS) this.stamps.shift();
  }

  // Call with each beat result of the socket.
  beat(beat) { this.lastBeat = beat; }

  fps() {
    const s = this.stamps;
    if (s.length < 2 || s[s.length - 1] - s[0] < RATE_MIN_SPAN_MS) return null;
    return (s.length - 1) / ((s[s.length - 1] - s[0]) / 1000);
  }

  // A sentence for the learner, or "" when the camera sees enough.
  advice() {
    const fps = this.fps();
    if (fps !== null && fps < SLOW_TRACKING_FPS) {
      return `Tracking at ${fps < 2 ? fps.toFixed(1) : Math.round(fps)} fps: close other tabs or use more light.`;
    }
    const beat = this.lastBeat;
    if (!beat || !Array.isArray(beat.seen)) return "";
    if (beat.overall === null) return "The camera cannot see you: step into the picture.";
    if (!beat.seen.includes("left_leg") && !beat.seen.includes("right_leg")) {
      return "Your legs are out of the picture: step back (scoring the upper body).";
    }
    const missing = ["left_arm", "right_arm"].filter((p) => !beat.seen.includes(p));
    if (missing.length) return `Your ${missing.map((p) => PART_NAMES[p] || p).join(" and ")} ${missing.length > 1 ? "are" : "is"} out of the picture.`;
    return "";
  }
}

// One line on a finished run: its overall score, or why the camera could not judge it.
export function summaryText(summary) {
  if (!summary) return "Finished. ";
  if (summary.reliable === false) return `The camera could not judge this run: ${summary.unreliable_reason}. `;
  if (summary.overall === null || summary.overall === undefined) return "Finished: no beat was scored. ";
  const scope = summary.scope && summary.scope !== "full body" ? ` (${summary.scope})` : "";
  return `Overall ${Math.round(summary.overall)} over ${summary.beats_seen ?? summary.beats} beats${scope}. `;
}

// What a class learner is told when their run ends: praise only for a dance that earned it.
export function classOverText(summary) {
  if (!summary || summary.reliable === false) return "The class is over for you: the camera could not judge your dance.";
  if (summary.overall !== null && summary.overall >= GREAT) return "Well danced! The class is over for you.";
  return "The class is over for you: your report says what to work on.";
}
