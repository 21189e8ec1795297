// "Download video" on the routine page: ask for the MP4, follow its progress (WebSocket push,
// polling as a fallback), then offer the file. States come from coach/videos/services.py.
const box = document.getElementById("video-export");
const form = document.getElementById("video-export-form");
const button = document.getElementById("video-export-button");
const statusEl = document.getElementById("video-export-status");
const progressEl = document.getElementById("video-export-progress");
const ready = document.getElementById("video-export-ready"); // .button's display would beat [hidden]
const link = document.getElementById("video-export-download");
const errorEl = document.getElementById("video-export-error");
const exportUrl = (id) => box.dataset.exportUrl.replace("00000000-0000-0000-0000-000000000000", id);
const WORDS = { queued: "Waiting for the video maker…", running: "Making the video…" };
let watching = null;

function show(state) {
  box.dataset.status = state.status || "";
  if (!state.status) return;
  const inFlight = state.status === "queued" || state.status === "running";
  button.disabled = inFlight;
  progressEl.hidden = !inFlight;
  progressEl.value = state.progress;
  errorEl.textContent = state.status === "failed" ? state.error : "";
  if (inFlight) {
    statusEl.textContent = `${WORDS[state.status]} ${Math.round(state.progress * 100)} %`;
    watch(state.id);
  } else if (state.status === "succeeded") {
    statusEl.textContent = "Your video is ready.";
    link.href = state.download_url;
    ready.hidden = false;
    form.hidden = true;
  } else {
    statusEl.textContent = "The video could not be made.";
    button.textContent = "Try again";
  }
}

async function poll(id) {
  while (["queued", "running"].includes(box.dataset.status)) {
    await new Promise((r) => setTimeout(r, 2000));
    const response = await fetch(exportUrl(id), { credentials: "same-origin" });
    if (response.ok) show(await response.json());
  }
}

function watch(id) {
  if (watching === id) return;
  watching = id;
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}/ws/videos/${id}/`);
  socket.onmessage = (event) => show(JSON.parse(event.data));
  socket.onclose = () => poll(id);
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  button.disabled = true;
  errorEl.textContent = "";
  const response = await fetch(form.action, {
    method: "POST",
    body: new FormData(form),
    headers: { Accept: "application/json" },
    credentials: "same-origin",
  });
  if (response.ok) {
    show(await response.json());
  } else {
    button.disabled = false;
    errorEl.textContent = "The video could not be requested. Please try again.";
  }
});

const current = await fetch(box.dataset.stateUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" });
if (current.ok) show(await current.json());
box.dataset.ready = "true";
