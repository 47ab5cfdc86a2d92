-- The operator console (issue 20): the operator searches every merchant's checkouts, so the
-- listing's filters need indexes that do not start with merchant_id; the live drop view counts
-- rejected payments of the last minutes.
CREATE INDEX checkouts_created ON checkouts (created_at DESC, id DESC);
CREATE INDEX checkouts_order_reference ON checkouts (order_reference);
CREATE INDEX checkouts_payer ON checkouts (payer) WHERE payer IS NOT NULL;
CREATE INDEX payments_payer ON payments (payer) WHERE payer IS NOT NULL;
CREATE INDEX payments_submitted ON payments (submitted_at);
-- Failed deliveries per endpoint (the console's webhook page, listWebhookEvents?deliveryStatus=failed).
CREATE INDEX webhook_deliveries_failed ON webhook_deliveries (endpoint_id, updated_at) WHERE status = 'failed';
