package io.tollgate.http.hotpath;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import java.util.List;
import java.util.UUID;

/**
 * The status poll in front of the router. Browsers poll {@code GET /v1/checkouts/{id}/status}
 * every 2 seconds, and on that path the router's own work (each route's regular expression tried
 * in turn, the CORS and body handlers on every request) cost more than the poll itself. This
 * handler sees every request first and keeps only those it can answer exactly as the routed path
 * would:
 *
 * <ul>
 *   <li>the operation's method and path, with a canonical UUID, no query string and no body;
 *   <li>parameters certain to pass their OpenAPI schemas ({@link HotPathValidation#certainlyValid});
 *   <li>an {@code Origin} header whose CORS answer is certain ({@link CorsRules#forActualRequest}).
 * </ul>
 *
 * <p>Everything else goes to the router untouched, before anything is read or written: other
 * endpoints, preflights, and every request that would fail validation or CORS, so those answers
 * keep the router's wording. The requests it keeps are answered by the same {@link StatusPoll},
 * with failures rendered by the same {@link ErrorResponses}, as on the routed path. Setting
 * {@code http.status-fast-lane=false} removes it; {@code StatusPollFastLaneEndToEndTest} checks that
 * both give the same answers.
 */
public final class StatusFastLane implements Handler<HttpServerRequest> {
  private final PathTemplate path;
  private final HotPathValidation parameters;
  private final CorsRules cors;
  private final StatusPoll poll;
  private final Handler<HttpServerRequest> router;

  private StatusFastLane(PathTemplate path, HotPathValidation parameters, CorsRules cors, StatusPoll poll,
      Handler<HttpServerRequest> router) {
    this.path = path;
    this.parameters = parameters;
    this.cors = cors;
    this.poll = poll;
    this.router = router;
  }

  /** The fast lane of the {@code operationId} GET operation (one UUID path parameter), in front of {@code router}. */
  public static StatusFastLane forOperation(OpenAPIContract contract, String operationId, HotPathValidation parameters,
      CorsRules cors, StatusPoll poll, Handler<HttpServerRequest> router) {
    Operation operation = contract.operation(operationId);
    if (operation.getHttpMethod() != HttpMethod.GET) throw new IllegalArgumentException(operationId + " is not a GET");
    return new StatusFastLane(PathTemplate.parse(operation.getOpenAPIPath()), parameters, cors, poll, router);
  }

  @Override
  public void handle(HttpServerRequest request) {
    String checkoutId = path.match(request);
    List<CorsRules.Header> corsHeaders = checkoutId == null ? null : cors.forActualRequest(request.getHeader(HttpHeaders.ORIGIN));
    if (corsHeaders == null || !parameters.certainlyValid(p -> valueOf(p, checkoutId, request))) {
      router.handle(request);
      return;
    }
    // as on the routed path, where CORS is the first handler: errors carry these headers too
    CorsRules.addTo(request.response(), corsHeaders);
    poll.handle(request, UUID.fromString(checkoutId), failure -> ErrorResponses.respond(request, failure));
  }

  private String valueOf(Parameter p, String checkoutId, HttpServerRequest request) {
    return switch (p.getIn()) {
      case PATH -> p.getName().equals(path.parameter()) ? checkoutId : null;
      case HEADER -> request.getHeader(p.getName());
      default -> null; // a query parameter: the fast lane takes no request with a query string
    };
  }

  /** An OpenAPI path with one parameter segment, such as {@code /v1/checkouts/{checkoutId}/status}. */
  record PathTemplate(String prefix, String parameter, String suffix) {
    static PathTemplate parse(String template) {
      int open = template.indexOf('{');
      int close = template.indexOf('}');
      if (open <= 0 || close < open || template.indexOf('{', close) >= 0 || template.charAt(open - 1) != '/'
          || (close + 1 < template.length() && template.charAt(close + 1) != '/')) {
        throw new IllegalArgumentException("not a path with one parameter segment: " + template);
      }
      return new PathTemplate(template.substring(0, open), template.substring(open + 1, close), template.substring(close + 1));
    }

    /**
     * The parameter segment if this is a GET of exactly this path with a canonical UUID there, no
     * query string and no body ({@code Content-Length: 0} is none); else null. Such a path is already in normal form (no dot segments,
     * escapes or double slashes), so the router would take the same route with the same value.
     */
    String match(HttpServerRequest request) {
      if (request.method() != HttpMethod.GET || request.query() != null) return null;
      String p = request.path();
      if (p == null || p.length() != prefix.length() + 36 + suffix.length() || !p.startsWith(prefix) || !p.endsWith(suffix)) {
        return null;
      }
      // a GET with a body is rare, and the router's body handler has its own answers (413): leave it to it
      String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
      if ((length != null && !length.equals("0")) || request.headers().contains(HttpHeaders.TRANSFER_ENCODING)) return null;
      String id = p.substring(prefix.length(), prefix.length() + 36);
      return CanonicalUuid.is(id) ? id : null;
    }
  }
}
