// Django's CSRF token read from the cookies (static/js/csrf.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { csrfToken } from "../../static/js/csrf.js";

test("the token is the csrftoken cookie's value, wherever it stands", () => {
  assert.equal(csrfToken("csrftoken=abc123"), "abc123");
  assert.equal(csrfToken("sessionid=x; csrftoken=a%2Bb; theme=dark"), "a+b");
  assert.equal(csrfToken("xcsrftoken=no"), "");
  assert.equal(csrfToken(""), "");
});
