package dev.jaio.cli;

import dev.jaio.AioEngine;

/** What jaio's engine would be here: kernel AIO or its thread-pool fallback, and why. */
final class EngineInfo {
    private EngineInfo() {
    }

    /** One line: which engine {@code AsyncFile} would pick, from {@link AioEngine#defaultEngine()}. */
    static String describe() {
        try {
            AioEngine e = AioEngine.defaultEngine();
            return e.kind() + e.fallbackReason().map(r -> " (fallback: " + r + ")").orElse("")
                    + " (what AsyncFile.open picks by default)";
        } catch (RuntimeException | LinkageError e) {
            return "unknown: " + e;
        }
    }
}
