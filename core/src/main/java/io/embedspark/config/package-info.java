/**
 * Job configuration files: YAML bound to records, with command-line overrides of dotted keys and
 * errors that name the unknown or malformed key; the value checks every config shares ({@link
 * io.embedspark.config.Checks}) and the enums configs name by key ({@link
 * io.embedspark.config.Choice}).
 */
package io.embedspark.config;
