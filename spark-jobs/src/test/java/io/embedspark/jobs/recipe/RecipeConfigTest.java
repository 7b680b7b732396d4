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

  @Test
  void theShippedRecipeAndItsStagesAreValid() {
    RecipeConfig recipe = YamlConfig.load(CONF.resolve("recipe.yaml"), List.of(),
        RecipeConfig.class);
    assertEquals("minilm", recipe.start().model());
    assertEquals(List.of(96, 192, 384), recipe.start().matryoshkaDims());
    assertEquals(RecipeConfig.MODELS, recipe.evaluate());
    TrainJobConfig pre = YamlConfig.load(Path.of("..", recipe.prefinetune()), List.of(),
        TrainJobConfig.class);
    assertEquals(Map.of("split", "train"), pre.datasets().get(0).where(),
        "the pre-finetune reads the train split only");
    assertEquals(256, pre.train().globalBatchSize());
    MineConfig mine = YamlConfig.load(Path.of("..", recipe.mine()), List.of(), MineConfig.class);
    assertEquals(Map.of("split", "train"), mine.input().where());
    TrainJobConfig fine = YamlConfig.load(Path.of("..", recipe.finetune()), List.of(),
        TrainJobConfig.class);
    assertEquals("finetune", fine.stage());
    assertEquals("label", fine.datasets().get(0).fields().positive(),
        "classification as (text, label text) pairs");
    for (TrainJobConfig.Dataset d : fine.datasets().subList(1, fine.datasets().size())) {
      assertEquals(Map.of("split", "train"), d.where(), d.name());
    }
    EvalConfig dev = YamlConfig.load(Path.of("..", fine.eval().config()), List.of(),
        EvalConfig.class);
    assertEquals("dev", dev.tasks().get(0).split(), "checkpoints are chosen on dev, not test");
    YamlConfig.load(Path.of("..", recipe.test()), List.of(), EvalConfig.class);
  }

  @Test
  void theMultilingualBitextStageReadsTrainPairsAndIsScoredOnTest() {
    TrainJobConfig bitext = YamlConfig.load(CONF.resolve("mbert-bitext.yaml"), List.of(),
        TrainJobConfig.class);
    assertEquals(5, bitext.datasets().size());
    for (TrainJobConfig.Dataset d : bitext.datasets()) {
      assertEquals(Map.of("split", "train"), d.where(), d.name());
    }
    EvalConfig eval = YamlConfig.load(CONF.resolve("eval-bitext.yaml"), List.of(),
        EvalConfig.class);
    assertEquals(5, eval.tasks().size());
    for (var t : eval.tasks()) {
      assertTrue(t.path().contains("mining_test_"), "scored on the test split: " + t.path());
    }
  }

  @Test
  void theLongPreFinetuneDiffersFromTheRecipesOnlyInLengthAndDevScoring() {
    TrainJobConfig recipe = YamlConfig.load(CONF.resolve("prefinetune.yaml"), List.of(
        "train.steps=768", "train.warmup_steps=50", "train.checkpoint_every=64"),
        TrainJobConfig.class);
    TrainJobConfig longer = YamlConfig.load(CONF.resolve("prefinetune-long.yaml"), List.of(),
        TrainJobConfig.class);
    assertEquals(recipe.datasets(), longer.datasets(), "the same train pairs");
    assertEquals(recipe.trainerConfig(), longer.trainerConfig(), "only the schedule differs");
    assertEquals(4 * (49_281 / 256), longer.train().steps(), "four epochs of whole batches");
    EvalConfig dev = YamlConfig.load(Path.of("..", longer.eval().config()), List.of(),
        EvalConfig.class);
    assertEquals("dev", dev.tasks().get(0).split(), "its checkpoints are scored on dev");
  }

  @Test
  void theLongDescriptionsAreASecondTrainDatasetBesideEachLanguagesShortOnes() {
    TrainJobConfig shortOnly = YamlConfig.load(CONF.resolve("mbert-bitext.yaml"), List.of(),
        TrainJobConfig.class);
    TrainJobConfig withLong = YamlConfig.load(CONF.resolve("mbert-bitext-long.yaml"), List.of(),
        TrainJobConfig.class);
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
    MineConfig german = YamlConfig.load(CONF.resolve("mine-bitext.yaml"), List.of(),
        MineConfig.class);
    assertEquals(Map.of("split", "train"), german.input().where());
    assertEquals("de_short", german.input().query());
    assertEquals(1, german.rankFrom(), "the nearest English texts are the hard ones");
    MineConfig russian = YamlConfig.load(CONF.resolve("mine-bitext.yaml"), List.of(
        "input.path=../shared/data/debian/bitext/en-ru.jsonl.gz", "input.query=ru_short",
        "output=runs/mbert-bitext/mine/ru"), MineConfig.class);
    assertEquals("ru_short", russian.input().query());

    TrainJobConfig mined = YamlConfig.load(CONF.resolve("mbert-bitext-mined.yaml"), List.of(),
        TrainJobConfig.class);
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
    TrainJobConfig mined = YamlConfig.load(dir.resolve("retrieval-mined.yaml"), List.of(),
        TrainJobConfig.class);
    TrainJobConfig pairs = YamlConfig.load(dir.resolve("retrieval-pairs.yaml"), List.of(),
        TrainJobConfig.class);
    assertEquals(mined.trainerConfig(), pairs.trainerConfig());
    assertEquals(mined.model(), pairs.model());
    assertEquals("negatives", mined.datasets().get(0).fields().negatives());
    assertEquals(Map.of("split", "train"), pairs.datasets().get(0).where());

    TrainJobConfig masked = YamlConfig.load(dir.resolve("sections.yaml"), List.of(),
        TrainJobConfig.class);
    TrainJobConfig unmasked = YamlConfig.load(dir.resolve("sections.yaml"),
        List.of("train.duplicate_mask=false"), TrainJobConfig.class);
    assertTrue(masked.trainerConfig().duplicateMask());
    assertEquals(masked.trainerConfig().toString().replace("duplicateMask=true",
        "duplicateMask=false"), unmasked.trainerConfig().toString(), "only the mask differs");

    EvalConfig sections = YamlConfig.load(dir.resolve("eval-dev-sections.yaml"), List.of(),
        EvalConfig.class);
    assertTrue(sections.tasks().get(0).test().endsWith("classification/dev.jsonl"),
        "scored on the dev split: " + sections.tasks().get(0).test());
  }

  @Test
  void everyBadValueIsNamedAtOnce() {
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> YamlConfig.parse(
        "start: {layers: -1, max_length: 2, matryoshka_dims: [192, 96]}\nmined: {weight: 0}\n"
            + "evaluate: [zero-shot, best]\n", "r.yaml", List.of(), RecipeConfig.class));
    for (String key : List.of("start.model", "start.layers = -1", "start.max_length = 2",
        "start.matryoshka_dims = [192, 96]", "mined.weight = 0.0", "prefinetune", "finetune",
        "test", "evaluate: 'best'")) {
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
