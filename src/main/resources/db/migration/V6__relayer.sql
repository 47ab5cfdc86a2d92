-- The gasless relayer's queue (io.tollgate.relay). One row per EIP-3009 authorization relayed:
-- the authorization's identity is unique, so a second submission (any instance) finds the first.
-- The chain's relay leader assigns the relayer key's nonces from relayer_nonces, stores the signed
-- transaction here (write-ahead), then broadcasts it and sets broadcast_at.
CREATE TABLE relays (
  relay_id        uuid PRIMARY KEY,
  chain_id        bigint NOT NULL,
  token           text NOT NULL,             -- the authorization's token (lowercase address)
  from_address    text NOT NULL,             -- the authorizer (lowercase)
  auth_nonce      text NOT NULL,             -- the authorization's 32-byte nonce (0x, lowercase)
  token_contract  text NOT NULL,             -- the transaction's `to`
  calldata        bytea NOT NULL,
  valid_before    timestamptz NOT NULL,
  purpose         text NOT NULL,
  relayer         text NOT NULL,             -- the sending key's address (lowercase)
  gas_limit       bigint NOT NULL,
  state           text NOT NULL CHECK (state IN ('QUEUED', 'SENT', 'MINED', 'FAILED')),
  tx_nonce        bigint,                    -- the relayer key's nonce, once signed
  raw_tx          bytea,                     -- the signed transaction to (re)broadcast: the relay's, or its cancel
  current_hash    text,                      -- hash of raw_tx
  tx_hashes       text[] NOT NULL DEFAULT '{}', -- every relay transaction signed, oldest first (not cancels)
  max_fee_wei     numeric(78),
  priority_fee_wei numeric(78),
  bumps           int NOT NULL DEFAULT 0,    -- fee bumps of the relay transaction
  cancel_bumps    int NOT NULL DEFAULT 0,    -- fee bumps of the cancel that frees a given-up relay's nonce
  cancelling      boolean NOT NULL DEFAULT false,
  broadcast_at    timestamptz,               -- raw_tx last sent (null: stored, never yet accepted by a node)
  nonce_settled   boolean NOT NULL DEFAULT false, -- tx_nonce is used on-chain (by whatever transaction)
  mined_hash      text,
  failure_reason  text,
  failure_detail  text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT relays_authorization_once UNIQUE (chain_id, token, from_address, auth_nonce),
  CONSTRAINT relays_nonce_once UNIQUE (chain_id, relayer, tx_nonce)
);

-- The relay leader's working set: everything not yet settled on-chain.
CREATE INDEX relays_open ON relays (chain_id, relayer, created_at)
  WHERE state IN ('QUEUED', 'SENT') OR (tx_nonce IS NOT NULL AND NOT nonce_settled);

-- The next nonce of each relayer key: the sequence continues across restarts and leaders.
CREATE TABLE relayer_nonces (
  chain_id   bigint NOT NULL,
  relayer    text NOT NULL,
  next_nonce bigint NOT NULL CHECK (next_nonce >= 0),
  PRIMARY KEY (chain_id, relayer)
);
