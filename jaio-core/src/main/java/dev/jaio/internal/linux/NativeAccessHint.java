package dev.jaio.internal.linux;

import java.io.PrintStream;

/**
 * The one-line hint jaio prints when the application has not allowed it native access. JDK 25 then
 * warns about the first restricted call ({@code Linker.downcallHandle}) and goes on; a future release is to
 * refuse. The JDK's warning names the flag in general terms; this hint names the exact one to add:
 * {@code --enable-native-access=dev.jaio} when jaio is a named module (the module path), or
 * {@code --enable-native-access=ALL-UNNAMED} when it is on the class path.
 */
public final class NativeAccessHint {
    private NativeAccessHint() {
    }

    /**
     * The hint for code in {@code module}, or null when native access is enabled for it.
     *
     * @param module the module jaio's classes are in (unnamed on the class path)
     * @return one line without a line terminator, or null
     */
    public static String message(Module module) {
        if (module.isNativeAccessEnabled()) {
            return null;
        }
        String flag = "--enable-native-access=" + (module.isNamed() ? module.getName() : "ALL-UNNAMED");
        String where = module.isNamed() ? "module " + module.getName() : "jaio on the class path";
        String manifest = module.isNamed() ? "" : " (or Enable-Native-Access: ALL-UNNAMED to an executable jar's manifest)";
        return "WARNING: jaio needs native access, which is not enabled for " + where + ": add " + flag
                + " to the java command" + manifest + "; JDK 25 warns without it, a future release will refuse";
    }

    /**
     * Prints {@link #message} for jaio's own module to {@code err} when native access is not enabled.
     * Called once, from {@link Native}'s class initialisation, before jaio's first restricted call.
     *
     * @param err where to print (standard error)
     * @return whether the hint was printed
     */
    static boolean printIfDisabled(PrintStream err) {
        String m = message(NativeAccessHint.class.getModule());
        if (m == null) {
            return false;
        }
        err.println(m);
        return true;
    }
}
