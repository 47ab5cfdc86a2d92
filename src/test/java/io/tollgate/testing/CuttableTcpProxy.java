package io.tollgate.testing;

import static io.tollgate.testing.Async.await;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on loopback in front of a real server (PostgreSQL, say) that a test can cut: every
 * open connection is closed at once and new ones are closed on arrival, as clients see a server
 * restart, until {@link #restore()}. Nothing is mocked: the bytes are the real server's.
 */
public final class CuttableTcpProxy implements AutoCloseable {
  private final NetServer server;
  private final NetClient client;
  private final Set<NetSocket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean cut;

  public CuttableTcpProxy(Vertx vertx, String targetHost, int targetPort) {
    client = vertx.createNetClient();
    server = vertx.createNetServer().connectHandler(inbound -> {
      if (cut) {
        inbound.close();
        return;
      }
      inbound.pause();
      client.connect(targetPort, targetHost).onComplete(connected -> {
        if (connected.failed() || cut) {
          inbound.close();
          if (connected.succeeded()) connected.result().close();
          return;
        }
        NetSocket outbound = connected.result();
        open.add(inbound);
        open.add(outbound);
        inbound.handler(outbound::write);
        outbound.handler(inbound::write);
        inbound.closeHandler(v -> { open.remove(inbound); outbound.close(); });
        outbound.closeHandler(v -> { open.remove(outbound); inbound.close(); });
        inbound.resume();
      });
    });
    await(server.listen(0, "127.0.0.1"));
  }

  public int port() {
    return server.actualPort();
  }

  /** Closes every connection through the proxy and refuses new ones (closes them on arrival). */
  public void cut() {
    cut = true;
    for (NetSocket socket : open) socket.close();
  }

  public void restore() {
    cut = false;
  }

  @Override
  public void close() {
    cut();
    await(server.close());
    await(client.close());
  }
}
