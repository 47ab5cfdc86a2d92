-- What the token logged in the transaction that mined a relay, as the relay leader saw it when it
-- settled the relay (the round's eth_getLogs, or the receipt it asked instead): its Transfer events
-- from the authorizer and whether it logged AuthorizationUsed for the relay's nonce, as
-- {"authorizationUsed": bool, "transfers": [{"from", "to", "value"}]}. The x402 facilitator checks
-- the transfer the payer signed is among them (the reference's transfer event check) without a
-- call of its own. NULL: not mined, a wallet deploy, or mined before this column.
ALTER TABLE relays ADD COLUMN mined_logs jsonb;
