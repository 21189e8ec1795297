// The pages' reconnect backoff (static/js/reconnect.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { RECONNECT_MS, reconnectDelay } from "../../static/js/reconnect.js";

test("reconnecting backs off, then keeps trying at the longest wait", () => {
  assert.deepEqual([0, 1, 2, 3, 4, 5].map(reconnectDelay), RECONNECT_MS);
  assert.ok(RECONNECT_MS.every((ms, i) => i === 0 || ms > RECONNECT_MS[i - 1]));
  assert.equal(reconnectDelay(100), RECONNECT_MS.at(-1));
});
