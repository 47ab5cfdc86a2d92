package io.tollgate.http;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Path;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The router's last handler: a path the contract (or the service's own routes) knows, asked with a
 * method it does not serve, is a 405 with {@code Allow} listing the methods that are served
 * ({@code DELETE /v1/checkouts/{id}}: {@code Allow: GET}); any other path is a 404.
 */
final class MethodNotAllowed {
  private final OpenAPIContract contract;
  private final Map<String, String> fixed;

  /**
   * @param fixed the routes outside the contract (health, metrics, the document itself, the pages)
   *     and their methods; a path ending in {@code /*} stands for every path under it
   */
  MethodNotAllowed(OpenAPIContract contract, Map<String, String> fixed) {
    this.contract = contract;
    this.fixed = Map.copyOf(fixed);
  }

  void handle(RoutingContext ctx) {
    String allow = allowed(ctx.request().path());
    if (allow == null) {
      ctx.fail(404);
      return;
    }
    ctx.response().putHeader("Allow", allow);
    ctx.fail(new ApiException(ErrorCode.METHOD_NOT_ALLOWED, ctx.request().method().name() + " is not served here; use " + allow));
  }

  /** The methods served at {@code path}, comma-separated, or null for a path nothing serves. */
  String allowed(String path) {
    String known = fixed.get(path);
    if (known != null) return known;
    for (Map.Entry<String, String> route : fixed.entrySet()) {
      String key = route.getKey();
      if (key.endsWith("/*") && path.length() > key.length() - 1 && path.startsWith(key.substring(0, key.length() - 1))) {
        return route.getValue();
      }
    }
    Path template;
    try {
      template = contract.findPath(path);
    } catch (RuntimeException e) {
      return null;
    }
    if (template == null || template.getOperations().isEmpty()) return null;
    return template.getOperations().stream().map(o -> o.getHttpMethod().name()).sorted().distinct()
        .collect(Collectors.joining(", "));
  }
}
