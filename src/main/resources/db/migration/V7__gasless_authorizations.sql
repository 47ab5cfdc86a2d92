-- Tollgate schema, version 7: gasless (EIP-3009) payments.
--
-- A buyer without ETH signs a TransferWithAuthorization for the checkout's exact terms and the
-- shop's relayer sends it (package io.tollgate.relay, table relays). This table is the checkout's
-- side: which authorization a checkout accepted, and where its relay is. The relayed transaction
-- itself is recorded as an ordinary claim in `payments` (one row per broadcast hash, bumps
-- included) and verified by the chain watcher like any other payment.

CREATE TABLE gasless_authorizations (
  id             bigserial     PRIMARY KEY,
  checkout_id    uuid          NOT NULL REFERENCES checkouts (id),
  chain_id       bigint        NOT NULL,
  token          text          NOT NULL,
  token_address  text          NOT NULL CHECK (token_address ~ '^0x[0-9a-f]{40}$'),
  payer          text          NOT NULL CHECK (payer ~ '^0x[0-9a-f]{40}$'),
  nonce          text          NOT NULL CHECK (nonce ~ '^0x[0-9a-f]{64}$'),
  amount_base    numeric(78, 0) NOT NULL,
  valid_after    bigint        NOT NULL,
  valid_before   bigint        NOT NULL,
  signature      text          NOT NULL,
  -- reserved: every term checked, the relayer is being asked (a lease until reserved_until);
  -- relaying: the relayer accepted it; sent: a transaction is broadcast (claimed in payments);
  -- mined: the relayer saw it mined; failed: the relay gave up (the checkout failed relay_failed).
  state          text          NOT NULL CHECK (state IN ('reserved', 'relaying', 'sent', 'mined', 'failed')),
  relay_id       uuid,
  failure_detail text,
  reserved_until timestamptz,
  created_at     timestamptz   NOT NULL DEFAULT now(),
  updated_at     timestamptz   NOT NULL DEFAULT now(),
  -- A token accepts each (from, nonce) once: so does a checkout, and so does Tollgate.
  CONSTRAINT gasless_authorization_once UNIQUE (chain_id, token_address, payer, nonce)
);

-- At most one authorization of a checkout is on its way at a time: two would charge the buyer twice.
CREATE UNIQUE INDEX gasless_one_in_flight_per_checkout ON gasless_authorizations (checkout_id)
  WHERE state IN ('reserved', 'relaying', 'sent');
CREATE INDEX gasless_unsettled ON gasless_authorizations (updated_at) WHERE state IN ('reserved', 'relaying', 'sent');
CREATE INDEX gasless_by_relay ON gasless_authorizations (relay_id);
