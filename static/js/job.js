// Live progress of a generation job: a WebSocket push, with polling of the API as a fallback.
const box = document.getElementById("job");
const statusEl = document.getElementById("job-status");
const messageEl = document.getElementById("job-message");
const progressEl = document.getElementById("job-progress");
const errorEl = document.getElementById("job-error");
const routineUrl = (id) => box.dataset.routineUrl.replace("00000000-0000-0000-0000-000000000000", id);
let done = ["succeeded", "failed"].includes(box.dataset.status);

function show(state) {
  statusEl.textContent = state.status_label || state.status;
  messageEl.textContent = state.message || "";
  progressEl.value = state.progress;
  errorEl.textContent = state.error || "";
  if (state.status === "succeeded" && state.routine) {
    done = true;
    window.location.assign(routineUrl(state.routine));
  } else if (state.status === "failed") {
    done = true;
  }
}

async function poll() {
  while (!done) {
    await new Promise((r) => setTimeout(r, 2000));
    const response = await fetch(box.dataset.apiUrl, { credentials: "same-origin" });
    if (response.ok) show(await response.json());
  }
}

if (!done) {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}/ws/jobs/${box.dataset.jobId}/`);
  socket.onmessage = (event) => show(JSON.parse(event.data));
  socket.onclose = () => { if (!done) poll(); };
}
