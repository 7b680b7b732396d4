package io.embedspark.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link TextFiles#writeAtomically}: the whole text or the previous file, and no leftovers. */
class TextFilesTest {

  @Test
  void writesAndReplacesWholeLeavingNoTemporaryFile(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("sub/results.md");
    TextFiles.writeAtomically(file, "first: nDCG@10 = 0.8626 — über\n");
    assertEquals("first: nDCG@10 = 0.8626 — über\n", Files.readString(file, StandardCharsets.UTF_8),
        "UTF-8, parents created");

    TextFiles.writeAtomically(file, "second\n");
    assertEquals("second\n", Files.readString(file));
    assertEquals(List.of("results.md"), names(file.getParent()), "no hidden temporary sibling");
  }

  @Test
  void aFailedWriteNamesTheFileAndKeepsWhatWasThere(@TempDir Path dir) throws IOException {
    Path occupied = dir.resolve("note.txt");
    Files.createDirectories(occupied.resolve("inside"));
    UncheckedIOException e = assertThrows(UncheckedIOException.class,
        () -> TextFiles.writeAtomically(occupied, "text"));
    assertTrue(e.getMessage().contains(occupied.toString()), e.getMessage());
    assertTrue(Files.isDirectory(occupied.resolve("inside")), "the directory in the way is kept");
    assertEquals(List.of("note.txt"), names(dir), "the temporary file is removed");
  }

  @Test
  void aFileAlreadyAtTheTemporaryNameIsLeftAsItWas(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("results.md");
    Files.writeString(file, "previous\n");
    Path foreign = dir.resolve(".results.md.tmp-7");
    Files.writeString(foreign, "someone else's\n");
    UncheckedIOException e = assertThrows(UncheckedIOException.class,
        () -> TextFiles.writeAtomically(file, "new\n", ".results.md.tmp-7"));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertEquals("someone else's\n", Files.readString(foreign), "neither truncated nor deleted");
    assertEquals("previous\n", Files.readString(file));
    // The control: the same name free, the same call writes.
    Files.delete(foreign);
    TextFiles.writeAtomically(file, "new\n", ".results.md.tmp-7");
    assertEquals("new\n", Files.readString(file));
    assertEquals(List.of("results.md"), names(dir));
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
