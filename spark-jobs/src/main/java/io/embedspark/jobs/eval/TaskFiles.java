package io.embedspark.jobs.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.embedspark.error.InvalidInputException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;

/**
 * Reads the evaluation suite's small files (task JSON lines, BEIR queries and qrels) on the driver
 * from any Hadoop file system, compressed ones ({@code .gz}, ...) by their suffix. A row that is
 * not JSON is reported with its file and line.
 */
final class TaskFiles {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Configuration conf;

  TaskFiles(Configuration conf) {
    this.conf = conf;
  }

  /** The lines of a file. */
  List<String> lines(String file) {
    List<String> out = new ArrayList<>();
    try (BufferedReader r = open(file)) {
      String line;
      while ((line = r.readLine()) != null) {
        out.add(line);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return out;
  }

  /** How many lines of a file are not blank, read as a stream. */
  long countRows(String file) {
    long n = 0;
    try (BufferedReader r = open(file)) {
      String line;
      while ((line = r.readLine()) != null) {
        if (!line.isBlank()) {
          n++;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return n;
  }

  /** The JSON rows of a JSON-lines file, blank lines skipped. */
  List<JsonNode> rows(String file) {
    List<JsonNode> out = new ArrayList<>();
    streamRows(file).forEachRemaining(out::add);
    return out;
  }

  /** The JSON rows of a file read one at a time (for corpora that do not fit in memory). */
  Iterator<JsonNode> streamRows(String file) {
    BufferedReader r = open(file);
    return new Iterator<>() {
      private JsonNode next;
      private int line;

      @Override
      public boolean hasNext() {
        if (next != null) {
          return true;
        }
        try {
          String s;
          while ((s = r.readLine()) != null) {
            line++;
            if (!s.isBlank()) {
              try {
                next = MAPPER.readTree(s);
              } catch (IOException e) {
                r.close();
                throw new InvalidInputException(file + ":" + line + ": not a JSON object: "
                    + e.getMessage());
              }
              return true;
            }
          }
          r.close();
          return false;
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read " + file, e);
        }
      }

      @Override
      public JsonNode next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        JsonNode n = next;
        next = null;
        return n;
      }
    };
  }

  /** Whether a file exists. */
  boolean exists(String file) {
    try {
      Path p = new Path(file);
      return p.getFileSystem(conf).exists(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot check " + file, e);
    }
  }

  private BufferedReader open(String file) {
    Path p = new Path(file);
    try {
      FileSystem fs = p.getFileSystem(conf);
      if (!fs.exists(p)) {
        throw new InvalidInputException("file not found: " + file);
      }
      InputStream in = fs.open(p);
      CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(p);
      if (codec != null) {
        in = codec.createInputStream(in);
      }
      return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
