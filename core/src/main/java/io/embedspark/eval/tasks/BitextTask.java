package io.embedspark.eval.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32;

/**
 * Bitext mining (MTEB's {@code AbsTaskBitextMining}): rows {@code {"sentence1": ...,
 * "sentence2": ...}} that are translations of each other (field names configurable, e.g.
 * {@code xx} and {@code en}); every source sentence is matched to its nearest target by cosine,
 * scored by F1 (MTEB's main score) and accuracy.
 */
public record BitextTask(String name, List<String> sources, List<String> targets)
    implements EvalTask {

  public static BitextTask of(String name, String source, List<JsonNode> rows,
      String sourceField, String targetField) {
    TaskRows.nonEmpty(source, rows);
    List<String> s = new ArrayList<>();
    List<String> t = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      s.add(TaskRows.text(rows.get(i), sourceField, source, i));
      t.add(TaskRows.text(rows.get(i), targetField, source, i));
    }
    return new BitextTask(name, s, t);
  }

  /**
   * The per-item key of row {@code i}: its row number, zero-padded to sort in order, and a CRC-32
   * of its two sentences, so two reports pair a row only when both scored the same sentences
   * there, not another file of as many rows.
   */
  public String itemKey(int i) {
    CRC32 crc = new CRC32();
    crc.update((sources.get(i) + '\u0000' + targets.get(i)).getBytes(StandardCharsets.UTF_8));
    return String.format(Locale.ROOT, "%07d-%08x", i, crc.getValue());
  }

  @Override
  public TaskType type() {
    return TaskType.BITEXT;
  }

  @Override
  public java.util.Map<String, Double> evaluate(io.embedspark.data.PromptTemplate prompt,
      EvaluationContext context) {
    return new BitextEvaluator().evaluate(this, prompt, context);
  }
}
