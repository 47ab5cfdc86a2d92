package io.tollgate.http;

import io.tollgate.config.Settings;
import java.util.List;

/**
 * Where to listen and which browser origins may call the buyer API.
 *
 * @param statusFastLane whether status polls take {@link io.tollgate.http.hotpath.StatusFastLane} past the router (the same
 *     answers, cheaper); off only to compare, or should it ever be suspected
 * @param limits timeouts and sizes every connection lives under
 */
public record HttpSettings(String host, int port, List<String> corsOrigins, int instances, boolean statusFastLane,
    HttpLimits limits) {
  public static HttpSettings fromSettings(Settings s) {
    int instances = s.integer("http.instances", 0);
    return new HttpSettings(s.string("http.host", "0.0.0.0"), s.integer("http.port", 8080),
        s.list("http.cors.allowed-origins"),
        instances > 0 ? instances : Runtime.getRuntime().availableProcessors(),
        s.bool("http.status-fast-lane", true), HttpLimits.fromSettings(s));
  }
}
