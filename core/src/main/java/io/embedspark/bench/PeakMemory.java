package io.embedspark.bench;

import io.embedspark.model.ProcessMemory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's peak resident memory (Linux {@code VmHWM}), which a benchmark resets before each
 * mode ({@code /proc/self/clear_refs}) so every mode reports its own peak. Elsewhere it reports -1.
 */
public final class PeakMemory {
  private PeakMemory() {}

  /** Starts a new peak at the current resident size; false where Linux does not allow it. */
  public static boolean reset() {
    try {
      Files.writeString(Path.of("/proc/self/clear_refs"), "5");
      return true;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  /** Peak resident megabytes since the last reset (or the process start), or -1. */
  public static long peakMegabytes() {
    return ProcessMemory.statusMegabytes("VmHWM:");
  }
}
