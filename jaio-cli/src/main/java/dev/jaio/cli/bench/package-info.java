/**
 * The benchmark behind {@code jaio bench}: workloads described with fio's vocabulary, one engine class per
 * way of doing the I/O (kernel AIO through jaio's engine or a bare context, the JDK's channels on
 * platform or virtual threads), per-thread latency histograms, CPU accounting, and the reports (fio's
 * text and JSON shapes, an SVG chart for sweeps).
 */
package dev.jaio.cli.bench;
