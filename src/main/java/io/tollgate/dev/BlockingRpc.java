package io.tollgate.dev;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;

/** Minimal blocking JSON-RPC for development-mode set-up on the main thread, before Vert.x runs. */
final class BlockingRpc {
  private final HttpClient http = HttpClient.newHttpClient();
  private final URI url;

  BlockingRpc(String url) {
    this.url = URI.create(url);
  }

  Object call(String method, Object... params) {
    String body = new JsonObject().put("jsonrpc", "2.0").put("id", 1).put("method", method)
        .put("params", new JsonArray(Arrays.asList(params))).encode();
    try {
      JsonObject response = new JsonObject(http.send(HttpRequest.newBuilder(url)
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString()).body());
      if (response.containsKey("error")) throw new IllegalStateException(method + ": " + response.getValue("error"));
      return response.getValue("result");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  JsonObject receipt(String txHash) {
    for (int i = 0; i < 200; i++) {
      Object receipt = call("eth_getTransactionReceipt", txHash);
      if (receipt instanceof JsonObject json) return json;
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException("no receipt for " + txHash);
  }
}
