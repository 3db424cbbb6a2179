package dev.jaio.cli;

/** What jaio's engine would be here: kernel AIO or its thread-pool fallback, and why. */
final class EngineInfo {
    private EngineInfo() {
    }

    /** One line: which engine {@code AsyncFile} would pick. */
    static String describe() {
        return "not in this build (AioEngine has not landed in jaio-core yet)";
    }
}
