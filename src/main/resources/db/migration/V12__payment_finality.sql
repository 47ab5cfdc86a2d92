-- Tollgate schema, version 12: payments that survive reorgs.
--
-- A confirmed payment is re-checked once its block is a chain's finality depth deep: the receipt is
-- fetched again and its block hash compared with the one recorded at confirmation. Same block →
-- `final`. Mined again in another block → the facts are updated and checked again later. Gone on two
-- consecutive checks (so one flaky provider cannot cause it) → the payment is `reversed` and so is
-- the checkout it paid; the shop hears `checkout.payment_reversed`.

ALTER TABLE payments ADD COLUMN final boolean NOT NULL DEFAULT false;
ALTER TABLE payments ADD COLUMN final_at timestamptz;
-- Consecutive finality checks that found no receipt; reset by any check that finds one.
ALTER TABLE payments ADD COLUMN finality_misses integer NOT NULL DEFAULT 0 CHECK (finality_misses >= 0);

-- Payments confirmed before this version were accepted by the rules of their day and are long buried:
-- they are not re-checked.
UPDATE payments SET final = true, final_at = now() WHERE status = 'confirmed';

-- The watcher's per-head read of the confirmed payments due for their finality check.
CREATE INDEX payments_awaiting_finality ON payments (chain_id, block_number) WHERE status = 'confirmed' AND NOT final;

ALTER TABLE payments DROP CONSTRAINT payments_status_check;
ALTER TABLE payments ADD CONSTRAINT payments_status_check
  CHECK (status IN ('submitted', 'mined', 'confirmed', 'rejected', 'reversed'));

-- The checkout constraint is widened, not replaced (as V8 does): states other migrations added stay.
DO $$
DECLARE
  existing text[];
  wanted text[];
BEGIN
  -- the definition reads ARRAY['open'::text, ...] when written with IN (...), '{open,...}'::text[]
  -- when written from an array literal (as V8 does): take the states from either form
  SELECT array_agg(m[1]) INTO existing
  FROM pg_constraint c, regexp_matches(pg_get_constraintdef(c.oid), '''([a-z_]+)''', 'g') AS m
  WHERE c.conname = 'checkouts_status_check' AND c.conrelid = 'checkouts'::regclass;
  SELECT coalesce(existing, '{}'::text[]) || coalesce(string_to_array(substring(pg_get_constraintdef(c.oid) FROM '''\{([a-z_,]*)\}'''), ','), '{}'::text[])
  INTO existing
  FROM pg_constraint c
  WHERE c.conname = 'checkouts_status_check' AND c.conrelid = 'checkouts'::regclass;
  SELECT array_agg(DISTINCT s ORDER BY s) INTO wanted
  FROM unnest(coalesce(existing, '{}'::text[]) || ARRAY['open', 'pending', 'paid', 'failed', 'expired', 'reversed']) s;
  ALTER TABLE checkouts DROP CONSTRAINT IF EXISTS checkouts_status_check;
  EXECUTE format('ALTER TABLE checkouts ADD CONSTRAINT checkouts_status_check CHECK (status = ANY (%L::text[]))', wanted);
END
$$;

-- The poll document gains the payment's `final` flag (whether its finality check passed); it keeps
-- V8's amounts and its rule that refund transfers are not the checkout's payments.
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
                    'status', p.status, 'reason', p.reason, 'blockNumber', p.block_number, 'final', p.final)
           FROM payments p
           WHERE p.checkout_id = c.id AND p.kind = 'payment'
           -- the payment that explains the status: the one that paid (or was reversed), else an active one, else the latest
           ORDER BY (p.status IN ('confirmed', 'reversed') AND p.id IS NOT DISTINCT FROM c.paid_payment_id) DESC,
                    (p.status IN ('mined', 'submitted')) DESC,
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
