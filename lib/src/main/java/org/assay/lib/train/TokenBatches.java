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

    /** UTF-8 bytes per token of the text (1 for a byte tokenizer), for bits per byte. */
    double bytesPerToken();
}
