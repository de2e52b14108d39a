package org.assay.kernel.magic;

/** A line magic: {@code %name args} on a line of its own, anywhere in a cell. */
public interface LineMagic {
    /** The name after {@code %}: by default, the first word of {@link #usage()} without its {@code %}. */
    default String name() {
        String u = usage().strip();
        int space = u.indexOf(' ');
        return (space < 0 ? u : u.substring(0, space)).substring(1);
    }

    /** For {@code %help}: the usage, two spaces, then what it does, e.g. {@code "%load FILE.jsh  run a file"}. */
    String usage();

    /**
     * @param args  the rest of the line
     * @param label the cell it is in, for messages ({@code cell [3]})
     * @return a value to show, null for none, or an {@link org.assay.kernel.ExecutionResult} to be the cell's result
     */
    Object run(String args, String label) throws Exception;
}
