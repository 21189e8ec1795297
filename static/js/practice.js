// The practice page: the song with the reference dancer in sync, the camera with the learner's
// skeleton, a 3-2-1 countdown, slow practice, phrase loops, and per-beat feedback from the
// practice socket. Every timestamp is on the song clock (audio.currentTime), also when slowed.
//
// One attempt covers one pass over the song or over the looped range: timestamps within an
// attempt never go back, so each loop iteration is sent as a new attempt.
import { clock } from "./clock.js";
import { csrfToken } from "./csrf.js";
import { openPracticeSession } from "./practice-socket.js";
import { audioLatencyMs as measureAudioLatency, createPracticeStage, showSummary, socketStateSaid, startCamera, startTracking } from "./practice-stage.js";

const COUNTDOWN = ["3", "2", "1"];
const SPEED_KEYS = { 1: "1", 2: "0.75", 3: "0.5" };
// A second press this soon after Start is the rest of a double click, not a Stop.
const DOUBLE_PRESS_MS = 800;

const root = document.getElementById("practice");
const music = document.getElementById("music");
const $ = (id) => document.getElementById(id);
const startButton = $("start"), mirrorButton = $("mirror"), loopButton = $("loop");
const loopFrom = $("loop-from"), loopTo = $("loop-to");
const statusEl = $("practice-status"), countdownEl = $("countdown");

let routine, stage;
let state = "loading"; // loading | idle | countdown | playing
let session = null; // the attempt being danced
let audioLatencyMs = 0;
let framesSent = 0;
let startedAt = -Infinity; // performance.now() of the last Start

function setState(next) {
  state = next;
  root.dataset.state = next;
  startButton.textContent = next === "idle" || next === "loading" ? "Start" : "Stop";
}

function say(text) { statusEl.textContent = text; }

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

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
  const duration = stage.duration();
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
    onBeat: stage.showBeat,
    onState: (socketState, detail) => {
      socketStateSaid(root, say)(socketState, detail);
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
    const url = message.report_url || root.dataset.reportUrl.replace("00000000-0000-0000-0000-000000000000", finishing.attemptId);
    showSummary(item, message.summary, url, "Open the report");
    root.dataset.finished = String(Number(root.dataset.finished || 0) + 1);
    if (state === "idle") say("Finished. Press Start (or Space) to dance again.");
  }, (error) => { item.textContent = `This run could not be finished: ${error.message}`; });
}

// ---- camera and pose tracking ---------------------------------------------------------------

function onPose({ stamp, landmarks, imageSize }) {
  stage.seeLearner(landmarks, imageSize);
  const advice = stage.camera.advice();
  stage.note(advice.startsWith("Tracking") || landmarks ? advice : "Step into the picture: your whole body should be visible.");
  if (!landmarks || !stamp) return;
  stamp.session.addFrame(stamp.timeMs, landmarks, imageSize);
  framesSent += 1;
  root.dataset.framesSent = String(framesSent);
}

// ---- controls -------------------------------------------------------------------------------

async function start() {
  if (state !== "idle") return;
  startedAt = performance.now();
  audioLatencyMs = measureAudioLatency();
  root.dataset.audioLatencyMs = audioLatencyMs.toFixed(1);
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
  stage = createPracticeStage({ root, routine, music });
  fillLoopChoices();
  bindControls();
  stage.run(atRangeEnd);
  say("Starting the camera…");
  try {
    await startCamera(stage.video);
  } catch (error) {
    stage.note("No camera");
    say(`The camera could not start (${error.message}). Allow camera access and reload the page.`);
    return;
  }
  stage.note("");
  const tracking = await startTracking({
    root, video: stage.video, stamp: stampFrame, onPose, say,
    startingText: "Starting pose tracking in this browser (the first frame can take a while)…",
    // The fallback: with the learner's consent, downscaled camera pictures go to the server.
    onImage: ({ stamp, jpeg }) => stamp.session.addImage(stamp.timeMs, jpeg),
  });
  if (tracking === "server") stage.note("Tracked on the server");
  setState("idle");
  startButton.disabled = false;
  say("Ready. Stand back so your whole body is in the picture, then press Start (or Space).");
}

main();
