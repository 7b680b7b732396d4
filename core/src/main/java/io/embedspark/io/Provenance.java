package io.embedspark.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * Where a checkpoint came from (after Tribuo's provenance): what made it, from which data and
 * settings, with which code, when, on which runtime, and the seed.
 *
 * @param origin what produced the weights, e.g. {@code init:small}, {@code import:hf:/path},
 *     {@code train:finetune}
 * @param data data sources the weights were trained on, empty for an initialisation or import
 * @param seed the random seed of the initialisation or run
 * @param settings the resolved settings of the producing command or job
 * @param nonDefaultSettings the settings that differ from their defaults
 */
public record Provenance(String origin, List<String> data, long seed, JsonNode settings,
    JsonNode nonDefaultSettings, String codeVersion, String createdAt, String java, String os) {

  public Provenance {
    data = List.copyOf(data);
  }

  /** A provenance stamped with this code's version, the current time and this runtime. */
  public static Provenance now(String origin, List<String> data, long seed, JsonNode settings,
      JsonNode nonDefaultSettings) {
    return new Provenance(origin, data, seed, settings, nonDefaultSettings,
        CodeVersion.get(), Instant.now().toString(),
        System.getProperty("java.vendor") + " " + System.getProperty("java.version"),
        System.getProperty("os.name") + " " + System.getProperty("os.arch"));
  }
}
