package io.tollgate.dev;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A local anvil node (the real binary from the npm package {@code @foundry-rs/anvil}) on a free
 * loopback port. Used by development mode and by the tests. Blocking: call it from a main or test
 * thread, never from an event loop.
 */
public final class AnvilProcess implements AutoCloseable {
  private static final String BINARY = "node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil";

  private final Process process;
  private final int port;
  private final long chainId;

  private AnvilProcess(Process process, int port, long chainId) {
    this.process = process;
    this.port = port;
    this.chainId = chainId;
  }

  /**
   * Starts anvil with the Prague hardfork and waits until its port accepts connections.
   *
   * @param projectDir the folder holding node_modules
   * @param extraArgs further anvil flags, e.g. {@code --block-time 1} or {@code --no-mining}
   */
  public static AnvilProcess start(Path projectDir, long chainId, String... extraArgs) {
    return start(projectDir, chainId, false, extraArgs);
  }

  /**
   * As {@link #start(Path, long, String...)}, in a session of its own where {@code setsid} exists:
   * a terminal's Ctrl-C then reaches only the JVM, whose shutdown stops the service before it stops
   * anvil, instead of anvil closing its connections under a running service (development mode).
   */
  public static AnvilProcess startDetached(Path projectDir, long chainId, String... extraArgs) {
    return start(projectDir, chainId, Files.isExecutable(SETSID), extraArgs);
  }

  private static final Path SETSID = Path.of("/usr/bin/setsid");

  private static AnvilProcess start(Path projectDir, long chainId, boolean ownSession, String... extraArgs) {
    Path binary = projectDir.resolve(BINARY);
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException(
          "anvil not found at " + binary + ": run `npm install` in " + projectDir + " (mvn does it)");
    }
    int port = freePort();
    List<String> command = new ArrayList<>();
    if (ownSession) command.add(SETSID.toString()); // execs anvil in the same process: destroy() still reaches it
    command.addAll(List.of(
        binary.toString(), "--host", "127.0.0.1", "--port", Integer.toString(port),
        "--hardfork", "prague", "--chain-id", Long.toString(chainId), "--silent"));
    command.addAll(List.of(extraArgs));
    try {
      Process process = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
      AnvilProcess anvil = new AnvilProcess(process, port, chainId);
      anvil.awaitPort(Duration.ofSeconds(20));
      return anvil;
    } catch (IOException e) {
      throw new IllegalStateException("could not start anvil", e);
    }
  }

  /** Finds the project folder: the system property {@code tollgate.project.dir}, else the working folder. */
  public static Path defaultProjectDir() {
    return Path.of(System.getProperty("tollgate.project.dir", ".")).toAbsolutePath().normalize();
  }

  public String rpcUrl() { return "http://127.0.0.1:" + port; }

  /** JSON-RPC over WebSocket: anvil serves it on its HTTP port (for eth_subscribe). */
  public String wsUrl() { return "ws://127.0.0.1:" + port; }

  public int port() { return port; }

  long pid() { return process.pid(); }

  public long chainId() { return chainId; }

  private void awaitPort(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("anvil exited with " + process.exitValue());
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
    }
    close();
    throw new IllegalStateException("anvil did not open port " + port + " within " + timeout);
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
