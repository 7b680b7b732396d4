/**
 * Evaluation metrics following the MTEB protocol (Muennighoff et al. 2023, arXiv 2210.07316):
 * retrieval (nDCG, MAP, recall, precision at k with trec_eval semantics, MRR), STS Spearman,
 * pair-classification average precision, reranking MAP and MRR, classification accuracy and
 * macro F1 by logistic regression, clustering by k-means scored by V-measure, bitext
 * mining F1, and Borda ranking across models; each checked against SciPy, scikit-learn or
 * trec_eval's definitions by a script in {@code tools/golden/}.
 */
package io.embedspark.eval;
