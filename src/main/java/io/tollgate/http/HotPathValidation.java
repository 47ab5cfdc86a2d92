package io.tollgate.http;

import io.vertx.ext.web.RoutingContext;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaValidationException;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import io.vertx.json.schema.common.dsl.SchemaType;
import io.vertx.openapi.contract.Location;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Validates the parameters of one operation against the OpenAPI document with schema validators
 * built once, for the poll path. The generic request validator of vertx-openapi 5.0.10 builds a new
 * schema validator for every parameter of every request (copying the schema repository's maps),
 * which the load test found to cost more CPU than everything else a status poll does; this checks
 * the same schemas from the same document and fails with the same exceptions, so answers do not
 * change. Only operations whose parameters are all strings (path, header, query) and which have no
 * request body qualify; {@link #forOperation} refuses the others.
 *
 * <p>Even a prebuilt validator costs a lot per call (the drop's JFR still showed it as the largest
 * single cost), so a value is first offered to a <em>fast accept</em> compiled from the parameter's
 * schema when that schema uses only {@code type: string}, {@code minLength}, {@code maxLength} and
 * {@code format: uuid}: it accepts only values the schema certainly accepts (lengths counted in code
 * points, a canonical UUID) and sends everything else to the schema validator, which decides and
 * words the error. Any other keyword means no fast accept for that parameter.
 */
final class HotPathValidation {
  private static final Set<String> FAST_KEYWORDS = Set.of("type", "minLength", "maxLength", "format");

  private record Check(Parameter parameter, Validator validator, Predicate<String> fastAccept) {}

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
      if (p.getIn() != Location.PATH && p.getIn() != Location.HEADER && p.getIn() != Location.QUERY) {
        throw new IllegalArgumentException(operationId + ": parameter " + p.getName() + " is in " + p.getIn());
      }
      checks.add(new Check(p, contract.getSchemaRepository().validator(p.getSchema()), fastAccept(p.getSchema())));
    }
    return new HotPathValidation(List.copyOf(checks));
  }

  /** Whether the named parameter's schema compiled to a fast accept (for tests). */
  boolean hasFastAccept(String parameterName) {
    return checks.stream().anyMatch(c -> c.parameter().getName().equals(parameterName) && c.fastAccept() != NONE);
  }

  private static final Predicate<String> NONE = value -> false;

  static Predicate<String> fastAccept(JsonSchema schema) {
    if (!"string".equals(schema.get("type"))) return NONE;
    for (String keyword : schema.fieldNames()) {
      if (!FAST_KEYWORDS.contains(keyword) && !keyword.startsWith("__")) return NONE; // "__" = the library's own bookkeeping
    }
    Object format = schema.get("format");
    if (format != null && !"uuid".equals(format)) return NONE;
    Number min = schema.get("minLength");
    Number max = schema.get("maxLength");
    boolean uuid = "uuid".equals(format);
    return value -> {
      int length = value.codePointCount(0, value.length());
      if (min != null && length < min.intValue()) return false;
      if (max != null && length > max.intValue()) return false;
      return !uuid || CanonicalUuid.is(value);
    };
  }

  /**
   * Whether every parameter is valid by its fast accept alone (a present value passes it, an absent
   * one is optional), asking no schema validator. {@code false} means "not certain", not "invalid":
   * {@link #handle} decides then. For the fast lane, which answers only requests certain to pass.
   *
   * @param valueOf a parameter's value in the request, null when absent
   */
  boolean certainlyValid(Function<Parameter, String> valueOf) {
    for (Check check : checks) {
      String value = valueOf.apply(check.parameter());
      if (value == null ? check.parameter().isRequired() : !check.fastAccept().test(value)) return false;
    }
    return true;
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
      if (check.fastAccept().test(value)) continue;
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
