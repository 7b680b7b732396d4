/**
 * Job configuration files: YAML bound to records, with command-line overrides of dotted keys and
 * errors that name the unknown or malformed key.
 */
package io.embedspark.config;
