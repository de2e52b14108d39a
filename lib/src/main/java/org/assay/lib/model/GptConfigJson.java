package org.assay.lib.model;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.TypeAdapter;
import com.google.gson.TypeAdapterFactory;
import com.google.gson.reflect.TypeToken;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.util.function.BiConsumer;

/**
 * Reads older JSON forms of a record: {@link #upgrading} makes a Gson factory that mends the JSON object of one type
 * before Gson builds the record from it, and writes it as it is. {@link #GPT_CONFIG} reads a {@link GptConfig}
 * written before it had {@code normEps} and {@code ropeTheta} (run specs, sweep specs and checkpoints from before
 * 2026-12-04) as the defaults those models used; Gson would otherwise pass zeros to the constructor, which rejects
 * them. The booleans and {@code mlpHiddenSize} added with them read as false and 0, which is what they meant.
 */
public final class GptConfigJson {
    private GptConfigJson() {
    }

    public static final TypeAdapterFactory GPT_CONFIG = upgrading(GptConfig.class, (gson, c) -> {
        if (!c.has("normEps")) {
            c.addProperty("normEps", GptConfig.DEFAULT_NORM_EPS);
        }
        if (!c.has("ropeTheta")) {
            c.addProperty("ropeTheta", GptConfig.DEFAULT_ROPE_THETA);
        }
    });

    /** A factory that hands each JSON object read as {@code type} to {@code upgrade} first. */
    public static TypeAdapterFactory upgrading(Class<?> type, BiConsumer<Gson, JsonObject> upgrade) {
        return new TypeAdapterFactory() {
            @Override
            public <T> TypeAdapter<T> create(Gson gson, TypeToken<T> token) {
                if (token.getRawType() != type) {
                    return null;
                }
                TypeAdapter<T> current = gson.getDelegateAdapter(this, token);
                TypeAdapter<JsonElement> tree = gson.getAdapter(JsonElement.class);
                return new TypeAdapter<>() {
                    @Override
                    public void write(JsonWriter out, T value) throws IOException {
                        current.write(out, value);
                    }

                    @Override
                    public T read(JsonReader in) throws IOException {
                        JsonElement json = tree.read(in);
                        if (json != null && json.isJsonObject()) {
                            upgrade.accept(gson, json.getAsJsonObject());
                        }
                        return current.fromJsonTree(json);
                    }
                };
            }
        };
    }
}
