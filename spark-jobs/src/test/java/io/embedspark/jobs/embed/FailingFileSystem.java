package io.embedspark.jobs.embed;

import java.io.IOException;
import java.net.URI;
import java.io.OutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * The local file system under the scheme {@code failfs:}, failing to create the second partition's
 * embeddings file: a task that dies halfway through a write, after another task committed.
 */
public final class FailingFileSystem extends RawLocalFileSystem {
  static final String SCHEME = "failfs";

  @Override
  public URI getUri() {
    return URI.create(SCHEME + ":///");
  }

  @Override
  public String getScheme() {
    return SCHEME;
  }

  /** Every way of creating a file ends here. */
  @Override
  protected OutputStream createOutputStreamWithMode(Path f, boolean append,
      FsPermission permission) throws IOException {
    if (f.getName().startsWith("part-r-00001")) {
      throw new IOException("injected failure creating " + f);
    }
    return super.createOutputStreamWithMode(f, append, permission);
  }
}
