package org.assay.kernel;

import java.util.ArrayList;
import java.util.List;
import org.assay.display.MimeBundle;

/** Keeps what a session printed and displayed, for assertions. */
final class RecordingOutput implements SessionOutput {
    record Shown(MimeBundle bundle, String id, boolean update) {
    }

    final StringBuilder stdout = new StringBuilder();
    final StringBuilder stderr = new StringBuilder();
    final List<Shown> displays = new ArrayList<>();

    @Override
    public synchronized void stream(String name, String text) {
        (name.equals("stderr") ? stderr : stdout).append(text);
    }

    @Override
    public synchronized void display(MimeBundle bundle, String displayId, boolean update) {
        displays.add(new Shown(bundle, displayId, update));
    }

    synchronized void clear() {
        stdout.setLength(0);
        stderr.setLength(0);
        displays.clear();
    }
}
