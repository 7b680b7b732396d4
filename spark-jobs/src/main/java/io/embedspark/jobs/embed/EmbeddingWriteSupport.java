package io.embedspark.jobs.embed;

import io.embedspark.embed.Quantization;
import io.embedspark.model.Matryoshka;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/**
 * Writes {@link EmbeddedRow}s as Parquet: {@code id} (string), {@code truncated} (boolean), and
 * per Matryoshka dim d {@code embedding_d<d>} (list of float, the first d coordinates re-normalised
 * to unit length), optionally {@code int8_d<d>} (list of int8, {@link Quantization#int8}) and
 * {@code binary_d<d>} (bytes, {@link Quantization#binary}). Lists use Parquet's standard three-level
 * layout, which Spark, DuckDB, Arrow and pandas read as arrays. What the job knows about the model
 * and the run goes into the footer's key-value metadata.
 *
 * <p>Configured through the Hadoop configuration, since Hadoop instantiates it: {@value #DIMS}
 * (comma-separated), {@value #INT8}, {@value #BINARY}, and every key starting with
 * {@value #FOOTER_PREFIX}, copied into the footer without the prefix.
 */
public final class EmbeddingWriteSupport extends WriteSupport<EmbeddedRow> {
  static final String DIMS = "embedspark.write.dims";
  static final String INT8 = "embedspark.write.int8";
  static final String BINARY = "embedspark.write.binary";
  static final String FOOTER_PREFIX = "embedspark.footer.";
  private int[] dims;
  private boolean int8;
  private boolean binary;
  private RecordConsumer out;

  @Override
  public WriteContext init(Configuration conf) {
    dims = Arrays.stream(conf.get(DIMS).split(",")).mapToInt(Integer::parseInt).toArray();
    int8 = conf.getBoolean(INT8, false);
    binary = conf.getBoolean(BINARY, false);
    Map<String, String> footer = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : conf) {
      if (e.getKey().startsWith(FOOTER_PREFIX)) {
        footer.put(e.getKey().substring(FOOTER_PREFIX.length()), e.getValue());
      }
    }
    return new WriteContext(schema(dims, int8, binary), footer);
  }

  /** The output schema for these dims and quantised columns. */
  static MessageType schema(int[] dims, boolean int8, boolean binary) {
    List<Type> fields = new ArrayList<>();
    fields.add(Types.required(PrimitiveTypeName.BINARY)
        .as(LogicalTypeAnnotation.stringType()).named("id"));
    fields.add(Types.required(PrimitiveTypeName.BOOLEAN).named("truncated"));
    for (int d : dims) {
      fields.add(Types.requiredList().requiredElement(PrimitiveTypeName.FLOAT)
          .named("embedding_d" + d));
      if (int8) {
        fields.add(Types.requiredList().requiredElement(PrimitiveTypeName.INT32)
            .as(LogicalTypeAnnotation.intType(8, true)).named("int8_d" + d));
      }
      if (binary) {
        fields.add(Types.required(PrimitiveTypeName.BINARY).named("binary_d" + d));
      }
    }
    return new MessageType("embedspark_embeddings", fields);
  }

  @Override
  public void prepareForWrite(RecordConsumer recordConsumer) {
    out = recordConsumer;
  }

  @Override
  public void write(EmbeddedRow row) {
    out.startMessage();
    int field = 0;
    out.startField("id", field);
    out.addBinary(Binary.fromString(row.id()));
    out.endField("id", field++);
    out.startField("truncated", field);
    out.addBoolean(row.truncated());
    out.endField("truncated", field++);
    for (int d : dims) {
      float[] v = Matryoshka.truncate(row.embedding(), d);
      String name = "embedding_d" + d;
      out.startField(name, field);
      writeList(v.length, i -> out.addFloat(v[i]));
      out.endField(name, field++);
      if (int8) {
        byte[] q = Quantization.int8(v);
        name = "int8_d" + d;
        out.startField(name, field);
        writeList(q.length, i -> out.addInteger(q[i]));
        out.endField(name, field++);
      }
      if (binary) {
        name = "binary_d" + d;
        out.startField(name, field);
        out.addBinary(Binary.fromConstantByteArray(Quantization.binary(v)));
        out.endField(name, field++);
      }
    }
    out.endMessage();
  }

  /** A non-empty list in the three-level layout: group { repeated group list { element } }. */
  private void writeList(int size, java.util.function.IntConsumer element) {
    out.startGroup();
    out.startField("list", 0);
    for (int i = 0; i < size; i++) {
      out.startGroup();
      out.startField("element", 0);
      element.accept(i);
      out.endField("element", 0);
      out.endGroup();
    }
    out.endField("list", 0);
    out.endGroup();
  }
}
