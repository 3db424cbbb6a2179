/**
 * An application module built on jaio, to show and test jaio on the module path: run it with
 * {@code java --enable-native-access=dev.jaio -p ... -m dev.jaio.examples.modular/dev.jaio.examples.modular.ModularApp DIR}.
 */
module dev.jaio.examples.modular {
    requires dev.jaio;
}
