package io.tollgate.x402;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.relay.AuthorizationKey;
import io.tollgate.relay.MinedLogs;
import io.tollgate.relay.RelayState;
import io.tollgate.relay.RelayTicket;
import java.math.BigInteger;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A finished relay as the settle answer: mined is a success only with the signed transfer logged. */
class SettleOutcomeTest {
  private static final String PAYER = "0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  private static final String PAY_TO = "0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
  private static final String HASH = "0x" + "ab".repeat(32);
  private static final Settlement SETTLEMENT = new Settlement(UUID.randomUUID(), null,
      new AuthorizationKey(31337, "0xcccccccccccccccccccccccccccccccccccccccc", PAYER, "0x" + "01".repeat(32)), new byte[32],
      "eip155:31337", PAY_TO, "1000000", UUID.randomUUID(), Settlement.SETTLING, null, null, OffsetDateTime.now(),
      OffsetDateTime.now());

  @Test
  void minedWithTheSignedTransferLoggedIsSettled() {
    SettleOutcome o = SettleOutcome.of(mined(new MinedLogs(true, List.of(
        new MinedLogs.TokenTransfer(PAYER.toUpperCase().replace("0X", "0x"), PAY_TO, BigInteger.valueOf(1_000_000))))), SETTLEMENT);
    assertThat(o.success()).isTrue();
    assertThat(o.state()).isEqualTo(Settlement.SETTLED);
    assertThat(o.txHash()).isEqualTo(HASH);
  }

  @Test
  void minedWithAFeeTakenIsATransferEventMismatchWithTheHash() {
    SettleOutcome o = SettleOutcome.of(mined(new MinedLogs(true, List.of(
        new MinedLogs.TokenTransfer(PAYER, PAY_TO, BigInteger.valueOf(990_000)),
        new MinedLogs.TokenTransfer(PAYER, "0x000000000000000000000000000000000000fee0", BigInteger.valueOf(10_000))))), SETTLEMENT);
    assertThat(o.success()).isFalse();
    assertThat(o.state()).isEqualTo(Settlement.FAILED);
    assertThat(o.reason()).isEqualTo("invalid_exact_evm_transfer_event_mismatch");
    assertThat(o.txHash()).isEqualTo(HASH);
    assertThat(o.detail()).contains("990000 to " + PAY_TO).contains("10000 to 0x000000000000000000000000000000000000fee0");
  }

  @Test
  void minedPayingSomeoneElseOrNothingIsAMismatch() {
    assertThat(SettleOutcome.of(mined(new MinedLogs(true, List.of(
        new MinedLogs.TokenTransfer(PAYER, "0x" + "dd".repeat(20), BigInteger.valueOf(1_000_000))))), SETTLEMENT).reason())
        .isEqualTo("invalid_exact_evm_transfer_event_mismatch");
    SettleOutcome none = SettleOutcome.of(mined(new MinedLogs(true, List.of())), SETTLEMENT);
    assertThat(none.reason()).isEqualTo("invalid_exact_evm_transfer_event_mismatch");
    assertThat(none.detail()).contains("none");
  }

  @Test
  void minedWithoutTheAuthorizationUsedIsAMismatch() {
    SettleOutcome o = SettleOutcome.of(mined(new MinedLogs(false, List.of(
        new MinedLogs.TokenTransfer(PAYER, PAY_TO, BigInteger.valueOf(1_000_000))))), SETTLEMENT);
    assertThat(o.reason()).isEqualTo("invalid_exact_evm_transfer_event_mismatch");
    assertThat(o.detail()).contains("AuthorizationUsed");
  }

  @Test
  void aRelayMinedBeforeLogsWereKeptIsJudgedByItsStatus() {
    assertThat(SettleOutcome.of(ticket(RelayState.MINED, null, Optional.empty()), SETTLEMENT).success()).isTrue();
  }

  @Test
  void failedRelaysGetTheReferencesReasons() {
    assertThat(SettleOutcome.of(ticket(RelayState.FAILED, RelayTicket.REVERTED, Optional.empty()), SETTLEMENT).reason())
        .isEqualTo("invalid_exact_evm_transaction_failed");
    assertThat(SettleOutcome.of(ticket(RelayState.FAILED, RelayTicket.REVERTED, Optional.empty()), SETTLEMENT).txHash())
        .isEqualTo(HASH);
    assertThat(SettleOutcome.of(ticket(RelayState.FAILED, RelayTicket.DROPPED, Optional.empty()), SETTLEMENT).reason())
        .isEqualTo("invalid_exact_evm_transaction_failed");
    assertThat(SettleOutcome.of(ticket(RelayState.FAILED, RelayTicket.EXPIRED, Optional.empty()), SETTLEMENT).reason())
        .isEqualTo("invalid_exact_evm_payload_authorization_valid_before");
    assertThat(SettleOutcome.of(ticket(RelayState.FAILED, RelayTicket.AUTHORIZATION_USED_ELSEWHERE, Optional.empty()),
        SETTLEMENT).reason()).isEqualTo("invalid_exact_evm_nonce_already_used");
  }

  private static RelayTicket mined(MinedLogs logs) {
    return ticket(RelayState.MINED, null, Optional.of(logs));
  }

  private static RelayTicket ticket(RelayState state, String detail, Optional<MinedLogs> logs) {
    return new RelayTicket(UUID.randomUUID(), SETTLEMENT.key(), "x402:" + SETTLEMENT.id(), state, Optional.of(HASH), List.of(HASH),
        Optional.ofNullable(detail == null ? null : RelayTicket.RELAY_FAILED), Optional.ofNullable(detail), logs);
  }
}
