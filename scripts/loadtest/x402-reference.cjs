// The x402 reference side of scripts/loadtest/x402-verify.sh (npm @x402/core, @x402/evm, express, viem).
//   node x402-reference.cjs prepare '{"n":64,"asset":"0x..","payTo":"0x..","amount":"10000","out":"path","perPayer":1}'
//     makes n payers and perPayer payloads each (distinct random nonces) with the SDK's own client
//     (ExactEvmScheme + viem account): writes one facilitator request body per line to `out`, payer by
//     payer in turn (line i is payer i mod n's); prints the payers' addresses (JSON array).
//   node x402-reference.cjs facilitator '{"port":18402,"rpcUrl":"http://..","privateKey":"0x.."}'
//     the reference facilitator: x402Facilitator + registerExactEvmScheme behind express, a viem signer,
//     POST /verify, POST /settle, GET /supported (as the SDK's own facilitator examples do).
const { privateKeyToAccount, generatePrivateKey } = require("viem/accounts");
const fs = require("fs");

const NETWORK = "eip155:31337";

async function prepare(o) {
  const { ExactEvmScheme } = require("@x402/evm");
  const requirements = { scheme: "exact", network: NETWORK, asset: o.asset, amount: o.amount, payTo: o.payTo,
    maxTimeoutSeconds: 3600, extra: { name: "USD Coin", version: "2" } };
  const lines = [];
  const payers = [];
  const clients = [];
  for (let i = 0; i < o.n; i++) {
    const account = privateKeyToAccount(generatePrivateKey());
    clients.push(new ExactEvmScheme(account));
    payers.push(account.address);
  }
  for (let round = 0; round < (o.perPayer || 1); round++) {
    for (const client of clients) {
      const partial = await client.createPaymentPayload(2, requirements);
      const paymentPayload = { ...partial, accepted: requirements, resource: { url: "http://127.0.0.1/bench", description: "bench" } };
      lines.push(JSON.stringify({ x402Version: 2, paymentPayload, paymentRequirements: requirements }));
    }
  }
  fs.writeFileSync(o.out, lines.join("\n") + "\n");
  process.stdout.write(JSON.stringify(payers));
}

function facilitator(o) {
  const express = require("express");
  const { x402Facilitator } = require("@x402/core/facilitator");
  const { registerExactEvmScheme } = require("@x402/evm/exact/facilitator");
  const { toFacilitatorEvmSigner } = require("@x402/evm");
  const { createWalletClient, http, publicActions } = require("viem");
  const { foundry } = require("viem/chains");
  const account = privateKeyToAccount(o.privateKey);
  const client = createWalletClient({ account, chain: foundry, transport: http(o.rpcUrl) }).extend(publicActions);
  const signer = toFacilitatorEvmSigner({ ...client, address: account.address });
  const facilitator = registerExactEvmScheme(new x402Facilitator(), { signer, networks: NETWORK });
  const app = express();
  app.use(express.json());
  app.post("/verify", async (req, res) => {
    try {
      res.json(await facilitator.verify(req.body.paymentPayload, req.body.paymentRequirements));
    } catch (e) {
      res.status(500).json({ error: String(e && e.message || e) });
    }
  });
  app.post("/settle", async (req, res) => {
    try {
      res.json(await facilitator.settle(req.body.paymentPayload, req.body.paymentRequirements));
    } catch (e) {
      res.status(500).json({ error: String(e && e.message || e) });
    }
  });
  app.get("/supported", (req, res) => res.json(facilitator.getSupported()));
  app.listen(o.port, "127.0.0.1", () => process.stdout.write(`listening ${o.port}\n`));
}

const [mode, json] = process.argv.slice(2);
const options = JSON.parse(json);
if (mode === "prepare") {
  prepare(options).catch((e) => { console.error(e); process.exit(1); });
} else if (mode === "facilitator") {
  facilitator(options);
} else {
  console.error("usage: x402-reference.cjs prepare|facilitator '{...}'");
  process.exit(2);
}
