package org.assay.base;

/** How names are spelled where code meets files: a record component's name as a metric key or a column name. */
public final class Names {
    private Names() {
    }

    /** {@code camelCase} as {@code snake_case}: {@code gradNorm} is {@code grad_norm}, {@code valBpb} is {@code val_bpb}. */
    public static String snake(String camel) {
        StringBuilder b = new StringBuilder(camel.length() + 4);
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c)) {
                b.append('_').append(Character.toLowerCase(c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
