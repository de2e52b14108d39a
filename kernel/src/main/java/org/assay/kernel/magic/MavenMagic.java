package org.assay.kernel.magic;

import java.nio.file.Path;
import java.util.List;
import org.assay.kernel.Session;

/** {@code %maven GROUP:ARTIFACT:VERSION...}: resolves with transitive dependencies and adds to the class path. */
final class MavenMagic implements LineMagic {
    private final Session session;
    private final MavenResolver resolver;

    MavenMagic(Session session, MavenResolver resolver) {
        this.session = session;
        this.resolver = resolver;
    }

    @Override
    public String usage() {
        return "%maven GROUP:ARTIFACT:VERSION...  resolve with transitive dependencies and add to the class path";
    }

    @Override
    public Object run(String args, String label) throws Exception {
        List<String> coords = Magics.splitArgs(args);
        if (coords.isEmpty()) {
            throw new IllegalArgumentException("give coordinates, e.g. %maven org.apache.commons:commons-math3:3.6.1");
        }
        List<Path> jars = resolver.resolve(coords);
        session.addToClasspath(jars);
        System.out.println("Resolved " + String.join(", ", coords) + ": " + jars.size() + " jar"
                + (jars.size() == 1 ? "" : "s") + " added to the class path");
        return null;
    }
}
