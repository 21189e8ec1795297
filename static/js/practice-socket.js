// The client side of the practice socket (protocol: README "Live practice").
//
// Landmark frames are collected into batches, each with the next sequence number, and kept
// until the server acknowledges them. A batch leaves as soon as a frame completes a beat (the
// server's `flush_at_ms`, shifted by the audio latency), so each beat's result comes back right
// after the beat and a learner sends about one message per beat; otherwise after BATCH_MS (slow
// songs, before the first beat). After a dropped connection the session reconnects with
// backoff, waits for `ready` and resends every batch after the server's acked_seq (the server
// ignores duplicates by sequence number), so nothing is lost. Messages are paced
// below the server's rate limit so that a resend after a long outage is not refused.

import { CLOSE, MESSAGE } from "./protocol.js";
import { reconnectDelay } from "./reconnect.js";

const BATCH_MS = 500;
const MAX_FRAMES_PER_BATCH = 30; // ~1.3 KB per frame: well below the 64 KiB message limit
const SEND_PER_S = 20; // the server allows 30 messages/s sustained, burst 60
const SEND_BURST = 30;
const RESEND_AFTER_MS = 5000; // a batch sent but not acknowledged by then is sent again
// Close codes after which reconnecting cannot help.
const FATAL = {
  [CLOSE.bad_messages]: "too many refused messages", [CLOSE.forbidden]: "not allowed",
  [CLOSE.not_found]: "no such attempt", [CLOSE.too_big]: "messages too big",
};

const round = (v, digits) => Math.round(v * 10 ** digits) / 10 ** digits;

export function socketUrl(attemptId) {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  return `${scheme}://${location.host}/ws/practice/${attemptId}/`;
}

// openPracticeSession({attempt, audioLatencyMs, format, onBeat, onState, onClock, url, onOther}) -> session.
// attempt: the attempt id, or a promise of it (frames added before it resolves are kept).
// onBeat(beat) once per scored beat; onState(state, detail) with state in connecting, open,
// reconnecting, ending, done, failed. session.end() resolves with the `summary` message.
// url: another socket speaking this protocol (a live class seat's); onOther(message) gets the
// messages of types this module does not handle (e.g. a class's `class_state`).
export function openPracticeSession({ attempt, audioLatencyMs = 0, format = "mediapipe33", onBeat = () => {},
  onState = () => {}, onClock = () => {}, url = null, onOther = () => {} }) {
  const batches = new Map(); // seq -> {text, sentAt}; insertion order is seq order
  const seenBeats = new Set();
  let pending = []; // [timeMs, frame] not yet in a batch
  let imageSize = null, nextSeq = 0, lastTimeMs = -Infinity;
  let flushAtMs = [], nextFlush = 0; // song times at which a frame completes a beat
  let ws = null, ready = false, attempts = 0, tokens = SEND_BURST, lastRefill = performance.now();
  let ending = false, endSent = false, closed = false, pumpTimer = null;
  let deniedReason = ""; // why the server refused this connection, when it says (code "denied")
  let resolveEnd, rejectEnd;
  const finished = new Promise((resolve, reject) => { resolveEnd = resolve; rejectEnd = reject; });
  finished.catch(() => {}); // callers that never call end() should not see an unhandled rejection
  const stats = { sent: 0, acked: 0, reconnects: 0, clock: null };
  let attemptId = null;

  function setState(state, detail) { onState(state, detail); }

  function fail(reason) {
    if (closed) return;
    closed = true;
    clearInterval(flushTimer);
    setState("failed", reason);
    rejectEnd(new Error(reason));
    if (ws) ws.close();
  }

  function flush() {
    if (!pending.length) return;
    const seq = nextSeq++;
    const message = { type: MESSAGE.frames, seq, format, timestamps_ms: pending.map((p) => p[0]), frames: pending.map((p) => p[1]), image_size: imageSize };
    batches.set(seq, { text: JSON.stringify(message), sentAt: null });
    pending = [];
    pump();
  }
  const flushTimer = setInterval(flush, BATCH_MS);

  function take() {
    const now = performance.now();
    tokens = Math.min(SEND_BURST, tokens + ((now - lastRefill) / 1000) * SEND_PER_S);
    lastRefill = now;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  }

  function schedulePump(ms) {
    if (pumpTimer === null) pumpTimer = setTimeout(() => { pumpTimer = null; pump(); }, ms);
  }

  // Send what the server has not got, in sequence order, then `end` once everything is out.
  function pump() {
    if (!ready || ws.readyState !== WebSocket.OPEN) return;
    const now = performance.now();
    for (const [, batch] of batches) {
      if (batch.sentAt !== null && now - batch.sentAt < RESEND_AFTER_MS) continue;
      if (!take()) { schedulePump(1000 / SEND_PER_S); return; }
      ws.send(batch.text);
      batch.sentAt = now;
      stats.sent += 1;
    }
    if (batches.size) schedulePump(RESEND_AFTER_MS);
    if (ending && !endSent && !pending.length && [...batches.values()].every((b) => b.sentAt !== null)) {
      ws.send(JSON.stringify({ type: MESSAGE.end }));
      endSent = true;
    }
  }

  function onMessage(event) {
    const message = JSON.parse(event.data);
    switch (message.type) {
      case MESSAGE.ready:
        for (const seq of batches.keys()) if (seq <= message.acked_seq) batches.delete(seq);
        for (const batch of batches.values()) batch.sentAt = null; // resend on this connection
        nextSeq = Math.max(nextSeq, message.acked_seq + 1);
        flushAtMs = (message.flush_at_ms || []).map((t) => t + round(audioLatencyMs, 1));
        nextFlush = 0;
        ready = true;
        attempts = 0;
        // The server takes the calibration only before the first batch is stored.
        if (message.acked_seq < 0) ws.send(JSON.stringify({ type: MESSAGE.calibration, audio_latency_ms: round(audioLatencyMs, 1) }));
        (message.beats || []).forEach(beat);
        setState(ending ? "ending" : "open");
        pump();
        break;
      case MESSAGE.ping:
        ws.send(JSON.stringify({ type: MESSAGE.pong, server_time_ms: message.server_time_ms, client_time_ms: performance.timeOrigin + performance.now() }));
        break;
      case MESSAGE.clock:
        stats.clock = { offsetMs: message.offset_ms, rttMs: message.rtt_ms };
        onClock(stats.clock);
        break;
      case MESSAGE.ack:
        for (const seq of batches.keys()) if (seq <= message.seq && batches.delete(seq)) stats.acked += 1;
        break;
      case MESSAGE.beat:
        beat(message);
        break;
      case MESSAGE.summary:
        closed = true;
        clearInterval(flushTimer);
        setState("done");
        resolveEnd(message);
        break;
      case MESSAGE.error:
        if (message.code === "denied") deniedReason = message.message;
        console.warn("practice socket refused a message:", message.code, message.message);
        break;
      default:
        onOther(message);
    }
  }

  function beat(message) {
    if (seenBeats.has(message.index)) return;
    seenBeats.add(message.index);
    onBeat(message);
  }

  function connect() {
    if (closed) return;
    ready = false;
    setState(stats.reconnects ? "reconnecting" : "connecting");
    ws = new WebSocket(url || socketUrl(attemptId));
    ws.addEventListener("message", onMessage);
    ws.addEventListener("close", (event) => {
      ready = false;
      if (closed) return;
      if (FATAL[event.code]) return fail(FATAL[event.code]);
      if (event.code === CLOSE.finished) {
        // Finished on an earlier connection whose summary we missed: the report has it.
        if (endSent) { closed = true; setState("done"); resolveEnd({ summary: null, report_url: null }); }
        else fail(deniedReason || "the attempt is already finished"); // or taken over by another tab
        return;
      }
      stats.reconnects += 1;
      setState("reconnecting");
      setTimeout(connect, reconnectDelay(attempts++));
    });
  }

  Promise.resolve(attempt).then((id) => { attemptId = id; connect(); }, (error) => fail(error.message));

  return {
    stats,
    get attemptId() { return attemptId; },
    get unacked() { return batches.size + (pending.length ? 1 : 0); },
    // One tracked frame: timeMs on the song clock, points in the session's format (mediapipe33:
    // [[x, y, z, visibility] x 33]), size the camera image [w, h] in pixels.
    addFrame(timeMs, points, size) {
      if (ending || closed || timeMs <= lastTimeMs) return; // time only moves on within an attempt
      lastTimeMs = timeMs;
      imageSize = size;
      const stamp = round(timeMs, 1);
      pending.push([stamp, points.map((p) => p.map((v) => round(v, 4)))]);
      let completesBeat = false;
      while (nextFlush < flushAtMs.length && flushAtMs[nextFlush] <= stamp) { nextFlush += 1; completesBeat = true; }
      if (completesBeat || pending.length >= MAX_FRAMES_PER_BATCH) flush();
    },
    // The fallback: one camera image (base64 JPEG) for the server to track, as its own seq.
    addImage(timeMs, jpeg) {
      if (ending || closed || timeMs <= lastTimeMs) return;
      lastTimeMs = timeMs;
      const seq = nextSeq++;
      batches.set(seq, { text: JSON.stringify({ type: MESSAGE.image, seq, timestamp_ms: round(timeMs, 1), jpeg }), sentAt: null });
      pump();
    },
    // Finish: flush, make sure every batch is out, send `end`; resolves with the summary message.
    end() {
      if (!ending && !closed) {
        ending = true;
        flush();
        setState("ending");
        pump();
      }
      return finished;
    },
    // Drop the connection as a network failure would (the session reconnects by itself).
    dropConnection() { if (ws) ws.close(4000, "dropped by the client"); },
  };
}
