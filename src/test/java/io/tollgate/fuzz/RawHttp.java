package io.tollgate.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sends bytes on a fresh socket and reads what comes back until the server closes the connection
 * or {@code patience} passes. The answer's status lines are all the fuzzer judges; "hung" means
 * the server neither answered nor closed within the patience (a server may close a malformed
 * request without answering: that is allowed).
 */
final class RawHttp {
  record Exchange(List<Integer> statuses, boolean hung, long millis, String firstBytes) {}

  private static final Pattern STATUS = Pattern.compile("(?m)^HTTP/1\\.[01] (\\d{3})");

  private RawHttp() {}

  static Exchange send(int port, byte[] request, long patienceMillis) throws IOException {
    long started = System.nanoTime();
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    boolean closed = false;
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(250);
      try {
        socket.getOutputStream().write(request);
        socket.getOutputStream().flush();
      } catch (IOException e) {
        closed = true; // the server closed while we were still writing (a refused head or body): an answer may follow
      }
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[8192];
      long deadline = started + patienceMillis * 1_000_000;
      while (System.nanoTime() < deadline) {
        int n;
        try {
          n = in.read(buffer);
        } catch (SocketTimeoutException e) {
          continue;
        } catch (IOException e) {
          closed = true; // reset by the server
          break;
        }
        if (n < 0) {
          closed = true;
          break;
        }
        received.write(buffer, 0, n);
      }
    }
    String text = received.toString(StandardCharsets.ISO_8859_1);
    List<Integer> statuses = new ArrayList<>();
    Matcher m = STATUS.matcher(text);
    while (m.find()) statuses.add(Integer.parseInt(m.group(1)));
    long millis = (System.nanoTime() - started) / 1_000_000;
    return new Exchange(statuses, !closed && statuses.isEmpty(), millis, text.substring(0, Math.min(text.length(), 300)));
  }
}
