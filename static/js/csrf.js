// Django's CSRF token, from its cookie, for the pages' POST requests (the X-CSRFToken header).
export function csrfToken(cookie = document.cookie) {
  const match = cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}
