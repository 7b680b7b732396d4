/**
 * A reader for TensorFlow's tensor-bundle checkpoint format, used to import SavedModel variables
 * (e.g. Google's BERT) without TensorFlow.
 *
 * <p>A bundle with prefix {@code P} is an index file {@code P.index} plus data files
 * {@code P.data-NNNNN-of-MMMMM} (only single-shard bundles, {@code -00000-of-00001}, are read
 * here). The index is a LevelDB table (SSTable): uncompressed blocks of prefix-compressed,
 * key-sorted entries with a restart array, each block followed by a compression-type byte and a
 * masked CRC-32C, located through an index block and a 48-byte footer ending in the magic number
 * {@code 0xdb4775248b80fb57}. The entry with the empty key holds a {@code BundleHeaderProto}
 * (number of shards, endianness, version); every other key is a tensor name whose value is a
 * {@code BundleEntryProto}: dtype, shape, shard id, byte offset and size in the data file, and the
 * masked CRC-32C of those bytes. The data file is the tensors' raw little-endian, row-major bytes
 * concatenated (possibly with alignment padding). Masking is
 * {@code ((crc >>> 15) | (crc << 17)) + 0xa282ead8}. Sources: google/leveldb
 * {@code doc/table_format.md}; tensorflow {@code core/util/tensor_bundle/tensor_bundle.cc} and
 * {@code core/protobuf/tensor_bundle.proto}.
 */
package io.embedspark.io.tf;
