// End-to-end check with the official x402 SDK (npm @x402/express, @x402/fetch, @x402/evm, @x402/core):
// a resource server that names Tollgate as its facilitator, and a client that pays it.
// Reads one JSON request from stdin:
//   {"facilitatorUrl":"http://127.0.0.1:P/x402","apiKey":"tg_...","payerKey":"0x...","asset":"0x...",
//    "amount":"10000","payTo":"0x...","network":"eip155:31337","name":"USD Coin","version":"2"}
// and writes one JSON answer to stdout:
//   {"unpaid":{"status":402,"accepts":[...]}, "paid":{"status":200,"body":{...},"paymentResponse":{...}},
//    "verifyWithoutKey":"..."}
// Nothing here is Tollgate's code: the SDK decides what it sends and how it reads the answers.
const express = require("express");
const { paymentMiddleware, x402ResourceServer } = require("@x402/express");
const { HTTPFacilitatorClient } = require("@x402/core/server");
const { ExactEvmScheme: ExactEvmServerScheme } = require("@x402/evm/exact/server");
const { ExactEvmScheme: ExactEvmClientScheme } = require("@x402/evm");
const { wrapFetchWithPaymentFromConfig, decodePaymentResponseHeader } = require("@x402/fetch");
const { privateKeyToAccount } = require("viem/accounts");

async function main(request) {
  const auth = { Authorization: `Bearer ${request.apiKey}` };
  const facilitator = new HTTPFacilitatorClient({
    url: request.facilitatorUrl,
    createAuthHeaders: async () => ({ verify: auth, settle: auth, supported: auth }),
  });
  const resourceServer = new x402ResourceServer(facilitator).register(request.network, new ExactEvmServerScheme());
  const app = express();
  app.use(paymentMiddleware({
    "GET /weather": {
      accepts: {
        scheme: "exact",
        network: request.network,
        payTo: request.payTo,
        price: { amount: request.amount, asset: request.asset, extra: { name: request.name, version: request.version } },
        maxTimeoutSeconds: 60,
      },
      description: "Weather, paid per request",
    },
  }, resourceServer));
  app.get("/weather", (req, res) => res.json({ report: "sunny", temperature: 21 }));
  const server = await new Promise((resolve) => { const s = app.listen(0, "127.0.0.1", () => resolve(s)); });
  const url = `http://127.0.0.1:${server.address().port}/weather`;
  try {
    const unpaid = await fetch(url);
    const required = unpaid.headers.get("PAYMENT-REQUIRED");
    const unpaidAnswer = {
      status: unpaid.status,
      accepts: required ? JSON.parse(Buffer.from(required, "base64").toString("utf8")).accepts : null,
    };
    const account = privateKeyToAccount(request.payerKey);
    const pay = wrapFetchWithPaymentFromConfig(fetch, {
      schemes: [{ network: "eip155:*", client: new ExactEvmClientScheme(account) }],
      // the local test token is no default asset of the SDK: allow it, capped at the price
      spendControls: { allowedAssets: [{ network: request.network, asset: request.asset, maxAmountPerPayment: request.amount }] },
    });
    const paid = await pay(url, { method: "GET" });
    const header = paid.headers.get("PAYMENT-RESPONSE");
    const text = await paid.text();
    let body;
    try { body = JSON.parse(text); } catch { body = text; }
    return {
      unpaid: unpaidAnswer,
      paid: { status: paid.status, body, paymentResponse: header ? decodePaymentResponseHeader(header) : null },
    };
  } finally {
    server.close();
  }
}

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  main(JSON.parse(input))
    .then((answer) => { process.stdout.write(JSON.stringify(answer)); process.exit(0); })
    .catch((e) => { process.stdout.write(JSON.stringify({ error: String(e && e.stack || e) })); process.exit(1); });
});
