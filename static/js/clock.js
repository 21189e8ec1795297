// Clock maths of the song and class pages (pure: no DOM, tested by tests/js/clock.test.mjs).

// Seconds as the players show them: m:ss (whole seconds, rounded down).
export const clock = (s) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, "0")}`;

// Seconds into the song a live class is at `nowMs` (this device's clock, ms since the epoch),
// negative before its start: `startsAtMs` is on the server clock, `clockOffsetMs` this device's
// clock minus the server's.
export const classPosition = (nowMs, clockOffsetMs, startsAtMs) => (nowMs - clockOffsetMs - startsAtMs) / 1000;
