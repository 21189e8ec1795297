// The socket protocol's close codes, named (coach/protocol.py), from the page's json_script block
// (templates/includes/socket_protocol.html): the numbers are written only on the server.
export const CLOSE = JSON.parse(document.getElementById("socket-protocol").textContent).close;
