/**
 * The browser apps the service serves (the hosted checkout page; an operator console can join):
 * sources in {@code src/main/web}, bundled at build time by esbuild ({@code
 * scripts/build/build-web.mjs}) into the classpath with hashed names, no CDN at run time.
 *
 * <p>Public face: {@link io.tollgate.web.WebAssets} (the built pages and their immutable assets,
 * in memory) and {@link io.tollgate.web.PayPage} (the hosted checkout page's answer: its HTML and
 * the headers that confine where it may be framed). Depends on nothing of ours but {@code api}.
 */
package io.tollgate.web;
