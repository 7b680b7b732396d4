/** Reading training and evaluation data from local files. */
package io.embedspark.data;
