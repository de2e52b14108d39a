package org.assay.lib.sample;

/**
 * Told of each token as it is sampled, to stream text as it is generated (nanoGPT's {@code sample.py}, a chat UI).
 * Rows are numbered as the samples they become: prompt g's sample j is row {@code g * n + j}.
 */
@FunctionalInterface
public interface TokenListener {
    void onToken(int row, int token);
}
