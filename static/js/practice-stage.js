// The practice stage, shared by the practice page (practice.js) and a live class learner's page
// (class-learn.js), on the elements of templates/includes/practice_stages.html: the reference
// dancer with the count and the song position, the learner's camera with their skeleton drawn
// over it, each beat's feedback (the list, the latest beat, the camera advice, the body part to
// fix marked on both skeletons for a moment), the camera, pose tracking and the audio latency.
import { countAt, createDancer } from "./dancer.js";
import { askForServerTracking, canRunPose, createImageSampler, createPoseTracker, loadPoseScript } from "./pose.js";
import { CameraWatch, HIGHLIGHT_MS, showBeatFeedback, summaryText } from "./beat-feedback.js";
import { clock } from "./clock.js";
import { drawLearnerOverlay, landmarksToJoints, partJoints } from "./skeleton2d.js";

const $ = (id) => document.getElementById(id);

// createPracticeStage({root, routine, music}) -> stage: `routine` is the routine document, `music`
// the song's <audio>. stage.run(onFrame) draws on every animation frame (then calls onFrame).
export function createPracticeStage({ root, routine, music }) {
  const video = $("camera-video"), overlay = $("camera-overlay"), note = $("camera-note");
  const dancer = createDancer($("reference-stage"), routine);
  const camera = new CameraWatch();
  let learner = null; // the learner's joints [[x, y, visibility]] in video-normalised coordinates
  let learnerSize = null; // the image the landmarks came from, [w, h] px, when there is no video
  let marked = { joints: [], until: 0 };
  let shownFrame = -1, beatsShown = 0;

  const duration = () => (Number.isFinite(music.duration) ? music.duration : routine.frames.length / routine.fps);

  function drawLearner() {
    const highlight = performance.now() < marked.until ? marked.joints : [];
    drawLearnerOverlay(overlay, video.videoWidth ? [video.videoWidth, video.videoHeight] : learnerSize, learner, routine.bones, highlight);
  }

  function draw() {
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
      $("song-progress").value = t / duration();
      $("song-time").textContent = `${clock(t)} / ${clock(duration())}`;
      root.dataset.frame = String(frame);
    }
  }

  return {
    camera, duration, video,
    run(onFrame = () => {}) {
      const tick = () => { draw(); onFrame(); requestAnimationFrame(tick); };
      requestAnimationFrame(tick);
      new ResizeObserver(drawLearner).observe(overlay);
    },
    // One pose tracker result: the learner's landmarks (null: nobody found) in an image of [w, h] px.
    seeLearner(landmarks, imageSize) {
      learner = landmarks ? landmarksToJoints(landmarks, routine.joints) : null;
      if (landmarks) learnerSize = imageSize;
      camera.frame(); // the tracker's rate counts every result, a person found or not
      drawLearner();
    },
    showBeat(beat) {
      showBeatFeedback($("feedback"), $("latest-beat"), beat);
      camera.beat(beat);
      note.textContent = camera.advice();
      beatsShown += 1;
      root.dataset.beats = String(beatsShown);
      const joints = beat.fix ? partJoints(routine.joints, beat.fix) : [];
      marked = { joints, until: performance.now() + HIGHLIGHT_MS };
      dancer.highlight(joints);
      shownFrame = -1; // redraw the dancer with the highlight
      drawLearner();
    },
    note(text) { note.textContent = text; },
  };
}

export async function startCamera(video) {
  video.srcObject = await navigator.mediaDevices.getUserMedia({
    audio: false, video: { facingMode: "user", width: { ideal: 640 }, height: { ideal: 480 } },
  });
  await video.play();
}

// Pose tracking in this browser; where it cannot run, with the learner's consent, the server
// tracks downscaled camera pictures. stamp() -> the stamp of a grabbed frame (or null: not
// sent); onPose({stamp, landmarks, imageSize}) per tracked frame, onImage({stamp, jpeg}) per
// picture for the server. Returns where it runs, "browser" or "server" (root.dataset.tracking).
export async function startTracking({ root, video, stamp, onPose, onImage, say, startingText }) {
  const assets = root.dataset.poseAssets;
  try {
    await loadPoseScript(assets);
    if (!canRunPose()) throw new Error("no WebGL2 or WebAssembly");
    const tracker = createPoseTracker({ video, assetsUrl: assets, stamp, onResult: onPose });
    say(startingText);
    const began = performance.now();
    await tracker.start();
    root.dataset.tracking = "browser";
    root.dataset.warmUpMs = String(Math.round(performance.now() - began));
    setInterval(() => {
      if (tracker.stats.processed > 1) root.dataset.poseMs = String(Math.round(tracker.stats.totalMs / tracker.stats.processed));
    }, 1000);
  } catch (error) {
    say("Pose tracking cannot run in this browser.");
    await askForServerTracking(error.message);
    createImageSampler({ video, stamp, onImage }).start();
    root.dataset.tracking = "server";
  }
  return root.dataset.tracking;
}

let audioContext = null;

// The audio output path's latency in ms; the song's element plays through the same device. Not
// routed through the context, so audio from another origin keeps playing.
export function audioLatencyMs() {
  try {
    audioContext = audioContext || new AudioContext();
    audioContext.resume();
    return ((audioContext.baseLatency || 0) + (audioContext.outputLatency || 0)) * 1000;
  } catch {
    return 0;
  }
}

// The practice socket's state in root.dataset.socket, and what the learner needs to know of it.
export function socketStateSaid(root, say) {
  return (socketState, detail) => {
    root.dataset.socket = socketState;
    if (socketState === "reconnecting") say("Connection lost: reconnecting… (nothing is lost)");
    if (socketState === "failed") say(`Feedback stopped: ${detail}.`);
  };
}

// A finished run's summary in `element`, with a link to its report.
export function showSummary(element, summary, reportUrl, linkText) {
  element.textContent = summaryText(summary);
  const link = document.createElement("a");
  link.href = reportUrl;
  link.textContent = linkText;
  element.append(link);
}
