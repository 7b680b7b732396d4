package io.embedspark.jobs.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedspark.config.YamlConfig;
import io.embedspark.error.InvalidInputException;
import io.embedspark.jobs.eval.EvalConfig;
import io.embedspark.jobs.mine.MineConfig;
import io.embedspark.jobs.train.TrainJobConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecipeConfigTest {
  private static final Path CONF = Path.of("../conf/recipe");

  /** A config file read as a job reads it, with {@code --set} overrides. */
  private static <T> T load(Class<T> type, Path file, String... sets) {
    return YamlConfig.load(file, List.of(sets), type);
  }

  /** A path a config names, relative to the project root as the jobs run. */
  private static Path fromRoot(String path) {
    return Path.of("..", path);
  }

  @Test
  void theShippedRecipeAndItsStagesAreValid() {
    RecipeConfig recipe = load(RecipeConfig.class, CONF.resolve("recipe.yaml"));
    assertEquals("minilm", recipe.start().model());
    assertEquals(List.of(96, 192, 384), recipe.start().matryoshkaDims());
    assertEquals(RecipeConfig.MODELS, recipe.evaluate());
    assertEquals("best", recipe.prefinetuneCheckpoint(), "the later stages start from the peak");
    TrainJobConfig pre = load(TrainJobConfig.class, fromRoot(recipe.prefinetune()));
    assertEquals(Map.of("split", "train"), pre.datasets().get(0).where(),
        "the pre-finetune reads the train split only");
    assertEquals(256, pre.train().globalBatchSize());
    MineConfig mine = load(MineConfig.class, fromRoot(recipe.mine()));
    assertEquals(Map.of("split", "train"), mine.input().where());
    TrainJobConfig fine = load(TrainJobConfig.class, fromRoot(recipe.finetune()));
    assertEquals("finetune", fine.stage());
    assertEquals("label", fine.datasets().get(0).fields().positive(),
        "classification as (text, label text) pairs");
    for (TrainJobConfig.Dataset d : fine.datasets().subList(1, fine.datasets().size())) {
      assertEquals(Map.of("split", "train"), d.where(), d.name());
    }
    EvalConfig dev = load(EvalConfig.class, fromRoot(fine.eval().config()));
    assertEquals("dev", dev.tasks().get(0).split(), "checkpoints are chosen on dev, not test");
    load(EvalConfig.class, fromRoot(recipe.test()));
  }

  @Test
  void theMultilingualBitextStageReadsTrainPairsAndIsScoredOnTest() {
    TrainJobConfig bitext = load(TrainJobConfig.class, CONF.resolve("mbert-bitext.yaml"));
    assertEquals(5, bitext.datasets().size());
    for (TrainJobConfig.Dataset d : bitext.datasets()) {
      assertEquals(Map.of("split", "train"), d.where(), d.name());
    }
    EvalConfig eval = load(EvalConfig.class, CONF.resolve("eval-bitext.yaml"));
    assertEquals(5, eval.tasks().size());
    for (var t : eval.tasks()) {
      assertTrue(t.path().contains("mining_test_"), "scored on the test split: " + t.path());
    }
  }

  @Test
  void theLongPreFinetuneDiffersFromTheRecipesOnlyInLengthAndDevScoring() {
    TrainJobConfig recipe = load(TrainJobConfig.class, CONF.resolve("prefinetune.yaml"),
        "train.steps=768", "train.warmup_steps=50", "train.checkpoint_every=64");
    TrainJobConfig longer = load(TrainJobConfig.class, CONF.resolve("prefinetune-long.yaml"));
    assertEquals(recipe.datasets(), longer.datasets(), "the same train pairs");
    assertEquals(recipe.trainerConfig(), longer.trainerConfig(), "only the schedule differs");
    assertEquals(4 * (49_281 / 256), longer.train().steps(), "four epochs of whole batches");
    EvalConfig dev = load(EvalConfig.class, fromRoot(longer.eval().config()));
    assertEquals("dev", dev.tasks().get(0).split(), "its checkpoints are scored on dev");
  }

  @Test
  void theLongDescriptionsAreASecondTrainDatasetBesideEachLanguagesShortOnes() {
    TrainJobConfig shortOnly = load(TrainJobConfig.class, CONF.resolve("mbert-bitext.yaml"));
    TrainJobConfig withLong = load(TrainJobConfig.class,
        CONF.resolve("mbert-bitext-long.yaml"));
    assertEquals(shortOnly.trainerConfig(), withLong.trainerConfig());
    assertEquals(shortOnly.model(), withLong.model());
    assertEquals(2 * shortOnly.datasets().size(), withLong.datasets().size());
    for (int i = 0; i < shortOnly.datasets().size(); i++) {
      TrainJobConfig.Dataset s = shortOnly.datasets().get(i);
      TrainJobConfig.Dataset l = withLong.datasets().get(2 * i + 1);
      assertEquals(s, withLong.datasets().get(2 * i), s.name());
      assertEquals(s.path(), l.path(), l.name());
      assertEquals(Map.of("split", "train"), l.where(), l.name());
      assertEquals(s.fields().query().replace("_short", "_long"), l.fields().query(), l.name());
      assertEquals("en_long", l.fields().positive(), l.name());
    }
  }

  @Test
  void theBitextHardNegativesAreMinedFromTrainPairsForEachLanguage() {
    MineConfig german = load(MineConfig.class, CONF.resolve("mine-bitext.yaml"));
    assertEquals(Map.of("split", "train"), german.input().where());
    assertEquals("de_short", german.input().query());
    assertEquals(1, german.rankFrom(), "the nearest English texts are the hard ones");
    MineConfig russian = load(MineConfig.class, CONF.resolve("mine-bitext.yaml"),
        "input.path=../shared/data/debian/bitext/en-ru.jsonl.gz", "input.query=ru_short",
        "output=runs/mbert-bitext/mine/ru");
    assertEquals("ru_short", russian.input().query());

    TrainJobConfig mined = load(TrainJobConfig.class, CONF.resolve("mbert-bitext-mined.yaml"));
    assertEquals(german.model(), mined.model(), "trained on from the model that mined");
    List<String> languages = List.of("de", "fr", "es", "ja", "ru");
    for (int i = 0; i < languages.size(); i++) {
      TrainJobConfig.Dataset d = mined.datasets().get(i);
      assertEquals("runs/mbert-bitext/mine/" + languages.get(i), d.path(), d.name());
      assertEquals("negatives", d.fields().negatives(), d.name());
    }
    assertEquals(german.output(), mined.datasets().get(0).path());
  }

  @Test
  void eachAblationsArmsDifferOnlyInWhatTheyMeasure() {
    Path dir = CONF.resolve("ablation");
    TrainJobConfig mined = load(TrainJobConfig.class, dir.resolve("retrieval-mined.yaml"));
    TrainJobConfig pairs = load(TrainJobConfig.class, dir.resolve("retrieval-pairs.yaml"));
    assertEquals(mined.trainerConfig(), pairs.trainerConfig());
    assertEquals(mined.model(), pairs.model());
    assertEquals("negatives", mined.datasets().get(0).fields().negatives());
    assertEquals(Map.of("split", "train"), pairs.datasets().get(0).where());

    TrainJobConfig masked = load(TrainJobConfig.class, dir.resolve("sections.yaml"));
    TrainJobConfig unmasked = load(TrainJobConfig.class, dir.resolve("sections.yaml"),
        "train.duplicate_mask=false");
    assertTrue(masked.trainerConfig().duplicateMask());
    assertEquals(masked.trainerConfig().toString().replace("duplicateMask=true",
        "duplicateMask=false"), unmasked.trainerConfig().toString(), "only the mask differs");

    EvalConfig sections = load(EvalConfig.class, dir.resolve("eval-dev-sections.yaml"));
    assertTrue(sections.tasks().get(0).test().endsWith("classification/dev.jsonl"),
        "scored on the dev split: " + sections.tasks().get(0).test());
  }

  @Test
  void everyBadValueIsNamedAtOnce() {
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> YamlConfig.parse(
        "start: {layers: -1, max_length: 2, matryoshka_dims: [192, 96]}\nmined: {weight: 0}\n"
            + "evaluate: [zero-shot, best]\nprefinetune_checkpoint: first\n", "r.yaml", List.of(),
        RecipeConfig.class));
    for (String key : List.of("start.model", "start.layers = -1", "start.max_length = 2",
        "start.matryoshka_dims = [192, 96]", "mined.weight = 0.0", "prefinetune", "finetune",
        "test", "evaluate: 'best'", "prefinetune_checkpoint = 'first' must be one of best, last")) {
      assertTrue(e.getMessage().contains(key), key + " in " + e.getMessage());
    }
  }

  @Test
  void aWhereFilterIsReadForEachDataset() {
    TrainJobConfig c = YamlConfig.parse("model: tiny\ndatasets: [{path: a.jsonl, where: {split: "
        + "train, lang: de}}, {path: b.jsonl}]\n", "t", List.of(), TrainJobConfig.class);
    assertEquals(Map.of("split", "train", "lang", "de"), c.datasets().get(0).where());
    assertEquals(Map.of(), c.datasets().get(1).where(), "no filter: every row");
  }
}
