-- Tollgate schema, version 1: merchants, checkouts, payments and their audit trail.
-- Addresses and transaction hashes are stored lowercase 0x-hex; amounts in base units are numeric(78,0)
-- (uint256 fits in 78 decimal digits).

CREATE TABLE merchants (
  id         uuid PRIMARY KEY,
  name       text        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- API keys are 32 random bytes, so a single SHA-256 is a safe one-way hash; the key itself is shown once.
CREATE TABLE api_keys (
  id          uuid PRIMARY KEY,
  merchant_id uuid        NOT NULL REFERENCES merchants (id),
  key_hash    bytea       NOT NULL UNIQUE,
  key_prefix  text        NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz
);

-- Which (chain, token) a merchant accepts and where the money goes.
CREATE TABLE merchant_payment_methods (
  merchant_id uuid   NOT NULL REFERENCES merchants (id),
  chain_id    bigint NOT NULL,
  token       text   NOT NULL,
  recipient   text   NOT NULL CHECK (recipient ~ '^0x[0-9a-f]{40}$'),
  PRIMARY KEY (merchant_id, chain_id, token)
);

CREATE TABLE checkouts (
  id              uuid PRIMARY KEY,
  merchant_id     uuid          NOT NULL REFERENCES merchants (id),
  order_reference text          NOT NULL,
  amount          numeric(36, 6) NOT NULL CHECK (amount > 0),
  currency        text          NOT NULL,
  status          text          NOT NULL CHECK (status IN ('open', 'pending', 'paid', 'failed', 'expired')),
  status_reason   text,
  payer           text CHECK (payer ~ '^0x[0-9a-f]{40}$'),
  paid_payment_id bigint,
  metadata        jsonb         NOT NULL DEFAULT '{}',
  expires_at      timestamptz   NOT NULL,
  created_at      timestamptz   NOT NULL,
  updated_at      timestamptz   NOT NULL,
  version         integer       NOT NULL DEFAULT 0
);
CREATE INDEX checkouts_merchant_order ON checkouts (merchant_id, order_reference);
CREATE INDEX checkouts_expiring ON checkouts (expires_at) WHERE status IN ('open', 'failed');

-- The quote: one row per (chain, token) offered, frozen at creation.
CREATE TABLE payment_options (
  checkout_id   uuid          NOT NULL REFERENCES checkouts (id),
  chain_id      bigint        NOT NULL,
  token         text          NOT NULL,
  token_address text CHECK (token_address ~ '^0x[0-9a-f]{40}$'),
  decimals      integer       NOT NULL,
  amount_base   numeric(78, 0) NOT NULL CHECK (amount_base > 0),
  recipient     text          NOT NULL CHECK (recipient ~ '^0x[0-9a-f]{40}$'),
  PRIMARY KEY (checkout_id, chain_id, token)
);

-- One row per submitted transaction. The unique, lowercase tx_hash is the guard that makes a hash
-- single-use across the whole system, whatever the case it was submitted in and however many race.
CREATE TABLE payments (
  id              bigserial PRIMARY KEY,
  checkout_id     uuid        NOT NULL REFERENCES checkouts (id),
  chain_id        bigint      NOT NULL,
  token           text        NOT NULL,
  tx_hash         text        NOT NULL CHECK (tx_hash ~ '^0x[0-9a-f]{64}$'),
  status          text        NOT NULL CHECK (status IN ('submitted', 'mined', 'confirmed', 'rejected')),
  reason          text,
  payer           text,
  amount_base     numeric(78, 0),
  block_number    bigint,
  block_hash      text,
  block_time      timestamptz,
  submitted_at    timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL,
  CONSTRAINT payments_tx_hash_unique UNIQUE (tx_hash),
  FOREIGN KEY (checkout_id, chain_id, token) REFERENCES payment_options (checkout_id, chain_id, token)
);
CREATE INDEX payments_active_by_chain ON payments (chain_id) WHERE status IN ('submitted', 'mined');
CREATE INDEX payments_by_checkout ON payments (checkout_id);

ALTER TABLE checkouts ADD CONSTRAINT checkouts_paid_payment FOREIGN KEY (paid_payment_id) REFERENCES payments (id);

-- Append-only audit trail: every state change of a checkout or payment, with who caused it.
CREATE TABLE checkout_events (
  id          bigserial PRIMARY KEY,
  checkout_id uuid        NOT NULL REFERENCES checkouts (id),
  payment_id  bigint REFERENCES payments (id),
  from_status text,
  to_status   text        NOT NULL,
  reason      text,
  actor       text        NOT NULL,
  details     jsonb       NOT NULL DEFAULT '{}',
  at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX checkout_events_by_checkout ON checkout_events (checkout_id, id);

-- Stripe-style idempotency for the merchant API: the first response for a key is replayed.
CREATE TABLE idempotency_keys (
  merchant_id         uuid        NOT NULL REFERENCES merchants (id),
  idempotency_key     text        NOT NULL,
  request_fingerprint bytea       NOT NULL,
  response_status     integer,
  response_body       jsonb,
  created_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (merchant_id, idempotency_key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
