package io.tollgate;

import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What one subsystem adds to the running service: its verticles, deployed in this order after the
 * modules before it, and its readiness checks (by name, for {@code /health/ready}).
 */
record Module(List<Supplier<Future<String>>> deployments, Map<String, Supplier<Future<?>>> readiness) {
  Module {
    deployments = List.copyOf(deployments);
    readiness = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(readiness)); // in order
  }

  static Module of(List<Supplier<Future<String>>> deployments) {
    return new Module(deployments, Map.of());
  }
}
