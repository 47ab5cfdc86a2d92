package io.tollgate.eventbus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class CodecsTest {
  record Ping(String text, List<Integer> numbers) {}

  record Pong(int answer) {}

  @Test
  void recordsTravelTheLocalBusAsTheSameInstance(Vertx vertx, VertxTestContext ctx) {
    Codecs.register(vertx, List.of(Ping.class, Pong.class));
    Ping sent = new Ping("hi", List.of(1, 2));
    vertx.eventBus().<Ping>consumer("test.ping", msg -> msg.reply(new Pong(msg.body() == sent ? 42 : -1)))
        .completion()
        .compose(v -> vertx.eventBus().<Pong>request("test.ping", sent))
        .map(Message::body)
        .onComplete(ctx.succeeding(pong -> ctx.verify(() -> {
          assertThat(pong).isEqualTo(new Pong(42));
          ctx.completeNow();
        })));
  }

  @Test
  void registeringATypeTwiceIsRefused(Vertx vertx) {
    Codecs.register(vertx, List.of(Ping.class));

    assertThatThrownBy(() -> Codecs.register(vertx, List.of(Ping.class)))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void codecRefusesTheWire() {
    LocalRecordCodec<Ping> codec = new LocalRecordCodec<>(Ping.class);

    assertThat(codec.name()).isEqualTo("local-record:" + Ping.class.getName());
    assertThat(codec.systemCodecID()).isEqualTo((byte) -1);
    assertThatThrownBy(() -> codec.encodeToWire(Buffer.buffer(), new Ping("x", List.of())))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> codec.decodeFromWire(0, Buffer.buffer()))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
