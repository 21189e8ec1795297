// 2D skeletons on a canvas: the learner's MediaPipe landmarks mapped onto the canonical joints,
// and the reference's 3D frames seen from the front. Used over the camera preview and in reports.
//
// The tables below restate generation/skeleton.py (BODY_PARTS and SOURCE_LAYOUTS "mediapipe33"
// and "coco17") because the browser cannot import Python; tests/browser/test_practice.py checks
// that they agree with it.

export const BODY_PARTS = {
  head: ["head"],
  torso: ["pelvis", "neck", "left_hip", "right_hip", "left_shoulder", "right_shoulder"],
  left_arm: ["left_elbow", "left_wrist"],
  right_arm: ["right_elbow", "right_wrist"],
  left_leg: ["left_knee", "left_ankle"],
  right_leg: ["right_knee", "right_ankle"],
};

// Canonical joint -> MediaPipe Pose landmark indices, averaged. pelvis and neck are derived.
export const MEDIAPIPE33 = {
  left_hip: [23], right_hip: [24], left_knee: [25], right_knee: [26],
  left_ankle: [27], right_ankle: [28], left_shoulder: [11], right_shoulder: [12],
  left_elbow: [13], right_elbow: [14], left_wrist: [15], right_wrist: [16],
  head: [7, 8],
};

// The same for COCO-17 keypoints (AIST++ keypoints2d and other 2D detectors).
export const COCO17 = {
  left_hip: [11], right_hip: [12], left_knee: [13], right_knee: [14],
  left_ankle: [15], right_ankle: [16], left_shoulder: [5], right_shoulder: [6],
  left_elbow: [7], right_elbow: [8], left_wrist: [9], right_wrist: [10],
  head: [3, 4],
};
export const LAYOUTS = { mediapipe33: MEDIAPIPE33, coco17: COCO17 };

const DERIVED = { pelvis: ["left_hip", "right_hip"], neck: ["left_shoulder", "right_shoulder"] };

export const PART_NAMES = {
  head: "head", torso: "torso", left_arm: "left arm", right_arm: "right arm",
  left_leg: "left leg", right_leg: "right leg",
};

// Indices into `joints` (the routine document's joint names) of a body part's joints.
export function partJoints(joints, part) {
  return (BODY_PARTS[part] || []).map((name) => joints.indexOf(name)).filter((i) => i >= 0);
}

// Source points (MediaPipe [[x, y, z, visibility] x 33], image-normalised, or COCO-17
// [[x, y, confidence] x 17] in pixels; y down) -> [[x, y, visibility] x joints.length] in the
// same units, in the order of `joints`. The last channel is the visibility.
export function landmarksToJoints(landmarks, joints, layout = MEDIAPIPE33) {
  const byName = {};
  const last = landmarks[0].length - 1;
  for (const [name, indices] of Object.entries(layout)) {
    const points = indices.map((i) => landmarks[i]);
    byName[name] = [0, 1, last].map((c) => points.reduce((sum, p) => sum + p[c], 0) / points.length);
  }
  for (const [name, [a, b]] of Object.entries(DERIVED)) {
    byName[name] = byName[a].map((v, c) => (v + byName[b][c]) / 2);
  }
  return joints.map((name) => byName[name]);
}

// A function mapping points [x, y, ...] to canvas pixels so that `box` {x0, y0, x1, y1} fits
// the canvas (keeping its aspect ratio, centred). flipY turns a Y-up box into canvas space.
export function fitBox(canvas, box, { flipY = false, padding = 0.06 } = {}) {
  const w = canvas.width, h = canvas.height;
  const bw = Math.max(box.x1 - box.x0, 1e-6), bh = Math.max(box.y1 - box.y0, 1e-6);
  const scale = Math.min(w / bw, h / bh) * (1 - 2 * padding);
  const ox = (w - bw * scale) / 2, oy = (h - bh * scale) / 2;
  return ([x, y]) => [ox + (x - box.x0) * scale, flipY ? oy + (box.y1 - y) * scale : oy + (y - box.y0) * scale];
}

// The x/y bounding box of frames [T][J][>=2] (any units); points with a visibility (third
// value) below what drawSkeleton draws are left out: a tracker's guess for an unseen joint can
// lie far away and would shrink the drawing.
export function boundsOf(frames, minVisibility = 0.3) {
  const box = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
  for (const frame of frames) {
    for (const [x, y, v] of frame) {
      if (v !== undefined && v < minVisibility) continue;
      box.x0 = Math.min(box.x0, x); box.x1 = Math.max(box.x1, x);
      box.y0 = Math.min(box.y0, y); box.y1 = Math.max(box.y1, y);
    }
  }
  if (!Number.isFinite(box.x0) && Number.isFinite(minVisibility)) return boundsOf(frames, -Infinity);
  return box;
}

// Draw one skeleton. points: [[x, y, visibility?]] already in canvas pixels (see fitBox);
// bones: [[a, b]] joint index pairs; highlight: joint indices drawn in the warning colour.
export function drawSkeleton(ctx, points, bones, { color = "#9f8cff", highlight = [], minVisibility = 0.3 } = {}) {
  const marked = new Set(highlight);
  const seen = (p) => p && (p[2] === undefined || p[2] >= minVisibility);
  const scale = Math.max(ctx.canvas.width, ctx.canvas.height) / 400;
  ctx.lineCap = "round";
  ctx.lineWidth = 4 * scale;
  for (const [a, b] of bones) {
    if (!seen(points[a]) || !seen(points[b])) continue;
    ctx.strokeStyle = marked.has(a) && marked.has(b) ? "#ff5a4e" : color;
    ctx.beginPath();
    ctx.moveTo(points[a][0], points[a][1]);
    ctx.lineTo(points[b][0], points[b][1]);
    ctx.stroke();
  }
  points.forEach((p, j) => {
    if (!seen(p)) return;
    ctx.fillStyle = marked.has(j) ? "#ff5a4e" : "#ffffff";
    ctx.beginPath();
    ctx.arc(p[0], p[1], (marked.has(j) ? 7 : 4) * scale, 0, 2 * Math.PI);
    ctx.fill();
  });
}

// Draws the learner's tracked skeleton over the camera picture. `points` are [x, y, visibility]
// in 0..1 image coordinates of an image `imageSize` [width, height] pixels, shown letterboxed
// (object-fit: contain) under the `overlay` canvas; `highlight` lists joints to mark.
export function drawLearnerOverlay(overlay, imageSize, points, bones, highlight) {
  const dpr = Math.min(window.devicePixelRatio || 1, 2);
  const w = Math.round(overlay.clientWidth * dpr), h = Math.round(overlay.clientHeight * dpr);
  if (overlay.width !== w || overlay.height !== h) { overlay.width = w; overlay.height = h; }
  const ctx = overlay.getContext("2d");
  ctx.clearRect(0, 0, w, h);
  const [iw, ih] = imageSize || [0, 0];
  if (!points || !iw) return;
  const scale = Math.min(w / iw, h / ih);
  const vw = iw * scale, vh = ih * scale, ox = (w - vw) / 2, oy = (h - vh) / 2;
  const placed = points.map(([x, y, v]) => [ox + x * vw, oy + y * vh, v]);
  drawSkeleton(ctx, placed, bones, { color: "#3ee08f", highlight });
}
