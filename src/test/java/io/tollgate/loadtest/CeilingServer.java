package io.tollgate.loadtest;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

/**
 * The ceiling of the poll benchmarks: a bare Vert.x HTTP server (one verticle instance per core, as
 * Tollgate's HTTP intake) answering every request with a constant JSON body of the size of a status
 * answer. It never ships in the service; the load scripts start it beside Tollgate and measure both
 * in the same run. Usage: {@code CeilingServer PORT}. Runs until killed.
 */
public final class CeilingServer {
  static final Buffer BODY = Buffer.buffer(
      "{\"id\":\"00000000-0000-0000-0000-000000000000\",\"status\":\"open\",\"reason\":null,\"expiresAt\":\"2026-11-22T18:30:00Z\"}");

  private static volatile int port;

  private CeilingServer() {}

  public static void main(String[] args) {
    port = Integer.parseInt(args[0]);
    Vertx vertx = Vertx.vertx();
    vertx.deployVerticle(Constant::new, new DeploymentOptions().setInstances(Runtime.getRuntime().availableProcessors()))
        .onSuccess(id -> System.out.println("ceiling listening on 127.0.0.1:" + port))
        .onFailure(e -> {
          e.printStackTrace();
          System.exit(1);
        });
  }

  static final class Constant extends AbstractVerticle {
    @Override
    public void start(Promise<Void> started) {
      vertx.createHttpServer()
          .requestHandler(req -> req.response()
              .putHeader("Content-Type", "application/json")
              .putHeader("Cache-Control", "no-cache")
              .end(BODY))
          .listen(port, "127.0.0.1")
          .<Void>mapEmpty()
          .onComplete(started);
    }
  }
}
