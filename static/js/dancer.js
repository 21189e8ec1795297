// The routine's dancer on a 2D canvas, drawn as in the MP4 export (generation/video.py): seen from
// the front by a camera that follows the dancer's travel and facing (the routine document's
// `camera`, computed on the server), solid limbs in the body-part colours (the `dancer-colours`
// JSON block, see coach/common/templatetags/dancer.py), a head, feet that mark floor contact, and a faint
// preview of the pose one beat ahead. A toggle shows the dancer as in a mirror.
//
// createDancer(container, routine) -> {setFrame(k), highlight(jointIndices), render()}
import { BODY_PARTS } from "./skeleton2d.js";

const STAGE_HEIGHT_M = 2.0; // metres between the floor line and the top margin
const STAGE_WIDTH_M = 2.2; // at least this many metres across
const FLOOR_LEVEL = 0.9; // the floor line, as a fraction of the stage height from the top
const TOP_MARGIN = 0.06;
const LIMB_M = 0.075; // limb thickness
const HEAD_RADIUS_M = 0.11;
const FOOT_M = [0.13, 0.06]; // a foot seen from the front: width and height
const CONTACT_M = 0.04; // an ankle this close to its lowest level stands on the floor
const FLOOR_TICK_M = 0.5;
const PREVIEW_ALPHA = 0.22;
const BACKGROUND = "#14141f", FLOOR = "#444466", TRACK = "#2a2a3a", HIGHLIGHT = "#ff5a4e", CONTACT = "#ffb400";
const FALLBACK_COLOUR = "#9f8cff";
const VIEW_KEY = "dancer-view";

function partColours() {
  const block = document.getElementById("dancer-colours");
  return block ? JSON.parse(block.textContent) : {};
}

// "#rrggbb" darkened to `shade` (0..1) of its brightness, as a CSS colour.
function shaded(hex, shade) {
  const [r, g, b] = [1, 3, 5].map((i) => Math.round(parseInt(hex.slice(i, i + 2), 16) * shade));
  return `rgb(${r}, ${g}, ${b})`;
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : 0;
}

export function createDancer(container, routine) {
  const { joints, bones, frames, fps } = routine;
  const index = Object.fromEntries(joints.map((name, i) => [name, i]));
  const colours = partColours();
  const partOf = {};
  for (const [part, members] of Object.entries(BODY_PARTS)) members.forEach((name) => { partOf[name] = part; });
  const colourOf = (j) => colours[partOf[joints[j]]] || FALLBACK_COLOUR;
  const camera = routine.camera || { centre: frames.map(() => [0, 0]), yaw: frames.map(() => 0) };
  const gaps = routine.beats.slice(1).map((t, i) => t - routine.beats[i]);
  const previewFrames = Math.round((percentile(gaps, 0.5) || 0.5) * fps);
  const ankles = ["left_ankle", "right_ankle"].map((name) => index[name]).filter((j) => j !== undefined);
  const ankleFloor = percentile(frames.map((f) => Math.min(...ankles.map((j) => f[j][1]))), 0.05);
  const torso = ["left_shoulder", "right_shoulder", "right_hip", "left_hip"].map((name) => index[name]);

  const canvas = document.createElement("canvas");
  // The picture is the image; the view toggle beside it stays a button for assistive technology.
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", container.getAttribute("aria-label") || "The dancer");
  container.removeAttribute("role");
  container.removeAttribute("aria-label");
  container.appendChild(canvas);
  const toggle = document.createElement("button");
  toggle.type = "button";
  toggle.className = "dancer-view toggle";
  toggle.textContent = "Mirror";
  toggle.title = "Show the dancer as in a mirror (your left is the dancer's left)";
  container.appendChild(toggle);
  const ctx = canvas.getContext("2d");

  let mirrored = localStorage.getItem(VIEW_KEY) === "mirror";
  let shown = 0;
  let marked = new Set();

  function setMirrored(on) {
    mirrored = on;
    toggle.setAttribute("aria-pressed", String(on));
    container.dataset.view = on ? "mirror" : "front";
    localStorage.setItem(VIEW_KEY, on ? "mirror" : "front");
    render();
  }
  toggle.addEventListener("click", () => setMirrored(!mirrored));

  function layout() {
    const w = canvas.width, h = canvas.height;
    const floorY = FLOOR_LEVEL * h;
    const scale = Math.min((floorY - TOP_MARGIN * h) / STAGE_HEIGHT_M, w / STAGE_WIDTH_M);
    return { w, h, floorY, scale };
  }

  // The frame's joints on the canvas, seen by the camera of frame `k`: [[x, y, depth]] pixels and
  // metres towards the camera (relative to the pelvis).
  function project(frame, k, { w, floorY, scale }) {
    const [cx, cz] = camera.centre[k], yaw = camera.yaw[k];
    const cos = Math.cos(yaw), sin = Math.sin(yaw), side = mirrored ? -1 : 1;
    const pelvis = frame[index.pelvis];
    return frame.map(([x, y, z]) => [
      w / 2 + side * ((x - cx) * cos + (z - cz) * sin) * scale,
      floorY - y * scale,
      -(x - pelvis[0]) * sin + (z - pelvis[2]) * cos,
    ]);
  }

  function drawFloor(k, { w, h, floorY, scale }) {
    ctx.fillStyle = BACKGROUND;
    ctx.fillRect(0, 0, w, h);
    const [cx, cz] = camera.centre[k], yaw = camera.yaw[k];
    const along = cx * Math.cos(yaw) + cz * Math.sin(yaw), side = mirrored ? -1 : 1;
    ctx.strokeStyle = FLOOR;
    ctx.lineWidth = Math.max(2, scale * 0.012);
    ctx.beginPath();
    ctx.moveTo(0, floorY);
    ctx.lineTo(w, floorY);
    // Ticks fixed to the floor scroll past as the dancer travels.
    const half = w / 2 / scale;
    for (let tick = Math.ceil((along - half) / FLOOR_TICK_M); tick * FLOOR_TICK_M <= along + half; tick++) {
      const x = w / 2 + side * (tick * FLOOR_TICK_M - along) * scale;
      ctx.moveTo(x, floorY);
      ctx.lineTo(x - 0.04 * scale, floorY + 0.05 * scale);
    }
    ctx.stroke();
  }

  function drawFigure(points, frame, { floorY, scale }, { alpha = 1, emphasis = true } = {}) {
    ctx.save();
    ctx.globalAlpha = alpha;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    const shade = (depth) => (emphasis ? Math.min(1, Math.max(0.55, 1 + 2.5 * depth)) : 1);
    const isMarked = (a, b) => marked.has(a) && marked.has(b);
    // Feet first, with the floor contact under them.
    for (const j of ankles) {
      const [x, y, depth] = points[j];
      const onFloor = frame[j][1] - ankleFloor < CONTACT_M;
      const footY = y + FOOT_M[1] * scale * 0.6;
      if (emphasis) {
        ctx.fillStyle = onFloor ? CONTACT : TRACK;
        ctx.beginPath();
        ctx.ellipse(x, floorY, FOOT_M[0] * scale * (onFloor ? 0.8 : 0.5), 0.025 * scale, 0, 0, 2 * Math.PI);
        ctx.fill();
      }
      ctx.fillStyle = onFloor && emphasis ? "#ffffff" : shaded(colourOf(j), shade(depth));
      ctx.beginPath();
      ctx.ellipse(x, footY, FOOT_M[0] * scale / 2, FOOT_M[1] * scale / 2, 0, 0, 2 * Math.PI);
      ctx.fill();
    }
    // The torso as one solid shape behind the limbs.
    if (torso.every((j) => j !== undefined)) {
      const depth = torso.reduce((sum, j) => sum + points[j][2], 0) / torso.length;
      ctx.fillStyle = shaded(colours.torso || FALLBACK_COLOUR, shade(depth) * 0.8);
      ctx.strokeStyle = ctx.fillStyle;
      ctx.lineWidth = LIMB_M * scale;
      ctx.beginPath();
      torso.forEach((j, i) => (i ? ctx.lineTo(points[j][0], points[j][1]) : ctx.moveTo(points[j][0], points[j][1])));
      ctx.closePath();
      ctx.fill();
      ctx.stroke();
    }
    // Limbs, far ones first and dimmer, so the near side reads as in front.
    const order = bones.map(([a, b], i) => [(points[a][2] + points[b][2]) / 2, i]).sort((p, q) => p[0] - q[0]);
    ctx.lineWidth = LIMB_M * scale;
    for (const [depth, i] of order) {
      const [a, b] = bones[i];
      ctx.strokeStyle = isMarked(a, b) ? HIGHLIGHT : shaded(colourOf(b), shade(depth));
      ctx.beginPath();
      ctx.moveTo(points[a][0], points[a][1]);
      ctx.lineTo(points[b][0], points[b][1]);
      ctx.stroke();
    }
    if (index.head !== undefined) {
      const [x, y] = points[index.head];
      ctx.fillStyle = marked.has(index.head) ? HIGHLIGHT : colourOf(index.head);
      ctx.strokeStyle = "#ffffff";
      ctx.lineWidth = Math.max(1.5, 0.015 * scale);
      ctx.beginPath();
      ctx.arc(x, y, HEAD_RADIUS_M * scale, 0, 2 * Math.PI);
      ctx.fill();
      if (emphasis) ctx.stroke();
    }
    if (emphasis) {
      for (const j of marked) {
        ctx.strokeStyle = HIGHLIGHT;
        ctx.lineWidth = Math.max(2, 0.02 * scale);
        ctx.beginPath();
        ctx.arc(points[j][0], points[j][1], 0.07 * scale, 0, 2 * Math.PI);
        ctx.stroke();
      }
    }
    ctx.restore();
  }

  function render() {
    const dpr = Math.min(window.devicePixelRatio || 1, 2);
    const w = Math.round(container.clientWidth * dpr), h = Math.round(container.clientHeight * dpr);
    if (!w || !h) return;
    if (canvas.width !== w || canvas.height !== h) { canvas.width = w; canvas.height = h; }
    const view = layout();
    drawFloor(shown, view);
    const ahead = Math.min(frames.length - 1, shown + previewFrames);
    if (ahead > shown) drawFigure(project(frames[ahead], shown, view), frames[ahead], view, { alpha: PREVIEW_ALPHA, emphasis: false });
    drawFigure(project(frames[shown], shown, view), frames[shown], view);
  }

  new ResizeObserver(render).observe(container);
  setMirrored(mirrored);
  return {
    setFrame(k) { shown = Math.min(frames.length - 1, Math.max(0, k)); },
    highlight(indices) { marked = new Set(indices); },
    render,
  };
}

// The index of the last beat at or before time t (seconds), or -1.
export function beatIndexAt(beats, t) {
  let lo = 0, hi = beats.length - 1, found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (beats[mid] <= t) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
  }
  return found;
}

// The 8-count said at song time t: the server's count of the last beat (`routine.counts`,
// generation/counts.py), or "" before the first beat.
export function countAt(routine, t) {
  const beat = beatIndexAt(routine.beats, t);
  return beat < 0 ? "" : String(routine.counts[beat]);
}
