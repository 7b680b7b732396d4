package io.embedspark.io.tf;

/**
 * Renames Google BERT TensorFlow variables to Hugging Face {@code BertModel} tensor names, as
 * {@code transformers}' {@code load_tf_weights_in_bert} does: {@code kernel}/{@code gamma} to
 * {@code weight}, {@code beta} to {@code bias}, {@code layer_N} to {@code layer.N}.
 */
final class TfBertNames {
  private TfBertNames() {}

  /** The Hugging Face name, or null for variables the embedding model does not use. */
  static String toHuggingFace(String tfName) {
    int at = tfName.indexOf("bert/");
    if (at < 0 || (at > 0 && tfName.charAt(at - 1) != '/')) {
      return null;
    }
    String rest = tfName.substring(at + "bert/".length());
    if (!rest.startsWith("embeddings/") && !rest.startsWith("encoder/")) {
      return null; // pooler, optimiser slots
    }
    if (rest.contains("/adam_") || rest.endsWith("/Adam") || rest.endsWith("/Adam_1")) {
      return null;
    }
    String[] parts = rest.split("/");
    StringBuilder hf = new StringBuilder();
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i];
      boolean last = i == parts.length - 1;
      String mapped = p;
      if (p.startsWith("layer_")) {
        mapped = "layer." + p.substring("layer_".length());
      } else if (last && (p.equals("kernel") || p.equals("gamma"))) {
        mapped = "weight";
      } else if (last && p.equals("beta")) {
        mapped = "bias";
      }
      if (hf.length() > 0) {
        hf.append('.');
      }
      hf.append(mapped);
    }
    String name = hf.toString();
    return name.endsWith("_embeddings") ? name + ".weight" : name;
  }
}
