// The song and class clocks of the pages (static/js/clock.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { classPosition, clock } from "../../static/js/clock.js";

test("song times read m:ss, rounded down to the second", () => {
  assert.equal(clock(0), "0:00");
  assert.equal(clock(9.99), "0:09");
  assert.equal(clock(61.5), "1:01");
  assert.equal(clock(600), "10:00");
});

test("a class's position counts from its start on the server clock", () => {
  const startsAtMs = 1_700_000_000_000;
  // This device runs 1.5 s ahead of the server: its 3.5 s after the start is the server's 2 s.
  assert.equal(classPosition(startsAtMs + 3500, 1500, startsAtMs), 2);
  assert.equal(classPosition(startsAtMs - 1500, -500, startsAtMs), -1); // a countdown
});
