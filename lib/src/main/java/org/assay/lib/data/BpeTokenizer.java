package org.assay.lib.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assay.base.AtomicFiles;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Byte-level byte-pair encoding (Sennrich et al. 2016; GPT-2's byte-level variant): tokens start as the 256 UTF-8
 * byte values and training repeatedly merges the most frequent adjacent pair into a new token. Text is first split
 * into chunks — an optional space followed by non-space characters, or a run of whitespace — and merges never cross
 * a chunk boundary, so a token never spans two words. Ties between equally frequent pairs go to the smaller pair of
 * ids, so training is deterministic. Any text round-trips exactly.
 */
public final class BpeTokenizer implements Tokenizer {
    private static final String HEADER = "assay-bpe 1";
    private static final ByteTokenizer BYTES = new ByteTokenizer();

    private final int[][] merges;                 // merge i makes token 256 + i from {left, right}
    private final Map<Long, Integer> rank = new HashMap<>();
    private final byte[][] bytesOf;               // token id -> its bytes
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    private BpeTokenizer(int[][] merges) {
        this.merges = merges;
        this.bytesOf = new byte[256 + merges.length][];
        for (int b = 0; b < 256; b++) {
            bytesOf[b] = new byte[] {(byte) b};
        }
        for (int i = 0; i < merges.length; i++) {
            int l = merges[i][0];
            int r = merges[i][1];
            byte[] joined = Arrays.copyOf(bytesOf[l], bytesOf[l].length + bytesOf[r].length);
            System.arraycopy(bytesOf[r], 0, joined, bytesOf[l].length, bytesOf[r].length);
            bytesOf[256 + i] = joined;
            rank.put(key(l, r), i);
        }
    }

    private static long key(int left, int right) {
        return ((long) left << 32) | right;
    }

    /** Learns merges on {@code corpus} until the vocabulary has {@code vocabSize} tokens or no pair repeats. */
    public static BpeTokenizer train(String corpus, int vocabSize) {
        if (vocabSize < 256) {
            throw new IllegalArgumentException("BpeTokenizer.train: vocabSize must be >= 256, got " + vocabSize);
        }
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String chunk : chunks(corpus)) {
            counts.merge(chunk, 1, Integer::sum);
        }
        List<int[]> words = new ArrayList<>(counts.size());
        int[] freq = new int[counts.size()];
        int w = 0;
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            words.add(bytes(e.getKey()));
            freq[w++] = e.getValue();
        }
        List<int[]> merges = new ArrayList<>();
        Map<Long, Long> pairs = new HashMap<>();
        while (256 + merges.size() < vocabSize) {
            pairs.clear();
            for (int i = 0; i < words.size(); i++) {
                int[] word = words.get(i);
                for (int j = 0; j + 1 < word.length; j++) {
                    pairs.merge(key(word[j], word[j + 1]), (long) freq[i], Long::sum);
                }
            }
            long best = -1;
            long bestCount = 1; // a merge must occur at least twice
            for (Map.Entry<Long, Long> e : pairs.entrySet()) {
                long c = e.getValue();
                if (c > bestCount || (c == bestCount && c > 1 && e.getKey() < best)) {
                    best = e.getKey();
                    bestCount = c;
                }
            }
            if (best < 0) {
                break;
            }
            int left = (int) (best >>> 32);
            int right = (int) best;
            int id = 256 + merges.size();
            merges.add(new int[] {left, right});
            for (int i = 0; i < words.size(); i++) {
                words.set(i, merge(words.get(i), left, right, id));
            }
        }
        return new BpeTokenizer(merges.toArray(new int[0][]));
    }

    private static int[] merge(int[] word, int left, int right, int id) {
        int n = 0;
        int[] out = null;
        for (int j = 0; j < word.length; j++) {
            if (j + 1 < word.length && word[j] == left && word[j + 1] == right) {
                if (out == null) {
                    out = Arrays.copyOf(word, word.length);
                    n = j;
                }
                out[n++] = id;
                j++;
            } else if (out != null) {
                out[n++] = word[j];
            }
        }
        return out == null ? word : Arrays.copyOf(out, n);
    }

    /** Splits text into chunks: an optional space followed by non-space characters, or a run of whitespace. */
    static List<String> chunks(String text) {
        List<String> out = new ArrayList<>();
        int n = text.length();
        int i = 0;
        while (i < n) {
            int start = i;
            if (Character.isWhitespace(text.charAt(i))) {
                int j = i;
                while (j < n && Character.isWhitespace(text.charAt(j))) {
                    j++;
                }
                boolean spaceBeforeWord = j < n && text.charAt(j - 1) == ' ';
                if (!spaceBeforeWord) {
                    i = j;                 // whitespace to the end, or ending in a non-space (newline, tab)
                } else if (j - 1 > start) {
                    i = j - 1;             // the run without its last space, which goes with the word
                } else {
                    i = skipWord(text, j); // " word"
                }
            } else {
                i = skipWord(text, i);
            }
            out.add(text.substring(start, i));
        }
        return out;
    }

    private static int skipWord(String text, int i) {
        while (i < text.length() && !Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int[] bytes(String s) {
        return BYTES.encode(s);
    }

    /** Merge i as {left id, right id}; it makes token 256 + i. */
    int[][] merges() {
        return merges;
    }

    /** The bytes of token {@code id}. */
    byte[] bytesOf(int id) {
        return bytesOf[id];
    }

    @Override
    public String name() {
        return "bpe-" + vocabSize();
    }

    @Override
    public int vocabSize() {
        return 256 + merges.length;
    }

    @Override
    public int[] encode(String text) {
        List<int[]> parts = new ArrayList<>();
        int total = 0;
        for (String chunk : chunks(text)) {
            int[] ids = cache.computeIfAbsent(chunk, this::encodeChunk);
            parts.add(ids);
            total += ids.length;
        }
        int[] out = new int[total];
        int at = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /** Applies merges in the order they were learned: always the adjacent pair of lowest rank first. */
    private int[] encodeChunk(String chunk) {
        int[] word = bytes(chunk);
        while (word.length > 1) {
            int bestRank = Integer.MAX_VALUE;
            int left = -1;
            int right = -1;
            for (int j = 0; j + 1 < word.length; j++) {
                Integer r = rank.get(key(word[j], word[j + 1]));
                if (r != null && r < bestRank) {
                    bestRank = r;
                    left = word[j];
                    right = word[j + 1];
                }
            }
            if (left < 0) {
                break;
            }
            word = merge(word, left, right, 256 + bestRank);
        }
        return word;
    }

    @Override
    public String decode(int[] tokens) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(tokens.length * 2);
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= bytesOf.length) {
                throw new IllegalArgumentException("BpeTokenizer.decode: token ids must be in [0, " + bytesOf.length
                        + "), got " + tokens[i] + " at position " + i);
            }
            out.writeBytes(bytesOf[tokens[i]]);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(ByteBuffer.wrap(out.toByteArray()))
                    .toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalStateException(e); // cannot happen with REPLACE
        }
    }

    /** Writes the merges, one {@code left right} pair per line, atomically (temporary file, then rename). */
    public void save(Path file) {
        StringBuilder sb = new StringBuilder(HEADER).append('\n').append("merges ").append(merges.length).append('\n');
        for (int[] m : merges) {
            sb.append(m[0]).append(' ').append(m[1]).append('\n');
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            AtomicFiles.writeString(file, sb);
        } catch (IOException e) {
            throw new UncheckedIOException("BpeTokenizer.save(" + file + "): " + e.getMessage(), e);
        }
    }

    /** Reads what {@link #save} wrote; a malformed file fails with its line number. */
    public static BpeTokenizer load(Path file) {
        String fn = "BpeTokenizer.load(" + file + ")";
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(fn + ": " + e.getMessage(), e);
        }
        if (lines.size() < 2 || !lines.get(0).equals(HEADER) || !lines.get(1).startsWith("merges ")) {
            throw new IllegalArgumentException(fn + ": not a BPE merges file (line 1 must be '" + HEADER
                    + "', line 2 'merges N')");
        }
        int n;
        try {
            n = Integer.parseInt(lines.get(1).substring(7).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(fn + ": line 2: expected 'merges N', got '" + lines.get(1) + "'");
        }
        if (lines.size() - 2 != n) {
            throw new IllegalArgumentException(fn + ": line 2 announces " + n + " merges, the file has "
                    + (lines.size() - 2));
        }
        int[][] merges = new int[n][];
        for (int i = 0; i < n; i++) {
            String[] parts = lines.get(i + 2).trim().split(" ");
            try {
                int l = Integer.parseInt(parts[0]);
                int r = Integer.parseInt(parts[1]);
                if (parts.length != 2 || l < 0 || r < 0 || l >= 256 + i || r >= 256 + i) {
                    throw new NumberFormatException();
                }
                merges[i] = new int[] {l, r};
            } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                throw new IllegalArgumentException(fn + ": line " + (i + 3) + ": expected two token ids below "
                        + (256 + i) + ", got '" + lines.get(i + 2) + "'");
            }
        }
        return new BpeTokenizer(merges);
    }
}
