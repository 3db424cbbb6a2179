/**
 * JDK Flight Recorder events for jaio's I/O: {@code dev.jaio.FileRead}, {@code dev.jaio.FileWrite} and
 * {@code dev.jaio.FileForce} per request, from issue to completion, and the periodic
 * {@code dev.jaio.EngineStatistics}. {@link dev.jaio.internal.jfr.JaioJfr} is the one entry point the rest
 * of jaio calls; when no recording asks for an event, a request costs a check of a flag and a null test.
 */
package dev.jaio.internal.jfr;
