package io.tollgate.payment;

import io.tollgate.chain.AssetKind;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.dev.AnvilProcess;
import io.tollgate.dev.ContractArtifact;
import io.tollgate.testing.TestChain;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.crypto.Credentials;

/** The rules fed with receipts, headers and transactions from a real node. */
class PaymentVerifierAnvilTest {
  private static final BigInteger PRICE = BigInteger.valueOf(25_000_000);

  private static AnvilProcess anvil;
  private static TestChain chain;
  private static String token;
  private static String otherToken;
  private static String reverting;
  private static Credentials payer;
  private static String recipient;

  private final PaymentVerifier verifier = new PaymentVerifier();

  @BeforeAll
  static void setUp() {
    anvil = AnvilProcess.start(AnvilProcess.defaultProjectDir(), 31337);
    chain = new TestChain(anvil.rpcUrl(), 31337);
    ContractArtifact stablecoin = ContractArtifact.load("DemoStablecoin");
    token = chain.deploy(TestChain.DEPLOYER, stablecoin,
        List.of(new Utf8String("USD Coin"), new Utf8String("2"), new Utf8String("USDC")));
    otherToken = chain.deploy(TestChain.DEPLOYER, stablecoin,
        List.of(new Utf8String("Other"), new Utf8String("1"), new Utf8String("OTH")));
    reverting = chain.deploy(TestChain.DEPLOYER, ContractArtifact.load("RevertingReceiver"), List.of());
    payer = chain.newFundedAccount();
    recipient = chain.newAccount(BigInteger.ZERO).getAddress().toLowerCase();
    chain.mintToken(token, payer.getAddress(), PRICE.multiply(BigInteger.valueOf(100)));
    chain.mintToken(otherToken, payer.getAddress(), PRICE.multiply(BigInteger.valueOf(100)));
  }

  @AfterAll
  static void tearDown() {
    anvil.close();
  }

  private static PaymentExpectation tokenExpectation(String boundPayer) {
    Instant now = Instant.now();
    return new PaymentExpectation(31337, AssetKind.ERC20, token, recipient, PRICE, boundPayer,
        now.minus(Duration.ofHours(1)), now.plus(Duration.ofHours(1)), 1);
  }

  private static PaymentExpectation nativeExpectation(BigInteger wei) {
    Instant now = Instant.now();
    return new PaymentExpectation(31337, AssetKind.NATIVE, null, recipient, wei, payer.getAddress(),
        now.minus(Duration.ofHours(1)), now.plus(Duration.ofHours(1)), 1);
  }

  private Verdict verifyMined(PaymentExpectation expectation, String txHash) {
    JsonObject receipt = chain.awaitReceipt(txHash);
    JsonObject header = (JsonObject) chain.rpc("eth_getBlockByHash", receipt.getString("blockHash"), false);
    Object tx = chain.rpc("eth_getTransactionByHash", txHash);
    return verifier.verify(expectation, receipt, tx, header, chain.blockNumber());
  }

  private static RejectionReason reason(Verdict verdict) {
    assertThat(verdict).isInstanceOf(Verdict.Rejected.class);
    return ((Verdict.Rejected) verdict).reason();
  }

  @Test
  void shouldAcceptAnExactTokenPayment() {
    Verdict verdict = verifyMined(tokenExpectation(payer.getAddress()),
        chain.transferToken(payer, token, recipient, PRICE));

    assertThat(verdict).isInstanceOfSatisfying(Verdict.Paying.class, paying -> {
      assertThat(paying.payer()).isEqualTo(payer.getAddress().toLowerCase());
      assertThat(paying.amount()).isEqualTo(PRICE);
      assertThat(paying.confirmations()).isEqualTo(1);
      assertThat(paying.confirmed()).isTrue();
    });
  }

  @Test
  void shouldRejectATokenPaymentToSomeoneElse() {
    String stranger = chain.newAccount(BigInteger.ZERO).getAddress();
    assertThat(reason(verifyMined(tokenExpectation(payer.getAddress()),
        chain.transferToken(payer, token, stranger, PRICE)))).isEqualTo(RejectionReason.WRONG_RECIPIENT);
  }

  @Test
  void shouldRejectATokenUnderpayment() {
    assertThat(reason(verifyMined(tokenExpectation(payer.getAddress()),
        chain.transferToken(payer, token, recipient, PRICE.subtract(BigInteger.ONE))))).isEqualTo(RejectionReason.UNDERPAID);
  }

  @Test
  void shouldRejectATokenOverpayment() {
    assertThat(reason(verifyMined(tokenExpectation(payer.getAddress()),
        chain.transferToken(payer, token, recipient, PRICE.add(BigInteger.ONE))))).isEqualTo(RejectionReason.OVERPAID);
  }

  @Test
  void shouldRejectATokenPaymentFromAnotherPayerThanTheBoundOne() {
    Credentials someoneElse = chain.newFundedAccount();
    chain.mintToken(token, someoneElse.getAddress(), PRICE);

    assertThat(reason(verifyMined(tokenExpectation(payer.getAddress()),
        chain.transferToken(someoneElse, token, recipient, PRICE)))).isEqualTo(RejectionReason.WRONG_PAYER);
  }

  @Test
  void shouldRejectTheRightAmountOfAnotherToken() {
    assertThat(reason(verifyMined(tokenExpectation(payer.getAddress()),
        chain.transferToken(payer, otherToken, recipient, PRICE)))).isEqualTo(RejectionReason.WRONG_TOKEN);
  }

  @Test
  void shouldRejectARevertedTransaction() {
    String txHash = chain.send(payer, reverting, BigInteger.ZERO, "0x", BigInteger.valueOf(100_000));

    assertThat(reason(verifyMined(tokenExpectation(payer.getAddress()), txHash))).isEqualTo(RejectionReason.TX_REVERTED);
  }

  @Test
  void shouldAcceptANativePayment() {
    BigInteger wei = BigInteger.TEN.pow(16);

    Verdict verdict = verifyMined(nativeExpectation(wei), chain.sendEth(payer, recipient, wei));

    assertThat(verdict).isInstanceOfSatisfying(Verdict.Paying.class,
        paying -> assertThat(paying.amount()).isEqualTo(wei));
  }

  @Test
  void shouldRejectANativeUnderpaymentBeyondTheSlippage() {
    BigInteger wei = BigInteger.TEN.pow(16);
    BigInteger tooLittle = nativeExpectation(wei).minimumNativeAmount().subtract(BigInteger.ONE);

    assertThat(reason(verifyMined(nativeExpectation(wei), chain.sendEth(payer, recipient, tooLittle))))
        .isEqualTo(RejectionReason.UNDERPAID);
  }

  @Test
  void shouldAcceptANativePaymentWithinTheSlippage() {
    BigInteger wei = BigInteger.TEN.pow(16);
    BigInteger minimum = nativeExpectation(wei).minimumNativeAmount();

    assertThat(verifyMined(nativeExpectation(wei), chain.sendEth(payer, recipient, minimum)))
        .isInstanceOf(Verdict.Paying.class);
  }
}
