package io.tollgate.x402;

import static io.tollgate.testing.Async.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.gasless.Eip3009Facts;
import io.tollgate.gasless.TokenDomain;
import io.tollgate.testing.MutableClock;
import io.vertx.core.Vertx;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Verify's facts cache and its feed against a chain faked at the JSON-RPC boundary, no server: a
 * repeat costs no call; the tokens' logs move balances and spend nonces; a reorg, a failed call or
 * a balance moving without a log clears it; old facts and a feed that stopped confirming the head
 * are misses; a feed with nothing to keep asks nothing. Rounds are driven by hand (the timer's
 * interval is an hour) except where the timer itself is under test.
 */
class VerifyFactsTest {
  static final String TOKEN = "0x00000000000000000000000000000000000000aa";
  static final String PAYER = "0x00000000000000000000000000000000000000b1";
  static final String OTHER = "0x00000000000000000000000000000000000000c2";
  static final String NONCE = "0x" + "11".repeat(32);
  static final String NONCE_2 = "0x" + "22".repeat(32);
  static final Duration MAX_AGE = Duration.ofSeconds(10);

  private Vertx vertx;
  private FakeFactsChain chain;
  private MutableClock clock;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    chain = new FakeFactsChain(TOKEN);
    chain.mint(PAYER, 100).mine();
    clock = MutableClock.atNow();
  }

  @AfterEach
  void stop() {
    await(vertx.close());
  }

  private VerifyFacts facts(Duration interval) {
    FacilitatorChain c = new FacilitatorChain(31337, chain, Map.of(TOKEN, new TokenDomain("USD Coin", "2", 31337, TOKEN)),
        OTHER, true, interval);
    return new VerifyFacts(vertx, Map.of(31337L, c), MAX_AGE, clock);
  }

  private VerifyFacts facts() {
    return facts(Duration.ofHours(1));
  }

  private static Eip3009Facts read(VerifyFacts facts, String nonce) {
    return await(facts.read(31337, TOKEN, PAYER, nonce, BigInteger.ONE, true));
  }

  @Test
  void aRepeatIsServedFromTheCacheAfterOneCallAtTheFeedsBlock() {
    VerifyFacts facts = facts();
    Eip3009Facts first = read(facts, NONCE);
    assertThat(first.balance()).isEqualTo(BigInteger.valueOf(100));
    assertThat(first.nonceUsed()).isFalse();
    assertThat(chain.count("eth_call")).isEqualTo(1);
    // read at the block the feed's first round found, not at "latest"
    FakeFactsChain.Call call = chain.calls().stream().filter(c -> c.method().equals("eth_call")).findFirst().orElseThrow();
    assertThat(call.params().getString(1)).isEqualTo("0x1");

    for (int i = 0; i < 20; i++) assertThat(read(facts, NONCE)).isEqualTo(first);
    assertThat(chain.count("eth_call")).isEqualTo(1);
    assertThat(facts.hits(31337)).isEqualTo(20);
    assertThat(facts.misses(31337)).isEqualTo(1);
  }

  @Test
  void anUnseenNonceOfAKnownPayerIsReadNeverAssumedUnused() {
    VerifyFacts facts = facts();
    read(facts, NONCE);
    chain.use(PAYER, NONCE_2, false).mine(); // used "elsewhere", before this instance ever saw it
    await(facts.feed(31337).roundNow());
    assertThat(read(facts, NONCE_2).nonceUsed()).isTrue();
    assertThat(chain.count("eth_call")).isEqualTo(2);
  }

  @Test
  void transferLogsLowerAndRaiseTheCachedBalanceWithoutACall() {
    VerifyFacts facts = facts();
    read(facts, NONCE);
    read(facts, NONCE_2);
    chain.transfer(PAYER, OTHER, 30).mine();
    await(facts.feed(31337).roundNow());
    assertThat(read(facts, NONCE).balance()).isEqualTo(BigInteger.valueOf(70));
    assertThat(read(facts, NONCE_2).balance()).isEqualTo(BigInteger.valueOf(70));
    // two blocks in one round: the range is read in one batch, checked at both ends
    chain.transfer(OTHER, PAYER, 50).mine();
    chain.transfer(PAYER, OTHER, 5).mine();
    await(facts.feed(31337).roundNow());
    assertThat(read(facts, NONCE).balance()).isEqualTo(BigInteger.valueOf(115));
    assertThat(chain.count("eth_call")).isEqualTo(2);
    assertThat(chain.calls().stream().filter(c -> c.method().equals("eth_getLogs"))
        .map(c -> c.params().getJsonObject(0).containsKey("blockHash")).toList()).containsExactly(true, false);
  }

  @Test
  void aBalanceShortOfThePaymentIsConfirmedAtLatestSoAPayerFundedSinceTheBaseIsNotRefused() {
    VerifyFacts facts = facts();
    read(facts, NONCE); // the feed's base: block 1, where the payer has 100
    chain.mint(PAYER, 400).mine(); // funded since; the feed has not run
    Eip3009Facts f = await(facts.read(31337, TOKEN, PAYER, NONCE_2, BigInteger.valueOf(300), true));
    assertThat(f.balance()).isEqualTo(BigInteger.valueOf(500));
    assertThat(chain.calls().stream().filter(c -> c.method().equals("eth_call")).map(c -> c.params().getString(1)).toList())
        .containsExactly("0x1", "0x1", "latest");
    // a kept balance short of the payment is confirmed too; one that covers it is served
    f = await(facts.read(31337, TOKEN, PAYER, NONCE, BigInteger.valueOf(300), true));
    assertThat(f.balance()).isEqualTo(BigInteger.valueOf(500));
    assertThat(chain.count("eth_call")).isEqualTo(4);
    await(facts.read(31337, TOKEN, PAYER, NONCE, BigInteger.valueOf(100), true));
    assertThat(chain.count("eth_call")).isEqualTo(4);
  }

  @Test
  void authorizationUsedAndCanceledLogsSpendTheNonce() {
    VerifyFacts facts = facts();
    read(facts, NONCE);
    read(facts, NONCE_2);
    chain.use(PAYER, NONCE, false).mine();
    await(facts.feed(31337).roundNow());
    assertThat(read(facts, NONCE).nonceUsed()).isTrue();
    assertThat(read(facts, NONCE_2).nonceUsed()).isFalse();
    chain.use(PAYER, NONCE_2, true).mine();
    await(facts.feed(31337).roundNow());
    assertThat(read(facts, NONCE_2).nonceUsed()).isTrue();
    assertThat(chain.count("eth_call")).isEqualTo(2);
  }

  @Test
  void aReplacedBaseBlockClearsTheCache() {
    VerifyFacts facts = facts();
    read(facts, NONCE);
    chain.replaceHead(); // the base block itself, same height
    await(facts.feed(31337).roundNow());
    assertThat(facts.cache(31337).isEmpty()).isTrue();
    read(facts, NONCE);
    assertThat(chain.count("eth_call")).isEqualTo(2);

    // the next block's parent is not the base the feed recorded
    chain.mine();
    chain.replaceHead();
    long clears = facts.feed(31337).clears();
    await(facts.feed(31337).roundNow()); // applies the head's logs
    chain.replaceHead();
    chain.mine();
    await(facts.feed(31337).roundNow());
    assertThat(facts.feed(31337).clears()).isGreaterThan(clears);
    assertThat(facts.cache(31337).isEmpty()).isTrue();
  }

  @Test
  void aFailedGetLogsClearsTheCacheAndItsBase() {
    VerifyFacts facts = facts();
    read(facts, NONCE);
    chain.transfer(PAYER, OTHER, 99).mine();
    chain.fail("eth_getLogs", true);
    await(facts.feed(31337).roundNow());
    assertThat(facts.cache(31337).isEmpty()).isTrue();
    assertThat(facts.cache(31337).state()).isNull();
    chain.fail("eth_getLogs", false);
    assertThat(read(facts, NONCE).balance()).isEqualTo(BigInteger.ONE); // read again, not the old 100
    assertThat(chain.count("eth_call")).isEqualTo(2);
  }

  @Test
  void aBalanceThatMovesWithoutALogIsCaughtWhenALogWouldTakeItBelowZero() {
    VerifyFacts facts = facts();
    read(facts, NONCE);
    chain.silentlySet(PAYER, 200).transfer(PAYER, OTHER, 150).mine();
    await(facts.feed(31337).roundNow());
    assertThat(facts.cache(31337).isEmpty()).isTrue();
    assertThat(read(facts, NONCE).balance()).isEqualTo(BigInteger.valueOf(50));
  }

  @Test
  void anEntryPastHalfItsAgeIsReadAgainInTheBackgroundSoNoRequestWaitsForIt() throws InterruptedException {
    VerifyFacts facts = facts();
    read(facts, NONCE);
    clock.advance(Duration.ofMillis(6_000));
    await(facts.feed(31337).roundNow()); // the feed confirms the head: its base is fresh
    read(facts, NONCE); // served from the cache, and read again behind it
    for (int i = 0; i < 100 && chain.count("eth_call") < 2; i++) Thread.sleep(20);
    assertThat(chain.count("eth_call")).isEqualTo(2);
    clock.advance(Duration.ofMillis(4_500)); // the first read would be 10.5 s old: past the bound
    await(facts.feed(31337).roundNow());
    read(facts, NONCE);
    assertThat(chain.count("eth_call")).as("no read waited for, none more in the background").isEqualTo(2);
    assertThat(facts.misses(31337)).isEqualTo(1);
    assertThat(facts.hits(31337)).isEqualTo(2);
  }

  @Test
  void factsOlderThanTheMaxAgeAndAFeedThatStoppedConfirmingAreMisses() {
    VerifyFacts facts = facts();
    read(facts, NONCE);
    clock.advance(MAX_AGE.plusMillis(1));
    // the feed has not confirmed the head for longer than the bound: read at "latest", kept nowhere
    read(facts, NONCE);
    assertThat(chain.calls().stream().filter(c -> c.method().equals("eth_call")).map(c -> c.params().getString(1)).toList())
        .containsExactly("0x1", "latest");
    await(facts.feed(31337).roundNow()); // confirms the head again, and drops the old entry
    assertThat(facts.cache(31337).isEmpty()).isTrue();
    read(facts, NONCE);
    read(facts, NONCE);
    assertThat(chain.count("eth_call")).isEqualTo(3);
  }

  @Test
  void aReadMadeAtABaseTheFeedHasLeftIsNotKept() {
    FactsCache cache = new FactsCache(10_000, 10);
    cache.rebase(5, "0x" + "05".repeat(32), clock.millis());
    FactsCache.State readAt = cache.state();
    assertThat(cache.advance(6, "0x" + "06".repeat(32), java.util.List.of(), clock.millis())).isTrue();
    Eip3009Facts f = new Eip3009Facts(true, false, true, BigInteger.TEN, 0, 1);
    FactsCache.Key key = new FactsCache.Key(TOKEN, PAYER, NONCE);
    assertThat(cache.put(key, f, readAt)).isFalse();
    assertThat(cache.put(key, f, cache.state())).isTrue();
    // a token without code, or without the EIP-3009 view, is never kept
    assertThat(cache.put(new FactsCache.Key(TOKEN, PAYER, NONCE_2), new Eip3009Facts(false, false, true, BigInteger.TEN, 0, 1),
        cache.state())).isFalse();
  }

  @Test
  void aFeedWithNothingToKeepAsksNothing() throws InterruptedException {
    VerifyFacts facts = facts(Duration.ofMillis(20));
    Thread.sleep(200);
    assertThat(chain.calls()).isEmpty();

    read(facts, NONCE);
    long deadline = System.currentTimeMillis() + 5_000;
    while (chain.count("eth_getBlockByNumber") < 3 && System.currentTimeMillis() < deadline) Thread.sleep(10);
    assertThat(facts.feed(31337).running()).isTrue();
    clock.advance(MAX_AGE.plusMillis(1)); // the entry ages out: the next round sweeps it and stops
    while (facts.feed(31337).running() && System.currentTimeMillis() < deadline) Thread.sleep(10);
    assertThat(facts.feed(31337).running()).isFalse();
    int asked = chain.calls().size();
    Thread.sleep(300);
    assertThat(chain.calls()).hasSize(asked);
    assertThat(facts.cache(31337).state()).isNull();
  }

  @Test
  void withNoMaxAgeEveryReadIsAtLatest() {
    FacilitatorChain c = new FacilitatorChain(31337, chain, Map.of(TOKEN, new TokenDomain("USD Coin", "2", 31337, TOKEN)),
        OTHER, true, Duration.ofHours(1));
    VerifyFacts off = new VerifyFacts(vertx, Map.of(31337L, c), Duration.ZERO, clock);
    read(off, NONCE);
    read(off, NONCE);
    assertThat(chain.calls().stream().map(FakeFactsChain.Call::method).toList()).containsExactly("eth_call", "eth_call");
  }
}
