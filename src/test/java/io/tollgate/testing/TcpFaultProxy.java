package io.tollgate.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP proxy in front of a real dependency (PostgreSQL, Redis) that fails the way a
 * network or a stuck server does: {@link Mode#PASS} forwards bytes both ways;
 * {@link Mode#REFUSE} drops every connection and closes each new one at once (unreachable);
 * {@link Mode#HANG} accepts connections and forwards nothing in either direction, on old and new
 * connections alike (a server that accepts and never answers). Connections held in a hang stay
 * hung after {@code PASS} returns, as a black-holed connection does; new ones pass. Blocking I/O
 * on its own threads: test code, never on an event loop.
 */
public final class TcpFaultProxy implements AutoCloseable {
  public enum Mode { PASS, REFUSE, HANG }

  private final ServerSocket server;
  private final String targetHost;
  private final int targetPort;
  private final List<Session> sessions = new CopyOnWriteArrayList<>();
  private volatile Mode mode = Mode.PASS;

  private record Session(Socket client, Socket upstream, boolean[] hung) {
    void close() {
      closeQuietly(client);
      closeQuietly(upstream);
    }
  }

  public TcpFaultProxy(String targetHost, int targetPort) {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    try {
      server = new ServerSocket(0, 256, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    Thread acceptor = new Thread(this::acceptLoop, "tcp-fault-proxy-" + port());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  public Mode mode() {
    return mode;
  }

  /** Switches the failure; REFUSE drops the open connections, HANG freezes them. */
  public void mode(Mode next) {
    mode = next;
    for (Session s : sessions) {
      if (next == Mode.REFUSE) {
        s.close();
        sessions.remove(s);
      } else if (next == Mode.HANG) {
        s.hung()[0] = true;
      }
    }
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return;
      }
      Mode now = mode;
      if (now == Mode.REFUSE) {
        closeQuietly(client);
        continue;
      }
      boolean[] hung = {now == Mode.HANG};
      Socket upstream = null;
      if (!hung[0]) {
        try {
          upstream = new Socket(targetHost, targetPort);
        } catch (IOException e) {
          closeQuietly(client);
          continue;
        }
      }
      Session session = new Session(client, upstream, hung);
      sessions.add(session);
      if (upstream == null) {
        pump(session, client, null); // read and discard: the client's writes succeed, nothing answers
      } else {
        pump(session, client, upstream);
        pump(session, upstream, client);
      }
    }
  }

  private void pump(Session session, Socket from, Socket to) {
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[16 * 1024];
      try (InputStream in = from.getInputStream()) {
        OutputStream out = to == null ? null : to.getOutputStream();
        int n;
        while ((n = in.read(buffer)) >= 0) {
          if (out != null && !session.hung()[0]) {
            out.write(buffer, 0, n);
            out.flush();
          }
        }
      } catch (IOException ignored) {
        // the other side closed, or the proxy dropped the session
      }
      if (!session.hung()[0]) {
        session.close();
        sessions.remove(session);
      }
    }, "tcp-fault-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    if (s == null) return;
    try {
      s.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException ignored) {
      // already closed
    }
    sessions.forEach(Session::close);
    sessions.clear();
  }
}
