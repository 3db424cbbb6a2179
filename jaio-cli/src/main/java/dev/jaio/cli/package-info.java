/** The {@code jaio} command line: one class per subcommand, picocli for parsing. */
package dev.jaio.cli;
