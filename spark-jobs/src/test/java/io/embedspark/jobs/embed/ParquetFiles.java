package io.embedspark.jobs.embed;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/**
 * Reads an embeddings file with parquet-hadoop's own example reader, not Spark: the footer's
 * key-value metadata and one vector column by id.
 */
public final class ParquetFiles {
  private ParquetFiles() {}

  public record Contents(Map<String, String> footer, Map<String, float[]> vectors) {}

  public static Contents read(Path file, String column) throws IOException {
    Configuration conf = new Configuration();
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(file.toUri());
    Map<String, String> footer;
    try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(path, conf))) {
      footer = r.getFooter().getFileMetaData().getKeyValueMetaData();
    }
    Map<String, float[]> vectors = new LinkedHashMap<>();
    try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), path)
        .withConf(conf).build()) {
      for (Group g = reader.read(); g != null; g = reader.read()) {
        Group list = g.getGroup(column, 0);
        int n = list.getFieldRepetitionCount("list");
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
          v[i] = list.getGroup("list", i).getFloat("element", 0);
        }
        vectors.put(g.getString("id", 0), v);
      }
    }
    return new Contents(footer, vectors);
  }
}
