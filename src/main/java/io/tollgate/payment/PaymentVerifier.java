package io.tollgate.payment;

import io.tollgate.chain.AssetKind;
import io.tollgate.chain.ChainDataException;
import io.tollgate.chain.Hex;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The rules that decide whether a mined transaction pays a {@link PaymentExpectation}. Pure: the
 * node's JSON in, a {@link Verdict} out, no I/O and no clock (the chain's own head and block
 * timestamps are the only time that counts).
 *
 * <p>Order of the rules, so that one transaction always gets the same reason: not mined; reverted;
 * what moved (token, recipient, payer, amount); then when it was mined (validity window: before it
 * is a rejection, after it a {@link Verdict.PaidLate}); then confirmations. A node answer that
 * breaks the JSON-RPC spec throws {@link ChainDataException}:
 * retry, never reject.
 */
public final class PaymentVerifier {
  /** keccak256("Transfer(address,address,uint256)"). */
  public static final String TRANSFER_TOPIC = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";

  private final NativeTransferSource nativeSource;
  private final Duration windowLead;

  /** Native payments judged by the transaction's own fields (ordinary accounts only). */
  public PaymentVerifier() {
    this(new TransactionFieldsSource());
  }

  public PaymentVerifier(NativeTransferSource nativeSource) {
    this(nativeSource, Duration.ZERO);
  }

  /**
   * @param windowLead how far before the checkout's creation second a block may be stamped and
   *     still count: a block's timestamp is when its building began (an L2 sequencer's 2 s slot, a
   *     node stamping late under load), so a transaction sent after the checkout was made can land in
   *     a block stamped before it. At most one block interval; what else a payment must prove (bound
   *     payer, exact amount, single use) is unchanged.
   */
  public PaymentVerifier(NativeTransferSource nativeSource, Duration windowLead) {
    this.nativeSource = Objects.requireNonNull(nativeSource);
    if (windowLead.isNegative()) throw new IllegalArgumentException("window lead must not be negative");
    this.windowLead = windowLead;
  }

  public NativeTransferSource nativeSource() { return nativeSource; }

  /**
   * @param receipt the transaction receipt, or null when the node has none (not mined yet)
   * @param nativeEvidence for native payments, the answer to the native source's evidence call
   *     (the transaction object by default) or what the source kept of it; ignored for ERC-20
   * @param block the header of the receipt's block; it must be that block (same hash)
   * @param head the chain head's block number
   * @throws ChainDataException when the node's JSON is not what the spec promises
   */
  public Verdict verify(PaymentExpectation expectation, JsonObject receipt, Object nativeEvidence,
      JsonObject block, long head) {
    if (receipt == null) return new Verdict.NotMined();

    long blockNumber = Hex.longQuantity(Hex.member(receipt, "blockNumber"));
    String blockHash = Hex.hash(Hex.member(receipt, "blockHash"));
    if (block == null) throw new ChainDataException("header of block " + blockNumber + " missing");
    if (!blockHash.equals(Hex.hash(Hex.member(block, "hash")))
        || blockNumber != Hex.longQuantity(Hex.member(block, "number"))) {
      // The receipt and the header come from different views of the chain (reorg between calls).
      throw new ChainDataException("header is not block " + blockNumber + " " + blockHash);
    }
    Instant blockTime = Instant.ofEpochSecond(Hex.longQuantity(Hex.member(block, "timestamp")));

    String status = Hex.member(receipt, "status");
    BigInteger statusValue = Hex.quantity(status);
    if (statusValue.signum() == 0) {
      return new Verdict.Rejected(RejectionReason.TX_REVERTED, "receipt status " + status, blockNumber);
    }
    if (!statusValue.equals(BigInteger.ONE)) throw new ChainDataException("receipt status " + status);

    Movement movement = expectation.kind() == AssetKind.ERC20
        ? tokenMovement(expectation, receipt)
        : nativeMovement(expectation, receipt, nativeEvidence);
    if (movement.rejection() != null) {
      return new Verdict.Rejected(movement.rejection(), movement.detail(), blockNumber);
    }

    int confirmations = confirmations(blockNumber, head);
    // After expiry, a payment that matched everything else is a late payment, not a failure: the
    // money arrived and the shop must hear of it.
    if (blockTime.isAfter(expectation.validUntil())) {
      return new Verdict.PaidLate(new Verdict.Paying(blockNumber, blockHash, blockTime, movement.payer(),
          movement.amount(), confirmations, confirmations >= expectation.requiredConfirmations()));
    }
    // Block timestamps are whole seconds: a block in the checkout's creation second counts as inside,
    // and so does one stamped up to the chain's window lead before it (see the constructor).
    if (blockTime.isBefore(expectation.validFrom().truncatedTo(ChronoUnit.SECONDS).minus(windowLead))) {
      return new Verdict.Rejected(RejectionReason.OUTSIDE_VALIDITY_WINDOW,
          "mined at " + blockTime + ", window [" + expectation.validFrom() + ", " + expectation.validUntil() + "]",
          blockNumber);
    }

    return new Verdict.Paying(blockNumber, blockHash, blockTime, movement.payer(), movement.amount(),
        confirmations, confirmations >= expectation.requiredConfirmations());
  }

  /**
   * head − block + 1. A head behind the receipt's block (the receipt came from a node further ahead)
   * counts as the block itself: the transaction is mined, so it has at least one confirmation.
   */
  public static int confirmations(long blockNumber, long head) {
    long count = Math.max(head, blockNumber) - blockNumber + 1;
    return (int) Math.min(Integer.MAX_VALUE, count);
  }

  private record Movement(String payer, BigInteger amount, RejectionReason rejection, String detail) {
    static Movement paid(String payer, BigInteger amount) {
      return new Movement(payer, amount, null, null);
    }

    static Movement rejected(RejectionReason reason, String detail) {
      return new Movement(null, null, reason, detail);
    }
  }

  private record TokenTransfer(String from, String to, BigInteger value) {}

  private static Movement tokenMovement(PaymentExpectation expectation, JsonObject receipt) {
    String token = Hex.address(expectation.tokenAddress());
    String recipient = Hex.address(expectation.recipient());
    String payer = expectation.payer() == null ? null : Hex.address(expectation.payer());

    if (!(receipt.getValue("logs") instanceof JsonArray logs)) throw new ChainDataException("receipt has no logs array");
    List<TokenTransfer> tokenTransfers = new ArrayList<>();
    boolean otherContractsTransferred = false;
    for (Object item : logs) {
      if (!(item instanceof JsonObject log)) throw new ChainDataException("log is not an object");
      if (Boolean.TRUE.equals(log.getValue("removed"))) continue;
      if (!(log.getValue("topics") instanceof JsonArray topics)) throw new ChainDataException("log has no topics");
      if (topics.isEmpty() || !(topics.getValue(0) instanceof String topic0)
          || !TRANSFER_TOPIC.equals(Hex.hash(topic0))) {
        continue;
      }
      String emitter = Hex.address(Hex.member(log, "address"));
      if (!emitter.equals(token)) {
        otherContractsTransferred = true;
        continue;
      }
      // An ERC-721 Transfer shares topic0 but indexes the token id as a fourth topic.
      if (topics.size() != 3) throw new ChainDataException("token Transfer log with " + topics.size() + " topics");
      tokenTransfers.add(new TokenTransfer(
          topicAddress(topics.getValue(1)), topicAddress(topics.getValue(2)),
          Hex.quantity(Hex.data(Hex.member(log, "data"), 32))));
    }

    if (tokenTransfers.isEmpty()) {
      return otherContractsTransferred
          ? Movement.rejected(RejectionReason.WRONG_TOKEN, "no Transfer of token " + token)
          : Movement.rejected(RejectionReason.NO_TRANSFER, "no Transfer log");
    }
    List<TokenTransfer> toRecipient = tokenTransfers.stream().filter(t -> t.to().equals(recipient)).toList();
    if (toRecipient.isEmpty()) {
      return Movement.rejected(RejectionReason.WRONG_RECIPIENT, "token sent to " + tokenTransfers.get(0).to());
    }
    List<TokenTransfer> paying = payer == null
        ? toRecipient
        : toRecipient.stream().filter(t -> t.from().equals(payer)).toList();
    if (paying.isEmpty()) {
      return Movement.rejected(RejectionReason.WRONG_PAYER, "token sent by " + toRecipient.get(0).from());
    }
    BigInteger total = paying.stream().map(TokenTransfer::value).reduce(BigInteger.ZERO, BigInteger::add);
    if (expectation.amountRule() == PaymentExpectation.AmountRule.PARTIAL) {
      // What it pays (short, exact or more) is decided by the ledger against all the checkout received.
      return total.signum() > 0 ? Movement.paid(paying.get(0).from(), total)
          : Movement.rejected(RejectionReason.NO_TRANSFER, "a Transfer of 0");
    }
    int comparison = total.compareTo(expectation.amount());
    if (comparison < 0) return Movement.rejected(RejectionReason.UNDERPAID, "paid " + total + " of " + expectation.amount());
    if (comparison > 0) return Movement.rejected(RejectionReason.OVERPAID, "paid " + total + " of " + expectation.amount());
    return Movement.paid(paying.get(0).from(), total);
  }

  private static String topicAddress(Object topic) {
    if (!(topic instanceof String text)) throw new ChainDataException("topic is not a string");
    String word = Hex.hash(text);
    if (!word.startsWith("0x000000000000000000000000")) throw new ChainDataException("topic is not an address: " + word);
    return "0x" + word.substring(26);
  }

  private Movement nativeMovement(PaymentExpectation expectation, JsonObject receipt, Object evidence) {
    NativeTransfer transfer = nativeSource.transferOf(expectation, receipt, evidence);
    String recipient = Hex.address(expectation.recipient());
    if (transfer.to() == null || !transfer.to().equalsIgnoreCase(recipient)) {
      return Movement.rejected(RejectionReason.WRONG_RECIPIENT, "value sent to " + transfer.to());
    }
    if (expectation.payer() != null && !transfer.from().equalsIgnoreCase(expectation.payer())) {
      return Movement.rejected(RejectionReason.WRONG_PAYER, "value sent by " + transfer.from());
    }
    BigInteger received = transfer.value();
    String payer = transfer.from().toLowerCase(java.util.Locale.ROOT);
    if (received.signum() <= 0) {
      // A balance diff where the recipient ended with nothing more: value bounced, forwarded or never sent.
      return Movement.rejected(RejectionReason.NO_TRANSFER, "the recipient's balance rose by " + received + " wei");
    }
    BigInteger needed = switch (expectation.amountRule()) {
      case PARTIAL -> received;
      case EXACT -> expectation.amount();
      case QUOTE -> expectation.minimumNativeAmount();
    };
    if (expectation.amountRule() == PaymentExpectation.AmountRule.EXACT && received.compareTo(needed) != 0) {
      return Movement.rejected(received.compareTo(needed) < 0 ? RejectionReason.UNDERPAID : RejectionReason.OVERPAID,
          "sent " + received + " wei, exactly " + needed + " required");
    }
    if (received.compareTo(needed) < 0) {
      return Movement.rejected(RejectionReason.UNDERPAID, "paid " + received + " wei, at least " + needed + " required");
    }
    // The payer must have paid it: value the recipient got from someone else is not this payer's payment.
    if (transfer.debit().compareTo(needed) < 0) {
      return Movement.rejected(RejectionReason.WRONG_PAYER,
          "the balance of " + payer + " fell by " + transfer.debit() + " wei, at least " + needed + " required");
    }
    // Overpaying ETH is accepted; the amount actually received is what gets recorded.
    return Movement.paid(payer, received);
  }
}
