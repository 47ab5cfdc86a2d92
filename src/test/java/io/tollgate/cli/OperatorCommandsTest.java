package io.tollgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.testing.TestPostgres;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tollgate merchant ...} and {@code tollgate key ...} against a real PostgreSQL: every
 * operation, and every refusal as one line on stderr with exit code 2 (never a stack trace).
 */
class OperatorCommandsTest {
  private static final String CHECKSUMMED = "0x52908400098527886E0F7030069857D2E4169EE7";
  private static final Pattern UUID_LINE = Pattern.compile("(?m)^merchant ([0-9a-f-]{36})$");
  private static final Pattern KEY_ID = Pattern.compile("(?m)^key id\\s+([0-9a-f-]{36})$");
  private static final Pattern KEY = Pattern.compile("(tg_(?:test|live)_[A-Za-z0-9_-]{43})");
  private static TestPostgres.TestDatabase database;
  @TempDir static Path dir;
  private static Path config;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeAll
  static void database() throws IOException {
    database = TestPostgres.newDatabase();
    config = dir.resolve("tollgate.properties");
    var db = database.settings();
    Files.writeString(config, String.join("\n",
        "database.url=postgresql://" + db.user() + "@" + db.host() + ":" + db.port() + "/" + db.database(),
        "chains=31337,8453",
        "chain.31337.tokens=USDC,ETH",
        "chain.31337.token.USDC.address=0x" + "a".repeat(40),
        "chain.31337.token.ETH.native=true",
        "chain.8453.tokens=USDC"));
  }

  @AfterAll
  static void drop() {
    database.close();
  }

  @BeforeEach
  void reset() {
    out.reset();
    err.reset();
  }

  private int run(String... args) {
    out.reset();
    err.reset();
    OptionalInt code = Commands.run(args, config, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return code.orElseThrow();
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8).strip();
  }

  private String createMerchant(String... methods) {
    String[] args = new String[3 + 2 * methods.length];
    args[0] = "merchant";
    args[1] = "create";
    args[2] = "--name";
    String[] all = new String[args.length + 1];
    System.arraycopy(args, 0, all, 0, 3);
    all[3] = "Shop " + UUID.randomUUID();
    for (int i = 0; i < methods.length; i++) {
      all[4 + 2 * i] = "--method";
      all[5 + 2 * i] = methods[i];
    }
    assertThat(run(all)).as(err()).isZero();
    Matcher m = UUID_LINE.matcher(out());
    assertThat(m.find()).as(out()).isTrue();
    return m.group(1);
  }

  /** A refusal: exit code 2 and one line on stderr naming the command and saying what is wrong. */
  private void assertRefused(String words, String... args) {
    assertThat(run(args)).as(String.join(" ", args) + " / " + err()).isEqualTo(2);
    assertThat(err()).startsWith("tollgate ").contains(words).doesNotContain("\n").doesNotContain("Exception")
        .doesNotContain("\tat ");
    assertThat(out()).isEmpty();
  }

  @Test
  void createPrintsTheMerchantAndAKeyOfTheModeOfItsNetworks() {
    createMerchant("31337:USDC:" + CHECKSUMMED);
    assertThat(out()).containsPattern("api key  tg_test_[A-Za-z0-9_-]{43} ");
    createMerchant("8453:USDC:" + CHECKSUMMED.toLowerCase());
    assertThat(out()).containsPattern("api key  tg_live_[A-Za-z0-9_-]{43} ");
    assertThat(run("merchant", "create", "--name", "Mixed", "--method", "31337:USDC:" + CHECKSUMMED,
        "--method", "8453:USDC:" + CHECKSUMMED, "--mode", "live")).isZero();
    assertThat(out()).contains("tg_live_");
  }

  @Test
  void createRefusesEveryMistakeInOneLine() {
    assertRefused("chain 999 is not watched by this deployment (chains: 8453, 31337)",
        "merchant", "create", "--name", "x", "--method", "999:DOGE:" + CHECKSUMMED);
    assertRefused("token DOGE is not configured on chain 8453 (tokens there: USDC)",
        "merchant", "create", "--name", "x", "--method", "8453:DOGE:" + CHECKSUMMED);
    assertRefused("fails its EIP-55 checksum",
        "merchant", "create", "--name", "x", "--method", "8453:USDC:0x52908400098527886E0F7030069857D2E4169Ee7");
    assertRefused("is not an address", "merchant", "create", "--name", "x", "--method", "8453:USDC:0xnot-an-address");
    assertRefused("must be CHAIN_ID:TOKEN:0xRECIPIENT", "merchant", "create", "--name", "x", "--method", "8453-USDC");
    assertRefused("chain id 'base' is not a number", "merchant", "create", "--name", "x", "--method", "base:USDC:" + CHECKSUMMED);
    assertRefused("zero address", "merchant", "create", "--name", "x", "--method", "8453:USDC:0x" + "0".repeat(40));
    assertRefused("--name is required", "merchant", "create", "--method", "8453:USDC:" + CHECKSUMMED);
    assertRefused("at least one --method", "merchant", "create", "--name", "x");
    assertRefused("payerBinding must be 'required' or 'optional'", "merchant", "create", "--name", "x",
        "--method", "8453:USDC:" + CHECKSUMMED, "--payer-binding", "maybe");
    assertRefused("mix test and live networks", "merchant", "create", "--name", "x",
        "--method", "31337:USDC:" + CHECKSUMMED, "--method", "8453:USDC:" + CHECKSUMMED);
    assertRefused("mode must be 'test' or 'live'", "merchant", "create", "--name", "x",
        "--method", "8453:USDC:" + CHECKSUMMED, "--mode", "staging");
    assertRefused("unknown option --colour", "merchant", "create", "--name", "x", "--colour", "red");
  }

  @Test
  void listShowAndUpdate() {
    String id = createMerchant("31337:USDC:" + CHECKSUMMED);
    assertThat(run("merchant", "list")).isZero();
    assertThat(out()).contains(id).contains("31337:USDC:" + CHECKSUMMED.toLowerCase() + "  (test)");
    assertThat(run("merchant", "update", "--merchant", id, "--name", "Renamed", "--add-method", "31337:ETH:" + CHECKSUMMED,
        "--remove-method", "31337:USDC", "--payer-binding", "optional")).as(err()).isZero();
    assertThat(run("merchant", "show", "--merchant", id)).isZero();
    assertThat(out()).contains("Renamed").contains("payer binding optional").contains("31337:ETH:")
        .doesNotContain("31337:USDC:");
  }

  @Test
  void allowedOriginsAreSetShownAndClearedAndBadOnesRefused() {
    String id = createMerchant("31337:USDC:" + CHECKSUMMED);
    assertThat(run("merchant", "update", "--merchant", id, "--allowed-origins", "https://Shop.example/, http://localhost:3000"))
        .as(err()).isZero();
    assertThat(out()).contains("may embed the payment page: https://shop.example, http://localhost:3000");
    assertRefused("https, or http for localhost only", "merchant", "update", "--merchant", id,
        "--allowed-origins", "http://shop.example");
    assertRefused("scheme://host[:port], nothing after it", "merchant", "create", "--name", "x",
        "--method", "31337:USDC:" + CHECKSUMMED, "--allowed-origins", "https://shop.example/checkout");
    assertThat(run("merchant", "update", "--merchant", id, "--allowed-origins", "")).as(err()).isZero();
    assertThat(out()).doesNotContain("may embed");
  }

  @Test
  void amountRulesAreSetOnCreateAndUpdateAndShown() {
    assertThat(run("merchant", "create", "--name", "Rules", "--method", "31337:USDC:" + CHECKSUMMED,
        "--tolerance-native-bps", "30")).as(err()).isZero();
    Matcher m = UUID_LINE.matcher(out());
    assertThat(m.find()).isTrue();
    String id = m.group(1);
    assertThat(run("merchant", "show", "--merchant", id)).isZero();
    assertThat(out()).contains("tolerance 0 bps stablecoins, 30 bps native  over-payments accept");
    assertThat(run("merchant", "update", "--merchant", id, "--tolerance-stablecoin-bps", "100", "--overpayments", "refuse"))
        .as(err()).isZero();
    assertThat(out()).contains("tolerance 100 bps stablecoins, 30 bps native  over-payments refuse");

    assertRefused("--tolerance-stablecoin-bps is a whole number of basis points", "merchant", "update", "--merchant", id,
        "--tolerance-stablecoin-bps", "0.5");
    assertRefused("underpaymentTolerance.nativeBps must be from 0 to 1000 basis points (0 to 10 %), not 1001", "merchant",
        "update", "--merchant", id, "--tolerance-native-bps", "1001");
    assertRefused("overpayments must be 'accept'", "merchant", "update", "--merchant", id, "--overpayments", "keep");
    assertRefused("underpaymentTolerance.stablecoinBps must be from 0", "merchant", "create", "--name", "x",
        "--method", "31337:USDC:" + CHECKSUMMED, "--tolerance-stablecoin-bps", "-1");
  }

  @Test
  void updateAndShowRefusals() {
    String id = createMerchant("31337:USDC:" + CHECKSUMMED);
    String unknown = UUID.randomUUID().toString();
    assertRefused(unknown, "merchant", "show", "--merchant", unknown);
    assertRefused("must be an id like", "merchant", "show", "--merchant", "shop-1");
    assertRefused(unknown, "merchant", "update", "--merchant", unknown, "--name", "x");
    assertRefused("nothing to change", "merchant", "update", "--merchant", id);
    assertRefused("does not accept ETH on chain 31337", "merchant", "update", "--merchant", id, "--remove-method", "31337:ETH");
    assertRefused("without payment methods", "merchant", "update", "--merchant", id, "--remove-method", "31337:USDC");
    assertRefused("chain 999 is not watched", "merchant", "update", "--merchant", id, "--add-method", "999:DOGE:" + CHECKSUMMED);
    assertRefused("unknown subcommand delete", "merchant", "delete");
  }

  @Test
  void keysAreCreatedListedRotatedAndRevoked() {
    String merchant = createMerchant("8453:USDC:" + CHECKSUMMED);
    assertThat(run("key", "create", "--merchant", merchant, "--mode", "test")).as(err()).isZero();
    Matcher keyId = KEY_ID.matcher(out());
    assertThat(keyId.find()).isTrue();
    Matcher key = KEY.matcher(out());
    assertThat(key.find()).isTrue();
    assertThat(key.group(1)).startsWith("tg_test_");

    assertThat(run("key", "list", "--merchant", merchant)).isZero();
    assertThat(out()).contains(keyId.group(1)).contains(key.group(1).substring(0, 12) + "...").contains(" test ")
        .contains("last used never").doesNotContain(key.group(1));
    assertThat(out().lines().count()).isEqualTo(2); // the merchant's first key and this one

    assertThat(run("key", "rotate", "--merchant", merchant, "--key", keyId.group(1), "--overlap", "15m")).as(err()).isZero();
    assertThat(out()).containsPattern("tg_test_").contains("keeps working for 900 s");
    assertThat(run("key", "list", "--merchant", merchant)).isZero();
    assertThat(out()).contains("expiring");

    assertThat(run("key", "create", "--merchant", merchant, "--mode", "test", "--scope", "facilitator")).as(err()).isZero();
    assertThat(run("key", "list", "--merchant", merchant)).isZero();
    assertThat(out()).contains(" test facilitator ");

    assertThat(run("key", "revoke", "--merchant", merchant, "--key", keyId.group(1))).isZero();
    assertThat(out()).startsWith("revoked " + keyId.group(1));
    assertThat(run("key", "list", "--merchant", merchant)).isZero();
    assertThat(out()).contains("revoked");
  }

  @Test
  void keyRefusals() {
    String merchant = createMerchant("8453:USDC:" + CHECKSUMMED);
    String unknown = UUID.randomUUID().toString();
    assertRefused("mode must be 'test' or 'live'", "key", "create", "--merchant", merchant, "--mode", "prod");
    assertRefused("--mode is required", "key", "create", "--merchant", merchant);
    assertRefused("scope must be 'all' or 'facilitator'", "key", "create", "--merchant", merchant, "--mode", "test",
        "--scope", "shop");
    assertRefused(unknown, "key", "create", "--merchant", unknown, "--mode", "live");
    assertRefused("no key " + unknown, "key", "revoke", "--merchant", merchant, "--key", unknown);
    assertRefused("no key " + unknown, "key", "rotate", "--merchant", merchant, "--key", unknown);
    assertRefused("--overlap must be a duration like 90s", "key", "rotate", "--merchant", merchant, "--key", unknown,
        "--overlap", "a while");
    assertRefused("--overlap must be at most 30d", "key", "rotate", "--merchant", merchant, "--key", unknown, "--overlap", "31d");
    assertRefused("missing subcommand", "key");
    assertRefused("unknown subcommand delete", "key", "delete");

    assertThat(run("key", "create", "--merchant", merchant, "--mode", "live")).isZero();
    Matcher keyId = KEY_ID.matcher(out());
    assertThat(keyId.find()).isTrue();
    assertThat(run("key", "rotate", "--merchant", merchant, "--key", keyId.group(1))).isZero();
    assertRefused("was already rotated", "key", "rotate", "--merchant", merchant, "--key", keyId.group(1));
  }

  @Test
  void withoutADatabaseUrlItSaysSo() throws IOException {
    Path empty = dir.resolve("empty.properties");
    Files.writeString(empty, "chains=\n");
    OptionalInt code = Commands.run(new String[] {"merchant", "list"}, empty, Map.of(),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).hasValue(2);
    assertThat(err()).isEqualTo("tollgate merchant list: database.url (or TOLLGATE_DATABASE_URL) is not set");
  }
}
