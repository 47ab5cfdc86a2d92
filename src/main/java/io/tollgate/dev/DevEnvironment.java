package io.tollgate.dev;

import io.tollgate.config.Settings;
import io.tollgate.db.DatabaseSettings;
import io.tollgate.db.Migrations;
import io.tollgate.merchant.MerchantAdmin;
import io.tollgate.merchant.PaymentMethod;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.utils.Numeric;

/**
 * What {@code tollgate dev} fills in, so it runs on a newcomer's machine with no setup: an embedded
 * PostgreSQL when {@code database.url} is unset, a local anvil chain (31337) with the demo
 * stablecoin deployed when no chain is configured, random secrets, relaxed webhook target rules, and
 * a demo merchant whose API key is printed once. Blocking; runs on the main thread before Vert.x
 * starts. Never used by {@code tollgate serve}: each of these stand-ins is wrong in a deployment.
 */
public final class DevEnvironment implements AutoCloseable {
  public static final long DEV_CHAIN_ID = 31337;
  /** anvil's first and last well-known development keys (public test mnemonic). */
  static final Credentials DEPLOYER = Credentials.create("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
  static final String BUYER_ADDRESS = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8"; // anvil account 1
  static final String MERCHANT_RECIPIENT = "0xa0ee7a142d267c1f36714e4a8f75612f20a79720"; // anvil account 9
  /** anvil accounts 0-2 (public test mnemonic): the demo stablecoin is minted to these, the banner lists them. */
  static final List<Credentials> FUNDED = List.of(DEPLOYER,
      Credentials.create("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"),
      Credentials.create("0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a"));

  /** anvil account 8 (public test mnemonic): development mode's gasless relayer key. */
  static final String RELAYER_KEY = "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97";

  private final List<AutoCloseable> resources = new ArrayList<>();
  private final DevBanner.Builder banner = new DevBanner.Builder();
  private Settings settings;

  /**
   * Returns the settings with development defaults filled in (starting an embedded PostgreSQL and a
   * local anvil when needed); {@link #createDemoMerchant} and {@link #banner()} come after.
   */
  public Settings prepare(Settings configured, Path projectDir) {
    Map<String, String> overrides = new HashMap<>();
    if (configured.optional("secrets.client-secret-key") == null) {
      // A random key per start: client secrets of checkouts created before a restart stop working.
      overrides.put("secrets.client-secret-key", randomKey());
      banner.generated("secrets.client-secret-key");
    }
    if (configured.optional("secrets.webhook-keys") == null) {
      // A random keyring per start, so endpoint secrets sealed before a restart no longer open.
      overrides.put("secrets.webhook-keys", "1:" + randomKey());
      overrides.put("secrets.webhook-active-key", "1");
      banner.generated("secrets.webhook-keys");
    }
    // A local shop on http://localhost is the normal development receiver.
    for (String relaxed : List.of("webhooks.allow-http", "webhooks.allow-private-targets")) {
      if (configured.optional(relaxed) == null) {
        overrides.put(relaxed, "true");
        banner.generated(relaxed);
      }
    }
    if (configured.optional("database.url") == null) {
      try {
        EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
        resources.add(pg);
        overrides.put("database.url", "postgresql://postgres@127.0.0.1:" + pg.getPort() + "/postgres");
        banner.embeddedDatabase();
      } catch (IOException e) {
        throw new IllegalStateException("could not start embedded PostgreSQL: " + e.getMessage(), e);
      }
    }
    if (configured.list("chains").isEmpty()) {
      AnvilProcess anvil = AnvilProcess.startDetached(projectDir, DEV_CHAIN_ID, "--block-time", "1");
      resources.add(anvil);
      String token = deployDemoStablecoin(anvil.rpcUrl());
      overrides.put("chains", Long.toString(DEV_CHAIN_ID));
      overrides.put("chain." + DEV_CHAIN_ID + ".name", "local anvil");
      overrides.put("chain." + DEV_CHAIN_ID + ".rpc-urls", anvil.rpcUrl());
      // New heads are pushed over anvil's WebSocket; the 250 ms poll applies only while it is down.
      overrides.put("chain." + DEV_CHAIN_ID + ".ws-url", anvil.wsUrl());
      overrides.put("chain." + DEV_CHAIN_ID + ".poll-interval-ms", "250");
      overrides.put("chain." + DEV_CHAIN_ID + ".tokens", "USDC,ETH");
      overrides.put("chain." + DEV_CHAIN_ID + ".token.USDC.address", token);
      overrides.put("chain." + DEV_CHAIN_ID + ".token.ETH.native", "true");
      // The demo stablecoin signs like USDC (EIP-3009, domain "USD Coin" / "2"); a funded anvil key relays.
      overrides.put("chain." + DEV_CHAIN_ID + ".token.USDC.eip712-name", "USD Coin");
      overrides.put("chain." + DEV_CHAIN_ID + ".token.USDC.eip712-version", "2");
      if (configured.optional("pricing.fixed.ETH") == null) overrides.put("pricing.fixed.ETH", "3000");
      // Demo rates, so a EUR checkout can be tried too (live deployments set pricing.sources).
      if (configured.optional("pricing.fixed.ETH-EUR") == null) overrides.put("pricing.fixed.ETH-EUR", "2760");
      if (configured.optional("pricing.fixed.EUR-USD") == null) overrides.put("pricing.fixed.EUR-USD", "1.08");
      // The gasless relayer: anvil account 8 (10,000 test ETH) pays the gas of buyers' authorizations.
      overrides.put("chain." + DEV_CHAIN_ID + ".relayer.private-key", RELAYER_KEY);
      overrides.put("chain." + DEV_CHAIN_ID + ".relayer.bump-after-ms", "5000");
      banner.localAnvil(anvil.rpcUrl(), anvil.wsUrl(), token);
    }
    settings = configured.with(overrides);
    return settings;
  }

  /**
   * Creates the demo merchant, accepting every token of every configured chain (the local anvil's, or
   * the user's own chain or testnet), paid to anvil account 9. Call after {@link #prepare} once the
   * settings are known to be valid: a new merchant on every start, since its API key is shown once.
   */
  public void createDemoMerchant() {
    DatabaseSettings db = DatabaseSettings.fromUrl(settings.optional("database.url"));
    Migrations.migrate(db);
    List<PaymentMethod> methods = new ArrayList<>();
    for (String chain : settings.list("chains")) { // in the order configured (the registry's maps keep none)
      for (String symbol : settings.list("chain." + chain + ".tokens")) {
        methods.add(new PaymentMethod(Long.parseLong(chain), symbol, MERCHANT_RECIPIENT));
      }
    }
    MerchantAdmin.CreatedMerchant merchant = new MerchantAdmin(db).create("Demo ticket shop", methods);
    banner.merchant(merchant.merchantId(), merchant.apiKey(), methods);
  }

  /** What was generated for this run, then the walkthrough when the local anvil runs. */
  public String banner() {
    return banner.build(settings);
  }

  private static String randomKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  /** Deploys the demo stablecoin and gives the first anvil accounts 1,000,000 of it each. */
  private static String deployDemoStablecoin(String rpcUrl) {
    BlockingRpc rpc = new BlockingRpc(rpcUrl);
    ContractArtifact artifact = ContractArtifact.load("DemoStablecoin");
    String deploy = artifact.bytecode() + FunctionEncoder.encodeConstructor(List.of(
        new Utf8String("USD Coin"), new Utf8String("2"), new Utf8String("USDC")));
    String token = rpc.receipt(send(rpc, null, deploy)).getString("contractAddress").toLowerCase();
    for (Credentials holder : FUNDED) {
      String mint = FunctionEncoder.encode(new Function("mint",
          List.of(new Address(holder.getAddress()), new Uint256(BigInteger.valueOf(1_000_000L).multiply(BigInteger.TEN.pow(6)))), List.of()));
      rpc.receipt(send(rpc, token, mint));
    }
    return token;
  }

  private static String send(BlockingRpc rpc, String to, String data) {
    BigInteger nonce = Numeric.decodeQuantity((String) rpc.call("eth_getTransactionCount", DEPLOYER.getAddress(), "pending"));
    RawTransaction tx = RawTransaction.createTransaction(DEV_CHAIN_ID, nonce, BigInteger.valueOf(3_000_000),
        to == null ? "" : to, BigInteger.ZERO, data, BigInteger.TEN.pow(9), BigInteger.TEN.pow(11));
    return (String) rpc.call("eth_sendRawTransaction", Numeric.toHexString(TransactionEncoder.signMessage(tx, DEPLOYER)));
  }

  @Override
  public void close() {
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception ignored) {
        // best effort at shutdown
      }
    }
  }
}
