package org.assay.lib.train;

import java.util.List;

/**
 * Where a training loop gets its tokens. Batches are a pure function of their position, so a resumed run reads
 * exactly the batches it would have read.
 */
public interface TokenBatches {

    /** Rows per micro-batch. */
    int rows();

    /** Micro-batch {@code index} (0, 1, 2, ... across the whole run), {@link #rows()} × T. */
    TokenBatch train(long index);

    /** Fixed evaluation batches, each {@link #rows()} × T. */
    List<TokenBatch> validation(int maxBatches);

    /**
     * For data of several sources, each source's held-out batches and its share of the validation loss, so a run
     * reports a loss per source and on a target mixture of them; empty (the default) for data of one source, whose
     * validation loss is that of {@link #validation}.
     */
    default List<HeldOut> heldOutBySource(int maxBatches) {
        return List.of();
    }

    /**
     * One source's held-out batches.
     *
     * @param source  its name
     * @param weight  its share of the validation loss (the weights of a data set's sources sum to 1)
     * @param batches its held-out windows
     */
    record HeldOut(String source, double weight, List<TokenBatch> batches) {
    }

    /** UTF-8 bytes per token of the text (1 for a byte tokenizer), for bits per byte. */
    double bytesPerToken();
}
