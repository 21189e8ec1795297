// The routine page: the generated dancer animated in sync with the song's playback clock.
import { beatIndexAt, createDancer } from "./dancer.js";

const root = document.getElementById("routine-player");
const music = document.getElementById("music");
const countEl = document.getElementById("count");
const statusEl = document.getElementById("player-status");

const response = await fetch(root.dataset.documentUrl, { credentials: "same-origin" });
if (!response.ok) {
  statusEl.textContent = "The routine could not be loaded.";
} else {
  const routine = await response.json();
  const dancer = createDancer(document.getElementById("stage"), routine);
  // Counts restart at each phrase so the learner hears "1" on the phrase's downbeat.
  const phraseStarts = routine.segments.map((s) => s.start_s);
  const frameAt = (t) => Math.min(routine.frames.length - 1, Math.max(0, Math.round(t * routine.fps)));
  let shownFrame = -1;
  function tick() {
    const t = music.currentTime;
    const frame = frameAt(t);
    if (frame !== shownFrame) {
      dancer.setPose(routine.frames[frame]);
      shownFrame = frame;
      const beat = beatIndexAt(routine.beats, t);
      const phraseStart = phraseStarts.length ? phraseStarts[Math.max(0, beatIndexAt(phraseStarts, t))] : 0;
      const firstBeatOfPhrase = beatIndexAt(routine.beats, phraseStart + 1e-3);
      countEl.textContent = beat < 0 ? "" : String(((beat - Math.max(firstBeatOfPhrase, 0)) % 8 + 8) % 8 + 1);
      root.dataset.frame = String(frame);
    }
    dancer.render();
    requestAnimationFrame(tick);
  }
  statusEl.textContent = `${routine.frames.length} frames at ${routine.fps} fps · press play`;
  root.dataset.ready = "true";
  tick();
}
