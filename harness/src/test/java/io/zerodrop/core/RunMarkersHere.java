package io.zerodrop.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives each test its own run-marker directory (the {@code zerodrop.runs} property, in a fresh temporary directory)
 * and puts the property back after it: a test's runs neither see nor clean up the markers of other zerodrop runs on
 * this machine, and leave none in the user's.
 */
public final class RunMarkersHere implements BeforeEachCallback, AfterEachCallback {
    private static final String PROPERTY = "zerodrop.runs";
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(RunMarkersHere.class);

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        Path dir = Files.createTempDirectory("zerodrop-markers-");
        ExtensionContext.Store store = context.getStore(NS);
        store.put("previous", System.getProperty(PROPERTY, ""));
        store.put("dir", dir);
        System.setProperty(PROPERTY, dir.resolve("markers").toString());
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        ExtensionContext.Store store = context.getStore(NS);
        String previous = store.get("previous", String.class);
        if (previous == null || previous.isEmpty()) {
            System.clearProperty(PROPERTY);
        } else {
            System.setProperty(PROPERTY, previous);
        }
        Path dir = store.get("dir", Path.class);
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
