package io.tollgate.inbound;

/** The signature and payload formats Tollgate accepts on {@code POST /v1/webhooks/{variant}}. */
public enum InboundProvider {
  STRIPE("stripe"),
  NODERAILS("noderails"),
  STANDARD_WEBHOOKS("standard_webhooks");

  private final String configName;

  InboundProvider(String configName) { this.configName = configName; }

  /** The name used in configuration ({@code webhooks.inbound.<variant>.provider}). */
  public String configName() { return configName; }

  public static InboundProvider fromConfigName(String name) {
    for (InboundProvider provider : values()) {
      if (provider.configName.equals(name)) {
        return provider;
      }
    }
    throw new IllegalArgumentException("unknown inbound webhook provider: " + name);
  }
}
