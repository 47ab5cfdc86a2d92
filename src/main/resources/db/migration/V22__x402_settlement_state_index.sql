-- The x402 settlement follower's catch-up (Settlements.quiet, every second on every instance):
--   SELECT * FROM x402_settlements WHERE state = 'settling' AND relay_id IS NOT NULL
--     AND updated_at < now() - interval 'N seconds' ORDER BY updated_at LIMIT 100
-- Without an index this reads the whole table, which only grows (settled and failed rows stay). The
-- rows it scans are the few still settling with a relay: a partial index on them, ordered as the
-- query reads them, keeps the sweep an index range scan of the settling rows, however many ended.
CREATE INDEX x402_settlements_settling ON x402_settlements (updated_at)
  WHERE state = 'settling' AND relay_id IS NOT NULL;
