package io.tollgate.fuzz;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.Yaml;

/**
 * The operations of the service's {@code openapi.yaml} as the fuzzer needs them: method, path
 * template, parameters (where, name, schema) and the JSON body schema, {@code $ref}s resolved.
 */
final class ApiOperations {
  record Parameter(String in, String name, Map<String, Object> schema) {}

  record Operation(String id, String method, String path, List<Parameter> parameters, Map<String, Object> bodySchema) {}

  private final Map<String, Object> document;

  private ApiOperations(Map<String, Object> document) {
    this.document = document;
  }

  static ApiOperations load() {
    try (InputStream in = ApiOperations.class.getClassLoader().getResourceAsStream("openapi.yaml")) {
      if (in == null) throw new IllegalStateException("openapi.yaml is not on the class path");
      return new ApiOperations(new Yaml().load(in));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @SuppressWarnings("unchecked")
  List<Operation> operations() {
    List<Operation> out = new ArrayList<>();
    Map<String, Object> paths = (Map<String, Object>) document.get("paths");
    paths.forEach((path, item) -> ((Map<String, Object>) item).forEach((method, op) -> {
      if (!(op instanceof Map<?, ?> raw)) return;
      Map<String, Object> operation = (Map<String, Object>) raw;
      List<Parameter> parameters = new ArrayList<>();
      for (Object p : (List<Object>) operation.getOrDefault("parameters", List.of())) {
        Map<String, Object> param = resolve((Map<String, Object>) p);
        parameters.add(new Parameter((String) param.get("in"), (String) param.get("name"),
            resolve((Map<String, Object>) param.getOrDefault("schema", Map.of()))));
      }
      Map<String, Object> body = null;
      Map<String, Object> requestBody = (Map<String, Object>) operation.get("requestBody");
      if (requestBody != null) {
        Map<String, Object> content = (Map<String, Object>) resolve(requestBody).get("content");
        Map<String, Object> json = content == null ? null : (Map<String, Object>) content.get("application/json");
        if (json != null) body = resolve((Map<String, Object>) json.get("schema"));
      }
      out.add(new Operation((String) operation.get("operationId"), method.toUpperCase(), path, parameters, body));
    }));
    return out;
  }

  /** The schema or parameter behind a {@code $ref}, properties and items resolved too (one level of each at a time). */
  @SuppressWarnings("unchecked")
  Map<String, Object> resolve(Map<String, Object> node) {
    if (node == null) return Map.of();
    Object ref = node.get("$ref");
    if (ref instanceof String r) {
      Object target = document;
      for (String part : r.substring(2).split("/")) target = ((Map<String, Object>) target).get(part);
      return resolve((Map<String, Object>) target);
    }
    Map<String, Object> copy = new LinkedHashMap<>(node);
    return copy;
  }
}
