package io.tollgate.http;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.openapi.validation.ValidatorException;

/**
 * The router's own (generic) request validation, moved behind a route's authentication, for the
 * operations {@code HotPathValidation} does not take (integer query parameters such as
 * {@code limit}, or none): a bad key with a bad query is a 401, as it is with a bad body. It
 * validates exactly as vertx-web-openapi-router 5.0.10 does (the same extractor and validator, a
 * {@link ValidatorException} as a 400 {@link HttpException}, the validated request in the context
 * under the router's key), so {@code ErrorResponses} answers the same.
 */
final class AuthenticatedValidation {
  /** Where the router puts the validated request ({@code RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST}). */
  private static final String VALIDATED_REQUEST = RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST;

  private final OpenAPIContract contract;
  private final RequestValidator validator;
  private final RequestExtractor extractor = RequestExtractor.withBodyHandler();

  AuthenticatedValidation(Vertx vertx, OpenAPIContract contract) {
    this.contract = contract;
    this.validator = RequestValidator.create(vertx, contract);
  }

  /** The route of {@code operationId}: {@code authentication}, then the router's validation, then the handlers added to it. */
  OpenAPIRoute route(RouterBuilder builder, String operationId, Handler<RoutingContext> authentication) {
    Operation operation = contract.operation(operationId);
    return builder.getRoute(operationId).setDoValidation(false).addHandler(authentication).addHandler(ctx ->
        extractor.extractValidatableRequest(ctx, operation)
            .compose(request -> validator.validate(request, operationId))
            .onSuccess(validated -> {
              ctx.put(VALIDATED_REQUEST, validated);
              ctx.next();
            })
            .onFailure(e -> ctx.fail(e instanceof ValidatorException ? new HttpException(400, e.getMessage(), e) : e)));
  }
}
