/**
 * Sampling from a model: the parameters ({@link org.assay.lib.sample.SamplingParams}: temperature, top-p, top-k,
 * stop sequences, seed, KV cache), the batched sampling loop ({@link org.assay.lib.sample.Generator}, which
 * {@code TrainingClient.sample} runs), the draw from one row of logits, and which code runs the decoding steps
 * ({@link org.assay.lib.sample.Decoder}: libtorch with a KV cache, or the Java
 * {@link org.assay.lib.model.CpuDecoder}, chosen by a measured cost model or {@code ASSAY_DECODER}).
 */
package org.assay.lib.sample;
