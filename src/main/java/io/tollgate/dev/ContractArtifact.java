package io.tollgate.dev;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A contract compiled from Solidity by solc-js during the build (scripts/build/compile-contracts.mjs),
 * loaded from the classpath folder {@code contracts/}.
 */
public record ContractArtifact(String name, JsonArray abi, String bytecode, String deployedBytecode) {

  public static ContractArtifact load(String name) {
    String resource = "contracts/" + name + ".json";
    try (InputStream in = ContractArtifact.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is not on the classpath: build with mvn (it compiles the Solidity sources)");
      }
      JsonObject json = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      return new ContractArtifact(
          json.getString("contractName"), json.getJsonArray("abi"),
          json.getString("bytecode"), json.getString("deployedBytecode"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
