package io.tollgate.signature;

import io.tollgate.dev.AnvilProcess;
import io.tollgate.dev.ContractArtifact;
import io.tollgate.testing.TestChain;
import io.vertx.core.Vertx;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;

/**
 * Throughput of signature verification: ECDSA recovery alone (the CPU cost per signature), and
 * whole {@link SignatureVerifier#verify} calls against a local anvil for an EOA, a deployed
 * ERC-1271 wallet and an ERC-6492 counterfactual wallet, with and without the result cache.
 * One caller at a time (each op waits for its answer), so the verify numbers are latency-bound.
 * Excluded from surefire by its name; run it with {@link #main} (see docs/BENCHMARKS.md).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class SignatureVerifierBenchmark {

  @State(Scope.Benchmark)
  public static class Chain {
    Vertx vertx;
    AnvilProcess anvil;
    AnvilRpc rpc;
    SignatureVerifier uncached;
    SignatureVerifier cached;
    SignatureRequest eoa;
    SignatureRequest erc1271;
    SignatureRequest erc6492;
    byte[] eoaHash;
    Ecdsa.Parsed eoaParsed;

    @Setup(Level.Trial)
    public void start() {
      vertx = Vertx.vertx();
      anvil = AnvilProcess.start(AnvilProcess.defaultProjectDir(), 31337);
      TestChain chain = new TestChain(anvil.rpcUrl(), 31337);
      rpc = new AnvilRpc(vertx, anvil.rpcUrl(), 31337);
      uncached = SignatureVerifier.create(vertx, VerifierSettings.defaults().withCacheSize(0));
      cached = SignatureVerifier.create(vertx, VerifierSettings.defaults());

      Digest digest = Digest.personalSign("Pay 12.50 USD for checkout chk_bench");
      Credentials buyer = chain.newFundedAccount();
      byte[] eoaSignature = TestSigner.sign(digest.hash(), buyer.getEcKeyPair());
      eoa = SignatureRequest.of(buyer.getAddress(), digest, eoaSignature);
      eoaHash = digest.hash();
      eoaParsed = Ecdsa.parse(eoaSignature).parsed();

      String factory = chain.deploy(TestChain.DEPLOYER, ContractArtifact.load("TestOwnerWalletFactory"), List.of());
      Credentials owner = chain.newFundedAccount();
      String deployedCall = TestChain.encode("createWallet", new Address(owner.getAddress()), new Bytes32(salt("deployed")));
      chain.awaitReceipt(chain.send(TestChain.DEPLOYER, factory, BigInteger.ZERO, deployedCall, BigInteger.valueOf(2_000_000)));
      String wallet = walletAddress(chain, factory, owner, "deployed");
      erc1271 = SignatureRequest.of(wallet, digest,
          TestSigner.sign(TestSigner.walletHash(wallet, 31337, digest.hash()), owner.getEcKeyPair()));

      String counterfactual = walletAddress(chain, factory, owner, "counterfactual");
      String createCall = TestChain.encode("createWallet", new Address(owner.getAddress()), new Bytes32(salt("counterfactual")));
      byte[] inner = TestSigner.sign(TestSigner.walletHash(counterfactual, 31337, digest.hash()), owner.getEcKeyPair());
      erc6492 = SignatureRequest.of(counterfactual, digest, Erc6492.wrap(new Erc6492.Wrapped(
          factory, org.web3j.utils.Numeric.hexStringToByteArray(createCall), inner)));
      for (SignatureRequest r : List.of(eoa, erc1271, erc6492)) {
        if (!verify(uncached, r).isValid()) throw new IllegalStateException("benchmark fixture does not verify: " + r);
      }
    }

    private static byte[] salt(String name) {
      return Hash.sha3(name.getBytes(StandardCharsets.UTF_8));
    }

    private static String walletAddress(TestChain chain, String factory, Credentials owner, String salt) {
      String word = (String) chain.rpc("eth_call", new io.vertx.core.json.JsonObject().put("to", factory)
          .put("data", TestChain.encode("walletAddress", new Address(owner.getAddress()), new Bytes32(salt(salt)))), "latest");
      return "0x" + word.substring(word.length() - 40);
    }

    SignatureCheck verify(SignatureVerifier verifier, SignatureRequest request) {
      try {
        return verifier.verify(request, rpc).await(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
      anvil.close();
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** CPU cost of one secp256k1 public-key recovery (what the worker pool does per EOA check). */
  @Benchmark
  public String ecdsaRecoverOnly(Chain c) {
    return Ecdsa.recover(c.eoaHash, c.eoaParsed);
  }

  @Benchmark
  public SignatureCheck eoaVerify(Chain c) {
    return c.verify(c.uncached, c.eoa);
  }

  @Benchmark
  public SignatureCheck eoaVerifyCached(Chain c) {
    return c.verify(c.cached, c.eoa);
  }

  @Benchmark
  public SignatureCheck erc1271Verify(Chain c) {
    return c.verify(c.uncached, c.erc1271);
  }

  @Benchmark
  public SignatureCheck erc1271VerifyCached(Chain c) {
    return c.verify(c.cached, c.erc1271);
  }

  @Benchmark
  public SignatureCheck erc6492Verify(Chain c) {
    return c.verify(c.uncached, c.erc6492);
  }

  @Benchmark
  public SignatureCheck erc6492VerifyCached(Chain c) {
    return c.verify(c.cached, c.erc6492);
  }

  public static void main(String[] args) throws Exception {
    new Runner(new OptionsBuilder()
        .include(SignatureVerifierBenchmark.class.getSimpleName() + "." + (args.length > 0 ? args[0] : ""))
        .jvmArgsAppend("-Dtollgate.project.dir=" + AnvilProcess.defaultProjectDir())
        .build()).run();
  }
}
