-- Tollgate schema, version 5: every accepted payment proves which checkout it was for.
--
-- A transaction hash is public the moment it reaches the mempool, so whoever submits it first must
-- not decide whose money it is. A row of `payments` is therefore a checkout's *claim* on a
-- transaction: several checkouts may claim one hash, each claim is judged against its own
-- checkout (its bound payer, amount, recipient), and a claim refused for a reason of its own never
-- blocks the rightful one. What stays single-use is the credit: at most one claim per hash is
-- confirmed, and that unique index, not a pre-check, is the guard against races.

-- How a merchant's checkouts attribute direct transfers. 'required' (the default): a transfer
-- counts only for a checkout whose payer is bound (Sign-In with Ethereum, or preset by the shop).
-- 'optional' lets an unbound checkout take any transfer of the right amount to the recipient, which
-- is unsafe whenever two checkouts can have the same amount and recipient (a ticket drop).
ALTER TABLE merchants ADD COLUMN payer_binding text NOT NULL DEFAULT 'required'
  CHECK (payer_binding IN ('required', 'optional'));

ALTER TABLE payments DROP CONSTRAINT payments_tx_hash_unique;
-- A checkout claims a hash once: a repeated submission is answered with the claim's current state.
ALTER TABLE payments ADD CONSTRAINT payments_claim_once UNIQUE (checkout_id, tx_hash);
-- At most one claim per hash is ever credited (confirmed, on time or late).
CREATE UNIQUE INDEX payments_tx_hash_credited ON payments (tx_hash) WHERE status = 'confirmed';
