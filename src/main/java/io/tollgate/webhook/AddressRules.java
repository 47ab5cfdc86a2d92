package io.tollgate.webhook;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * Which addresses a webhook may never reach unless configuration allows private targets:
 * loopback, RFC 1918 private, CGNAT, link-local (cloud metadata lives at 169.254.169.254),
 * unspecified, multicast, reserved and broadcast, unique-local IPv6, and every IPv6 form that
 * embeds one of those IPv4 addresses (mapped, compatible, NAT64, 6to4).
 */
final class AddressRules {
  private AddressRules() {}

  static boolean isForbidden(InetAddress address) {
    byte[] b = address.getAddress();
    if (address instanceof Inet4Address) {
      return forbiddenV4(b, 0);
    }
    if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
        || address.isSiteLocalAddress() || address.isMulticastAddress()) {
      return true;
    }
    if ((b[0] & 0xfe) == 0xfc) {
      return true; // fc00::/7 unique local
    }
    if (zero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
      return forbiddenV4(b, 12); // ::ffff:a.b.c.d, in case the JDK kept it as Inet6Address
    }
    if (zero(b, 0, 12)) {
      return forbiddenV4(b, 12); // deprecated IPv4-compatible ::a.b.c.d
    }
    if (b[0] == 0x00 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b && zero(b, 4, 12)) {
      return forbiddenV4(b, 12); // 64:ff9b::/96 NAT64
    }
    if (b[0] == 0x20 && b[1] == 0x02) {
      return forbiddenV4(b, 2); // 2002::/16 6to4
    }
    return false;
  }

  private static boolean forbiddenV4(byte[] b, int at) {
    int a0 = b[at] & 0xff;
    int a1 = b[at + 1] & 0xff;
    int a2 = b[at + 2] & 0xff;
    return a0 == 0                                   // 0.0.0.0/8 "this network", unspecified
        || a0 == 10                                  // 10/8 private
        || a0 == 127                                 // loopback
        || (a0 == 100 && (a1 & 0xc0) == 64)          // 100.64/10 CGNAT
        || (a0 == 169 && a1 == 254)                  // link-local, cloud metadata
        || (a0 == 172 && (a1 & 0xf0) == 16)          // 172.16/12 private
        || (a0 == 192 && a1 == 168)                  // 192.168/16 private
        || (a0 == 192 && a1 == 0 && a2 == 0)         // 192.0.0/24 IETF protocol assignments
        || (a0 == 198 && (a1 & 0xfe) == 18)          // 198.18/15 benchmarking
        || a0 >= 224;                                // multicast, reserved, broadcast
  }

  private static boolean zero(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
