package org.assay.kernel.magic;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.stream.Collectors;
import org.assay.kernel.ExecutionResult;

/**
 * {@code %load FILE}: runs the Java code and magics in a {@code .jsh} file as a cell, or the code cells of a notebook
 * ({@code .ipynb}) in order, each as a cell, stopping at the first that fails. A file that loads itself, directly or
 * through others, is refused.
 */
final class LoadMagic implements LineMagic {
    private final Magics magics;
    private final Deque<Path> loading = new ArrayDeque<>();

    LoadMagic(Magics magics) {
        this.magics = magics;
    }

    @Override
    public String usage() {
        return "%load FILE  run the Java code (and magics) of a .jsh file, or the code cells of a .ipynb notebook";
    }

    @Override
    public Object run(String args, String label) throws IOException {
        List<String> files = Magics.splitArgs(args);
        if (files.size() != 1) {
            throw new IllegalArgumentException("give exactly one file, e.g. %load helpers.jsh; got " + files.size());
        }
        Path file = Path.of(files.get(0)).toAbsolutePath().normalize();
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no such file: " + file);
        }
        if (loading.contains(file)) {
            String chain = loading.stream().map(p -> p.getFileName().toString()).collect(Collectors.joining(" -> "));
            throw new IllegalArgumentException(file.getFileName() + " is already being loaded (" + chain + " -> "
                    + file.getFileName() + ")");
        }
        loading.addLast(file);
        try {
            String name = file.getFileName().toString();
            return name.endsWith(".ipynb") ? runNotebook(file, name) : magics.runCell(Files.readString(file), name);
        } finally {
            loading.removeLast();
        }
    }

    private ExecutionResult runNotebook(Path file, String name) throws IOException {
        ExecutionResult last = ExecutionResult.EMPTY;
        int number = 0;
        for (String code : codeCells(file, name)) {
            number++;
            if (!code.isBlank()) {
                last = magics.runCell(code, name + " code cell " + number);
                if (!last.ok()) {
                    return last;
                }
            }
        }
        return last;
    }

    /** The sources of a notebook's code cells, in order (nbformat 4). */
    static List<String> codeCells(Path file, String name) throws IOException {
        JsonObject notebook;
        try {
            JsonElement root = JsonParser.parseString(Files.readString(file));
            if (!root.isJsonObject() || !root.getAsJsonObject().has("cells")) {
                throw new IllegalArgumentException(name + " is not a notebook: it has no \"cells\" (nbformat 4)");
            }
            notebook = root.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(name + " is not valid JSON: " + e.getMessage());
        }
        String language = language(notebook);
        if (language != null && !language.equalsIgnoreCase("java")) {
            throw new IllegalArgumentException(name + " is a " + language + " notebook; %load runs Java notebooks");
        }
        List<String> sources = new java.util.ArrayList<>();
        JsonArray cells = notebook.getAsJsonArray("cells");
        for (JsonElement cell : cells) {
            JsonObject c = cell.getAsJsonObject();
            if (c.has("cell_type") && c.get("cell_type").getAsString().equals("code") && c.has("source")) {
                sources.add(text(c.get("source")));
            }
        }
        return sources;
    }

    private static String language(JsonObject notebook) {
        JsonObject metadata = notebook.has("metadata") ? notebook.getAsJsonObject("metadata") : new JsonObject();
        if (metadata.has("language_info") && metadata.getAsJsonObject("language_info").has("name")) {
            return metadata.getAsJsonObject("language_info").get("name").getAsString();
        }
        if (metadata.has("kernelspec") && metadata.getAsJsonObject("kernelspec").has("language")) {
            return metadata.getAsJsonObject("kernelspec").get("language").getAsString();
        }
        return null;
    }

    /** nbformat keeps a source as one string or as a list of lines. */
    private static String text(JsonElement source) {
        if (source.isJsonArray()) {
            StringBuilder b = new StringBuilder();
            source.getAsJsonArray().forEach(line -> b.append(line.getAsString()));
            return b.toString();
        }
        return source.getAsString();
    }
}
