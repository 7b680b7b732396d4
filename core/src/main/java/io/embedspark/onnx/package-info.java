/**
 * The embedding model in the ONNX format (https://onnx.ai): {@link
 * io.embedspark.onnx.OnnxEncoderExport} writes a bundle's encoder, pooling, projection and
 * normalisation as one standard-operator graph, and {@link io.embedspark.onnx.OnnxRuntimeEncoder}
 * runs it with ONNX Runtime, the inference engine the embed job can use instead of ND4J. The
 * protocol-buffer classes are the ONNX ones ND4J already ships ({@code onnx.Onnx}).
 */
package io.embedspark.onnx;
