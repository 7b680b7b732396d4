package io.embedspark.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import io.embedspark.tokenize.TokenBatch;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A token batch as the int64 inputs BERT-family ONNX models take: {@code input_ids} (padding 0),
 * {@code attention_mask}, and {@code token_type_ids} (all 0) when the model declares it. The
 * caller closes the tensors.
 */
final class OnnxInputs {
  private OnnxInputs() {}

  static Map<String, OnnxTensor> of(OrtEnvironment env, TokenBatch batch, Set<String> declared)
      throws OrtException {
    int n = batch.size();
    int t = batch.width();
    long[] ids = new long[n * t];
    long[] mask = new long[n * t];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < batch.lengths()[i]; j++) {
        ids[i * t + j] = batch.ids()[i * t + j];
        mask[i * t + j] = 1;
      }
    }
    long[] shape = {n, t};
    Map<String, OnnxTensor> inputs = new HashMap<>();
    try {
      inputs.put(OnnxEncoderExport.INPUT_IDS, OnnxTensor.createTensor(env, LongBuffer.wrap(ids),
          shape));
      inputs.put(OnnxEncoderExport.ATTENTION_MASK, OnnxTensor.createTensor(env,
          LongBuffer.wrap(mask), shape));
      if (declared.contains("token_type_ids")) {
        inputs.put("token_type_ids", OnnxTensor.createTensor(env,
            LongBuffer.wrap(new long[n * t]), shape));
      }
      return inputs;
    } catch (OrtException | RuntimeException e) {
      inputs.values().forEach(OnnxTensor::close);
      throw e;
    }
  }
}
