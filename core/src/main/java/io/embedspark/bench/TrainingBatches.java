package io.embedspark.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.embedspark.data.TaskPrompts;
import io.embedspark.data.TrainingExample;
import io.embedspark.gradcache.ContrastiveTokens;
import io.embedspark.io.JsonFiles;
import io.embedspark.model.EncoderConfig;
import io.embedspark.model.EncoderFlops;
import io.embedspark.tokenize.TextTokenizer;
import io.embedspark.tokenize.TokenBatch;
import io.embedspark.train.ContrastiveBatcher;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The contrastive batches a training benchmark runs: real (query, passage) pairs with the
 * recipe's task prompts, cut by the model's own tokenizer (so queries and passages have their
 * real, very different lengths), or random full-length sequences. Given as token ids to the
 * PyTorch reference, so both engines run the very same batches.
 */
public final class TrainingBatches {
  private TrainingBatches() {}

  /** {@code steps} batches of {@code pairs} examples drawn without replacement (seeded). */
  public static List<ContrastiveTokens> fromPairs(List<TrainingExample> examples,
      TextTokenizer tokenizer, int pairs, int steps, long seed) {
    if ((long) pairs * steps > examples.size()) {
      throw new IllegalArgumentException(steps + " batches of " + pairs + " pairs need "
          + (long) pairs * steps + " examples; the data has " + examples.size());
    }
    List<TrainingExample> shuffled = new ArrayList<>(examples);
    Collections.shuffle(shuffled, new Random(seed));
    ContrastiveBatcher batcher = new ContrastiveBatcher(tokenizer, TaskPrompts.retrievalDefaults());
    List<ContrastiveTokens> out = new ArrayList<>();
    for (int s = 0; s < steps; s++) {
      out.add(batcher.tokens(shuffled.subList(s * pairs, (s + 1) * pairs)));
    }
    return out;
  }

  /** {@code steps} copies of one batch of random full-length pairs. */
  public static List<ContrastiveTokens> random(int vocab, int pairs, int width, int steps) {
    return Collections.nCopies(steps, TrainingBenchmark.randomPairs(vocab, pairs, width));
  }

  /** Real (unpadded) tokens of the batches. */
  public static long realTokens(List<ContrastiveTokens> batches) {
    return batches.stream().mapToLong(b -> b.sequences().realTokens()).sum();
  }

  /**
   * Forward FLOPs of the batches counted on each sequence's own length (the useful work,
   * whatever padding an engine adds).
   */
  public static double forwardFlops(EncoderConfig config, List<ContrastiveTokens> batches) {
    double f = 0;
    for (ContrastiveTokens b : batches) {
      for (int len : b.sequences().lengths()) {
        f += EncoderFlops.forward(config, 1, len);
      }
    }
    return f;
  }

  /** Mean query and passage lengths in tokens, for the report. */
  public static String describe(List<ContrastiveTokens> batches) {
    long q = 0;
    long p = 0;
    long nq = 0;
    int maxP = 0;
    for (ContrastiveTokens b : batches) {
      int[] len = b.sequences().lengths();
      for (int i = 0; i < b.examples(); i++) {
        q += len[i];
        p += len[b.examples() + i];
        maxP = Math.max(maxP, len[b.examples() + i]);
        nq++;
      }
    }
    return String.format(java.util.Locale.ROOT, "%d batches of %d pairs; mean query %.1f tokens, "
        + "mean passage %.1f tokens, longest passage %d", batches.size(),
        batches.get(0).examples(), (double) q / nq, (double) p / nq, maxP);
  }

  /**
   * The batches as {@code [{"queries": [[ids...]...], "positives": [[ids...]...]}]}, unpadded,
   * for {@code tools/bench/torch_train.py --batches -}.
   */
  public static String toJson(List<ContrastiveTokens> batches) {
    ArrayNode all = JsonFiles.MAPPER.createArrayNode();
    for (ContrastiveTokens b : batches) {
      ObjectNode o = all.addObject();
      TokenBatch s = b.sequences();
      ArrayNode queries = o.putArray("queries");
      ArrayNode positives = o.putArray("positives");
      for (int i = 0; i < 2 * b.examples(); i++) {
        ArrayNode row = (i < b.examples() ? queries : positives).addArray();
        for (int j = 0; j < s.lengths()[i]; j++) {
          row.add(s.ids()[i * s.width() + j]);
        }
      }
    }
    return all.toString();
  }
}
