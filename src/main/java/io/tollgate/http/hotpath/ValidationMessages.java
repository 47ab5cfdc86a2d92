package io.tollgate.http.hotpath;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.pointer.JsonPointer;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.validation.SchemaValidationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The schema validator's findings in a shop developer's words: which field, and what is wrong with
 * it ({@code amount must be a decimal string like "12.50"}), instead of the validator's account of
 * its own keywords. Of everything the validator reports, the most specific finding is explained:
 * the deepest field, and a concrete keyword (type, pattern, enum, ...) over the structural ones
 * ({@code properties}, {@code additionalProperties} about a field the schema does declare).
 */
final class ValidationMessages {
  /** One finding: the field's path ({@code amount}, {@code paymentOptions[0].chainId}) and the sentence. */
  record Finding(String field, String message) {}

  private static final Pattern PARAMETER = Pattern.compile("(?:parameter|header) (\\S+?) is invalid|parameter (\\S+?) ");
  private static final Pattern QUOTED = Pattern.compile("\"([^\"]+)\"");
  /** Fields whose every mistake has one explanation, in the words of what the field is. */
  private static final Map<String, String> WHAT = Map.of(
      "amount", "a decimal string like \"12.50\" (USD, at most 6 decimals)",
      "txHash", "a transaction hash: 0x followed by 64 hex digits",
      "payer", "an address: 0x followed by 40 hex digits",
      "address", "a wallet address: 0x followed by 40 hex digits",
      "chainId", "a chain id, a whole number like 8453",
      "signingChainId", "a chain id, a whole number like 8453",
      "since", "an RFC 3339 time like \"2026-01-02T03:04:05.000Z\"",
      "checkoutId", "a checkout id (a UUID)",
      "endpointId", "an endpoint id (a UUID)",
      "merchantId", "a merchant id (a UUID)");

  private ValidationMessages() {}

  static Finding describe(SchemaValidationException e, JsonObject body) {
    List<OutputUnit> all = new ArrayList<>();
    flatten(e.getOutputUnit(), all);
    String parameter = parameterName(e.getMessage());
    OutputUnit best = null;
    int bestScore = Integer.MIN_VALUE;
    for (OutputUnit u : all) {
      String keyword = keyword(u);
      if (keyword == null) continue;
      int depth = path(u.getInstanceLocation()).size();
      int score = depth * 10 + (structural(keyword, u, all) ? 0 : 5);
      if (score > bestScore) {
        best = u;
        bestScore = score;
      }
    }
    if (best == null) return new Finding(parameter, e.getMessage());
    List<String> path = path(best.getInstanceLocation());
    String keyword = keyword(best);
    if (keyword.equals("required")) {
      Matcher m = QUOTED.matcher(String.valueOf(best.getError()));
      String missing = m.find() ? m.group(1) : "a field";
      String field = join(path, missing);
      return new Finding(field, field + " is required");
    }
    String field = path.isEmpty() ? (parameter != null ? parameter : "body") : join(path, null);
    String leaf = path.isEmpty() ? field : path.get(path.size() - 1);
    if (keyword.equals("additionalProperties") || keyword.equals("unevaluatedProperties")) {
      return new Finding(field, field + " is not a field of this request (check its spelling; field names are camelCase)");
    }
    Object value = body == null || path.isEmpty() ? null : valueAt(body, best.getInstanceLocation());
    if (leaf.equals("currency") && keyword.equals("enum")) {
      return new Finding(field, "currency " + value + " is not accepted by this merchant (accepted: USD)");
    }
    String what = WHAT.get(leaf);
    if (what != null) {
      String got = leaf.equals("txHash") && value instanceof String s ? " (got " + s.length() + " characters)" : "";
      return new Finding(field, field + " must be " + what + got);
    }
    return new Finding(field, field + " " + generic(keyword, best));
  }

  private static final Pattern MISSING_PARAMETER = Pattern.compile("required (header|query|path|cookie) parameter (\\S+)");

  /**
   * The validator's findings that are not about a value (no body, a body of another media type, a
   * missing parameter) in the same words; anything else keeps the library's sentence.
   */
  static io.tollgate.api.ApiException describe(String validatorMessage) {
    Matcher missing = MISSING_PARAMETER.matcher(validatorMessage);
    String detail;
    String field = null;
    if (missing.find()) {
      field = missing.group(2);
      detail = "the " + field + " " + missing.group(1) + (missing.group(1).equals("header") ? "" : " parameter") + " is required";
    } else if (validatorMessage.contains("does not contain the required body")) {
      detail = "a JSON body is required";
      field = "body";
    } else if (validatorMessage.contains("format of the request body is not supported")) {
      detail = "the body must be JSON, sent with Content-Type: application/json";
      field = "body";
    } else {
      detail = validatorMessage;
    }
    return new io.tollgate.api.ApiException(io.tollgate.api.ErrorCode.INVALID_REQUEST, detail, field);
  }

  private static String generic(String keyword, OutputUnit u) {
    String error = u.getError() == null ? "" : u.getError();
    return switch (keyword) {
      case "type" -> "must be " + typeWords(error);
      case "minLength" -> "is too short" + number(error, " (at least %s characters)");
      case "maxLength" -> "is too long" + number(error, " (at most %s characters)");
      case "minimum", "exclusiveMinimum" -> "is too small" + number(error, " (at least %s)");
      case "maximum", "exclusiveMaximum" -> "is too large" + number(error, " (at most %s)");
      case "minItems" -> "has too few items";
      case "maxItems" -> "has too many items";
      case "maxProperties" -> "has too many keys";
      case "enum", "const" -> "is not one of the allowed values";
      case "pattern" -> "is not in the expected format";
      case "format" -> "is not in the expected format" + (error.contains("uuid") ? " (a UUID)" : "");
      default -> "is not valid (" + error + ")";
    };
  }

  private static String typeWords(String error) {
    for (String t : List.of("integer", "number", "string", "boolean", "object", "array")) {
      if (error.contains("\"" + t + "\"") || error.endsWith(t) || error.contains(" " + t)) {
        return switch (t) {
          case "integer" -> "a whole number";
          case "object" -> "a JSON object";
          case "array" -> "a JSON array";
          case "boolean" -> "true or false";
          default -> "a " + t;
        };
      }
    }
    return "of another type";
  }

  private static String number(String error, String format) {
    Matcher m = Pattern.compile("(-?\\d+(?:\\.\\d+)?)").matcher(error);
    String last = null;
    while (m.find()) last = m.group(1);
    return last == null ? "" : String.format(format, last);
  }

  /** A structural finding is one a more concrete finding about the same field explains. */
  private static boolean structural(String keyword, OutputUnit u, List<OutputUnit> all) {
    if (keyword.equals("properties") || keyword.equals("items") || keyword.equals("$ref") || keyword.equals("allOf")
        || keyword.equals("anyOf") || keyword.equals("oneOf")) return true;
    if (!keyword.equals("additionalProperties")) return false;
    for (OutputUnit other : all) {
      String k = keyword(other);
      if (other != u && k != null && !k.equals("additionalProperties")
          && String.valueOf(other.getInstanceLocation()).equals(String.valueOf(u.getInstanceLocation()))) return true;
    }
    return false;
  }

  private static void flatten(OutputUnit u, List<OutputUnit> into) {
    if (u == null) return;
    if (u.getKeywordLocation() != null && u.getError() != null) into.add(u);
    if (u.getErrors() != null) u.getErrors().forEach(child -> flatten(child, into));
  }

  private static String keyword(OutputUnit u) {
    String location = u.getKeywordLocation();
    if (location == null || location.isEmpty()) return null;
    int slash = location.lastIndexOf('/');
    return slash < 0 ? location : location.substring(slash + 1);
  }

  /** {@code #/paymentOptions/0/chainId} or {@code /amount} as its segments. */
  private static List<String> path(String instanceLocation) {
    List<String> out = new ArrayList<>();
    if (instanceLocation == null) return out;
    for (String s : instanceLocation.replaceFirst("^#", "").split("/")) {
      if (!s.isEmpty()) out.add(s.replace("~1", "/").replace("~0", "~"));
    }
    return out;
  }

  private static String join(List<String> path, String last) {
    StringBuilder b = new StringBuilder();
    List<String> all = new ArrayList<>(path);
    if (last != null) all.add(last);
    for (String s : all) {
      if (s.chars().allMatch(Character::isDigit)) b.append('[').append(s).append(']');
      else b.append(b.length() == 0 ? "" : ".").append(s);
    }
    return b.toString();
  }

  private static Object valueAt(JsonObject body, String instanceLocation) {
    try {
      Object v = JsonPointer.from(instanceLocation.replaceFirst("^#", "")).queryJson(body);
      return v instanceof JsonObject || v instanceof JsonArray ? null : v;
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String parameterName(String message) {
    if (message == null) return null;
    Matcher m = PARAMETER.matcher(message);
    if (!m.find()) return null;
    return m.group(1) != null ? m.group(1) : m.group(2);
  }
}
