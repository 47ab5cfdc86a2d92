-- Merchants and keys managed without SQL (CLI and operator API), and test mode.
--
-- Test mode: a key is 'test' (tg_test_..., test networks only) or 'live' (tg_live_..., the others),
-- and so is everything made with it: checkouts, webhook endpoints and webhook events. The two
-- never mix: a live endpoint never receives a test event, a test key never sees a live checkout.

-- Chains treated as test networks by default (a deployment can change this per chain with
-- chain.<id>.testnet): anvil/hardhat, Sepolia, Holesky, Hoodi, Base/OP/Arbitrum Sepolia, Polygon Amoy.
-- Used here only to classify what existed before modes did.
CREATE FUNCTION pg_temp.known_testnet(chain bigint) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT chain IN (31337, 1337, 11155111, 17000, 560048, 84532, 11155420, 421614, 80002)
$$;

-- Keys made before modes (tg_ + 43 characters) keep working. Their mode: 'test' when every payment
-- method of their merchant is on a known test network (a dev or staging merchant), else 'live'. A
-- merchant on both kinds gets a live legacy key and can create a test key for its test networks.
ALTER TABLE api_keys
  ADD COLUMN mode         text CHECK (mode IN ('test', 'live')),
  -- set when the key was rotated: it keeps working until then (the overlap window), then stops
  ADD COLUMN expires_at   timestamptz,
  -- refreshed at most once a minute per instance (on a cache miss), so it costs the hot path nothing
  ADD COLUMN last_used_at timestamptz,
  ADD COLUMN rotated_to   uuid REFERENCES api_keys (id);
UPDATE api_keys k SET mode = CASE
  WHEN EXISTS (SELECT 1 FROM merchant_payment_methods pm WHERE pm.merchant_id = k.merchant_id)
   AND NOT EXISTS (SELECT 1 FROM merchant_payment_methods pm
                   WHERE pm.merchant_id = k.merchant_id AND NOT pg_temp.known_testnet(pm.chain_id))
  THEN 'test' ELSE 'live' END;
ALTER TABLE api_keys ALTER COLUMN mode SET NOT NULL;
CREATE INDEX api_keys_by_merchant ON api_keys (merchant_id, created_at);

ALTER TABLE merchants ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();

-- Checkouts: the mode of the key that made them. Existing ones: 'test' when every option is on a
-- known test network. The default keeps direct inserts (tests, tools) working; the service always
-- sets it.
ALTER TABLE checkouts ADD COLUMN mode text NOT NULL DEFAULT 'live' CHECK (mode IN ('test', 'live'));
UPDATE checkouts c SET mode = 'test'
WHERE EXISTS (SELECT 1 FROM payment_options o WHERE o.checkout_id = c.id)
  AND NOT EXISTS (SELECT 1 FROM payment_options o WHERE o.checkout_id = c.id AND NOT pg_temp.known_testnet(o.chain_id));

-- Webhook endpoints receive the events of their own mode only (the mode of the key that made them).
ALTER TABLE webhook_endpoints ADD COLUMN mode text NOT NULL DEFAULT 'live' CHECK (mode IN ('test', 'live'));
UPDATE webhook_endpoints e SET mode = 'test'
WHERE EXISTS (SELECT 1 FROM api_keys k WHERE k.merchant_id = e.merchant_id)
  AND NOT EXISTS (SELECT 1 FROM api_keys k WHERE k.merchant_id = e.merchant_id AND k.mode = 'live');

ALTER TABLE webhook_events ADD COLUMN mode text NOT NULL DEFAULT 'live' CHECK (mode IN ('test', 'live'));
UPDATE webhook_events ev SET mode = c.mode FROM checkouts c WHERE c.id = ev.checkout_id;
