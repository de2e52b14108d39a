package org.assay.lib.sample;

/** Why sampling ended, in the words of the OpenAI and vLLM APIs ({@code "stop"}, {@code "length"}). */
public enum StopReason {
    STOP, LENGTH;

    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
