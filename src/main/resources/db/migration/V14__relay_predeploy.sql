-- ERC-6492 wallets not deployed yet (issue 16): the relayer deploys the wallet through its
-- (allowlisted) factory before relaying the transfer. The deploy is its own row, stored in the same
-- transaction as the transfer's, so it takes the key's nonce just before the transfer's and has the
-- same write-ahead, bump, rebroadcast and give-up handling. `precedes` names the transfer relay.
ALTER TABLE relays ADD COLUMN precedes uuid REFERENCES relays (relay_id);
