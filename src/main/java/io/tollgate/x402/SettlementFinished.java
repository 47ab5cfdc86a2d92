package io.tollgate.x402;

import java.util.UUID;

/**
 * A settlement that reached its outcome, told to the {@link SettlementListener} inside the
 * transaction that recorded it.
 *
 * @param merchantId the facilitator key's merchant (null only for an open-mode settlement, given to
 *     {@link SettlementListener#onCommitted} alone)
 * @param mode {@code test} or {@code live}, as the chain (the key that settled it had that mode)
 * @param state {@code settled} or {@code failed}
 * @param errorReason the reference's reason when failed, else null
 */
public record SettlementFinished(UUID settlementId, UUID merchantId, String mode, String state, String network,
    String asset, String payer, String payTo, String amount, String transaction, String errorReason) {
  public boolean settled() {
    return Settlement.SETTLED.equals(state);
  }
}
