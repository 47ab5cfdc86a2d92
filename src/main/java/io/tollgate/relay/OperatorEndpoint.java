package io.tollgate.relay;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/**
 * POSTs operator events as JSON to the configured operator endpoint: the operator's own URL, so no
 * address filtering; redirects are not followed and each request gives up after 10 seconds.
 */
final class OperatorEndpoint {
  private OperatorEndpoint() {}

  static Function<JsonObject, Future<Void>> of(Vertx vertx, String url) {
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5_000));
    return event -> client.request(new RequestOptions().setAbsoluteURI(url).setMethod(HttpMethod.POST)
            .setFollowRedirects(false).setTimeout(10_000).putHeader("Content-Type", "application/json"))
        .compose(request -> request.send(event.toBuffer()))
        .compose(response -> response.statusCode() / 100 == 2 ? Future.<Void>succeededFuture()
            : Future.failedFuture("operator endpoint answered " + response.statusCode()));
  }
}
