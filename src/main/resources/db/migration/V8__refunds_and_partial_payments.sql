-- Tollgate schema, version 8 (issue 18): money back and money off-script. Refunds for every payment
-- source, partial payments (underpaid, topped up), over-payments, late payments accepted, recovery.
--
-- Amounts a checkout received and gave back are kept in one unit per checkout: base units of the
-- (chain, token) that paid it on-chain, or millionths of the currency when a processor paid it.
-- received_base - refunded_base is the refundable balance; refunded_base counts succeeded AND
-- in-flight refunds, and a refund is created only by a compare-and-set on these two columns, so the
-- sum of refunds can never exceed what was received, however many requests race.

-- New checkout states: underpaid, canceled. The constraint is widened, not replaced: whatever
-- states another migration added before this one are kept.
DO $$
DECLARE
  existing text[];
  wanted text[];
BEGIN
  SELECT array_agg(m[1]) INTO existing
  FROM pg_constraint c, regexp_matches(pg_get_constraintdef(c.oid), '''([a-z_]+)''', 'g') AS m
  WHERE c.conname = 'checkouts_status_check' AND c.conrelid = 'checkouts'::regclass;
  SELECT array_agg(DISTINCT s ORDER BY s) INTO wanted
  FROM unnest(coalesce(existing, '{}'::text[]) || ARRAY['open', 'pending', 'underpaid', 'paid', 'failed', 'expired', 'canceled']) s;
  ALTER TABLE checkouts DROP CONSTRAINT IF EXISTS checkouts_status_check;
  EXECUTE format('ALTER TABLE checkouts ADD CONSTRAINT checkouts_status_check CHECK (status = ANY (%L::text[]))', wanted);
END
$$;
ALTER TABLE checkouts
  ADD COLUMN received_base     numeric(78, 0) NOT NULL DEFAULT 0 CHECK (received_base >= 0),
  ADD COLUMN refunded_base     numeric(78, 0) NOT NULL DEFAULT 0 CHECK (refunded_base >= 0),
  -- what paid beyond the quote (refundable with {excess: true}, once while not refunded)
  ADD COLUMN excess_base       numeric(78, 0) NOT NULL DEFAULT 0 CHECK (excess_base >= 0),
  ADD COLUMN excess_refunded   boolean        NOT NULL DEFAULT false,
  -- the option the received money is in; top-ups must use the same one
  ADD COLUMN received_chain_id bigint,
  ADD COLUMN received_token    text,
  ADD CONSTRAINT checkouts_refunds_within_received CHECK (refunded_base <= received_base);
DROP INDEX checkouts_expiring;
CREATE INDEX checkouts_expiring ON checkouts (expires_at) WHERE status IN ('open', 'failed', 'underpaid');
-- Listing: newest first with a stable (created_at, id) cursor.
CREATE INDEX checkouts_listing ON checkouts (merchant_id, created_at DESC, id DESC);

-- Per-merchant rules for amounts off-script. A shortfall up to the tolerance (basis points of the
-- quote) pays; an over-payment is paid with its excess refundable, or refused as before.
ALTER TABLE merchants
  ADD COLUMN underpayment_tolerance_bps_stable integer NOT NULL DEFAULT 0
    CHECK (underpayment_tolerance_bps_stable BETWEEN 0 AND 1000),
  ADD COLUMN underpayment_tolerance_bps_native integer NOT NULL DEFAULT 50
    CHECK (underpayment_tolerance_bps_native BETWEEN 0 AND 1000),
  ADD COLUMN overpayments text NOT NULL DEFAULT 'accept' CHECK (overpayments IN ('accept', 'refuse'));

-- One row per refund. On-chain: the shop sends the transfer from the recipient to the payer and
-- posts its hash; a claim of kind 'refund' in payments is verified by the chain watcher.
-- Processor: awaiting the processor's refund webhook.
CREATE TABLE refunds (
  id                  uuid PRIMARY KEY,
  checkout_id         uuid          NOT NULL REFERENCES checkouts (id),
  merchant_id         uuid          NOT NULL REFERENCES merchants (id),
  method              text          NOT NULL CHECK (method IN ('onchain', 'processor')),
  status              text          NOT NULL
    CHECK (status IN ('awaiting_transfer', 'verifying', 'awaiting_processor', 'succeeded', 'failed', 'canceled')),
  reason              text,
  excess              boolean       NOT NULL DEFAULT false,
  amount              numeric(36, 6) NOT NULL CHECK (amount >= 0),
  amount_base         numeric(78, 0) NOT NULL CHECK (amount_base > 0),
  chain_id            bigint,
  token               text,
  token_address       text,
  source_address      text,
  destination         text,
  provider            text,
  tx_hash             text,
  failure_reason      text,
  failure_detail      text,
  actor               text          NOT NULL,
  created_at          timestamptz   NOT NULL DEFAULT now(),
  updated_at          timestamptz   NOT NULL DEFAULT now()
);
CREATE INDEX refunds_by_checkout ON refunds (checkout_id, created_at);

-- A claim is a buyer's payment or a shop's refund transfer; both are watched the same way.
ALTER TABLE payments
  ADD COLUMN kind      text NOT NULL DEFAULT 'payment' CHECK (kind IN ('payment', 'refund')),
  ADD COLUMN refund_id uuid REFERENCES refunds (id),
  -- an operator's or shop's recovery claim: verified ignoring only the checkout's expiry and the
  -- buyer's binding (any sender), everything else as for a payment
  ADD COLUMN recovery  boolean NOT NULL DEFAULT false,
  ADD CONSTRAINT payments_refund_kind CHECK ((kind = 'refund') = (refund_id IS NOT NULL));
CREATE INDEX payments_by_tx_hash ON payments (tx_hash);
CREATE INDEX checkouts_by_payer ON checkouts (merchant_id, payer);

-- The poll document: refund transfers are not the checkout's payments; amounts due and received.
CREATE OR REPLACE VIEW checkout_status_snapshot AS
SELECT c.id,
       json_build_object(
         'id', c.id,
         'version', c.version,
         'status', c.status,
         'reason', c.status_reason,
         'expiresAt', (extract(epoch FROM c.expires_at) * 1000)::bigint,
         'payer', c.payer,
         'payment', (
           SELECT json_build_object(
                    'id', p.id, 'chainId', p.chain_id, 'token', p.token, 'txHash', p.tx_hash,
                    'status', p.status, 'reason', p.reason, 'blockNumber', p.block_number)
           FROM payments p
           WHERE p.checkout_id = c.id AND p.kind = 'payment'
           ORDER BY (p.status = 'confirmed' AND p.id IS NOT DISTINCT FROM c.paid_payment_id) DESC, (p.status IN ('mined', 'submitted')) DESC,
                    (p.status = 'confirmed') DESC, p.id DESC
           LIMIT 1),
         'received', CASE WHEN c.received_base > 0 THEN c.received_base::text END,
         'amountDue', (
           SELECT CASE WHEN c.status IN ('underpaid', 'pending') AND c.received_base > 0
                       THEN greatest(o.amount_base - c.received_base, 0)::text END
           FROM payment_options o
           WHERE o.checkout_id = c.id AND o.chain_id = c.received_chain_id AND o.token = c.received_token)
       ) AS doc
FROM checkouts c;

-- What a checkout's received total does to it, the one rule both verdict writers apply: 'paid' at
-- or above the quote less the tolerance (basis points), 'overpaid' above the quote when the
-- merchant refuses over-payments, else 'underpaid'.
CREATE FUNCTION tollgate_settlement(received numeric, due numeric, tolerance_bps integer, overpayments text)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN received < ceil(due * (10000 - tolerance_bps) / 10000.0) THEN 'underpaid'
              WHEN received > due AND overpayments = 'refuse' THEN 'overpaid'
              ELSE 'paid' END
$$;
