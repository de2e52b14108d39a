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

/**
 * Reads a {@link GptConfig} written before it had {@code normEps} and {@code ropeTheta} (run specs, sweep specs and
 * checkpoints from before 2026-12-04) as the defaults those models used; Gson would otherwise pass zeros to the
 * constructor, which rejects them. The booleans and {@code mlpHiddenSize} added with them read as false and 0, which
 * is what they meant.
 */
public final class GptConfigJson implements TypeAdapterFactory {

    @Override
    @SuppressWarnings("unchecked")
    public <T> TypeAdapter<T> create(Gson gson, TypeToken<T> type) {
        if (type.getRawType() != GptConfig.class) {
            return null;
        }
        TypeAdapter<T> current = gson.getDelegateAdapter(this, type);
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
                    JsonObject c = json.getAsJsonObject();
                    if (!c.has("normEps")) {
                        c.addProperty("normEps", GptConfig.DEFAULT_NORM_EPS);
                    }
                    if (!c.has("ropeTheta")) {
                        c.addProperty("ropeTheta", GptConfig.DEFAULT_ROPE_THETA);
                    }
                }
                return current.fromJsonTree(json);
            }
        };
    }
}
