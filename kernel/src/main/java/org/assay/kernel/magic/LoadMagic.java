package org.assay.kernel.magic;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code %load FILE.jsh}: runs the Java code and magics in a file, as a cell. */
final class LoadMagic implements LineMagic {
    private final Magics magics;

    LoadMagic(Magics magics) {
        this.magics = magics;
    }

    @Override
    public String usage() {
        return "%load FILE.jsh  run the Java code (and magics) in a file";
    }

    @Override
    public Object run(String args, String label) throws IOException {
        List<String> files = Magics.splitArgs(args);
        if (files.size() != 1) {
            throw new IllegalArgumentException("give exactly one file, e.g. %load helpers.jsh; got " + files.size());
        }
        Path file = Path.of(files.get(0));
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no such file: " + file.toAbsolutePath());
        }
        return magics.runCell(Files.readString(file), file.getFileName().toString());
    }
}
