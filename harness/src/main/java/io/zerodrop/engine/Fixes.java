package io.zerodrop.engine;

import io.zerodrop.core.ZerodropException;
import io.zerodrop.findings.Finding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writes each finding's patch beside the report, as {@code fixes/<code>.yaml}, and records where. */
final class Fixes {
    static final String DIR = "fixes";

    private Fixes() {
    }

    static List<Finding> write(List<Finding> findings, Path outDir) {
        List<Finding> out = new ArrayList<>();
        for (Finding f : findings) {
            if (f.patch() == null) {
                out.add(f);
                continue;
            }
            Path file = outDir.resolve(DIR).resolve(f.code() + ".yaml");
            try {
                Files.createDirectories(file.getParent());
                Files.writeString(file, f.patch());
            } catch (IOException e) {
                throw ZerodropException.environment("cannot write the fix " + file + ": " + e.getMessage(), e);
            }
            out.add(f.writtenTo(DIR + "/" + f.code() + ".yaml"));
        }
        return out;
    }
}
