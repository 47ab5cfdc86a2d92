-- Tollgate schema, version 16 (issue 18, the rest): per-checkout settlement terms, duplicate
-- payments kept refundable, several transfers per refund.

-- The merchant's amount rules (V8's columns, now settable through the API and the CLI) frozen on
-- each checkout when it is created: a change applies to new checkouts, never to one being paid.
-- NULL on checkouts made before this version: the merchant's current rule applies, as before.
ALTER TABLE checkouts
  ADD COLUMN tolerance_bps_stable integer CHECK (tolerance_bps_stable BETWEEN 0 AND 1000),
  ADD COLUMN tolerance_bps_native integer CHECK (tolerance_bps_native BETWEEN 0 AND 1000),
  ADD COLUMN overpayments         text    CHECK (overpayments IN ('accept', 'refuse'));

-- Money that reached a checkout which could not take it (already paid, or paid in another option):
-- the claim is credited ('confirmed', so the transaction can credit nothing else) and flagged
-- duplicate; its own balance amount_base - refunded_base is refundable by the same compare-and-set
-- as a checkout's.
ALTER TABLE payments
  ADD COLUMN duplicate     boolean        NOT NULL DEFAULT false,
  ADD COLUMN refunded_base numeric(78, 0) NOT NULL DEFAULT 0 CHECK (refunded_base >= 0),
  ADD CONSTRAINT payments_refunds_within_amount CHECK (refunded_base <= coalesce(amount_base, 0));
CREATE INDEX payments_duplicates ON payments (checkout_id) WHERE duplicate;

-- A refund of one duplicate payment (its balance, its token, back to its sender); NULL: of the
-- checkout's received money.
ALTER TABLE refunds ADD COLUMN payment_id bigint REFERENCES payments (id);
-- A refund may have several transfers posted (a replacement for one never mined or dropped); the
-- one that verified is refunds.tx_hash, a second one verifying is flagged extra (money the shop
-- sent twice, shown, never counted twice).
ALTER TABLE payments ADD COLUMN extra_transfer boolean NOT NULL DEFAULT false;
CREATE INDEX payments_by_refund ON payments (refund_id) WHERE refund_id IS NOT NULL;

-- Endpoints made before these events existed list the types they chose: one hearing of paid
-- checkouts hears of duplicate payments too, one hearing of succeeded refunds of extra transfers
-- (money never kept silently, nor sent twice unseen).
UPDATE webhook_endpoints SET event_types = event_types || ARRAY['checkout.duplicate_payment']
WHERE 'checkout.paid' = ANY (event_types) AND NOT 'checkout.duplicate_payment' = ANY (event_types);
UPDATE webhook_endpoints SET event_types = event_types || ARRAY['refund.extra_transfer']
WHERE 'refund.succeeded' = ANY (event_types) AND NOT 'refund.extra_transfer' = ANY (event_types);
