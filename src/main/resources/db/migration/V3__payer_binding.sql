-- Tollgate schema, version 3: payer binding (issue 3). A buyer proves control of a wallet by signing
-- a Sign-In with Ethereum (EIP-4361) challenge; the proven address becomes checkouts.payer.

-- One row per issued challenge. The exact message text is kept: a presented message must be
-- byte-identical to it, and the settlement re-check verifies the stored signature over it again.
-- The nonce is UNIQUE: the constraint, not a pre-check, makes a nonce single-use system-wide.
CREATE TABLE payer_challenges (
  id              bigserial PRIMARY KEY,
  checkout_id     uuid        NOT NULL REFERENCES checkouts (id),
  address         text        NOT NULL CHECK (address ~ '^0x[0-9a-f]{40}$'),
  chain_id        bigint      NOT NULL CHECK (chain_id > 0),
  nonce           text        NOT NULL,
  message         text        NOT NULL,
  issued_at       timestamptz NOT NULL,
  expires_at      timestamptz NOT NULL,
  used_at         timestamptz,
  -- invalid signatures presented for this challenge; incremented atomically, capped by configuration
  failed_attempts integer     NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
  CONSTRAINT payer_challenges_nonce_unique UNIQUE (nonce)
);
CREATE INDEX payer_challenges_by_checkout ON payer_challenges (checkout_id);

-- The proof behind checkouts.payer, one per checkout (a binding is never replaced). What validated
-- it is recorded so settlement can re-check it on the same chain and compare the wallet's code.
CREATE TABLE payer_bindings (
  checkout_id       uuid        PRIMARY KEY REFERENCES checkouts (id),
  challenge_id      bigint      NOT NULL UNIQUE REFERENCES payer_challenges (id),
  payer             text        NOT NULL CHECK (payer ~ '^0x[0-9a-f]{40}$'),
  signature         text        NOT NULL,
  -- io.tollgate.signature.VerificationMethod codes: ecdsa, erc1271, erc6492, eip7702_envelope
  method            text        NOT NULL,
  -- the chain whose state validated the signature (signing chain, payment chain or 1)
  verified_chain_id bigint      NOT NULL,
  -- io.tollgate.signature.WalletCode at binding: kind, first 23 code bytes, keccak256 of the code
  wallet_kind       text        NOT NULL,
  code_prefix       text        NOT NULL,
  code_hash         text        NOT NULL,
  bound_at          timestamptz NOT NULL
);
