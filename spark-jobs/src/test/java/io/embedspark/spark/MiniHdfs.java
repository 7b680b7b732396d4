package io.embedspark.spark;

import io.embedspark.io.AtomicDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/**
 * A real HDFS in this JVM (Hadoop's MiniDFSCluster, one data node) with a scratch local
 * directory, for tests that read and write through {@code hdfs://} paths. Close it to shut both
 * down.
 */
public final class MiniHdfs implements AutoCloseable {
  private final Path local;
  private final Configuration conf = new Configuration();
  private final MiniDFSCluster cluster;

  public MiniHdfs() throws IOException {
    local = Files.createTempDirectory("minihdfs");
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, local.resolve("dfs").toString());
    cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    cluster.waitActive();
  }

  /** A local scratch directory, deleted on close. */
  public Path local() {
    return local;
  }

  public Configuration conf() {
    return conf;
  }

  public FileSystem fs() throws IOException {
    return cluster.getFileSystem();
  }

  /** {@code hdfs://127.0.0.1:<port>} followed by {@code path}. */
  public String uri(String path) {
    return "hdfs://127.0.0.1:" + cluster.getNameNodePort() + path;
  }

  /** Copies a local file or directory to {@code hdfsPath}; returns its URI. */
  public String upload(Path from, String hdfsPath) throws IOException {
    fs().copyFromLocalFile(new org.apache.hadoop.fs.Path(from.toAbsolutePath().toUri()),
        new org.apache.hadoop.fs.Path(uri(hdfsPath)));
    return uri(hdfsPath);
  }

  public boolean exists(String hdfsPath) throws IOException {
    return fs().exists(new org.apache.hadoop.fs.Path(uri(hdfsPath)));
  }

  @Override
  public void close() throws IOException {
    cluster.shutdown();
    AtomicDirectory.deleteRecursively(local);
  }
}
