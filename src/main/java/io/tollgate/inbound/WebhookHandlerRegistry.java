package io.tollgate.inbound;

import io.vertx.core.Future;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Maps (provider, event kind) to a handler. Immutable once built, so the intake can share one
 * instance across event loops. Kinds without a handler are acknowledged ({@link
 * HandlerOutcome.Ignored}): the event is already stored, and providers would otherwise retry an
 * event we will never understand for days.
 */
public final class WebhookHandlerRegistry {
  private final Map<Key, WebhookHandler> handlers;

  private record Key(InboundProvider provider, String kind) {}

  private WebhookHandlerRegistry(Map<Key, WebhookHandler> handlers) {
    this.handlers = Map.copyOf(handlers);
  }

  public static Builder builder() {
    return new Builder();
  }

  Optional<WebhookHandler> handlerFor(InboundProvider provider, String kind) {
    return Optional.ofNullable(handlers.get(new Key(provider, kind)));
  }

  Set<String> kinds(InboundProvider provider) {
    Set<String> kinds = new TreeSet<>();
    handlers.keySet().stream().filter(k -> k.provider() == provider).forEach(k -> kinds.add(k.kind()));
    return kinds;
  }

  /**
   * Runs the event's handler. A handler that throws instead of failing its future still yields a
   * failed future, so the intake's failure capture sees every error.
   */
  Future<HandlerOutcome> dispatch(InboundEvent event, HandlerContext ctx) {
    WebhookHandler handler = handlers.get(new Key(event.provider(), event.kind()));
    if (handler == null) {
      return Future.succeededFuture(new HandlerOutcome.Ignored("no handler for " + event.kind()));
    }
    try {
      return Objects.requireNonNull(handler.handle(event, ctx), "handler returned null");
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  public static final class Builder {
    private final Map<Key, WebhookHandler> handlers = new HashMap<>();

    private Builder() {}

    public Builder register(InboundProvider provider, String kind, WebhookHandler handler) {
      Objects.requireNonNull(handler);
      if (handlers.putIfAbsent(new Key(provider, kind), handler) != null) {
        throw new IllegalStateException("a handler for " + provider + " " + kind + " is already registered");
      }
      return this;
    }

    /**
     * Registers every kind {@link ProcessorEvents} understands: each handler extracts the typed
     * {@link ProcessorEvent} from the payload and passes it to {@code sink}, which applies it to
     * checkouts and payments.
     */
    public Builder registerProcessorEvents(ProcessorEventSink sink) {
      Objects.requireNonNull(sink);
      ProcessorEvents.KINDS.forEach((provider, kinds) -> kinds.forEach(kind -> register(provider, kind,
          // compose turns an extraction exception into a failed future, captured like any failure.
          (event, ctx) -> Future.succeededFuture().compose(v ->
              sink.apply(event, ProcessorEvents.extract(provider, kind, event.payload()), ctx)))));
      return this;
    }

    public WebhookHandlerRegistry build() {
      return new WebhookHandlerRegistry(handlers);
    }
  }
}
