// Interop check against the official Standard Webhooks library (npm "standardwebhooks").
// Reads one JSON request from stdin and writes one JSON answer to stdout:
//   {"op":"verify","secret":"whsec_...","headers":{...},"payload":"..."} -> {"ok":true,"parsed":{...}} | {"ok":false,"error":"..."}
//   {"op":"sign","secret":"whsec_...","id":"msg_...","timestamp":<unix s>,"payload":"..."} -> {"signature":"v1,..."}
const { Webhook } = require("standardwebhooks");

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const request = JSON.parse(input);
  const webhook = new Webhook(request.secret);
  let answer;
  if (request.op === "sign") {
    answer = { signature: webhook.sign(request.id, new Date(request.timestamp * 1000), request.payload) };
  } else {
    try {
      answer = { ok: true, parsed: webhook.verify(request.payload, request.headers) };
    } catch (e) {
      answer = { ok: false, error: String(e.message) };
    }
  }
  process.stdout.write(JSON.stringify(answer));
});
