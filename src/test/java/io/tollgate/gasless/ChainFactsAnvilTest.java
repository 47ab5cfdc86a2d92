package io.tollgate.gasless;

import static io.tollgate.testing.Async.await;
import static io.tollgate.testing.Async.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.chain.EthRpc;
import io.tollgate.chain.Hex;
import io.tollgate.chain.JsonRpcClient;
import io.tollgate.chain.RpcRequest;
import io.tollgate.chain.RpcResponse;
import io.tollgate.dev.AnvilProcess;
import io.tollgate.dev.ContractArtifact;
import io.tollgate.signature.TestSigner;
import io.tollgate.testing.TestChain;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import java.math.BigInteger;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;

/**
 * The intake's token reading at the JSON-RPC boundary, on anvil: the nonce's state and the
 * payer's balance come from ONE call (the deployless GaslessFacts helper), and are right.
 */
class ChainFactsAnvilTest {
  private static AnvilProcess anvil;
  private static TestChain chain;
  private static Vertx vertx;
  private static String token;
  private static Counting rpc;

  @BeforeAll
  static void start() {
    anvil = AnvilProcess.start(AnvilProcess.defaultProjectDir(), 31337);
    chain = new TestChain(anvil.rpcUrl(), 31337);
    vertx = Vertx.vertx();
    token = chain.deploy(TestChain.DEPLOYER, ContractArtifact.load("DemoStablecoin"),
        List.of(new Utf8String("USD Coin"), new Utf8String("2"), new Utf8String("USDC")));
    rpc = new Counting(new JsonRpcClient(vertx, 31337, List.of(anvil.rpcUrl()), JsonRpcClient.Options.defaults()));
  }

  @AfterAll
  static void stop() throws Exception {
    await(vertx.close());
    anvil.close();
  }

  @Test
  void theNoncesStateTheBalanceAndThePayersCodeAreOneCall() {
    Credentials payer = chain.newAccount(BigInteger.ZERO);
    chain.mintToken(token, payer.getAddress(), BigInteger.valueOf(42_000_000));
    TransferAuthorization a = authorization(payer, "one");

    int before = rpc.calls.size();
    ChainFacts.TokenState state = await(ChainFacts.read(rpc, token, a));
    assertThat(rpc.calls.subList(before, rpc.calls.size())).containsExactly("eth_call");
    assertThat(state.nonceUsed()).isFalse();
    assertThat(state.balance()).isEqualTo(BigInteger.valueOf(42_000_000));
    assertThat(state.payerCode()).as("an account without code").isEmpty();

    // the authorization used on-chain: its state word says so, the balance is lower
    TokenDomain domain = new TokenDomain("USD Coin", "2", 31337, token.toLowerCase());
    byte[] digest = Hash.sha3(concat(new byte[] {0x19, 0x01}, domain.separator(), a.structHash()));
    byte[] signature = TestSigner.sign(digest, payer.getEcKeyPair());
    chain.awaitReceipt(chain.send(TestChain.DEPLOYER, token, BigInteger.ZERO,
        Hex.encode(ChainFacts.transferCall(a, signature, true)), BigInteger.valueOf(300_000)));
    ChainFacts.TokenState used = await(ChainFacts.read(rpc, token, a));
    assertThat(used.nonceUsed()).isTrue();
    assertThat(used.balance()).isEqualTo(BigInteger.valueOf(42_000_000 - 1_000_000));

    // a contract's code comes back whole (the signature check takes it instead of an eth_getCode)
    TransferAuthorization byToken = new TransferAuthorization(token, a.to(), a.value(), a.validAfter(), a.validBefore(), a.nonce());
    String code = (String) chain.rpc("eth_getCode", token, "latest");
    assertThat(Hex.encode(await(ChainFacts.read(rpc, token, byToken)).payerCode())).isEqualTo(code.toLowerCase());
  }

  @Test
  void aContractWithoutTheViewsIsUnavailableNotAnAnswer() {
    Credentials payer = chain.newAccount(BigInteger.ZERO);
    // an address with no code answers nothing: not "nonce unused, balance 0"
    Throwable failure = awaitFailure(ChainFacts.read(rpc, payer.getAddress(), authorization(payer, "two")));
    assertThat(failure).isInstanceOf(ApiException.class);
    assertThat(((ApiException) failure).error()).isEqualTo(ErrorCode.UNAVAILABLE);
  }

  private static TransferAuthorization authorization(Credentials payer, String seed) {
    return new TransferAuthorization(payer.getAddress().toLowerCase(), TestChain.DEPLOYER.getAddress().toLowerCase(),
        BigInteger.valueOf(1_000_000), 0, 4_000_000_000L, Hash.sha3String(seed).toLowerCase());
  }

  private static byte[] concat(byte[]... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] p : parts) out.writeBytes(p);
    return out.toByteArray();
  }

  /** Delegates to the real client, recording every JSON-RPC method asked (batch members each). */
  private record Counting(EthRpc delegate, List<String> calls) implements EthRpc {
    Counting(EthRpc delegate) {
      this(delegate, new CopyOnWriteArrayList<>());
    }

    @Override
    public long chainId() {
      return delegate.chainId();
    }

    @Override
    public Future<Object> call(String method, JsonArray params) {
      calls.add(method);
      return delegate.call(method, params);
    }

    @Override
    public Future<List<RpcResponse>> batch(List<RpcRequest> requests) {
      requests.forEach(r -> calls.add(r.method()));
      return delegate.batch(requests);
    }
  }
}
