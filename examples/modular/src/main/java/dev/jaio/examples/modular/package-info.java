/** A program in a named module that reads and writes files through jaio's {@code AsyncFile} and NIO provider. */
package dev.jaio.examples.modular;
