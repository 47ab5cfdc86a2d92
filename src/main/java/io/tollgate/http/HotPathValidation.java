package io.tollgate.http;

import io.vertx.ext.web.RoutingContext;
import io.vertx.json.schema.JsonSchemaValidationException;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import io.vertx.json.schema.common.dsl.SchemaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorException;
import java.util.ArrayList;
import java.util.List;

/**
 * Validates the parameters of one operation against the OpenAPI document with schema validators
 * built once, for the poll path. The generic request validator of vertx-openapi 5.0.10 builds a new
 * schema validator for every parameter of every request (copying the schema repository's maps),
 * which the load test found to cost more CPU than everything else a status poll does; this checks
 * the same schemas from the same document and fails with the same exceptions, so answers do not
 * change. Only operations whose parameters are all strings (path, header, query) and which have no
 * request body qualify; {@link #forOperation} refuses the others.
 */
final class HotPathValidation {
  private record Check(Parameter parameter, Validator validator) {}

  private final List<Check> checks;

  private HotPathValidation(List<Check> checks) {
    this.checks = checks;
  }

  static HotPathValidation forOperation(OpenAPIContract contract, String operationId) {
    Operation operation = contract.operation(operationId);
    if (operation.getRequestBody() != null) throw new IllegalArgumentException(operationId + " has a request body");
    List<Check> checks = new ArrayList<>();
    for (Parameter p : operation.getParameters()) {
      if (p.getSchemaType() != SchemaType.STRING) {
        throw new IllegalArgumentException(operationId + ": parameter " + p.getName() + " is not a string");
      }
      checks.add(new Check(p, contract.getSchemaRepository().validator(p.getSchema())));
    }
    return new HotPathValidation(List.copyOf(checks));
  }

  /** Passes the request on when every parameter is valid, else fails it as the generic validator would. */
  void handle(RoutingContext ctx) {
    for (Check check : checks) {
      Parameter p = check.parameter();
      String value = switch (p.getIn()) {
        case PATH -> ctx.pathParam(p.getName());
        case HEADER -> ctx.request().getHeader(p.getName());
        case QUERY -> ctx.request().getParam(p.getName());
        default -> throw new IllegalStateException("unsupported parameter location " + p.getIn());
      };
      if (value == null) {
        if (p.isRequired()) {
          ctx.fail(400, ValidatorException.createMissingRequiredParameter(p));
          return;
        }
        continue;
      }
      OutputUnit result = check.validator().validate(value);
      try {
        result.checkValidity();
      } catch (JsonSchemaValidationException e) {
        ctx.fail(400, SchemaValidationException.createErrorFromOutputUnitType(p, result, e));
        return;
      }
    }
    ctx.next();
  }
}
