-- The status a buyer's browser polls, as one JSON document per checkout. The same definition feeds
-- NOTIFY payloads (pushed to every instance's status cache on each change) and cache misses, so
-- the two can never disagree. Times are epoch milliseconds.
CREATE VIEW checkout_status_snapshot AS
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
           WHERE p.checkout_id = c.id
           -- the payment that explains the status: the one that paid, else an active one, else the latest
           ORDER BY (p.status = 'confirmed') DESC, (p.status IN ('mined', 'submitted')) DESC, p.id DESC
           LIMIT 1)
       ) AS doc
FROM checkouts c;
