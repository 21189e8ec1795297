// The practice page: the song with the reference dancer in sync, the camera with the learner's
// skeleton, a 3-2-1 countdown, slow practice, phrase loops, and per-beat feedback from the
// practice socket. Every timestamp is on the song clock (audio.currentTime), also when slowed.
//
// One attempt covers one pass over the song or over the looped range: timestamps within an
// attempt never go back, so each loop iteration is sent as a new attempt.
import { countAt, createDancer } from "./dancer.js";
import { askForServerTracking, canRunPose, createImageSampler, createPoseTracker, loadPoseScript } from "./pose.js";
import { CameraWatch, HIGHLIGHT_MS, showBeatFeedback, summaryText } from "./beat-feedback.js";
import { openPracticeSession } from "./practice-socket.js";
import { drawLearnerOverlay, landmarksToJoints, partJoints } from "./skeleton2d.js";

const COUNTDOWN = ["3", "2", "1"];
const SPEED_KEYS = { 1: "1", 2: "0.75", 3: "0.5" };
// A second press this soon after Start is the rest of a double click, not a Stop.
const DOUBLE_PRESS_MS = 800;

const root = document.getElementById("practice");
const music = document.getElementById("music");
const video = document.getElementById("camera-video");
const overlay = document.getElementById("camera-overlay");
const $ = (id) => document.getElementById(id);
const startButton = $("start"), mirrorButton = $("mirror"), loopButton = $("loop");
const loopFrom = $("loop-from"), loopTo = $("loop-to");
const statusEl = $("practice-status"), countdownEl = $("countdown");

let routine, dancer;
let state = "loading"; // loading | idle | countdown | playing
let session = null; // the attempt being danced
let audioLatencyMs = 0;
let learner = null; // the learner's joints [[x, y, visibility]] in video-normalised coordinates
let marked = { joints: [], until: 0 };
let shownFrame = -1, framesSent = 0, beatsShown = 0;
let startedAt = -Infinity; // performance.now() of the last Start

function setState(next) {
  state = next;
  root.dataset.state = next;
  startButton.textContent = next === "idle" || next === "loading" ? "Start" : "Stop";
}

function say(text) { statusEl.textContent = text; }

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const clock = (s) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, "0")}`;

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

async function createAttempt() {
  const response = await fetch(root.dataset.attemptsUrl, {
    method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
    body: JSON.stringify({ routine: root.dataset.routineId, pose_format: "mediapipe33", mirror: "auto" }),
  });
  if (!response.ok) throw new Error(`the attempt could not be created (${response.status})`);
  return (await response.json()).id;
}

// ---- song clock, range and loop -------------------------------------------------------------

function currentRange() {
  const duration = Number.isFinite(music.duration) ? music.duration : routine.frames.length / routine.fps;
  if (loopButton.getAttribute("aria-pressed") !== "true" || !routine.segments.length) return { start: 0, end: duration };
  const from = routine.segments[Number(loopFrom.value)], to = routine.segments[Number(loopTo.value)];
  return { start: from.start_s, end: Math.min(to.end_s, duration) };
}

function fillLoopChoices() {
  routine.segments.forEach((segment, i) => {
    const text = `${segment.label} · ${clock(segment.start_s)}–${clock(segment.end_s)}`;
    loopFrom.add(new Option(text, String(i)));
    loopTo.add(new Option(text, String(i)));
  });
  loopTo.value = String(Math.max(0, routine.segments.length - 1));
  loopFrom.addEventListener("change", () => { if (Number(loopTo.value) < Number(loopFrom.value)) loopTo.value = loopFrom.value; });
  loopTo.addEventListener("change", () => { if (Number(loopFrom.value) > Number(loopTo.value)) loopFrom.value = loopTo.value; });
  if (!routine.segments.length) loopButton.disabled = true;
}

// The stamp of a grabbed camera frame: song time and the attempt it belongs to, or null.
function stampFrame() {
  return state === "playing" && session && !music.paused ? { timeMs: music.currentTime * 1000, session } : null;
}

// At the end of the range: finish this attempt; when looping, jump back and start the next one.
function atRangeEnd() {
  if (state !== "playing") return;
  const range = currentRange();
  if (music.currentTime < range.end - 0.02 && !music.ended) return;
  finishAttempt();
  if (loopButton.getAttribute("aria-pressed") === "true") {
    music.currentTime = range.start;
    session = newSession();
    if (music.paused) music.play();
  } else {
    music.pause();
    setState("idle");
  }
}

// ---- attempts and feedback ------------------------------------------------------------------

function newSession() {
  const started = openPracticeSession({
    attempt: createAttempt(), audioLatencyMs,
    onBeat: showBeat,
    onState: (socketState, detail) => {
      root.dataset.socket = socketState;
      if (socketState === "reconnecting") say("Connection lost: reconnecting… (nothing is lost)");
      if (socketState === "failed") say(`Feedback stopped: ${detail}.`);
      if (socketState === "open" && state === "playing") say("Dance! Feedback arrives a moment after each beat.");
    },
  });
  return started;
}

function finishAttempt() {
  const finishing = session;
  session = null;
  if (!finishing) return;
  const item = document.createElement("li");
  item.textContent = "Scoring the rest of this run…";
  $("results").prepend(item);
  finishing.end().then((message) => {
    const summary = message.summary;
    const url = message.report_url || root.dataset.reportUrl.replace("00000000-0000-0000-0000-000000000000", finishing.attemptId);
    item.textContent = summaryText(summary);
    const link = document.createElement("a");
    link.href = url;
    link.textContent = "Open the report";
    item.append(link);
    root.dataset.finished = String(Number(root.dataset.finished || 0) + 1);
    if (state === "idle") say("Finished. Press Start (or Space) to dance again.");
  }, (error) => { item.textContent = `This run could not be finished: ${error.message}`; });
}

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
  shownFrame = -1; // redraw the dancer with the highlight
  drawLearner();
}

// ---- drawing --------------------------------------------------------------------------------

function drawLearner() {
  const highlight = performance.now() < marked.until ? marked.joints : [];
  drawLearnerOverlay(overlay, video.videoWidth ? [video.videoWidth, video.videoHeight] : null, learner, routine.bones, highlight);
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
  // Software rendering is slow: draw only when something changed.
  if (frame !== shownFrame) {
    dancer.setFrame(frame);
    dancer.render();
    shownFrame = frame;
    $("count").textContent = countAt(routine, t);
    const duration = music.duration || routine.frames.length / routine.fps;
    $("song-progress").value = t / duration;
    $("song-time").textContent = `${clock(t)} / ${clock(duration)}`;
    root.dataset.frame = String(frame);
  }
  atRangeEnd();
  requestAnimationFrame(tick);
}

// ---- camera and pose tracking ---------------------------------------------------------------

function onPose({ stamp, landmarks, imageSize }) {
  learner = landmarks ? landmarksToJoints(landmarks, routine.joints) : null;
  camera.frame(); // the tracker's rate counts every result, a person found or not
  const advice = camera.advice();
  $("camera-note").textContent = advice.startsWith("Tracking") || landmarks ? advice : "Step into the picture: your whole body should be visible.";
  drawLearner();
  if (!landmarks || !stamp) return;
  stamp.session.addFrame(stamp.timeMs, landmarks, imageSize);
  framesSent += 1;
  root.dataset.framesSent = String(framesSent);
}

async function startCamera() {
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: false, video: { facingMode: "user", width: { ideal: 640 }, height: { ideal: 480 } },
  });
  video.srcObject = stream;
  await video.play();
}

async function startTracking() {
  const assets = root.dataset.poseAssets;
  try {
    await loadPoseScript(assets);
    if (!canRunPose()) throw new Error("no WebGL2 or WebAssembly");
    const tracker = createPoseTracker({ video, assetsUrl: assets, stamp: stampFrame, onResult: onPose });
    say("Starting pose tracking in this browser (the first frame can take a while)…");
    const began = performance.now();
    await tracker.start();
    root.dataset.tracking = "browser";
    root.dataset.warmUpMs = String(Math.round(performance.now() - began));
    setInterval(() => {
      if (tracker.stats.processed > 1) root.dataset.poseMs = String(Math.round(tracker.stats.totalMs / tracker.stats.processed));
    }, 1000);
    return true;
  } catch (error) {
    return offerServerTracking(error.message);
  }
}

// The fallback: with the learner's consent, send downscaled camera pictures to the server.
async function offerServerTracking(reason) {
  say("Pose tracking cannot run in this browser.");
  await askForServerTracking(reason);
  createImageSampler({
    video, stamp: stampFrame,
    onImage: ({ stamp, jpeg }) => stamp.session.addImage(stamp.timeMs, jpeg),
  }).start();
  root.dataset.tracking = "server";
  $("camera-note").textContent = "Tracked on the server";
  return true;
}

// ---- controls -------------------------------------------------------------------------------

function measureAudioLatency() {
  // The output path's latency; the element plays through the same device. Not routed through
  // the context, so audio from another origin keeps playing.
  try {
    const context = measureAudioLatency.context || (measureAudioLatency.context = new AudioContext());
    context.resume();
    audioLatencyMs = ((context.baseLatency || 0) + (context.outputLatency || 0)) * 1000;
  } catch {
    audioLatencyMs = 0;
  }
  root.dataset.audioLatencyMs = audioLatencyMs.toFixed(1);
}

async function start() {
  if (state !== "idle") return;
  startedAt = performance.now();
  measureAudioLatency();
  const range = currentRange();
  music.currentTime = range.start;
  session = newSession(); // created during the countdown
  setState("countdown");
  for (const n of COUNTDOWN) {
    countdownEl.textContent = n;
    await sleep(1000);
    if (state !== "countdown") { countdownEl.textContent = ""; return; }
  }
  countdownEl.textContent = "";
  setState("playing");
  say("Dance! Feedback arrives a moment after each beat.");
  try {
    await music.play();
  } catch (error) {
    say(`The music could not start: ${error.message}`);
    stop();
  }
}

function stop() {
  if (state === "idle" || state === "loading") return;
  music.pause();
  const wasCountdown = state === "countdown";
  setState("idle");
  countdownEl.textContent = "";
  finishAttempt();
  say(wasCountdown ? "Stopped." : "Stopped. Scoring what you danced…");
}

function setMirror(on) {
  $("camera").classList.toggle("mirrored", on);
  mirrorButton.setAttribute("aria-pressed", String(on));
  localStorage.setItem("practice-mirror", on ? "on" : "off");
}

function setSpeed(value) {
  music.playbackRate = Number(value);
  document.querySelectorAll("[data-speed]").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.speed === value)));
}

function setLoop(on) {
  loopButton.setAttribute("aria-pressed", String(on));
  $("loop-range").disabled = !on;
}

function bindControls() {
  startButton.addEventListener("click", () => {
    if (state === "idle") start();
    else if (performance.now() - startedAt > DOUBLE_PRESS_MS) stop();
  });
  mirrorButton.addEventListener("click", () => setMirror(mirrorButton.getAttribute("aria-pressed") !== "true"));
  loopButton.addEventListener("click", () => setLoop(loopButton.getAttribute("aria-pressed") !== "true"));
  document.querySelectorAll("[data-speed]").forEach((b) => b.addEventListener("click", () => setSpeed(b.dataset.speed)));
  music.addEventListener("ended", atRangeEnd);
  music.addEventListener("timeupdate", atRangeEnd);
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    // Controls keep their own keys (Space presses a focused button, arrows move in a select).
    if (event.target.closest("button, select, input, textarea, a")) return;
    const key = event.key.toLowerCase();
    if (key === " ") { event.preventDefault(); if (!startButton.disabled) startButton.click(); }
    else if (key === "m") mirrorButton.click();
    else if (key === "l" && !loopButton.disabled) loopButton.click();
    else if (SPEED_KEYS[key]) setSpeed(SPEED_KEYS[key]);
  });
}

async function main() {
  music.preservesPitch = true; // slow practice keeps the song's pitch
  setMirror(localStorage.getItem("practice-mirror") !== "off");
  const response = await fetch(root.dataset.documentUrl, { credentials: "same-origin" });
  if (!response.ok) { say("The routine could not be loaded."); return; }
  routine = await response.json();
  dancer = createDancer($("reference-stage"), routine);
  fillLoopChoices();
  bindControls();
  requestAnimationFrame(tick);
  new ResizeObserver(drawLearner).observe(overlay);
  say("Starting the camera…");
  try {
    await startCamera();
  } catch (error) {
    $("camera-note").textContent = "No camera";
    say(`The camera could not start (${error.message}). Allow camera access and reload the page.`);
    return;
  }
  $("camera-note").textContent = "";
  if (!(await startTracking())) return;
  setState("idle");
  startButton.disabled = false;
  say("Ready. Stand back so your whole body is in the picture, then press Start (or Space).");
}

main();
