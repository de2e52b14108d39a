package org.assay.lib.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;

/**
 * Keys and values of the positions a model has already read, per layer, so that sampling feeds one new token per
 * step instead of the whole sequence. The arrays belong to the cache's own manager (not to the step's scope), and
 * {@link #close()} frees them.
 */
public final class KvCache implements AutoCloseable {
    private final NDManager manager;
    private final NDArray[] keys;   // per layer: (B, KV, S, hd)
    private final NDArray[] values; // per layer: (B, KV, S, hd)
    private int length;

    public KvCache(Gpt model) {
        this.manager = org.assay.lib.engine.Torch.engine().newBaseManager(model.device());
        this.keys = new NDArray[model.config().layers()];
        this.values = new NDArray[model.config().layers()];
    }

    /** Positions cached so far. */
    public int length() {
        return length;
    }

    /** Bytes the cached keys and values take (their element counts × their element sizes), all layers. */
    public long bytes() {
        long bytes = 0;
        for (int layer = 0; layer < keys.length; layer++) {
            for (NDArray a : new NDArray[] {keys[layer], values[layer]}) {
                bytes += a == null ? 0 : a.size() * a.getDataType().getNumOfBytes();
            }
        }
        return bytes;
    }

    /** Appends a layer's new keys and values (B, KV, T, hd); returns all of them, cached first. */
    NDArray[] append(int layer, NDArray k, NDArray v) {
        NDArray allK = keys[layer] == null ? k.duplicate() : NDArrays.concat(new NDList(keys[layer], k), 2);
        NDArray allV = values[layer] == null ? v.duplicate() : NDArrays.concat(new NDList(values[layer], v), 2);
        NDScope.unregister(allK, allV);
        allK.attach(manager);
        allV.attach(manager);
        if (keys[layer] != null) {
            keys[layer].close();
            values[layer].close();
        }
        keys[layer] = allK;
        values[layer] = allV;
        return new NDArray[] {allK, allV};
    }

    /**
     * Repeats every cached row {@code n} times in place: row r becomes rows r·n to r·n + n − 1 (a prompt read once,
     * continued by n samples).
     */
    public void repeatRows(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("KvCache.repeatRows: n must be >= 1, got " + n);
        }
        for (int layer = 0; layer < keys.length && n > 1 && keys[layer] != null; layer++) {
            NDArray k = keys[layer].repeat(0, n);
            NDArray v = values[layer].repeat(0, n);
            NDScope.unregister(k, v);
            k.attach(manager);
            v.attach(manager);
            keys[layer].close();
            values[layer].close();
            keys[layer] = k;
            values[layer] = v;
        }
    }

    /** A layer's cached keys and values, (B, KV, S, hd). */
    NDArray keys(int layer) {
        return keys[layer];
    }

    NDArray values(int layer) {
        return values[layer];
    }

    void advance(int tokens) {
        length += tokens;
    }

    @Override
    public void close() {
        manager.close();
    }
}
