// ESLint's flat config: the pages' ES modules (static/js) and node's tests of them (tests/js),
// with ESLint's recommended rules. Run by .ci/run: `npx eslint static/js tests/js`.
const js = require("@eslint/js");

// What the pages' scripts use of the browser (the vendored libraries add Chart and Pose).
const browser = Object.fromEntries([
  "AudioContext", "Chart", "FormData", "Option", "Pose", "ResizeObserver", "URL", "URLSearchParams",
  "WebSocket", "clearInterval", "console", "document", "fetch", "localStorage",
  "location", "navigator", "performance", "requestAnimationFrame", "setInterval", "setTimeout", "window",
].map((name) => [name, "readonly"]));

module.exports = [
  js.configs.recommended,
  {
    files: ["static/js/**/*.js"],
    languageOptions: { ecmaVersion: 2023, sourceType: "module", globals: browser },
  },
  {
    files: ["tests/js/**/*.mjs"],
    languageOptions: { ecmaVersion: 2023, sourceType: "module", globals: { console: "readonly", performance: "readonly" } },
  },
  {
    files: ["eslint.config.js"],
    languageOptions: { sourceType: "commonjs", globals: { require: "readonly", module: "writable" } },
  },
];
