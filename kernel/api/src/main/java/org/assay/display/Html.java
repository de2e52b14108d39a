package org.assay.display;

import java.util.Objects;

/** HTML to show as is. */
public record Html(String html) implements Renderable {
    public Html {
        Objects.requireNonNull(html, "Html: html must not be null");
    }

    @Override
    public MimeBundle toMimeBundle() {
        return MimeBundle.html(html, html.replaceAll("<[^>]*>", ""));
    }
}
