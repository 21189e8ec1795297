// A learner's page in a live class: the practice page's dancer, camera and feedback, but the
// song starts when the instructor says so. The class socket (the practice protocol for this
// learner's seat, see practice-socket.js) measures this device's clock offset and sends the
// start time on the server clock; the song position is (server now - starts_at) on every device,
// so learners who join late or reload continue in sync with everyone else.
//
// `?replay=URL` (tests and demos): instead of the camera, feed a recorded landmark stream
// {"format": "mediapipe33", "image_size": [w, h], "timestamps_ms": [...], "frames": [...]} whose
// timestamps are on the song clock; each frame is sent when the song reaches it.
import { countAt, createDancer } from "./dancer.js";
import { askForServerTracking, canRunPose, createImageSampler, createPoseTracker, loadPoseScript } from "./pose.js";
import { CameraWatch, HIGHLIGHT_MS, classOverText, showBeatFeedback, summaryText } from "./beat-feedback.js";
import { openPracticeSession } from "./practice-socket.js";
import { MESSAGE } from "./protocol.js";
import { drawLearnerOverlay, landmarksToJoints, partJoints } from "./skeleton2d.js";

const SYNC_MS = 50; // how often the song position is checked against the class clock
const MAX_DRIFT_S = 0.25; // re-seek the music when it is this far from where the class is
const SEEK_SETTLE_MS = 1000; // a seek takes a moment to play from: do not chase it meanwhile

const $ = (id) => document.getElementById(id);
const root = $("class-learn");
const music = $("music"), video = $("camera-video"), overlay = $("camera-overlay");
const statusEl = $("practice-status"), countdownEl = $("countdown"), readyButton = $("ready");
const replayUrl = new URLSearchParams(location.search).get("replay");

let routine, dancer, session = null, replay = null;
let state = "loading"; // loading | idle | waiting | countdown | playing | finished | ended
let clockOffsetMs = null; // this device's clock minus the server's
let classState = { status: "open", starts_at_ms: null };
let audioLatencyMs = 0, learner = null, learnerSize = null, marked = { joints: [], until: 0 };
let shownFrame = -1, framesSent = 0, beatsShown = 0, lastSeek = 0;

const say = (text) => { statusEl.textContent = text; };
const clock = (s) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, "0")}`;

function setState(next) {
  state = next;
  root.dataset.state = next;
}

function duration() {
  return Number.isFinite(music.duration) ? music.duration : routine.frames.length / routine.fps;
}

// Seconds into the song the class is now (negative before the start), or null when unknown.
function classPosition() {
  if (classState.starts_at_ms === null || clockOffsetMs === null) return null;
  const serverNow = performance.timeOrigin + performance.now() - clockOffsetMs;
  return (serverNow - classState.starts_at_ms) / 1000;
}

// ---- keeping in step with the class ---------------------------------------------------------

function sync() {
  if (!["waiting", "countdown", "playing"].includes(state)) return;
  const position = classPosition();
  if (position === null) return;
  if (position >= duration()) {
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
    const summary = message.summary;
    const result = $("result");
    result.textContent = summaryText(summary);
    const link = document.createElement("a");
    link.href = root.dataset.reportUrl;
    link.textContent = "Open your report";
    result.append(link);
    root.dataset.finished = "1";
    say(classOverText(summary));
  }, (error) => say(`Your run could not be finished: ${error.message}`));
}

// ---- feedback -------------------------------------------------------------------------------

const camera = new CameraWatch();

function showBeat(beat) {
  showBeatFeedback($("feedback"), $("latest-beat"), beat);
  camera.beat(beat);
  $("camera-note").textContent = camera.advice();
  beatsShown += 1;
  root.dataset.beats = String(beatsShown);
  const joints = beat.fix ? partJoints(routine.joints, beat.fix) : [];
  marked = { joints, until: performance.now() + HIGHLIGHT_MS };
  dancer.highlight(joints);
  shownFrame = -1;
  drawLearner();
}

// ---- drawing --------------------------------------------------------------------------------

function drawLearner() {
  const highlight = performance.now() < marked.until ? marked.joints : [];
  drawLearnerOverlay(overlay, video.videoWidth ? [video.videoWidth, video.videoHeight] : learnerSize, learner, routine.bones, highlight);
}

function tick() {
  const t = music.currentTime;
  const frame = Math.min(routine.frames.length - 1, Math.max(0, Math.round(t * routine.fps)));
  if (marked.joints.length && performance.now() >= marked.until) {
    marked = { joints: [], until: 0 };
    dancer.highlight([]);
    shownFrame = -1;
    drawLearner();
  }
  if (frame !== shownFrame) {
    dancer.setFrame(frame);
    dancer.render();
    shownFrame = frame;
    $("count").textContent = countAt(routine, t);
    $("song-progress").value = t / duration();
    $("song-time").textContent = `${clock(t)} / ${clock(duration())}`;
  }
  requestAnimationFrame(tick);
}

// ---- landmarks in: the camera, or a recorded stream -----------------------------------------

function sendFrame(timeMs, landmarks, imageSize) {
  learner = landmarksToJoints(landmarks, routine.joints);
  camera.frame();
  $("camera-note").textContent = camera.advice();
  learnerSize = imageSize;
  drawLearner();
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

async function startCamera() {
  video.srcObject = await navigator.mediaDevices.getUserMedia({
    audio: false, video: { facingMode: "user", width: { ideal: 640 }, height: { ideal: 480 } },
  });
  await video.play();
  const songTimeMs = () => (state === "playing" && !music.paused ? music.currentTime * 1000 : null);
  try {
    const assets = root.dataset.poseAssets;
    await loadPoseScript(assets);
    if (!canRunPose()) throw new Error("no WebGL2 or WebAssembly");
    const tracker = createPoseTracker({
      video, assetsUrl: assets,
      stamp: songTimeMs,
      onResult: ({ stamp, landmarks, imageSize }) => {
        if (landmarks && stamp !== null) sendFrame(stamp, landmarks, imageSize);
        else if (!landmarks) {
          camera.frame(); // the tracker's rate counts every result, a person found or not
          $("camera-note").textContent = camera.advice();
          learner = null;
          drawLearner();
        }
      },
    });
    say("Starting pose tracking (the first frame can take a while)…");
    await tracker.start();
    root.dataset.tracking = "browser";
  } catch (error) {
    // The fallback: with the learner's consent, the server tracks downscaled camera pictures.
    say("Pose tracking cannot run in this browser.");
    await askForServerTracking(error.message);
    createImageSampler({ video, stamp: songTimeMs, onImage: ({ stamp, jpeg }) => session.addImage(stamp, jpeg) }).start();
    root.dataset.tracking = "server";
  }
}

async function loadReplay() {
  const response = await fetch(replayUrl, { credentials: "same-origin" });
  if (!response.ok) throw new Error(`the recording could not be loaded (${response.status})`);
  replay = { ...(await response.json()), next: 0 };
  if (replay.format !== "mediapipe33") throw new Error("the recording must be in the mediapipe33 format");
  root.dataset.tracking = "replay";
}

function measureAudioLatency() {
  try {
    const context = new AudioContext();
    audioLatencyMs = ((context.baseLatency || 0) + (context.outputLatency || 0)) * 1000;
    context.close();
  } catch {
    audioLatencyMs = 0;
  }
}

// ---- joining --------------------------------------------------------------------------------

async function getReady() {
  readyButton.disabled = true;
  measureAudioLatency();
  try {
    if (replayUrl) await loadReplay();
    else await startCamera();
  } catch (error) {
    say(`${error.message}. Allow camera access and reload the page.`);
    readyButton.disabled = false;
    return;
  }
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  session = openPracticeSession({
    attempt: root.dataset.attempt, audioLatencyMs,
    url: `${scheme}://${location.host}${root.dataset.socketPath}`,
    onBeat: showBeat,
    onClock: ({ offsetMs }) => { clockOffsetMs = offsetMs; root.dataset.clockOffsetMs = String(offsetMs); },
    onOther: (message) => { if (message.type === MESSAGE.class_state) onClassState(message); },
    onState: (socketState, detail) => {
      root.dataset.socket = socketState;
      if (socketState === "reconnecting") say("Connection lost: reconnecting… (nothing is lost)");
      if (socketState === "failed") say(`Feedback stopped: ${detail}.`);
    },
  });
  setState("waiting");
  readyButton.style.display = "none"; // the button styles override the hidden attribute
  say(classState.status === "running" ? "Joining the class…" : "Ready. Your instructor starts the class.");
}

async function main() {
  music.preservesPitch = true;
  const response = await fetch(root.dataset.documentUrl, { credentials: "same-origin" });
  if (!response.ok) { say("The routine could not be loaded."); return; }
  routine = await response.json();
  dancer = createDancer($("reference-stage"), routine);
  requestAnimationFrame(tick);
  setInterval(sync, SYNC_MS);
  new ResizeObserver(drawLearner).observe(overlay);
  readyButton.addEventListener("click", getReady);
  setState("idle");
}

main();
