package org.assay.kernel.magic;

/** {@code %lsmagic}: lists the magics. */
final class LsmagicMagic implements LineMagic {
    private final Magics magics;

    LsmagicMagic(Magics magics) {
        this.magics = magics;
    }

    @Override
    public String usage() {
        return "%lsmagic  list the magics";
    }

    @Override
    public Object run(String args, String label) {
        StringBuilder b = new StringBuilder("Line magics:");
        magics.lineMagicNames().forEach(n -> b.append(" %").append(n));
        b.append("\nCell magics:");
        magics.cellMagicNames().forEach(n -> b.append(" %%").append(n));
        return b.toString();
    }
}
