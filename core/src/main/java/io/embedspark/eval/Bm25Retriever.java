package io.embedspark.eval;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.index.Term;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * The lexical baseline of the retrieval report: BM25 (Robertson and Zaragoza 2009; Lucene's
 * {@code BM25Similarity}, k1 = 1.2, b = 0.75) over title and text with Lucene's standard analyzer
 * (Unicode word segmentation, lower-casing), in memory or in an index on local disk.
 */
public final class Bm25Retriever {
  private Bm25Retriever() {}

  /** The top {@code k} documents of every query with their BM25 scores (index in memory). */
  public static Map<String, List<Hit>> search(BeirTask task, int k) {
    try (Directory dir = new ByteBuffersDirectory()) {
      return search(task.corpus().entrySet().stream().map(e -> new String[] {e.getKey(),
          e.getValue()[0], e.getValue()[1]}).iterator(), task.queries(), k, dir, task.name());
    } catch (IOException e) {
      throw new UncheckedIOException("BM25 over " + task.name() + " failed", e);
    }
  }

  /**
   * The top {@code k} documents of every query, indexing documents read one at a time into a
   * Lucene index under {@code indexDir} (on disk, so corpora larger than memory work).
   *
   * @param docs (id, title, text) triples
   */
  public static Map<String, List<Hit>> search(Iterator<String[]> docs,
      Map<String, String> queries, int k, Path indexDir, String name) {
    try (Directory dir = FSDirectory.open(indexDir)) {
      return search(docs, queries, k, dir, name);
    } catch (IOException e) {
      throw new UncheckedIOException("BM25 over " + name + " failed", e);
    }
  }

  private static Map<String, List<Hit>> search(Iterator<String[]> docs,
      Map<String, String> queries, int k, Directory dir, String name) {
    try (Analyzer analyzer = new StandardAnalyzer()) {
      IndexWriterConfig config = new IndexWriterConfig(analyzer).setSimilarity(
          new BM25Similarity()).setOpenMode(IndexWriterConfig.OpenMode.CREATE);
      try (IndexWriter writer = new IndexWriter(dir, config)) {
        while (docs.hasNext()) {
          String[] d = docs.next();
          Document doc = new Document();
          doc.add(new StoredField("id", d[0]));
          doc.add(new TextField("body", d[1] + "\n" + d[2], Field.Store.NO));
          writer.addDocument(doc);
        }
      }
      Map<String, List<Hit>> runs = new LinkedHashMap<>();
      try (DirectoryReader reader = DirectoryReader.open(dir)) {
        IndexSearcher searcher = new IndexSearcher(reader);
        searcher.setSimilarity(new BM25Similarity());
        for (Map.Entry<String, String> q : queries.entrySet()) {
          List<Hit> hits = new ArrayList<>();
          Query query = query(analyzer, q.getValue());
          if (query != null) {
            for (ScoreDoc sd : searcher.search(query, k).scoreDocs) {
              hits.add(new Hit(searcher.storedFields().document(sd.doc)
                  .get("id"), sd.score));
            }
          }
          runs.put(q.getKey(), hits);
        }
      }
      return runs;
    } catch (IOException e) {
      throw new UncheckedIOException("BM25 over " + name + " failed", e);
    }
  }

  /** A disjunction of the query's analysed terms, or null when it has none. */
  private static Query query(Analyzer analyzer, String text) throws IOException {
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    int terms = 0;
    try (TokenStream ts = analyzer.tokenStream("body", text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        b.add(new TermQuery(new Term("body", term.toString())), BooleanClause.Occur.SHOULD);
        terms++;
      }
      ts.end();
    }
    if (terms == 0) {
      return null;
    }
    IndexSearcher.setMaxClauseCount(Math.max(IndexSearcher.getMaxClauseCount(), terms));
    return b.build();
  }
}
