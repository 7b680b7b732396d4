package io.embedspark.jobs.recipe;

import io.embedspark.config.Checks;
import io.embedspark.data.TaskPrompts;
import io.embedspark.error.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code recipe} job's settings, as in {@code conf/recipe/recipe.yaml} (every key is
 * documented there): the pretrained start and the stage configs the run chains. The recipe sets
 * each stage's model and output under {@code work}, so the stage configs hold only what a user
 * tunes.
 *
 * @param start the pretrained model the run starts from
 * @param work where every stage writes: {@code start/}, {@code prefinetune/},
 *     {@code prefinetuned/} (the checkpoint handed on), {@code mine/},
 *     {@code finetune/}, {@code soup/}, {@code eval-<model>/} and {@code results.md}
 * @param prefinetune a {@code train} job config (stage 1)
 * @param prefinetuneCheckpoint which pre-finetune checkpoint the later stages start from:
 *     {@code best} on the stage's dev suite (when its config names one; else the last) or
 *     {@code last}
 * @param mine a {@code mine} job config, or empty to finetune without mined negatives
 * @param mined the finetune dataset the mined triples become
 * @param finetune a {@code train} job config (stage 2); its {@code eval.config} scores the
 *     checkpoints the greedy soup chooses from
 * @param test an {@code eval} job config: the suite every model is reported on
 * @param evaluate which models the test suite reports: {@code zero-shot}, {@code prefinetune},
 *     {@code finetune}, {@code soup}
 */
public record RecipeConfig(Start start, String work, String prefinetune,
    String prefinetuneCheckpoint, String mine,
    Mined mined, String finetune, String test, List<String> evaluate) {

  /** The models the recipe can report, in the order of its table. */
  public static final List<String> MODELS = List.of("zero-shot", "prefinetune", "finetune",
      "soup");

  /** The values of {@code prefinetune_checkpoint}. */
  public static final List<String> CHECKPOINTS = List.of("best", "last");

  /**
   * @param model a named model ({@code minilm}, {@code mbert}, ...), a bundle or a checkpoint
   *     directory
   * @param layers keep only the first N transformer layers; 0 for all
   * @param maxLength tokens per text
   * @param matryoshkaDims nested embedding sizes, ascending, ending with the model's width;
   *     empty for a quarter, a half and the whole width
   */
  public record Start(String model, Integer layers, Integer maxLength,
      List<Integer> matryoshkaDims) {}

  /**
   * @param name the dataset's name in the finetune mixture
   * @param weight its sampling weight
   * @param task its prompt task
   */
  public record Mined(String name, Double weight, String task) {}

  public RecipeConfig {
    List<String> p = new ArrayList<>();
    start = start == null ? new Start(null, null, null, null) : start;
    start = new Start(start.model(), Checks.or(start.layers(), 0),
        Checks.or(start.maxLength(), 128),
        start.matryoshkaDims() == null ? List.of() : List.copyOf(start.matryoshkaDims()));
    if (start.model() == null || start.model().isBlank()) {
      p.add("start.model must name a pretrained model");
    }
    if (start.layers() < 0) {
      p.add("start.layers = " + start.layers() + " must be 0 (all) or positive");
    }
    if (start.maxLength() <= 2) {
      p.add("start.max_length = " + start.maxLength() + " must be more than 2");
    }
    for (int i = 1; i < start.matryoshkaDims().size(); i++) {
      if (start.matryoshkaDims().get(i) <= start.matryoshkaDims().get(i - 1)) {
        p.add("start.matryoshka_dims = " + start.matryoshkaDims() + " must ascend");
        break;
      }
    }
    work = Checks.or(work, "runs/recipe");
    mine = mine == null ? "" : mine;
    mined = mined == null ? new Mined(null, null, null) : mined;
    mined = new Mined(Checks.or(mined.name(), "retrieval-mined"), Checks.or(mined.weight(), 1.0),
        Checks.or(mined.task(), TaskPrompts.DEFAULT_TASK));
    if (!(mined.weight() > 0) || mined.weight().isInfinite()) {
      p.add("mined.weight = " + mined.weight() + " must be positive");
    }
    required(p, "prefinetune", prefinetune);
    prefinetuneCheckpoint = prefinetuneCheckpoint == null ? "best"
        : prefinetuneCheckpoint.trim().toLowerCase(Locale.ROOT);
    if (!CHECKPOINTS.contains(prefinetuneCheckpoint)) {
      p.add("prefinetune_checkpoint = '" + prefinetuneCheckpoint + "' must be one of "
          + String.join(", ", CHECKPOINTS));
    }
    required(p, "finetune", finetune);
    required(p, "test", test);
    evaluate = evaluate == null ? MODELS : evaluate.stream()
        .map(e -> e == null ? "" : e.trim().toLowerCase(Locale.ROOT)).toList();
    for (String e : evaluate) {
      if (!MODELS.contains(e)) {
        p.add("evaluate: '" + e + "' must be one of " + String.join(", ", MODELS));
      }
    }
    if (!p.isEmpty()) {
      throw new InvalidInputException(String.join("; ", p));
    }
  }

  private static void required(List<String> p, String key, String value) {
    if (value == null || value.isBlank()) {
      p.add(key + " must name a config file");
    }
  }
}
