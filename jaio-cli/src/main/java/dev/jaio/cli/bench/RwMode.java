package dev.jaio.cli.bench;

/** fio's {@code --rw}: the direction and order of the I/O. */
public enum RwMode {
    /** Sequential reads. */
    READ(true, false, false),
    /** Sequential writes. */
    WRITE(false, true, false),
    /** Random reads. */
    RANDREAD(true, false, true),
    /** Random writes. */
    RANDWRITE(false, true, true),
    /** Sequential mixed reads and writes, {@code --rwmixread} percent reads. */
    RW(true, true, false),
    /** Random mixed reads and writes, {@code --rwmixread} percent reads. */
    RANDRW(true, true, true);

    private final boolean reads;
    private final boolean writes;
    private final boolean random;

    RwMode(boolean reads, boolean writes, boolean random) {
        this.reads = reads;
        this.writes = writes;
        this.random = random;
    }

    /** Whether the workload issues reads. */
    public boolean reads() {
        return reads;
    }

    /** Whether the workload issues writes. */
    public boolean writes() {
        return writes;
    }

    /** Whether offsets are random rather than sequential. */
    public boolean random() {
        return random;
    }

    /** Whether reads and writes are mixed. */
    public boolean mixed() {
        return reads && writes;
    }

    /** The name fio uses. */
    public String fioName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
