package io.embedspark.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's resident size (Linux {@code VmRSS}), for progress lines and metrics: ND4J's
 * native arrays are outside the Java heap and outside JavaCPP's count, so the resident size is
 * where a run that holds on to native memory shows.
 */
public final class ProcessMemory {
  private ProcessMemory() {}

  /** Resident megabytes, or -1 where {@code /proc/self/status} is not readable. */
  public static long residentMegabytes() {
    return statusMegabytes("VmRSS:");
  }

  /**
   * A kilobyte field of {@code /proc/self/status} ({@code VmRSS:}, {@code VmHWM:}) in megabytes,
   * or -1 where it is not readable.
   */
  public static long statusMegabytes(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(field)) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}
