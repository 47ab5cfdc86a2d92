package io.tollgate.http;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * Request bodies as the router sees them, with the checks that belong at the edge: a body on
 * any method but POST, PUT or PATCH is not decoded (Vert.x refuses to decode a form or multipart body on those
 * methods, which used to surface as a 500), and a JSON body nested deeper than {@link #MAX_DEPTH}
 * or holding a NUL character ({@code \u0000}, which PostgreSQL cannot store in text or jsonb) is a
 * 400 before any handler or database sees it.
 */
final class RequestBodies {
  /** Deeper than any request of this API needs; a deep body is a cost (parsing, recursion) with no use. */
  static final int MAX_DEPTH = 32;

  private RequestBodies() {}

  /** The body handler for the router, then the JSON checks. */
  static Handler<RoutingContext> handler(long bodyLimit) {
    // No operation takes a file: without this, Vert.x writes every multipart file part of any
    // request to ./file-uploads and keeps it there (anyone could fill the disk).
    BodyHandler bodies = BodyHandler.create(false).setBodyLimit(bodyLimit);
    return ctx -> {
      HttpMethod method = ctx.request().method();
      if (method != HttpMethod.POST && method != HttpMethod.PUT && method != HttpMethod.PATCH) {
        // No operation of the other methods reads a body (and Vert.x refuses to decode a form on
        // GET, HEAD, OPTIONS or TRACE: a 500): read it as plain bytes, whatever it claims to be.
        ctx.request().headers().remove(HttpHeaders.CONTENT_TYPE);
      }
      bodies.handle(ctx);
    };
  }

  /** Fails the request with a 400 when its JSON body is too deep or holds a NUL; passes it on otherwise. */
  static void checkJson(RoutingContext ctx) {
    String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    Buffer body = ctx.body() == null ? null : ctx.body().buffer();
    String problem = contentType == null || !contentType.toLowerCase(java.util.Locale.ROOT).contains("json") || body == null
        ? null : problem(body);
    if (problem == null) {
      ctx.next();
    } else {
      ctx.fail(400, new ApiException(ErrorCode.INVALID_REQUEST, problem));
    }
  }

  /**
   * One pass over the bytes, tracking strings and escapes: the nesting depth outside strings, and
   * a {@code \u0000} escape inside one. Malformed JSON is left to the parser, which says so.
   */
  static String problem(Buffer body) {
    int depth = 0;
    boolean inString = false;
    for (int i = 0, n = body.length(); i < n; i++) {
      byte c = body.getByte(i);
      if (inString) {
        if (c == '\\' && i + 1 < n) {
          if (body.getByte(i + 1) == 'u' && i + 5 < n && isNulEscape(body, i + 2)) {
            return "strings must not contain the NUL character (\\u0000)";
          }
          i++; // the escaped character
        } else if (c == '"') {
          inString = false;
        } else if (c == 0) {
          return "strings must not contain the NUL character";
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '{' || c == '[') {
        if (++depth > MAX_DEPTH) return "the JSON body is nested deeper than " + MAX_DEPTH + " levels";
      } else if (c == '}' || c == ']') {
        depth--;
      }
    }
    return null;
  }

  private static boolean isNulEscape(Buffer body, int at) {
    for (int i = at; i < at + 4; i++) {
      if (body.getByte(i) != '0') return false;
    }
    return true;
  }
}
