/** Evaluation metrics following the MTEB protocol (Muennighoff et al. 2023, arXiv 2210.07316). */
package io.embedspark.eval;
