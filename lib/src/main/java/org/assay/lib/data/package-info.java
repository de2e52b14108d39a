/**
 * Data primitives for training small language models on a CPU: tokenizers ({@link org.assay.lib.data.ByteTokenizer},
 * {@link org.assay.lib.data.CharTokenizer}, {@link org.assay.lib.data.BpeTokenizer}), a synthetic language whose
 * entropy rate is known exactly ({@link org.assay.lib.data.SyntheticLanguage}), reading a text corpus
 * ({@link org.assay.lib.data.TextCorpus}), and nanoGPT-style random batches over token arrays that can be resumed
 * exactly ({@link org.assay.lib.data.TokenDataset}, the {@code TokenBatches} a training loop reads).
 *
 * <p>Pure Java: nothing here depends on DJL, so these classes can be tested and used without a native engine.
 */
package org.assay.lib.data;
