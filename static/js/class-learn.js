// A learner's page in a live class: the practice page's dancer, camera and feedback, but the
// song starts when the instructor says so. The class socket (the practice protocol for this
// learner's seat, see practice-socket.js) measures this device's clock offset and sends the
// start time on the server clock; the song position is (server now - starts_at) on every device,
// so learners who join late or reload continue in sync with everyone else.
//
// `?replay=URL` (tests and demos): instead of the camera, feed a recorded landmark stream
// {"format": "mediapipe33", "image_size": [w, h], "timestamps_ms": [...], "frames": [...]} whose
// timestamps are on the song clock; each frame is sent when the song reaches it.
import { classOverText } from "./beat-feedback.js";
import { classPosition } from "./clock.js";
import { openPracticeSession } from "./practice-socket.js";
import { audioLatencyMs as measureAudioLatency, createPracticeStage, showSummary, socketStateSaid, startCamera, startTracking } from "./practice-stage.js";
import { MESSAGE } from "./protocol.js";

const SYNC_MS = 50; // how often the song position is checked against the class clock
const MAX_DRIFT_S = 0.25; // re-seek the music when it is this far from where the class is
const SEEK_SETTLE_MS = 1000; // a seek takes a moment to play from: do not chase it meanwhile

const $ = (id) => document.getElementById(id);
const root = $("class-learn");
const music = $("music");
const statusEl = $("practice-status"), countdownEl = $("countdown"), readyButton = $("ready");
const replayUrl = new URLSearchParams(location.search).get("replay");

let stage, session = null, replay = null;
let state = "loading"; // loading | idle | waiting | countdown | playing | finished | ended
let clockOffsetMs = null; // this device's clock minus the server's
let classState = { status: "open", starts_at_ms: null };
let audioLatencyMs = 0, framesSent = 0, lastSeek = 0;

const say = (text) => { statusEl.textContent = text; };

function setState(next) {
  state = next;
  root.dataset.state = next;
}

// Seconds into the song the class is now (negative before the start), or null when unknown.
function positionNow() {
  if (classState.starts_at_ms === null || clockOffsetMs === null) return null;
  return classPosition(performance.timeOrigin + performance.now(), clockOffsetMs, classState.starts_at_ms);
}

// ---- keeping in step with the class ---------------------------------------------------------

function sync() {
  if (!["waiting", "countdown", "playing"].includes(state)) return;
  const position = positionNow();
  if (position === null) return;
  if (position >= stage.duration()) {
    if (state === "playing") finish();
    else { setState("ended"); say("The class has finished the song."); }
    return;
  }
  if (position < 0) {
    setState("countdown");
    countdownEl.textContent = String(Math.ceil(-position));
    return;
  }
  countdownEl.textContent = "";
  if (state !== "playing") {
    setState("playing");
    music.currentTime = position; // a late joiner starts where the class is
    lastSeek = performance.now();
    music.play().catch((error) => say(`The music could not start: ${error.message}`));
    say("Dance! Feedback arrives a moment after each beat.");
  } else if (!music.paused && performance.now() - lastSeek > SEEK_SETTLE_MS
      && Math.abs(music.currentTime - position) > MAX_DRIFT_S) {
    music.currentTime = position;
    lastSeek = performance.now();
  }
  feedReplay();
}

function onClassState(message) {
  classState = message;
  root.dataset.classStatus = message.status;
  if (message.status === "running" && state === "idle") say("Waiting for the class to start…");
  if (message.status === "ended" && state !== "playing" && state !== "finished") {
    setState("ended");
    say("Your instructor has ended the class.");
  }
  if (message.status === "open" && state === "waiting") say("Ready. Your instructor starts the class.");
}

function finish() {
  setState("finished");
  music.pause();
  const finishing = session;
  say("Scoring the rest of your dance…");
  finishing.end().then((message) => {
    showSummary($("result"), message.summary, root.dataset.reportUrl, "Open your report");
    root.dataset.finished = "1";
    say(classOverText(message.summary));
  }, (error) => say(`Your run could not be finished: ${error.message}`));
}

// ---- landmarks in: the camera, or a recorded stream -----------------------------------------

function sendFrame(timeMs, landmarks, imageSize) {
  stage.seeLearner(landmarks, imageSize);
  stage.note(stage.camera.advice());
  session.addFrame(timeMs, landmarks, imageSize);
  framesSent += 1;
  root.dataset.framesSent = String(framesSent);
}

// Send every recorded frame the song has reached; frames from before a late start are skipped.
function feedReplay() {
  if (!replay || state !== "playing") return;
  const now = music.currentTime * 1000;
  while (replay.next < replay.timestamps_ms.length && replay.timestamps_ms[replay.next] <= now) {
    const t = replay.timestamps_ms[replay.next];
    if (now - t < 1000 * MAX_DRIFT_S) sendFrame(t, replay.frames[replay.next], replay.image_size);
    replay.next += 1;
  }
}

// The camera, and pose tracking in this browser or (with the learner's consent) on the server.
async function startTrackedCamera() {
  await startCamera(stage.video);
  const songTimeMs = () => (state === "playing" && !music.paused ? music.currentTime * 1000 : null);
  await startTracking({
    root, video: stage.video, stamp: songTimeMs, say,
    startingText: "Starting pose tracking (the first frame can take a while)…",
    onPose: ({ stamp, landmarks, imageSize }) => {
      if (landmarks && stamp !== null) sendFrame(stamp, landmarks, imageSize);
      else if (!landmarks) {
        stage.seeLearner(null);
        stage.note(stage.camera.advice());
      }
    },
    onImage: ({ stamp, jpeg }) => session.addImage(stamp, jpeg),
  });
}

async function loadReplay() {
  const response = await fetch(replayUrl, { credentials: "same-origin" });
  if (!response.ok) throw new Error(`the recording could not be loaded (${response.status})`);
  replay = { ...(await response.json()), next: 0 };
  if (replay.format !== "mediapipe33") throw new Error("the recording must be in the mediapipe33 format");
  root.dataset.tracking = "replay";
}

// ---- joining --------------------------------------------------------------------------------

async function getReady() {
  readyButton.disabled = true;
  audioLatencyMs = measureAudioLatency();
  try {
    if (replayUrl) await loadReplay();
    else await startTrackedCamera();
  } catch (error) {
    say(`${error.message}. Allow camera access and reload the page.`);
    readyButton.disabled = false;
    return;
  }
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  session = openPracticeSession({
    attempt: root.dataset.attempt, audioLatencyMs,
    url: `${scheme}://${location.host}${root.dataset.socketPath}`,
    onBeat: stage.showBeat,
    onClock: ({ offsetMs }) => { clockOffsetMs = offsetMs; root.dataset.clockOffsetMs = String(offsetMs); },
    onOther: (message) => { if (message.type === MESSAGE.class_state) onClassState(message); },
    onState: socketStateSaid(root, say),
  });
  setState("waiting");
  readyButton.style.display = "none"; // the button styles override the hidden attribute
  say(classState.status === "running" ? "Joining the class…" : "Ready. Your instructor starts the class.");
}

async function main() {
  music.preservesPitch = true;
  const response = await fetch(root.dataset.documentUrl, { credentials: "same-origin" });
  if (!response.ok) { say("The routine could not be loaded."); return; }
  const routine = await response.json();
  stage = createPracticeStage({ root, routine, music });
  stage.run();
  setInterval(sync, SYNC_MS);
  readyButton.addEventListener("click", getReady);
  setState("idle");
}

main();
