// The attempt report: a per-beat chart of timing, accuracy and smoothness (Chart.js, a global
// from static/vendor/chartjs), replays of the weakest moments (the learner's skeleton beside the
// reference) and the trend over the learner's attempts at the routine.
import { LAYOUTS, PART_NAMES, boundsOf, drawSkeleton, fitBox, landmarksToJoints, partJoints } from "./skeleton2d.js";

const WINDOW_S = 1.0; // a replay shows this long either side of the beat
const REPLAY_SPEED = 0.5; // replays run at half speed
const WEAKEST = 3;
// MediaPipe's x, y are normalised to the camera picture; without its size assume 4:3.
const DEFAULT_IMAGE_SIZE = [4, 3];
const COLORS = { timing: "#6a3de8", accuracy: "#1e7a46", smoothness: "#d07a00", offset: "#b3261e80", comment: "#ffb400" };

const root = document.getElementById("report");

// The learner's frames as canonical joints [[x, y, visibility]] with y down, whatever the format.
function learnerJoints(poses, joints) {
  const layout = LAYOUTS[poses.format];
  if (layout) {
    const [w, h] = poses.format === "mediapipe33" ? poses.image_size || DEFAULT_IMAGE_SIZE : [1, 1];
    return poses.frames.map((frame) => landmarksToJoints(frame, joints, layout).map(([x, y, v]) => [x * w, y * h, v]));
  }
  // "canonical": metres, y up.
  return poses.frames.map((frame) => frame.map(([x, y]) => [x, -y, 1]));
}

// Beats an instructor commented on (#comments items carry the beat index), as a set of indices.
function commentedBeats() {
  return new Set([...document.querySelectorAll("#comments li[data-beat]")]
    .filter((li) => li.dataset.beat !== "").map((li) => Number(li.dataset.beat)));
}

function beatChart(beats) {
  const canvas = document.getElementById("beat-chart");
  const commented = commentedBeats();
  const line = (key, label) => ({ type: "line", label, data: beats.map((b) => b[key]), borderColor: COLORS[key],
    backgroundColor: COLORS[key], yAxisID: "yScore", tension: 0.25, pointRadius: 2 });
  return new window.Chart(canvas, {
    type: "bar", // the offsets; the three scores are lines on their own axis
    data: {
      labels: beats.map((b) => String(b.index + 1)),
      datasets: [
        line("timing", "Timing"), line("accuracy", "Accuracy"), line("smoothness", "Smoothness"),
        { type: "bar", label: "Offset (ms, + late)", data: beats.map((b) => b.timing_offset_ms), backgroundColor: COLORS.offset, yAxisID: "yOffset" },
        ...(commented.size ? [{ type: "line", label: "Instructor's comment", data: beats.map((b) => (commented.has(b.index) ? 100 : null)),
          showLine: false, pointStyle: "triangle", pointRadius: 7, borderColor: COLORS.comment, backgroundColor: COLORS.comment, yAxisID: "yScore" }] : []),
      ],
    },
    options: {
      responsive: true, maintainAspectRatio: false, animation: false,
      interaction: { mode: "index", intersect: false },
      scales: {
        x: { title: { display: true, text: "Beat" } },
        yScore: { position: "left", min: 0, max: 100, title: { display: true, text: "Score" } },
        yOffset: { position: "right", grid: { drawOnChartArea: false }, title: { display: true, text: "ms" } },
      },
      plugins: { legend: { labels: { boxWidth: 12 } } },
    },
  });
}

function historyChart() {
  const canvas = document.getElementById("history-chart");
  if (!canvas) return;
  const rows = [...document.querySelectorAll("#history tbody tr")].filter((r) => r.dataset.overall !== "");
  new window.Chart(canvas, {
    type: "line",
    data: { labels: rows.map((r) => r.dataset.when),
      datasets: [{ label: "Overall", data: rows.map((r) => Number(r.dataset.overall)), borderColor: COLORS.timing, backgroundColor: COLORS.timing }] },
    options: { responsive: true, maintainAspectRatio: false, animation: false, scales: { y: { min: 0, max: 100 } } },
  });
}

// One weakest moment: the learner's and the reference's skeletons around the beat, replayable.
function moment(beat, routine, learner, times) {
  const card = document.createElement("article");
  card.className = "moment";
  const fix = beat.fix ? ` · fix your ${PART_NAMES[beat.fix] || beat.fix}` : "";
  card.innerHTML = `<h3></h3><div class="replay"><figure><canvas width="240" height="320"></canvas><figcaption>You</figcaption></figure>
    <figure><canvas width="240" height="320"></canvas><figcaption>Reference</figcaption></figure></div>`;
  card.querySelector("h3").textContent = `Beat ${beat.index + 1} at ${beat.time_s.toFixed(1)} s · ${beat.label} (${Math.round(beat.overall)})${fix}`;
  const [mine, theirs] = card.querySelectorAll("canvas");
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = "Replay";
  button.setAttribute("aria-label", `Replay beat ${beat.index + 1}`);
  card.append(button);

  const from = beat.time_s - WINDOW_S, to = beat.time_s + WINDOW_S;
  const inWindow = times.map((t, i) => [t, i]).filter(([t]) => t >= from && t <= to);
  const refFrame = (t) => Math.min(routine.frames.length - 1, Math.max(0, Math.round(t * routine.fps)));
  const refFrames = routine.frames.slice(refFrame(from), refFrame(to) + 1);
  const highlight = beat.fix ? partJoints(routine.joints, beat.fix) : [];
  const mineFit = inWindow.length ? fitBox(mine, boundsOf(inWindow.map(([, i]) => learner[i]))) : null;
  const theirsFit = fitBox(theirs, boundsOf(refFrames), { flipY: true });

  function draw(t) {
    for (const canvas of [mine, theirs]) canvas.getContext("2d").clearRect(0, 0, canvas.width, canvas.height);
    const ref = routine.frames[refFrame(t)].map((p) => theirsFit(p));
    drawSkeleton(theirs.getContext("2d"), ref, routine.bones, { highlight });
    if (!inWindow.length) return;
    // The learner's frame nearest in song time (frames may be far apart on slow devices).
    const [, i] = inWindow.reduce((best, cur) => (Math.abs(cur[0] - t) < Math.abs(best[0] - t) ? cur : best));
    const points = learner[i].map((p) => [...mineFit(p), p[2]]);
    drawSkeleton(mine.getContext("2d"), points, routine.bones, { color: "#3ee08f", highlight });
  }
  button.addEventListener("click", () => {
    const began = performance.now();
    button.disabled = true;
    (function step() {
      const t = from + ((performance.now() - began) / 1000) * REPLAY_SPEED;
      draw(Math.min(t, to));
      if (t < to) requestAnimationFrame(step);
      else button.disabled = false;
    })();
  });
  draw(beat.time_s);
  if (!inWindow.length) mine.setAttribute("aria-label", "No pose was tracked around this beat");
  return card;
}

async function main() {
  const response = await fetch(root.dataset.documentUrl, { credentials: "same-origin" });
  if (!response.ok) { root.dataset.state = "failed"; return; }
  const { attempt, poses, routine_document_url: routineUrl } = await response.json();
  const routine = await (await fetch(routineUrl, { credentials: "same-origin" })).json();
  const parts = document.getElementById("weakest-parts");
  if (parts) parts.textContent = (attempt.summary.weakest_parts || []).map((p) => PART_NAMES[p] || p).join(", ");
  const beats = [...attempt.beat_results].sort((a, b) => a.index - b.index);
  if (beats.length) beatChart(beats);
  historyChart();

  const moments = document.getElementById("moments");
  moments.replaceChildren();
  const byIndex = new Map(beats.map((b) => [b.index, b]));
  // Only beats that fell short are weak moments; an attempt the camera could not judge has none.
  const weakest = attempt.summary.reliable === false ? []
    : (attempt.summary.weakest_beats || []).map((i) => byIndex.get(i)).filter(Boolean);
  const chosen = weakest.slice(0, WEAKEST);
  if (!chosen.length) moments.textContent = attempt.summary.reliable === false
    ? "The camera could not judge this attempt." : "No weak moment: every beat seen was danced well.";
  const learner = learnerJoints(poses, routine.joints);
  // Stored timestamps are on the song clock as sent; the learner heard the music this much later.
  const times = poses.timestamps_ms.map((t) => (t - (attempt.audio_latency_ms || 0)) / 1000);
  chosen.forEach((beat) => moments.append(moment(beat, routine, learner, times)));
  root.dataset.state = "ready";
}

main();
