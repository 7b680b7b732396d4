package io.embedspark.eval;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
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
import org.apache.lucene.index.Term;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * The lexical baseline of the retrieval report: BM25 (Robertson and Zaragoza 2009; Lucene's
 * {@code BM25Similarity}, k1 = 1.2, b = 0.75) over title and text with Lucene's standard analyzer
 * (Unicode word segmentation, lower-casing), in memory.
 */
public final class Bm25Retriever {
  private Bm25Retriever() {}

  /** The top {@code k} documents of every query with their BM25 scores. */
  public static Map<String, List<RetrievalMetrics.Hit>> search(BeirTask task, int k) {
    try (Analyzer analyzer = new StandardAnalyzer(); Directory dir = new ByteBuffersDirectory()) {
      IndexWriterConfig config = new IndexWriterConfig(analyzer).setSimilarity(
          new BM25Similarity());
      try (IndexWriter writer = new IndexWriter(dir, config)) {
        for (Map.Entry<String, String[]> d : task.corpus().entrySet()) {
          Document doc = new Document();
          doc.add(new StoredField("id", d.getKey()));
          doc.add(new TextField("body", d.getValue()[0] + "\n" + d.getValue()[1],
              Field.Store.NO));
          writer.addDocument(doc);
        }
      }
      Map<String, List<RetrievalMetrics.Hit>> runs = new LinkedHashMap<>();
      try (DirectoryReader reader = DirectoryReader.open(dir)) {
        IndexSearcher searcher = new IndexSearcher(reader);
        searcher.setSimilarity(new BM25Similarity());
        for (Map.Entry<String, String> q : task.queries().entrySet()) {
          List<RetrievalMetrics.Hit> hits = new ArrayList<>();
          Query query = query(analyzer, q.getValue());
          if (query != null) {
            for (ScoreDoc sd : searcher.search(query, k).scoreDocs) {
              hits.add(new RetrievalMetrics.Hit(searcher.storedFields().document(sd.doc)
                  .get("id"), sd.score));
            }
          }
          runs.put(q.getKey(), hits);
        }
      }
      return runs;
    } catch (IOException e) {
      throw new UncheckedIOException("BM25 over " + task.name() + " failed", e);
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
