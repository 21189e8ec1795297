// The socket protocol's close codes and message types, named (coach/common/protocol.py), from the page's
// json_script block (templates/includes/socket_protocol.html): they are written only on the server.
const protocol = JSON.parse(document.getElementById("socket-protocol").textContent);
export const CLOSE = protocol.close;
export const MESSAGE = protocol.message;
