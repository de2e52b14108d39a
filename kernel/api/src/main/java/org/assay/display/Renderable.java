package org.assay.display;

/**
 * A value that knows how to show itself in a notebook, like IPython's {@code _repr_mimebundle_}.
 * Use it for types you own; use a {@link Renderer} for types you do not.
 */
public interface Renderable {
    MimeBundle toMimeBundle();
}
