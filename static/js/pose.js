// Pose tracking in the browser with MediaPipe Pose (the legacy `@mediapipe/pose` solution, a global
// script that defines window.Pose). Its wasm, graph and models are served from our static files
// (static/vendor/mediapipe/pose/); the video never leaves the device.
//
// The tracker processes the newest video frame as soon as the previous one is done (frames are
// never queued, so a slow device simply samples less often) and hands each result back with the
// stamp taken when that frame was grabbed (the song time, and the attempt it belongs to).
//
// One learner: MediaPipe Pose follows a single person (after a detection it tracks that person's
// region from frame to frame). On top of that the tracker locks on to the learner: once found,
// it only looks at a region around them, so someone walking past is not picked up. If the learner
// is lost for LOST_AFTER frames it searches again, first in the centre of the picture, then in
// the whole picture, so the person in the middle (usually the learner) is found first.

const MAX_INPUT_PX = 480; // MediaPipe downsamples to 256 px anyway; smaller uploads are cheaper.
const LOST_AFTER = 2; // results without a pose before the lock is released
const REGION_SCALE = 1.7; // lock region size relative to the learner's bounding box
const REGION_MARGIN = 0.06; // re-centre when the learner comes this close to the region's edge
const MIN_VISIBILITY = 0.5; // landmarks below this do not count for the bounding box
const WARM_UP_TIMEOUT_MS = 120000; // the first frame compiles shaders: 15-20 s in software WebGL

// Whether this browser can run MediaPipe Pose (a WebGL2 context and the vendored script).
export function canRunPose() {
  if (typeof window.Pose !== "function" || typeof WebAssembly !== "object") return false;
  return document.createElement("canvas").getContext("webgl2") !== null;
}

// Load the vendored pose.js script once; resolves when window.Pose exists.
export function loadPoseScript(assetsUrl) {
  if (typeof window.Pose === "function") return Promise.resolve();
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = assetsUrl + "pose.js";
    script.onload = () => resolve();
    script.onerror = () => reject(new Error("pose.js could not be loaded"));
    document.head.appendChild(script);
  });
}

function timeout(ms, what) {
  return new Promise((_, reject) => setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms));
}

// The next decoded video frame (or the next animation frame where that is not supported).
function nextVideoFrame(video) {
  return new Promise((resolve) => {
    if (video.requestVideoFrameCallback) video.requestVideoFrameCallback(() => resolve());
    else requestAnimationFrame(() => resolve());
  });
}

function boundingBox(landmarks) {
  const seen = landmarks.filter((p) => p[3] >= MIN_VISIBILITY);
  if (seen.length < 4) return null;
  const xs = seen.map((p) => p[0]), ys = seen.map((p) => p[1]);
  return { x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) };
}

// A region (normalised to the frame) around `box`, square in pixels, clamped to the frame.
function regionAround(box, width, height) {
  const side = REGION_SCALE * Math.max((box.x1 - box.x0) * width, (box.y1 - box.y0) * height);
  const w = Math.min(1, side / width), h = Math.min(1, side / height);
  const cx = (box.x0 + box.x1) / 2, cy = (box.y0 + box.y1) / 2;
  const x = Math.min(Math.max(cx - w / 2, 0), 1 - w), y = Math.min(Math.max(cy - h / 2, 0), 1 - h);
  return { x, y, w, h };
}

function keepsRegion(region, box) {
  const m = REGION_MARGIN;
  const inside = box.x0 >= region.x + m * region.w && box.x1 <= region.x + (1 - m) * region.w
    && box.y0 >= region.y + m * region.h && box.y1 <= region.y + (1 - m) * region.h;
  // A learner much smaller than the region (walked away from the camera) gets a tighter region.
  const bigEnough = Math.max((box.x1 - box.x0) / region.w, (box.y1 - box.y0) / region.h) > 0.4;
  return inside && bigEnough;
}

const FULL = { x: 0, y: 0, w: 1, h: 1 };
const CENTRE = { x: 0.2, y: 0, w: 0.6, h: 1 };

// createPoseTracker({video, assetsUrl, stamp, onResult, modelComplexity}) -> tracker.
// stamp(): called when a frame is grabbed (e.g. the song time; null while the song is not
// playing). onResult({stamp, landmarks, imageSize}) where landmarks is
// [[x, y, z, visibility] x 33] normalised to the whole video frame (y down), or null.
// tracker.start() resolves once the first frame has been processed (the model is warm).
export function createPoseTracker({ video, assetsUrl, stamp, onResult, modelComplexity = 0 }) {
  const pose = new window.Pose({ locateFile: (file) => assetsUrl + file });
  // Mirroring is done in CSS for the preview; landmarks stay in camera coordinates.
  pose.setOptions({ modelComplexity, smoothLandmarks: true, selfieMode: false, enableSegmentation: false,
    minDetectionConfidence: 0.5, minTrackingConfidence: 0.5 });
  const canvas = document.createElement("canvas");
  const ctx = canvas.getContext("2d");
  let region = null; // locked region, or null while searching
  let searchStep = 0, misses = 0, running = false, redetect = false;
  let current = null; // the frame being processed: {stamp, region}
  const stats = { processed: 0, found: 0, totalMs: 0 };

  pose.onResults((results) => {
    const frame = current;
    const raw = results.poseLandmarks;
    if (!raw) {
      misses += 1;
      if (region && misses >= LOST_AFTER) { region = null; searchStep = 0; }
      else if (!region) searchStep += 1;
      onResult({ stamp: frame.stamp, landmarks: null, imageSize: [video.videoWidth, video.videoHeight] });
      return;
    }
    misses = 0;
    const r = frame.region;
    // Back from the region's coordinates to the whole frame's; z scales with the width.
    const landmarks = raw.map((p) => [r.x + p.x * r.w, r.y + p.y * r.h, p.z * r.w, p.visibility ?? 1]);
    const box = boundingBox(landmarks);
    if (box && (!region || !keepsRegion(region, box))) {
      region = regionAround(box, video.videoWidth, video.videoHeight);
      redetect = true; // the tracked region is in the old crop's coordinates: detect again
    }
    stats.found += 1;
    onResult({ stamp: frame.stamp, landmarks, imageSize: [video.videoWidth, video.videoHeight] });
  });

  // Draw the part of the frame we look at into the input canvas, at most MAX_INPUT_PX wide/high.
  function grab(r) {
    const sw = r.w * video.videoWidth, sh = r.h * video.videoHeight;
    const scale = Math.min(1, MAX_INPUT_PX / Math.max(sw, sh));
    canvas.width = Math.round(sw * scale);
    canvas.height = Math.round(sh * scale);
    ctx.drawImage(video, r.x * video.videoWidth, r.y * video.videoHeight, sw, sh, 0, 0, canvas.width, canvas.height);
  }

  async function processOne() {
    if (redetect) { pose.reset(); redetect = false; }
    const r = region || (searchStep % 2 === 0 ? CENTRE : FULL);
    current = { stamp: stamp(), region: r };
    grab(r);
    const began = performance.now();
    await pose.send({ image: canvas });
    stats.totalMs += performance.now() - began;
    stats.processed += 1;
  }

  async function loop() {
    while (running) {
      await nextVideoFrame(video);
      if (!running) break;
      await processOne();
      // Let the page handle input and draw between frames even when a frame takes a second.
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }

  return {
    stats,
    get locked() { return region !== null; },
    async start() {
      await Promise.race([pose.initialize(), timeout(WARM_UP_TIMEOUT_MS, "Loading pose tracking")]);
      if (video.readyState < 2) await new Promise((resolve) => video.addEventListener("loadeddata", resolve, { once: true }));
      await Promise.race([processOne(), timeout(WARM_UP_TIMEOUT_MS, "The first pose")]);
      running = true;
      loop();
    },
    stop() { running = false; },
    close() { running = false; return pose.close(); },
  };
}

// The fallback when MediaPipe cannot run here: downscaled JPEG frames (at most 320 px wide) for
// the server to track, at most `fps` per second, while stamp() is not null.
// onImage({stamp, jpeg}) gets base64 JPEG text.
export function createImageSampler({ video, stamp, onImage, fps = 4, maxBytes = 48000 }) {
  const canvas = document.createElement("canvas");
  const ctx = canvas.getContext("2d");
  let timer = null;
  function sample() {
    const taken = stamp();
    if (taken === null || video.readyState < 2) return;
    const scale = Math.min(1, 320 / video.videoWidth);
    canvas.width = Math.round(video.videoWidth * scale);
    canvas.height = Math.round(video.videoHeight * scale);
    ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
    // Lower the quality until the message fits well inside the socket's 64 KiB limit.
    for (const quality of [0.75, 0.6, 0.45, 0.3]) {
      const jpeg = canvas.toDataURL("image/jpeg", quality).split(",")[1];
      if (jpeg.length <= maxBytes) { onImage({ stamp: taken, jpeg }); return; }
    }
  }
  return {
    start() { timer = setInterval(sample, 1000 / fps); },
    stop() { clearInterval(timer); },
  };
}

// Where MediaPipe cannot run: show the page's consent notice (templates/includes/
// server_tracking.html) and resolve once the learner agrees to send camera pictures.
export function askForServerTracking(reason) {
  const notice = document.getElementById("server-tracking");
  document.getElementById("server-tracking-reason").textContent = reason;
  notice.hidden = false;
  return new Promise((resolve) => {
    document.getElementById("allow-server-tracking").addEventListener("click", () => {
      notice.hidden = true;
      resolve();
    }, { once: true });
  });
}
