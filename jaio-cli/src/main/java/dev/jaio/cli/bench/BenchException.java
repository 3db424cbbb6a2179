package dev.jaio.cli.bench;

/** A benchmark run that failed: its cause is the first failure of any of its requests or jobs. */
public final class BenchException extends Exception {
    private static final long serialVersionUID = 1L;

    /** A failure of the run of {@code w}. */
    public BenchException(Workload w, Throwable cause) {
        super(w.label() + " failed: " + cause, cause);
    }
}
