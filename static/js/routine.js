// The routine page: the generated dancer animated in sync with the song's playback clock.
import { countAt, createDancer } from "./dancer.js";

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
  const frameAt = (t) => Math.min(routine.frames.length - 1, Math.max(0, Math.round(t * routine.fps)));
  let shownFrame = -1;
  function tick() {
    const t = music.currentTime;
    const frame = frameAt(t);
    if (frame !== shownFrame) {
      dancer.setFrame(frame);
      dancer.render();
      shownFrame = frame;
      countEl.textContent = countAt(routine, t);
      root.dataset.frame = String(frame);
    }
    requestAnimationFrame(tick);
  }
  const about = `${routine.frames.length} frames at ${routine.fps} fps`;
  const showStatus = () => { statusEl.textContent = music.paused ? `${about} · press play` : about; };
  music.addEventListener("play", showStatus);
  music.addEventListener("pause", showStatus);
  showStatus();
  root.dataset.ready = "true";
  tick();
}
