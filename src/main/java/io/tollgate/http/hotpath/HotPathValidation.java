package io.tollgate.http.hotpath;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaValidationException;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import io.vertx.json.schema.common.dsl.SchemaType;
import io.vertx.openapi.contract.Location;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.contract.RequestBody;
import io.vertx.openapi.contract.Style;
import io.vertx.openapi.validation.RequestUtils;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidationContext;
import io.vertx.openapi.validation.ValidatorErrorType;
import io.vertx.openapi.validation.ValidatorException;
import io.vertx.openapi.validation.analyser.ContentAnalyser;
import io.vertx.openapi.validation.transformer.FormTransformer;
import io.vertx.openapi.validation.transformer.ParameterTransformer;
import io.vertx.openapi.validation.transformer.SimpleTransformer;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Validates a request of one operation against the OpenAPI document with schema validators built
 * once, for the busy routes. The generic request validator of vertx-openapi 5.0.10 builds a new
 * schema validator for every parameter and every body of every request (each copying the schema
 * repository's maps), on a worker thread: the load tests found it costing more CPU than everything
 * else a status poll does, and in the ticket drop about half as much as all the event loops
 * together. This checks the same schemas from the same document, in the same order, with the
 * library's own value decoding, parameter transformers and body analyser, and fails with the same
 * exceptions ({@link ValidatorException}, {@link SchemaValidationException}), so {@link
 * ErrorResponses} gives the same answers, header values aside (below);
 * {@code RequestValidationParityTest} sends the same bad requests through both and compares them.
 *
 * <p>What qualifies ({@link #forOperation} refuses the rest, so a contract change that breaks an
 * assumption fails at start-up instead of validating differently):
 *
 * <ul>
 *   <li>parameters that are all strings, in the path, a header or the query, in their default style;
 *   <li>a request body, if any, whose every media type is {@code application/json} with a schema.
 * </ul>
 *
 * <p>One deliberate difference: a <b>header</b> value is checked as the string it is. The library
 * URL-decodes header values and then reads any that is not {@code \w+} as JSON, so it refused an
 * {@code Idempotency-Key} of {@code 1.5}, {@code -7} or {@code {"a":1}} (a number, an object: not a
 * string) and checked {@code %41} as {@code A}, while the handler uses the header as sent. The
 * contract says the key is 1 to 255 printable characters, and headers are not URL-encoded, so the
 * value the handler uses is the value checked. Path and query values keep the library's semantics.
 *
 * <p>It runs on the event loop, not on a worker thread as the generic validator does: a prebuilt
 * validator on a body of at most {@link io.tollgate.http.HttpVerticle#BODY_LIMIT} bytes costs about what the
 * handler's own parse of that body does, less than the hop to a worker and back. As with the
 * generic validator, the handlers after it read the body with {@code ctx.body()} (parsed again
 * there); no {@code ValidatedRequest} is put in the context.
 *
 * <p>Even a prebuilt validator costs a lot per call (the drop's JFR still showed it as the largest
 * single cost), so a parameter value is first offered to a <em>fast accept</em> compiled
 * from the parameter's schema when that schema uses only {@code type: string}, {@code minLength},
 * {@code maxLength} and {@code format: uuid}: it accepts only values the schema certainly accepts
 * (lengths counted in code points, a canonical UUID) and that the library's decoding and
 * transformation leave as they are ({@link #transformsToItself}); everything else goes the library's
 * way, to the schema validator, which decides and words the error. Any other keyword means no fast
 * accept for that parameter. Bodies always go to their schema validator.
 */
public final class HotPathValidation {
  private static final Set<String> FAST_KEYWORDS = Set.of("type", "minLength", "maxLength", "format");
  private static final Predicate<String> NONE = value -> false;
  /** The JSON numbers of {@code [A-Za-z0-9_-]} that do not start with {@code -}. */
  private static final Pattern NEGATIVE_EXPONENT = Pattern.compile("[0-9]+[eE]-[0-9]+");

  private record Check(Parameter parameter, int pathSegment, ParameterTransformer transformer, Validator validator,
      Predicate<String> fastAccept) {}

  /** The request body's declaration and a validator per declared media type. */
  private record Body(RequestBody declared, Map<MediaType, Validator> validators) {}

  private final List<Check> checks;
  private final Body body; // null when the operation has no request body

  private HotPathValidation(List<Check> checks, Body body) {
    this.checks = checks;
    this.body = body;
  }

  /** The validation of {@code operationId}; {@link IllegalArgumentException} if it does not qualify (see above). */
  public static HotPathValidation forOperation(OpenAPIContract contract, String operationId) {
    Operation operation = contract.operation(operationId);
    if (operation == null) throw new IllegalArgumentException("no operation " + operationId);
    List<Check> checks = new ArrayList<>();
    for (Parameter p : operation.getParameters()) {
      if (p.getSchemaType() != SchemaType.STRING) {
        throw new IllegalArgumentException(operationId + ": parameter " + p.getName() + " is not a string");
      }
      ParameterTransformer transformer = switch (p.getIn()) {
        case PATH, HEADER -> p.getStyle() == Style.SIMPLE ? new SimpleTransformer() : null;
        case QUERY -> p.getStyle() == Style.FORM ? new FormTransformer() : null;
        default -> throw new IllegalArgumentException(operationId + ": parameter " + p.getName() + " is in " + p.getIn());
      };
      if (transformer == null) {
        throw new IllegalArgumentException(operationId + ": parameter " + p.getName() + " has style " + p.getStyle());
      }
      int segment = p.getIn() == Location.PATH ? RequestUtils.findPathSegment(operation.getAbsoluteOpenAPIPath(), p.getName()) : -1;
      checks.add(new Check(p, segment, transformer, contract.getSchemaRepository().validator(p.getSchema()),
          fastAccept(p.getSchema())));
    }
    return new HotPathValidation(List.copyOf(checks), body(contract, operationId, operation.getRequestBody()));
  }

  private static Body body(OpenAPIContract contract, String operationId, RequestBody declared) {
    if (declared == null) return null;
    Map<MediaType, Validator> validators = new HashMap<>();
    for (Map.Entry<String, MediaType> type : declared.getContent().entrySet()) {
      // other media types have other analysers (multipart, text) or none; a JSON body without a schema is not validated
      if (!MediaType.APPLICATION_JSON.equals(type.getKey()) || type.getValue().getSchema() == null) {
        throw new IllegalArgumentException(operationId + ": request body in " + type.getKey()
            + (type.getValue().getSchema() == null ? " without a schema" : ""));
      }
      validators.put(type.getValue(), contract.getSchemaRepository().validator(type.getValue().getSchema()));
    }
    return new Body(declared, Map.copyOf(validators));
  }

  /** Whether the named parameter's schema compiled to a fast accept (for tests). */
  boolean hasFastAccept(String parameterName) {
    return checks.stream().anyMatch(c -> c.parameter().getName().equals(parameterName) && c.fastAccept() != NONE);
  }

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
   * Whether the library leaves {@code value} as it is on its way to a string parameter's schema:
   * neither its URL decoding of header, path and query values (which changes only {@code %} and
   * {@code +}) nor its parameter transformer, which passes {@code \w+} through but otherwise tries
   * the value as JSON first ({@code 1.5} becomes a number, {@code "a"} the string {@code a}, a lone
   * {@code "} a decoding error) and only then as a string. True only for non-empty values of
   * {@code [A-Za-z0-9_-]} that no JSON parser takes as a whole value: over that alphabet the only
   * JSON values with a {@code -} are numbers, which start with {@code -} or are {@code 12e-3}-like;
   * the rest ({@code true}, {@code null}, ...) are {@code \w+}. UUIDs and client secrets qualify.
   */
  static boolean transformsToItself(String value) {
    if (value.isEmpty() || value.charAt(0) == '-') return false;
    boolean numberLike = true; // only digits, e, E and - so far
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean digit = c >= '0' && c <= '9';
      if (!digit && !(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && c != '_' && c != '-') return false;
      if (!digit && c != 'e' && c != 'E' && c != '-') numberLike = false;
    }
    return !numberLike || !NEGATIVE_EXPONENT.matcher(value).matches();
  }

  /**
   * Whether every parameter is valid by its fast accept alone (a present value passes it, an absent
   * one is optional), asking no schema validator. {@code false} means "not certain", not "invalid":
   * {@link #handle} decides then. For the fast lane, which answers only requests certain to pass;
   * the operation must have no body.
   *
   * @param valueOf a parameter's raw value in the request (the path segment, the header), null when absent
   */
  boolean certainlyValid(Function<Parameter, String> valueOf) {
    if (body != null) return false;
    for (Check check : checks) {
      String value = valueOf.apply(check.parameter());
      if (value == null ? check.parameter().isRequired() : !certain(check, value)) return false;
    }
    return true;
  }

  private static boolean certain(Check check, String value) {
    return check.fastAccept() != NONE && check.fastAccept().test(value)
        && (check.parameter().getIn() == Location.HEADER || transformsToItself(value));
  }

  /** Passes the request on when it is valid, else fails it (400) as the generic validator would. */
  public void handle(RoutingContext ctx) {
    try {
      checkParameters(ctx.request());
      if (body != null) checkBody(ctx.request(), ctx.body().buffer());
    } catch (ValidatorException e) {
      ctx.fail(400, e);
      return;
    }
    ctx.next();
  }

  /**
   * As the library's {@code RequestUtils.extract} then {@code RequestValidatorImpl.validateParameter}:
   * every path and query value URL-decoded first, then each transformed and checked, in the
   * operation's order; header values are checked as they are (see the class comment).
   */
  private void checkParameters(HttpServerRequest request) {
    String[] values = new String[checks.size()];
    for (int i = 0; i < values.length; i++) {
      String raw = rawValue(request, checks.get(i));
      boolean literal = raw == null || checks.get(i).parameter().getIn() == Location.HEADER
          || (raw.indexOf('%') < 0 && raw.indexOf('+') < 0);
      values[i] = literal ? raw : decodeUrl(raw);
    }
    for (int i = 0; i < values.length; i++) {
      Check check = checks.get(i);
      Parameter p = check.parameter();
      String value = values[i];
      if (value == null) {
        if (p.isRequired()) throw ValidatorException.createMissingRequiredParameter(p);
        continue;
      }
      if (certain(check, value)) continue;
      // A header is checked as the string it is (see the class comment), a path or query value as the library does.
      Object input = p.getIn() == Location.HEADER ? value : check.transformer().transform(p, value);
      OutputUnit result = check.validator().validate(input);
      try {
        result.checkValidity();
      } catch (JsonSchemaValidationException e) {
        throw SchemaValidationException.createErrorFromOutputUnitType(p, result, e);
      }
    }
  }

  /** A parameter's value as the library takes it from the request, before URL decoding. */
  private static String rawValue(HttpServerRequest request, Check check) {
    Parameter p = check.parameter();
    return switch (p.getIn()) {
      case HEADER -> request.getHeader(p.getName());
      case QUERY -> request.params().get(p.getName()); // decoded once already; the library decodes it again
      case PATH -> {
        String[] segments = request.path().substring(1).split("/");
        yield segments.length < check.pathSegment() ? null : segments[check.pathSegment() - 1];
      }
      default -> throw new IllegalStateException("unsupported parameter location " + p.getIn());
    };
  }

  /** The library's {@code RequestUtils.decodeUrl}, with its exception. */
  private static String decodeUrl(String encoded) {
    try {
      return URLDecoder.decode(encoded, StandardCharsets.UTF_8);
    } catch (RuntimeException e) {
      throw new ValidatorException("Can't decode URL value: " + encoded, ValidatorErrorType.ILLEGAL_VALUE);
    }
  }

  /** As {@code RequestValidatorImpl.validateBody} and {@code BaseValidator.validate}. */
  private void checkBody(HttpServerRequest request, Buffer content) {
    if (content == null || content.length() == 0) {
      if (!body.declared().isRequired()) return;
      throw new ValidatorException("The related request does not contain the required body.",
          ValidatorErrorType.MISSING_REQUIRED_PARAMETER);
    }
    String contentType = request.headers().get(HttpHeaders.CONTENT_TYPE);
    // the declared identifiers are free of white space, so an exact match is what determineContentType would find
    MediaType mediaType = contentType == null ? null : body.declared().getContent().get(contentType);
    if (mediaType == null) mediaType = body.declared().determineContentType(contentType);
    ContentAnalyser analyser = mediaType == null ? null
        : ContentAnalyser.getContentAnalyser(mediaType, contentType, content, ValidationContext.REQUEST);
    if (analyser == null) {
      throw new ValidatorException("The format of the " + ValidationContext.REQUEST + " body is not supported",
          ValidatorErrorType.UNSUPPORTED_VALUE_FORMAT);
    }
    analyser.checkSyntacticalCorrectness(); // "The request body can't be decoded" for malformed JSON
    OutputUnit result = body.validators().get(mediaType).validate(analyser.transform());
    try {
      result.checkValidity();
    } catch (JsonSchemaValidationException e) {
      throw SchemaValidationException.createInvalidValueBody(result, ValidationContext.REQUEST, e);
    }
  }
}
