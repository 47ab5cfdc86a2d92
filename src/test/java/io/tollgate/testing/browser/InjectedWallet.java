package io.tollgate.testing.browser;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * A browser wallet for tests: an EIP-1193 provider announced through EIP-6963 (and set as {@code
 * window.ethereum}) that answers {@code eth_requestAccounts} / {@code eth_accounts} / {@code
 * eth_chainId} / {@code wallet_switchEthereumChain} itself and forwards everything else
 * ({@code personal_sign}, {@code eth_signTypedData_v4}, {@code eth_sendTransaction}, reads) to a
 * real anvil, which signs for its unlocked development accounts. Install it with {@link
 * Browser#install}; {@code window.__testWallet.calls} lists what the page asked.
 *
 * @param rpcUrl anvil's HTTP JSON-RPC URL
 * @param account the address the wallet exposes (one of anvil's unlocked accounts, see {@link #anvilAccount})
 * @param chainId the chain the wallet is on
 * @param reject methods the "user" refuses (EIP-1193 error 4001)
 */
public record InjectedWallet(String rpcUrl, String account, long chainId, String name, List<String> reject) {

  public InjectedWallet(String rpcUrl, String account, long chainId) {
    this(rpcUrl, account, chainId, "Test Wallet", List.of());
  }

  /** The same wallet, whose user refuses {@code methods}. */
  public InjectedWallet rejecting(String... methods) {
    return new InjectedWallet(rpcUrl, account, chainId, name, List.of(methods));
  }

  /** The address of anvil's unlocked development account {@code index} (asked of anvil: {@code eth_accounts}). */
  public static String anvilAccount(String rpcUrl, int index) {
    try {
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(rpcUrl))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_accounts\",\"params\":[]}"))
          .build(), HttpResponse.BodyHandlers.ofString());
      JsonArray accounts = new JsonObject(r.body()).getJsonArray("result");
      return accounts.getString(index);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The script injected into every frame. */
  public String script() {
    JsonObject config = new JsonObject().put("rpcUrl", rpcUrl).put("account", account)
        .put("chainId", "0x" + Long.toHexString(chainId)).put("name", name).put("rdns", "io.tollgate.testwallet")
        .put("uuid", UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString())
        .put("reject", new JsonArray(reject));
    try (InputStream in = InjectedWallet.class.getResourceAsStream("injected-wallet.js")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("__WALLET_CONFIG__", config.encode());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
