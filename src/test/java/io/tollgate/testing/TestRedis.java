package io.tollgate.testing;

import java.util.UUID;
import org.testcontainers.containers.GenericContainer;

/**
 * A real Redis server for integration tests: {@code TOLLGATE_TEST_REDIS_URL}, else 127.0.0.1:6379,
 * else a Testcontainers container (needs Docker). Tests isolate themselves by key prefix
 * ({@link #uniquePrefix()}), not by flushing.
 */
public final class TestRedis {
  private static String url;

  private TestRedis() {}

  public static synchronized String url() {
    if (url != null) return url;
    String fromEnv = System.getenv("TOLLGATE_TEST_REDIS_URL");
    if (fromEnv != null && !fromEnv.isBlank()) {
      url = fromEnv;
    } else if (TestPostgres.listening("127.0.0.1", 6379)) {
      url = "redis://127.0.0.1:6379";
    } else {
      GenericContainer<?> container = new GenericContainer<>("redis:7-alpine").withExposedPorts(6379);
      container.start();
      Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
      url = "redis://" + container.getHost() + ":" + container.getMappedPort(6379);
    }
    return url;
  }

  public static String uniquePrefix() {
    return "test-" + UUID.randomUUID().toString().substring(0, 8) + ":";
  }
}
