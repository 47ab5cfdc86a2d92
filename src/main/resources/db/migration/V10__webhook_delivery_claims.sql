-- A delivery being sent right now, and until when its sender holds it (issue 22): per-endpoint
-- concurrency counts these, and the outcome clears it in the same write. NULL when not claimed.
ALTER TABLE webhook_deliveries ADD COLUMN claimed_until timestamptz;
CREATE INDEX webhook_deliveries_claimed ON webhook_deliveries (endpoint_id) WHERE claimed_until IS NOT NULL;
