-- The rate each payment option was quoted at, with where it came from: a checkout in EUR paid in USDC
-- records EUR-USD, one paid in ETH records ETH-EUR. NULL for a USD stablecoin in a USD checkout.
ALTER TABLE payment_options
  ADD COLUMN rate_pair    text,
  ADD COLUMN rate         numeric,
  ADD COLUMN rate_sources text[],
  ADD COLUMN rated_at     timestamptz;
