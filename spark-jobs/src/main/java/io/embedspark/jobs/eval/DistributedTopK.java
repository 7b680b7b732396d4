package io.embedspark.jobs.eval;

import io.embedspark.eval.TopK;
import io.embedspark.eval.Hit;
import io.embedspark.model.NativeThreads;
import io.embedspark.spark.VectorColumns;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import scala.Tuple2;

/**
 * Exact top-k search by inner product over a corpus of embeddings that stays distributed: the
 * queries are broadcast (a block at a time), every partition scores its rows against them with
 * blocked matrix products (queries x corpus block) and keeps a bounded heap per query, and the
 * partitions' heaps are merged by key. Only k hits per query and dimension reach the driver, so
 * the corpus may be far larger than driver memory; several Matryoshka dimensions share one pass.
 */
public final class DistributedTopK {
  private DistributedTopK() {}

  /**
   * @param corpus rows with a string {@code id} and an {@code embedding_d<dim>} column per dim
   * @param queries per dim (same order as {@code dims}): the unit query vectors
   * @return per dim, per query: the top k hits, best first
   */
  public static List<List<List<Hit>>> search(JavaSparkContext jsc, Dataset<Row> corpus,
      int[] dims, float[][][] queries, int k, int corpusBlock) {
    int n = queries[0].length;
    List<String> cols = new ArrayList<>(List.of("id"));
    for (int d : dims) {
      cols.add(VectorColumns.name(d));
    }
    Dataset<Row> selected = corpus.selectExpr(cols.toArray(new String[0]));
    Broadcast<float[][][]> q = jsc.broadcast(queries);
    try {
      JavaPairRDD<Integer, TopK> partial = selected.javaRDD().mapPartitionsToPair(
          new PartitionTopK(q, dims.length, k, corpusBlock));
      Map<Integer, TopK> merged = partial.reduceByKey(TopK::merge).collectAsMap();
      List<List<List<Hit>>> out = new ArrayList<>();
      for (int di = 0; di < dims.length; di++) {
        List<List<Hit>> perQuery = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          TopK t = merged.get(di * n + i);
          perQuery.add(t == null ? List.of() : t.best());
        }
        out.add(perQuery);
      }
      return out;
    } finally {
      q.destroy();
    }
  }

  /** Scores one partition against every query, a block of corpus rows at a time. */
  private record PartitionTopK(Broadcast<float[][][]> queries, int dims, int k, int block)
      implements PairFlatMapFunction<Iterator<Row>, Integer, TopK> {
    @Override
    public Iterator<Tuple2<Integer, TopK>> call(Iterator<Row> rows) {
      TaskContext task = TaskContext.get();
      if (task != null) {
        NativeThreads.configure(task.cpus());
      }
      float[][][] q = queries.value();
      int n = q[0].length;
      INDArray[] qm = new INDArray[dims];
      TopK[][] heaps = new TopK[dims][n];
      for (int d = 0; d < dims; d++) {
        qm[d] = Nd4j.create(q[d]);
        for (int i = 0; i < n; i++) {
          heaps[d][i] = new TopK(k);
        }
      }
      List<String> ids = new ArrayList<>(block);
      List<float[][]> vectors = new ArrayList<>(block);
      while (rows.hasNext()) {
        Row r = rows.next();
        ids.add(r.getString(0));
        float[][] v = new float[dims][];
        for (int d = 0; d < dims; d++) {
          v[d] = VectorColumns.floats(r.getList(d + 1));
        }
        vectors.add(v);
        if (ids.size() == block || !rows.hasNext()) {
          for (int d = 0; d < dims; d++) {
            score(qm[d], ids, vectors, d, heaps[d]);
          }
          ids.clear();
          vectors.clear();
        }
      }
      List<Tuple2<Integer, TopK>> out = new ArrayList<>(dims * n);
      for (int d = 0; d < dims; d++) {
        for (int i = 0; i < n; i++) {
          out.add(new Tuple2<>(d * n + i, heaps[d][i]));
        }
      }
      return out.iterator();
    }

    /**
     * Scores a block against every query as one product, block (B x d) times queries transposed
     * (d x n), into a column-major result so each query's B scores are contiguous.
     */
    private static void score(INDArray queries, List<String> ids, List<float[][]> vectors,
        int d, TopK[] heaps) {
      float[][] block = new float[ids.size()][];
      for (int j = 0; j < block.length; j++) {
        block[j] = vectors.get(j)[d];
      }
      int rows = block.length;
      INDArray scores = Nd4j.create(org.nd4j.linalg.api.buffer.DataType.FLOAT,
          new long[] {rows, heaps.length}, 'f');
      Nd4j.create(block).mmul(queries.transpose(), scores);
      float[] s = scores.data().asFloat();
      for (int i = 0; i < heaps.length; i++) {
        TopK heap = heaps[i];
        int base = i * rows;
        float threshold = heap.threshold();
        for (int j = 0; j < rows; j++) {
          float score = s[base + j];
          if (score >= threshold) {
            heap.offer(ids.get(j), score);
            threshold = heap.threshold();
          }
        }
      }
    }

  }
}
