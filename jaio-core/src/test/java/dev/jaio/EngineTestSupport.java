package dev.jaio;

/** Builds engines the way the suite wants them: on the engine the {@code jaio.engine} property picks. */
final class EngineTestSupport {
    private EngineTestSupport() {
    }

    /** The engine kind this run of the suite tests: the property, else kernel AIO. */
    static AioEngine.Kind expectedKind() {
        String p = System.getProperty("jaio.engine", "");
        if (p.equalsIgnoreCase("uring") || p.equalsIgnoreCase("io_uring")) {
            return AioEngine.Kind.IO_URING;
        }
        return p.equalsIgnoreCase("threads") ? AioEngine.Kind.THREAD_POOL : AioEngine.Kind.KERNEL_AIO;
    }

    static AioEngine.Builder builder() {
        return AioEngine.builder().queueDepth(64);
    }

    static AioEngine engine() throws AioException {
        AioEngine e = builder().build();
        if (e.kind() != expectedKind()) {
            throw new AssertionError("expected the " + expectedKind() + " engine, got " + e);
        }
        return e;
    }
}
