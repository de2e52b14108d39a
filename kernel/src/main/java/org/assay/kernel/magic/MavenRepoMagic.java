package org.assay.kernel.magic;

import java.util.List;

/** {@code %mavenRepo ID URL}: a remote repository for {@code %maven} to search, after those of the settings. */
final class MavenRepoMagic implements LineMagic {
    private final MavenResolver resolver;

    MavenRepoMagic(MavenResolver resolver) {
        this.resolver = resolver;
    }

    @Override
    public String usage() {
        return "%mavenRepo ID URL  add a remote repository for %maven (https://, http:// or file:)";
    }

    @Override
    public Object run(String args, String label) {
        List<String> parts = Magics.splitArgs(args);
        if (parts.size() != 2) {
            throw new IllegalArgumentException("give an id and a URL, e.g. %mavenRepo jitpack https://jitpack.io;"
                    + " got " + parts.size() + " argument" + (parts.size() == 1 ? "" : "s"));
        }
        boolean known = resolver.addedRepositories().containsKey(parts.get(0));
        resolver.addRepository(parts.get(0), parts.get(1));
        System.out.println((known ? "Repository " + parts.get(0) + " now points at " : "Added repository "
                + parts.get(0) + ": ") + parts.get(1));
        return null;
    }
}
