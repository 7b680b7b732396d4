package io.embedspark.nd4j;

import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks ND4J for the fenced op executioner ({@code FencedOpExecutioner}, named here only, as the
 * CUDA build leaves it out). ND4J picks its executioner once, when it starts, from
 * the system property {@value #PROPERTY} (its backend's properties overridden by the system's), so
 * the request has to come first: the command line makes it before anything else, a Spark session
 * makes it for the driver and passes it to executor JVMs as a Java option. A value the user set
 * stands. A build without the class (the CUDA backend) asks nothing.
 */
public final class OpFence {
  /** ND4J's property naming its op executioner class. */
  public static final String PROPERTY = "opexec";
  /** The fenced executioner's class name. */
  public static final String EXECUTIONER = "io.embedspark.nd4j.FencedOpExecutioner";
  private static final Logger LOG = LoggerFactory.getLogger(OpFence.class);
  private static volatile boolean checked;

  private OpFence() {}

  /**
   * Sets {@value #PROPERTY} to the fenced executioner unless it is set or this build lacks it.
   *
   * @return the Java option that makes a new JVM ask the same, or "" when nothing was asked
   */
  public static String request() {
    if (!available()) {
      return "";
    }
    if (System.getProperty(PROPERTY) == null) {
      System.setProperty(PROPERTY, EXECUTIONER);
    }
    return EXECUTIONER.equals(System.getProperty(PROPERTY)) ? "-D" + PROPERTY + "=" + EXECUTIONER
        : "";
  }

  /** Whether this JVM's ND4J runs its ops through the fenced executioner (starts ND4J). */
  public static boolean active() {
    return Nd4j.getExecutioner().getClass().getName().equals(EXECUTIONER);
  }

  /**
   * Logs once per JVM, as a warning, when the fenced executioner is available but ND4J runs
   * another: ND4J started before {@link #request} or the user chose another.
   */
  public static void warnIfInactive() {
    if (checked) {
      return;
    }
    checked = true;
    if (available() && !active()) {
      LOG.warn("ND4J runs {}, not {}: a garbage collection during an op may crash this JVM. Start "
          + "it with -D{}={} (ND4J started before embedspark could ask for it, or {} was set)",
          Nd4j.getExecutioner().getClass().getName(), EXECUTIONER, PROPERTY, EXECUTIONER,
          PROPERTY);
    }
  }

  private static boolean available() {
    try {
      Class.forName(EXECUTIONER, false, OpFence.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
