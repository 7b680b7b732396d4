package io.embedspark.io.tf;

import java.util.ArrayList;
import java.util.List;

/**
 * Decoders for the two messages of a tensor-bundle index, following
 * {@code tensorflow/core/protobuf/tensor_bundle.proto}.
 */
final class BundleProtos {

  /**
   * A decoded {@code BundleHeaderProto}.
   *
   * @param numShards number of data files
   * @param endianness 0 = LITTLE, 1 = BIG
   * @param minConsumer {@code version.min_consumer}: oldest reader version allowed to read it
   */
  record Header(int numShards, int endianness, int minConsumer) {}

  private BundleProtos() {}

  /** Decodes a {@code BundleHeaderProto} (the value stored under the empty key). */
  static Header decodeHeader(byte[] bytes, String context) {
    ProtoReader in = new ProtoReader(bytes, context);
    int numShards = 0;
    int endianness = 0;
    int minConsumer = 0;
    while (in.next()) {
      switch (in.field()) {
        case 1 -> numShards = in.readInt32("num_shards");
        case 2 -> endianness = in.readInt32("endianness");
        case 3 -> minConsumer = decodeMinConsumer(in.readMessage("version"));
        default -> in.skip();
      }
    }
    return new Header(numShards, endianness, minConsumer);
  }

  /**
   * Decodes a {@code BundleEntryProto}. Entries with {@code slices} (partitioned variables) and
   * shapes of unknown rank are rejected.
   */
  static BundleEntry decodeEntry(byte[] bytes, String context) {
    ProtoReader in = new ProtoReader(bytes, context);
    int dtype = 0;
    long[] shape = new long[0];
    int shardId = 0;
    long offset = 0;
    long size = 0;
    int crc32c = 0;
    while (in.next()) {
      switch (in.field()) {
        case 1 -> dtype = in.readInt32("dtype");
        case 2 -> shape = decodeShape(in.readMessage("shape"));
        case 3 -> shardId = in.readInt32("shard_id");
        case 4 -> offset = in.readInt64("offset");
        case 5 -> size = in.readInt64("size");
        case 6 -> crc32c = in.readFixed32("crc32c");
        case 7 -> throw in.error("has slices: partitioned variables are not supported");
        default -> in.skip();
      }
    }
    return new BundleEntry(dtype, shape, shardId, offset, size, crc32c);
  }

  private static int decodeMinConsumer(ProtoReader version) {
    int minConsumer = 0;
    while (version.next()) {
      if (version.field() == 2) {
        minConsumer = version.readInt32("version.min_consumer");
      } else {
        version.skip();
      }
    }
    return minConsumer;
  }

  private static long[] decodeShape(ProtoReader shape) {
    List<Long> dims = new ArrayList<>();
    while (shape.next()) {
      switch (shape.field()) {
        case 2 -> dims.add(decodeDimSize(shape.readMessage("shape.dim")));
        case 3 -> {
          if (shape.readBool("shape.unknown_rank")) {
            throw shape.error("shape.unknown_rank is set; a stored tensor needs a known shape");
          }
        }
        default -> shape.skip();
      }
    }
    return dims.stream().mapToLong(Long::longValue).toArray();
  }

  private static long decodeDimSize(ProtoReader dim) {
    long size = 0;
    while (dim.next()) {
      if (dim.field() == 1) {
        size = dim.readInt64("shape.dim.size");
      } else {
        dim.skip();
      }
    }
    return size;
  }
}
