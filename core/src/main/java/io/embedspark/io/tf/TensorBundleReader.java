package io.embedspark.io.tf;

import io.embedspark.error.CorruptArtifactException;
import io.embedspark.io.FloatTensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a single-shard TensorFlow tensor bundle (the {@code variables/variables.index} and
 * {@code variables/variables.data-00000-of-00001} of a SavedModel or TF2 checkpoint) without
 * TensorFlow. See the package documentation for the format.
 *
 * <p>{@link #readAll} loads the floating-point tensors (DT_FLOAT; DT_DOUBLE, DT_HALF and
 * DT_BFLOAT16 are converted to float32) and silently skips entries of any other dtype, such as the
 * DT_INT64 {@code global_step} or DT_STRING tensors; {@link #readIndex} lists all entries. Every
 * loaded tensor's CRC-32C is verified. Partitioned variables, multi-shard and big-endian bundles are
 * rejected. Corrupt input raises {@link CorruptArtifactException} naming the file, the tensor and
 * the field; I/O failures raise {@link UncheckedIOException}.
 */
public final class TensorBundleReader {
  /** Suffix of the index file after the bundle prefix. */
  public static final String INDEX_SUFFIX = ".index";
  /** Suffix of the only data file of a single-shard bundle after the prefix. */
  public static final String DATA_SUFFIX = ".data-00000-of-00001";
  /** Newest bundle format version this reader understands ({@code kTensorBundleVersion}). */
  private static final int BUNDLE_VERSION = 1;
  private static final String HEADER_KEY = "";

  private TensorBundleReader() {}

  /**
   * Reads the index and all floating-point tensors of the bundle at {@code prefix}, e.g.
   * {@code dir/variables/variables}, which names {@code prefix.index} and
   * {@code prefix.data-00000-of-00001}.
   */
  public static LinkedHashMap<String, FloatTensor> readAll(Path prefix) {
    String base = prefix.getFileName().toString();
    return readAll(prefix.resolveSibling(base + INDEX_SUFFIX),
        prefix.resolveSibling(base + DATA_SUFFIX));
  }

  /**
   * Reads the index and all floating-point tensors, in index (key) order. Entries of other dtypes
   * are skipped, after checking that their byte ranges lie inside the data file.
   *
   * @param indexFile the {@code .index} file
   * @param dataFile the {@code .data-00000-of-00001} file
   * @return tensor name to float32 tensor
   */
  public static LinkedHashMap<String, FloatTensor> readAll(Path indexFile, Path dataFile) {
    LinkedHashMap<String, BundleEntry> entries = readIndex(indexFile);
    LinkedHashMap<String, FloatTensor> out = new LinkedHashMap<>();
    try (FileChannel channel = FileChannel.open(dataFile, StandardOpenOption.READ)) {
      TensorDataReader data = new TensorDataReader(channel, dataFile.toString());
      for (Map.Entry<String, BundleEntry> e : entries.entrySet()) {
        data.checkBounds(e.getKey(), e.getValue());
        FloatDtype dtype = FloatDtype.of(e.getValue().dtype());
        if (dtype != null) {
          out.put(e.getKey(), data.read(e.getKey(), e.getValue(), dtype));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + dataFile, e);
    }
    return out;
  }

  /**
   * Reads the index only: every tensor entry (of any dtype) in key order, without the header
   * entry and without touching the data file.
   *
   * @param indexFile the {@code .index} file
   * @return tensor name to its entry (dtype, shape, shard, offset, size, crc32c)
   */
  public static LinkedHashMap<String, BundleEntry> readIndex(Path indexFile) {
    String source = indexFile.toString();
    LinkedHashMap<String, byte[]> raw = SsTableReader.readAll(readIndexBytes(indexFile), source);
    byte[] header = raw.remove(HEADER_KEY);
    if (header == null) {
      throw new CorruptArtifactException(
          source + ": no BundleHeaderProto (the entry with the empty key)");
    }
    checkHeader(BundleProtos.decodeHeader(header, source + ": header"), source);
    LinkedHashMap<String, BundleEntry> entries = new LinkedHashMap<>();
    for (Map.Entry<String, byte[]> e : raw.entrySet()) {
      String context = source + ": tensor '" + e.getKey() + "'";
      BundleEntry entry = BundleProtos.decodeEntry(e.getValue(), context);
      checkEntry(entry, context);
      entries.put(e.getKey(), entry);
    }
    return entries;
  }

  private static byte[] readIndexBytes(Path indexFile) {
    try {
      long size = Files.size(indexFile);
      if (size > Integer.MAX_VALUE - 8) {
        throw new CorruptArtifactException(indexFile + ": index file of " + size
            + " bytes is too large");
      }
      return Files.readAllBytes(indexFile);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + indexFile, e);
    }
  }

  private static void checkHeader(BundleProtos.Header header, String source) {
    if (header.numShards() != 1) {
      throw new CorruptArtifactException(source + ": header field num_shards is "
          + header.numShards() + "; only single-shard bundles are supported");
    }
    if (header.endianness() != 0) {
      throw new CorruptArtifactException(source + ": header field endianness is "
          + header.endianness() + " (BIG); only little-endian (0) bundles are supported");
    }
    if (header.minConsumer() > BUNDLE_VERSION) {
      throw new CorruptArtifactException(source + ": header field version.min_consumer is "
          + header.minConsumer() + "; this reader supports bundle version " + BUNDLE_VERSION);
    }
  }

  private static void checkEntry(BundleEntry entry, String context) {
    if (entry.shardId() != 0) {
      throw new CorruptArtifactException(context + ": shard_id is " + entry.shardId()
          + " but the bundle has a single shard");
    }
    if (entry.offset() < 0 || entry.size() < 0) {
      throw new CorruptArtifactException(context + ": negative offset " + entry.offset()
          + " or size " + entry.size());
    }
    long[] shape = entry.shape();
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] < 0) {
        throw new CorruptArtifactException(context + ": shape.dim[" + i + "].size is "
            + shape[i]);
      }
    }
    try {
      FloatTensor.elementCount(shape);
    } catch (ArithmeticException e) {
      throw new CorruptArtifactException(context + ": shape element count overflows", e);
    }
  }
}
