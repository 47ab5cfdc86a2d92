-- Tollgate schema, version 4: signed webhooks out (endpoints, outbox, delivery log), in (stored
-- processor events), processor payments and late on-chain payments.

-- A merchant's webhook receivers. Signing secrets are stored only sealed (SecretBox, AES-GCM with
-- the row id as associated data); during a rotation the previous secret keeps signing until
-- previous_secret_expires_at. Deleted endpoints keep their rows (deleted_at) so the delivery log stays.
CREATE TABLE webhook_endpoints (
  id                          uuid PRIMARY KEY,
  merchant_id                 uuid        NOT NULL REFERENCES merchants (id),
  url                         text        NOT NULL,
  description                 text,
  event_types                 text[]      NOT NULL,
  enabled                     boolean     NOT NULL DEFAULT true,
  disabled_reason             text,
  disabled_at                 timestamptz,
  secret_sealed               bytea       NOT NULL,
  previous_secret_sealed      bytea,
  previous_secret_expires_at  timestamptz,
  -- first failed attempt since the last success; five days of failing disables the endpoint
  failing_since               timestamptz,
  created_at                  timestamptz NOT NULL DEFAULT now(),
  updated_at                  timestamptz NOT NULL DEFAULT now(),
  deleted_at                  timestamptz
);
CREATE INDEX webhook_endpoints_by_merchant ON webhook_endpoints (merchant_id) WHERE deleted_at IS NULL;

-- The outbox: one row per event, written in the transaction of the state change that caused it.
-- body holds the exact bytes that are signed and sent on every attempt and resend.
CREATE TABLE webhook_events (
  id          text PRIMARY KEY,
  merchant_id uuid        NOT NULL REFERENCES merchants (id),
  type        text        NOT NULL,
  checkout_id uuid REFERENCES checkouts (id),
  body        text        NOT NULL,
  created_at  timestamptz NOT NULL
);
CREATE INDEX webhook_events_by_merchant ON webhook_events (merchant_id, created_at DESC);
CREATE INDEX webhook_events_by_checkout ON webhook_events (checkout_id);

-- One row per (event, endpoint). pending rows with next_attempt_at <= now() are due; a claim
-- pushes next_attempt_at ahead by a lease, so a dispatcher that dies mid-send is retried later.
CREATE TABLE webhook_deliveries (
  id              bigserial PRIMARY KEY,
  event_id        text        NOT NULL REFERENCES webhook_events (id),
  endpoint_id     uuid        NOT NULL REFERENCES webhook_endpoints (id),
  status          text        NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
  attempts        integer     NOT NULL DEFAULT 0,
  next_attempt_at timestamptz,
  last_attempt_at timestamptz,
  last_status_code integer,
  last_error      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT webhook_deliveries_once UNIQUE (event_id, endpoint_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id, created_at);

-- The delivery log: every attempt, whatever its outcome.
CREATE TABLE webhook_attempts (
  id            bigserial PRIMARY KEY,
  delivery_id   bigint      NOT NULL REFERENCES webhook_deliveries (id),
  event_id      text        NOT NULL,
  endpoint_id   uuid        NOT NULL,
  attempt       integer     NOT NULL,
  attempted_at  timestamptz NOT NULL,
  outcome       text        NOT NULL CHECK (outcome IN ('success', 'retry', 'gone')),
  status_code   integer,
  latency_ms    integer     NOT NULL,
  error         text,
  response_body text
);
CREATE INDEX webhook_attempts_by_event ON webhook_attempts (event_id, id);
CREATE INDEX webhook_attempts_by_endpoint ON webhook_attempts (endpoint_id, id DESC);

-- Inbound processor webhooks, stored raw before any processing and deduplicated by (variant, event id).
CREATE TABLE inbound_webhook_events (
  id           bigserial PRIMARY KEY,
  variant      text        NOT NULL,
  provider     text        NOT NULL,
  event_id     text        NOT NULL,
  kind         text        NOT NULL,
  merchant_id  uuid REFERENCES merchants (id),
  raw_body     text        NOT NULL,
  payload      jsonb       NOT NULL,
  received_at  timestamptz NOT NULL DEFAULT now(),
  status       text        NOT NULL CHECK (status IN ('received', 'processed', 'ignored', 'unmatched', 'failed')),
  outcome      text,
  attempts     integer     NOT NULL DEFAULT 0,
  processed_at timestamptz,
  last_error   text,
  stack_trace  text,
  CONSTRAINT inbound_webhook_events_once UNIQUE (variant, event_id)
);
CREATE INDEX inbound_webhook_events_attention ON inbound_webhook_events (received_at) WHERE status IN ('failed', 'unmatched');

-- Payments made through another processor (Stripe, NodeRails) for a checkout.
CREATE TABLE processor_payments (
  id                   bigserial PRIMARY KEY,
  checkout_id          uuid          NOT NULL REFERENCES checkouts (id),
  provider             text          NOT NULL,
  processor_payment_id text          NOT NULL,
  processor_session_id text,
  charge_id            text,
  status               text          NOT NULL CHECK (status IN ('authorized', 'succeeded', 'failed', 'refunded', 'partially_refunded')),
  amount               numeric(36, 6),
  currency             text,
  refunded_amount      numeric(36, 6),
  failure_reason       text,
  created_at           timestamptz   NOT NULL DEFAULT now(),
  updated_at           timestamptz   NOT NULL DEFAULT now(),
  CONSTRAINT processor_payments_once UNIQUE (provider, processor_payment_id)
);
CREATE INDEX processor_payments_by_checkout ON processor_payments (checkout_id);
CREATE INDEX processor_payments_by_session ON processor_payments (provider, processor_session_id);

-- Chargebacks, recorded for manual review.
CREATE TABLE processor_disputes (
  id          bigserial PRIMARY KEY,
  checkout_id uuid        NOT NULL REFERENCES checkouts (id),
  provider    text        NOT NULL,
  dispute_id  text        NOT NULL,
  amount      numeric(36, 6),
  currency    text,
  reason      text,
  status      text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT processor_disputes_once UNIQUE (provider, dispute_id)
);

-- A checkout paid through a processor points at that payment (paid_payment_id stays for on-chain).
ALTER TABLE checkouts ADD COLUMN paid_processor_payment_id bigint REFERENCES processor_payments (id);

-- A correct payment mined after the checkout expired: recorded (status confirmed, late = true),
-- the checkout stays expired and the shop is told (checkout.paid_late).
ALTER TABLE payments ADD COLUMN late boolean NOT NULL DEFAULT false;
