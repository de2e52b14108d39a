package org.assay.scaling.cli;

import java.util.Map;

/** What the scaling commands share in reading their options. */
final class Options {
    private Options() {
    }

    /** The value of a required option, or an error naming it with the command's usage line. */
    static String required(Map<String, String> opts, String name, String usage) {
        String v = opts.get(name);
        if (v == null) {
            throw new IllegalArgumentException(name + " is required; " + usage);
        }
        return v;
    }
}
