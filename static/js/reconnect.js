// How long a page waits before reconnecting a dropped socket (practice, class seat, class board):
// backing off to at most 8 s, so a learner is back soon after a short outage.
export const RECONNECT_MS = [250, 500, 1000, 2000, 4000, 8000];

// The wait before reconnect number `retries` (0 for the first try after a drop).
export const reconnectDelay = (retries) => RECONNECT_MS[Math.min(retries, RECONNECT_MS.length - 1)];
