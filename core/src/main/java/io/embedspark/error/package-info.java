/**
 * The project's few unchecked exception types: bad user input and corrupt or incompatible
 * artifacts. Programmer errors use the JDK's {@link IllegalStateException} and
 * {@link IllegalArgumentException}.
 */
package io.embedspark.error;
