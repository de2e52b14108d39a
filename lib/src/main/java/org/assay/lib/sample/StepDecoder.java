package org.assay.lib.sample;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.jni.JniUtils;
import org.assay.lib.engine.Helper;
import org.assay.lib.engine.Torch;
import org.assay.lib.model.CpuDecoder;
import org.assay.lib.model.Gpt;
import org.assay.lib.model.KvCache;

/**
 * What {@link Generator#sample} asks, once per decoding step: the next-token logits of every row, (rows, V),
 * given the sequences so far ({@code rows × width} tokens, row-major, the first {@code len} of each row filled).
 * {@link Decoding#open} chooses the implementation: libtorch (with or without the KV cache) or, after the prompt, the
 * Java {@link CpuDecoder}.
 */
interface StepDecoder extends AutoCloseable {
    float[] next(int[] sequence, int width, int len);

    @Override
    void close();

    /**
     * The model's forward pass in libtorch. With a cache each step feeds only the positions not yet in it; without,
     * the whole sequence is recomputed (the slow reference). With a cache and {@code n} rows per prompt, the prompt is
     * read once per prompt — rows 0, n, 2n, … — and its keys, values and last logits copied to the prompt's other
     * rows (when {@code branch}; else the cache keeps one row per prompt, for the Java decoder to branch). With
     * {@code oneThread}, steps after the prompt run on one intra-op thread: for a few rows a second thread costs more
     * than it gains (measured: 4.5 against 2.0 ms per token for the reference model on 2 cores).
     */
    final class Libtorch implements StepDecoder {
        private final Gpt model;
        private final KvCache cache;
        private final int rows;
        private final int n;
        private final boolean branch;
        private final boolean oneThread;
        private int fed; // positions already in the cache
        private int steps;

        Libtorch(Gpt model, KvCache cache, int rows, int n, boolean branch, boolean oneThread) {
            this.model = model;
            this.cache = cache;
            this.rows = rows;
            this.n = cache == null ? 1 : n;
            this.branch = branch;
            this.oneThread = oneThread;
        }

        KvCache cache() {
            return cache;
        }

        @Override
        public float[] next(int[] sequence, int width, int len) {
            if (oneThread && steps == 1) {
                JniUtils.setNumThreads(1); // after the prompt, which is worth both threads
            }
            steps++;
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                int from = cache != null ? fed : 0;
                int every = fed == 0 ? n : 1; // the prompt: one row per prompt
                int fedRows = rows / every;
                int[] feed = new int[fedRows * (len - from)];
                for (int i = 0; i < fedRows; i++) {
                    System.arraycopy(sequence, i * every * width + from, feed, i * (len - from), len - from);
                }
                NDArray all = model.forward(model.tokens(feed, fedRows), cache, null); // (fedRows, len - from, V)
                float[] logits = (len - from == 1 ? all : all.get(":, -1, :")).toFloatArray(); // (fedRows, V)
                fed = len;
                if (every == 1) {
                    return logits;
                }
                if (branch) {
                    cache.repeatRows(every);
                }
                int v = logits.length / fedRows;
                float[] copied = new float[rows * v];
                for (int i = 0; i < rows; i++) {
                    System.arraycopy(logits, i / every * v, copied, i * v, v);
                }
                return copied;
            }
        }

        @Override
        public void close() {
            try {
                if (cache != null) {
                    cache.close();
                }
            } finally {
                if (oneThread) {
                    JniUtils.setNumThreads(Torch.threads());
                }
            }
        }
    }

    /**
     * libtorch for the prompt (one batched pass that fills the KV cache), then the Java {@link CpuDecoder} for every
     * step after it: a cached step of a few rows of a small model is a chain of tiny ops, which Java runs several
     * times faster on the CPU.
     */
    final class Java implements StepDecoder {
        private final Libtorch prompt;
        private final int rows;
        private final int n;
        private final int[] last;
        private final Helper helper;
        private volatile CpuDecoder opened; // made by the helper while libtorch reads the prompt
        private CpuDecoder decoder;

        /**
         * {@code rows}: n per prompt, whose prompt is read once and branched by the Java decoder. The decoder's
         * weights are copied and its memory made on the caller's helper thread while libtorch reads the prompt on
         * one thread of its own.
         */
        Java(Gpt model, KvCache cache, int rows, int n, int capacity, int groups) {
            this.prompt = new Libtorch(model, cache, rows, n, false, false);
            this.rows = rows;
            this.n = n;
            this.last = new int[rows];
            this.helper = Helper.team(1)[0];
            helper.start(() -> opened = CpuDecoder.forRows(model, rows, capacity, groups));
        }

        @Override
        public float[] next(int[] sequence, int width, int len) {
            if (decoder == null && prompt.fed == 0) {
                JniUtils.setNumThreads(1);
                try {
                    return prompt.next(sequence, width, len);
                } finally {
                    JniUtils.setNumThreads(Torch.threads());
                }
            }
            if (decoder == null) { // the prompt is in the cache: Java from here on
                helper.await("sample");
                decoder = opened;
                decoder.start(prompt.cache(), n);
            }
            for (int i = 0; i < rows; i++) {
                last[i] = sequence[i * width + len - 1];
            }
            return decoder.step(last); // (rows, V)
        }

        @Override
        public void close() {
            try {
                if (decoder == null) {
                    helper.await("sample"); // sampled the prompt's token only, or failed first: the opening ends
                }
                if (opened != null) {
                    opened.close();
                }
            } finally {
                prompt.close();
            }
        }
    }
}
