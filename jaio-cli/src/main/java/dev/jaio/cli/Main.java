package dev.jaio.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code jaio} command. */
@Command(name = "jaio", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Linux kernel asynchronous I/O from Java: benchmarks, environment checks and a demo.",
        subcommands = {BenchCommand.class, InfoCommand.class, DemoCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    /** Exit code of a command that worked. */
    static final int EXIT_OK = 0;
    /** Exit code of a command that failed at run time (I/O error, verification failure). */
    static final int EXIT_FAILURE = 1;
    /** Exit code of a command line picocli could not parse. */
    static final int EXIT_USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"jaio " + (v != null ? v : "0.1.0-SNAPSHOT") + " on Java " + Runtime.version()};
        }
    }
}
