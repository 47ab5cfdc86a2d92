-- The x402 facilitator (io.tollgate.x402).
--
-- API keys get a scope: 'all' (every merchant route, the default and what existed before) or
-- 'facilitator' (only /x402/...: what a resource server needs, nothing of the shop's checkouts).
ALTER TABLE api_keys
  ADD COLUMN scope text NOT NULL DEFAULT 'all' CHECK (scope IN ('all', 'facilitator'));

-- One row per EIP-3009 authorization a resource server asked to settle. The authorization's
-- identity is unique: a repeated or concurrent /settle (any instance) finds the first one and
-- follows its relay, and /verify reports an authorization here as used at once. A row is written
-- only after the payment verified, and removed again when the relayer refused it before storing
-- anything (nothing sent, nothing charged).
CREATE TABLE x402_settlements (
  id            uuid PRIMARY KEY,
  merchant_id   uuid REFERENCES merchants (id),  -- null: open mode (development only)
  chain_id      bigint NOT NULL,
  token         text NOT NULL,                    -- lowercase address
  from_address  text NOT NULL,                    -- the payer (lowercase)
  auth_nonce    text NOT NULL,                    -- 0x + 64 hex, lowercase
  payload_hash  bytea NOT NULL,                   -- SHA-256 of the authorization, signature and requirements
  network       text NOT NULL,                    -- CAIP-2, as the resource server named it
  pay_to        text NOT NULL,
  amount        numeric(78) NOT NULL,
  payload       jsonb NOT NULL,                   -- what a restarted settle needs: authorization and signature
  relay_id      uuid,
  state         text NOT NULL CHECK (state IN ('settling', 'settled', 'failed')),
  tx_hash       text,
  error_reason  text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT x402_settlements_authorization_once UNIQUE (chain_id, token, from_address, auth_nonce)
);
CREATE INDEX x402_settlements_by_merchant ON x402_settlements (merchant_id, created_at);
