package org.assay.display;

import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What Jupyter shows for one value: MIME type to content, plus per-type metadata.
 * Text types hold strings; binary types (PNG) hold base64 strings, as the protocol wants.
 */
public final class MimeBundle {
    public static final String TEXT = "text/plain";
    public static final String HTML = "text/html";
    public static final String MARKDOWN = "text/markdown";
    public static final String PNG = "image/png";
    public static final String SVG = "image/svg+xml";
    public static final String JSON = "application/json";

    private final Map<String, Object> data = new LinkedHashMap<>();
    private final Map<String, Object> metadata = new LinkedHashMap<>();

    public static MimeBundle text(String text) {
        return new MimeBundle().put(TEXT, text);
    }

    public static MimeBundle html(String html, String textFallback) {
        return new MimeBundle().put(HTML, html).put(TEXT, textFallback);
    }

    public MimeBundle put(String mimeType, String content) {
        data.put(Objects.requireNonNull(mimeType, "mimeType"), Objects.requireNonNull(content, "content"));
        return this;
    }

    /** Adds a PNG image with its size in pixels, so front ends can lay it out before decoding. */
    public MimeBundle putPng(byte[] png, int width, int height) {
        data.put(PNG, Base64.getEncoder().encodeToString(png));
        Map<String, Object> size = new LinkedHashMap<>();
        size.put("width", width);
        size.put("height", height);
        metadata.put(PNG, size);
        return this;
    }

    public MimeBundle putMetadata(String mimeType, Object value) {
        metadata.put(mimeType, value);
        return this;
    }

    public boolean has(String mimeType) {
        return data.containsKey(mimeType);
    }

    public String get(String mimeType) {
        Object v = data.get(mimeType);
        return v == null ? null : v.toString();
    }

    public Map<String, Object> data() {
        return Collections.unmodifiableMap(data);
    }

    public Map<String, Object> metadata() {
        return Collections.unmodifiableMap(metadata);
    }

    public boolean isEmpty() {
        return data.isEmpty();
    }

    @Override
    public String toString() {
        return "MimeBundle" + data.keySet();
    }
}
