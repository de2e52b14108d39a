package org.assay.kernel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How a session starts.
 *
 * @param defaultStartup run the built-in start-up script (imports of java.util.*, streams, Assay's packages)
 * @param startupFiles   more {@code .jsh} files to run after it, in order
 */
public record SessionOptions(boolean defaultStartup, List<Path> startupFiles) {
    public SessionOptions {
        startupFiles = List.copyOf(startupFiles);
    }

    /**
     * The built-in script, then {@code ~/.assay/startup.jsh} if it exists, then the files listed in
     * {@code ASSAY_STARTUP} (separated by the path separator).
     */
    public static SessionOptions defaults() {
        List<Path> files = new ArrayList<>();
        Path user = Path.of(System.getProperty("user.home"), ".assay", "startup.jsh");
        if (Files.isRegularFile(user)) {
            files.add(user);
        }
        String extra = System.getenv("ASSAY_STARTUP");
        if (extra != null && !extra.isBlank()) {
            for (String p : extra.split(java.io.File.pathSeparator)) {
                if (!p.isBlank()) {
                    files.add(Path.of(p));
                }
            }
        }
        return new SessionOptions(true, files);
    }

    public static SessionOptions bare() {
        return new SessionOptions(false, List.of());
    }
}
