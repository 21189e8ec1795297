// The instructor's live board: who has joined, each learner's latest beat and running score,
// and who is struggling on which body part, pushed over the board socket (README "Live
// classes"). Start sets the common start time on the server, which every learner's page counts
// down to with its own measured clock offset.
import { classPosition, clock } from "./clock.js";
import { csrfToken } from "./csrf.js";
import { CLOSE, MESSAGE } from "./protocol.js";
import { reconnectDelay } from "./reconnect.js";
import { PART_NAMES } from "./skeleton2d.js";

const FATAL = { [CLOSE.forbidden]: "not allowed", [CLOSE.not_found]: "no such class" };

const $ = (id) => document.getElementById(id);
const root = $("board");
const rows = new Map(); // learner id -> <tr>
let serverOffsetMs = 0; // this browser's clock minus the server's, roughly (one-way delay ignored)
let classState = null, retries = 0;

const say = (text) => { $("board-status").textContent = text; };

function cell(row, name) { return row.querySelector(`[data-cell="${name}"]`); }

function rowFor(learner) {
  let row = rows.get(learner.learner);
  if (!row) {
    row = document.createElement("tr");
    row.dataset.learner = learner.name;
    for (const name of ["name", "beat", "label", "score", "struggling"]) {
      const td = document.createElement(name === "name" ? "th" : "td");
      if (name === "name") td.scope = "row";
      td.dataset.cell = name;
      row.append(td);
    }
    rows.set(learner.learner, row);
    $("learners").append(row);
    $("no-learners").hidden = true;
  }
  return row;
}

function showLearner(learner) {
  const row = rowFor(learner);
  const presence = learner.finished ? "finished" : learner.connected ? "connected" : "away";
  row.dataset.presence = presence;
  row.dataset.beats = String(learner.beats);
  cell(row, "name").textContent = `${learner.name} · ${presence}`;
  const last = learner.last;
  cell(row, "beat").textContent = last ? String(last.index + 1) : "–";
  const label = document.createElement("span");
  label.textContent = last ? last.label : "–";
  if (last) label.className = `beat-label beat-${last.label.toLowerCase()}`;
  cell(row, "label").replaceChildren(label);
  row.dataset.label = last ? last.label : "";
  cell(row, "score").textContent = learner.score === null ? "–" : String(Math.round(learner.score));
  const struggling = cell(row, "struggling");
  struggling.textContent = learner.struggling === null ? "" : learner.struggling === "not_seen" ? "not in the picture" : PART_NAMES[learner.struggling] || learner.struggling;
  row.classList.toggle("struggling", learner.struggling !== null);
  root.dataset.updates = String(Number(root.dataset.updates || 0) + 1);
}

function showState(state) {
  classState = state;
  serverOffsetMs = Date.now() - state.server_time_ms;
  root.dataset.state = state.status;
  $("start").disabled = state.status !== "open";
  if (state.status === "open") say("Waiting for students. Press Start when everyone is ready.");
  if (state.status === "ended") say("The class has ended.");
}

// While running: the countdown, then the song position as the learners hear it.
function showClock() {
  if (classState && classState.status === "running" && classState.starts_at_ms) {
    const position = classPosition(Date.now(), serverOffsetMs, classState.starts_at_ms);
    const rows = [...document.querySelectorAll("#learners tr[data-learner]")];
    if (rows.length && rows.every((row) => row.dataset.presence === "finished")) {
      say("Everyone has finished: end the class to see the summary.");
      return;
    }
    say(position < 0 ? `Starting in ${Math.ceil(-position)}…` : `Dancing · ${clock(position)}`);
  }
}

function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const ws = new WebSocket(`${scheme}://${location.host}${root.dataset.socketPath}`);
  ws.addEventListener("open", () => { retries = 0; root.dataset.socket = "open"; });
  ws.addEventListener("message", (event) => {
    const message = JSON.parse(event.data);
    if (message.type === MESSAGE.board) {
      showState(message.class);
      message.learners.forEach(showLearner);
    } else if (message.type === MESSAGE.learner) showLearner(message);
    else if (message.type === MESSAGE.class_state) showState(message);
  });
  ws.addEventListener("close", (event) => {
    root.dataset.socket = "closed";
    if (FATAL[event.code]) { say(`The board cannot open: ${FATAL[event.code]}.`); return; }
    say("Connection lost: reconnecting…");
    setTimeout(connect, reconnectDelay(retries++));
  });
}

async function start() {
  $("start").disabled = true;
  const response = await fetch(root.dataset.startUrl, {
    method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrfToken() },
  });
  const body = await response.json();
  if (!response.ok) { say(body.error || `Start failed (${response.status})`); return; }
  showState(body);
}

$("start").addEventListener("click", start);
setInterval(showClock, 250);
connect();
