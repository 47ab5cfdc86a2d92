package io.tollgate.http;

import io.tollgate.config.Settings;
import java.util.List;

/** Where to listen and which browser origins may call the buyer API. */
public record HttpSettings(String host, int port, List<String> corsOrigins, int instances) {
  public static HttpSettings fromSettings(Settings s) {
    int instances = s.integer("http.instances", 0);
    return new HttpSettings(s.string("http.host", "0.0.0.0"), s.integer("http.port", 8080),
        s.list("http.cors.allowed-origins"),
        instances > 0 ? instances : Runtime.getRuntime().availableProcessors());
  }
}
