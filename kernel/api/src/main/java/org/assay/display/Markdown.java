package org.assay.display;

import java.util.Objects;

/** Markdown to show rendered (LaTeX between dollars works in Jupyter's renderer). */
public record Markdown(String markdown) implements Renderable {
    public Markdown {
        Objects.requireNonNull(markdown, "Markdown: markdown must not be null");
    }

    @Override
    public MimeBundle toMimeBundle() {
        return new MimeBundle().put(MimeBundle.MARKDOWN, markdown).put(MimeBundle.TEXT, markdown);
    }
}
