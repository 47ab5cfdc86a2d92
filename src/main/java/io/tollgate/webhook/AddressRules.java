package io.tollgate.webhook;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * Which addresses a webhook may never reach unless configuration allows private targets:
 * loopback, RFC 1918 private, CGNAT, link-local (cloud metadata lives at 169.254.169.254),
 * unspecified, multicast, reserved and broadcast; unique-local, site-local, discard-only and
 * documentation IPv6; and every IPv6 form that embeds or translates one of those IPv4 addresses
 * (mapped, translated, compatible, NAT64, 6to4, Teredo), since a gateway on the path may turn it
 * back into the IPv4 address. The local-use NAT64 prefix is refused whole: it is never public.
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
    if (zero(b, 0, 8) && (b[8] & 0xff) == 0xff && (b[9] & 0xff) == 0xff && zero(b, 10, 12)) {
      return forbiddenV4(b, 12); // ::ffff:0:a.b.c.d IPv4-translated (RFC 2765)
    }
    if (b[0] == 0x00 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b && b[4] == 0 && b[5] == 1) {
      return true; // 64:ff9b:1::/48 local-use NAT64 (RFC 8215)
    }
    if (b[0] == 0x20 && b[1] == 0x02) {
      return forbiddenV4(b, 2); // 2002::/16 6to4
    }
    if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0) {
      // 2001::/32 Teredo: the server's IPv4 address, and the client's with its bits inverted
      byte[] client = {(byte) ~b[12], (byte) ~b[13], (byte) ~b[14], (byte) ~b[15]};
      return forbiddenV4(b, 4) || forbiddenV4(client, 0);
    }
    if (b[0] == 0x01 && b[1] == 0x00 && zero(b, 2, 8)) {
      return true; // 100::/64 discard-only (RFC 6666)
    }
    return b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && (b[3] & 0xff) == 0xb8; // 2001:db8::/32 documentation
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
