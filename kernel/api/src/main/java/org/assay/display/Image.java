package org.assay.display;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** A PNG image with its size in pixels. */
public record Image(byte[] png, int width, int height) implements Renderable {

    public Image {
        if (png == null || png.length == 0) {
            throw new IllegalArgumentException("Image: png must be non-empty bytes, got "
                    + (png == null ? "null" : "0 bytes"));
        }
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("Image: width and height must be > 0, got " + width + "x" + height);
        }
    }

    public static Image of(BufferedImage image) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("Image.of: could not encode PNG", e);
        }
        return new Image(bytes.toByteArray(), image.getWidth(), image.getHeight());
    }

    /** Reads any image format ImageIO knows (PNG, JPEG, GIF, BMP) and keeps it as PNG. */
    public static Image read(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            return fromBytes(bytes, "Image.read: " + file);
        } catch (IOException e) {
            throw new UncheckedIOException("Image.read: cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    public static Image fromBytes(byte[] bytes) {
        return fromBytes(bytes, "Image.fromBytes");
    }

    private static Image fromBytes(byte[] bytes, String where) {
        try {
            BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(bytes));
            if (decoded == null) {
                throw new IllegalArgumentException(where + ": not an image format ImageIO can read ("
                        + bytes.length + " bytes)");
            }
            boolean isPng = bytes.length > 8 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G';
            return isPng ? new Image(bytes, decoded.getWidth(), decoded.getHeight()) : of(decoded);
        } catch (IOException e) {
            throw new UncheckedIOException(where + ": " + e.getMessage(), e);
        }
    }

    @Override
    public MimeBundle toMimeBundle() {
        return new MimeBundle().putPng(png, width, height).put(MimeBundle.TEXT, "<Image " + width + "x" + height + ">");
    }

    @Override
    public String toString() {
        return "Image[" + width + "x" + height + ", " + png.length + " bytes]";
    }
}
