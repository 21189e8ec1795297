// The words the practice and class pages use for the camera and the end of a run
// (static/js/beat-feedback.js), with node's test runner: `node --test tests/js/`.
import assert from "node:assert/strict";
import { test } from "node:test";

import { CameraWatch, classOverText, summaryText } from "../../static/js/beat-feedback.js";

test("a tracker at 4 frames a second is called slow", () => {
  const watch = new CameraWatch();
  for (let t = 0; t <= 3000; t += 250) watch.frame(t);
  assert.match(watch.advice(), /^Tracking at 4 fps/);
});

test("a tracker at 30 frames a second is not, and unseen legs are said", () => {
  const watch = new CameraWatch();
  for (let t = 0; t <= 3000; t += 33) watch.frame(t);
  assert.equal(watch.advice(), "");
  watch.beat({ overall: 80, seen: ["head", "torso", "left_arm", "right_arm"] });
  assert.match(watch.advice(), /legs are out of the picture/);
  watch.beat({ overall: null, seen: [] });
  assert.match(watch.advice(), /cannot see you/);
});

test("a run is praised only when it earned it", () => {
  assert.match(classOverText({ reliable: true, overall: 80 }), /^Well danced/);
  assert.doesNotMatch(classOverText({ reliable: true, overall: 0 }), /Well danced/);
  assert.match(classOverText({ reliable: false, overall: null }), /could not judge/);
  assert.match(summaryText({ reliable: false, unreliable_reason: "tracking ran at 4.0 fps" }), /could not judge/);
  assert.match(summaryText({ reliable: true, overall: 91, beats: 16, beats_seen: 16, scope: "upper body" }), /Overall 91 over 16 beats \(upper body\)/);
});
