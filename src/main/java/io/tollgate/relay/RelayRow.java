package io.tollgate.relay;

import io.vertx.sqlclient.Row;
import java.math.BigInteger;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** One row of {@code relays}, as the store reads it. */
record RelayRow(UUID relayId, AuthorizationKey key, String tokenContract, byte[] calldata, Instant validBefore,
    String purpose, String relayer, long gasLimit, RelayState state, Long txNonce, byte[] rawTx, String currentHash,
    List<String> txHashes, Fees fees, int bumps, int cancelBumps, boolean cancelling, Instant broadcastAt,
    boolean nonceSettled, String minedHash, String failureReason, String failureDetail, UUID precedes, MinedLogs minedLogs) {

  static final String COLUMNS = "relay_id, chain_id, token, from_address, auth_nonce, token_contract, calldata,"
      + " valid_before, purpose, relayer, gas_limit, state, tx_nonce, raw_tx, current_hash, tx_hashes, max_fee_wei,"
      + " priority_fee_wei, bumps, cancel_bumps, cancelling, broadcast_at, nonce_settled, mined_hash, failure_reason,"
      + " failure_detail, precedes, mined_logs";

  static RelayRow of(Row r) {
    String[] hashes = r.getArrayOfStrings("tx_hashes");
    BigInteger maxFee = r.getBigDecimal("max_fee_wei") == null ? null : r.getBigDecimal("max_fee_wei").toBigInteger();
    BigInteger tip = r.getBigDecimal("priority_fee_wei") == null ? null : r.getBigDecimal("priority_fee_wei").toBigInteger();
    return new RelayRow(r.getUUID("relay_id"),
        new AuthorizationKey(r.getLong("chain_id"), r.getString("token"), r.getString("from_address"), r.getString("auth_nonce")),
        r.getString("token_contract"), r.getBuffer("calldata").getBytes(), instant(r, "valid_before"),
        r.getString("purpose"), r.getString("relayer"), r.getLong("gas_limit"), RelayState.valueOf(r.getString("state")),
        r.getLong("tx_nonce"), r.getBuffer("raw_tx") == null ? null : r.getBuffer("raw_tx").getBytes(),
        r.getString("current_hash"), hashes == null ? List.of() : Arrays.asList(hashes),
        maxFee == null ? null : new Fees(maxFee, tip), r.getInteger("bumps"), r.getInteger("cancel_bumps"),
        r.getBoolean("cancelling"), instant(r, "broadcast_at"), r.getBoolean("nonce_settled"), r.getString("mined_hash"),
        r.getString("failure_reason"), r.getString("failure_detail"), r.getUUID("precedes"),
        MinedLogs.fromJson(r.getJsonObject("mined_logs")));
  }

  private static Instant instant(Row r, String column) {
    var value = r.getOffsetDateTime(column);
    return value == null ? null : value.toInstant();
  }

  static java.time.OffsetDateTime utc(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  long chainId() {
    return key.chainId();
  }

  /** Whether this row deploys the payer's wallet for the transfer {@link #precedes} names (not a token call). */
  boolean deploy() {
    return precedes != null;
  }

  /** Whether its current transaction is stored and was never accepted by a node. */
  boolean awaitingBroadcast() {
    return rawTx != null && broadcastAt == null;
  }

  RelayTicket ticket() {
    Optional<String> current = minedHash != null ? Optional.of(minedHash)
        : txHashes.isEmpty() ? Optional.empty() : Optional.of(txHashes.get(txHashes.size() - 1));
    return new RelayTicket(relayId, key, purpose, state, current, txHashes, Optional.ofNullable(failureReason),
        Optional.ofNullable(failureDetail), Optional.ofNullable(minedLogs));
  }
}
