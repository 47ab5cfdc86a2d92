package io.tollgate.loadtest;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * A light status poller beside the drop's generator: its own platform thread and its own keep-alive
 * connection, a few requests a second. The generator's polls queue behind one event loop and a
 * shared connection pool, so their latencies include the generator's own queueing; the probe's
 * include only the socket, the kernel's scheduling and the service. Comparing the two tells how
 * much of the drop's poll tail is the generator.
 */
final class StatusProbe implements AutoCloseable {
  /** One checkout to poll: its id, client secret and the client address it polls from. */
  record Target(String checkoutId, String secret, String clientIp) {}

  private final String host;
  private final int port;
  private final long intervalNanos;
  private final Supplier<Target> targets;
  private final Latencies latencies;
  private final Thread thread;
  private volatile boolean stopped;
  /** The connection's reader, kept with it: an answer is read whole before the next request. */
  private InputStream in;

  StatusProbe(String host, int port, int perSecond, Supplier<Target> targets, Latencies latencies) {
    this.host = host;
    this.port = port;
    this.intervalNanos = 1_000_000_000L / perSecond;
    this.targets = targets;
    this.latencies = latencies;
    this.thread = new Thread(this::run, "status-probe");
    thread.setDaemon(true);
  }

  StatusProbe start() {
    thread.start();
    return this;
  }

  private void run() {
    Socket socket = null;
    long next = System.nanoTime();
    while (!stopped) {
      long wait = next - System.nanoTime();
      if (wait > 0) {
        try {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        } catch (InterruptedException e) {
          return;
        }
      }
      next += intervalNanos;
      Target target = targets.get();
      if (target == null) continue;
      long start = System.nanoTime();
      try {
        if (socket == null) {
          socket = new Socket();
          socket.setTcpNoDelay(true);
          socket.setSoTimeout(30_000);
          socket.connect(new InetSocketAddress(host, port), 5_000);
          in = new BufferedInputStream(socket.getInputStream());
          start = System.nanoTime(); // the connection is not the poll's
        }
        int status = exchange(socket, target);
        latencies.record(start, Integer.toString(status));
      } catch (IOException | RuntimeException e) {
        latencies.record(start, "io:" + e.getClass().getSimpleName());
        closeQuietly(socket);
        socket = null;
      }
    }
    closeQuietly(socket);
  }

  /** Sends one status poll and reads the whole answer; returns its status code. */
  private int exchange(Socket socket, Target target) throws IOException {
    String request = "GET /v1/checkouts/" + target.checkoutId() + "/status HTTP/1.1\r\n"
        + "Host: " + host + ":" + port + "\r\n"
        + "X-Client-Secret: " + target.secret() + "\r\n"
        + "X-Forwarded-For: " + target.clientIp() + "\r\n\r\n";
    OutputStream out = socket.getOutputStream();
    out.write(request.getBytes(StandardCharsets.US_ASCII));
    out.flush();
    String statusLine = line(in);
    int contentLength = 0;
    for (String header = line(in); !header.isEmpty(); header = line(in)) {
      String lower = header.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-length:")) contentLength = Integer.parseInt(lower.substring(15).trim());
      if (lower.startsWith("transfer-encoding:")) throw new IOException("chunked answers are not expected here");
    }
    if (in.readNBytes(contentLength).length != contentLength) throw new IOException("answer cut short");
    String[] parts = statusLine.split(" ");
    if (parts.length < 2) throw new IOException("bad status line: " + statusLine);
    return Integer.parseInt(parts[1]);
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream(64);
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) throw new IOException("connection closed");
      if (c != '\r') b.write(c);
    }
    return b.toString(StandardCharsets.US_ASCII);
  }

  private static void closeQuietly(Socket socket) {
    if (socket == null) return;
    try {
      socket.close();
    } catch (IOException ignored) {
      // nothing to do: the next poll opens a new connection
    }
  }

  @Override
  public void close() {
    stopped = true;
    thread.interrupt();
  }
}
