package io.embedspark.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.GraphProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.TypeProto;
import onnx.Onnx.ValueInfoProto;
import org.nd4j.shade.protobuf.ByteString;

/**
 * A small writer of ONNX graphs: nodes with generated output names, initializers from Java
 * arrays (little-endian raw data, as the format requires), typed inputs and outputs.
 */
final class OnnxGraph {
  private final GraphProto.Builder graph = GraphProto.newBuilder();
  private final java.util.Set<String> constants = new java.util.HashSet<>();
  private int counter;

  OnnxGraph(String name) {
    graph.setName(name);
  }

  /** Adds a node with one output named after the op; returns that output's name. */
  String op(String opType, List<String> inputs, AttributeProto... attributes) {
    return op("", opType, inputs, attributes);
  }

  /** A node of an operator domain other than the standard one, e.g. {@code com.microsoft}. */
  String op(String domain, String opType, List<String> inputs, AttributeProto... attributes) {
    String out = opType.toLowerCase(java.util.Locale.ROOT) + "_" + counter++;
    NodeProto.Builder node = NodeProto.newBuilder().setOpType(opType).setName(out)
        .setDomain(domain).addAllInput(inputs).addOutput(out);
    for (AttributeProto a : attributes) {
      node.addAttribute(a);
    }
    graph.addNode(node);
    return out;
  }

  String op(String opType, String... inputs) {
    return op(opType, List.of(inputs));
  }

  /** Renames a value by an Identity node, so a graph output can have a stable name. */
  void output(String value, String name, int elementType, String... dims) {
    graph.addNode(NodeProto.newBuilder().setOpType("Identity").setName(name + "_identity")
        .addInput(value).addOutput(name));
    graph.addOutput(valueInfo(name, elementType, dims));
  }

  void input(String name, int elementType, String... dims) {
    graph.addInput(valueInfo(name, elementType, dims));
  }

  /** A float initializer of the given shape. */
  String floats(String name, float[] values, long... dims) {
    ByteBuffer b = buffer(values.length * Float.BYTES);
    b.asFloatBuffer().put(values);
    return initializer(name, TensorProto.DataType.FLOAT_VALUE, b, dims);
  }

  /** An int64 initializer of the given shape ({@code dims} empty for a scalar). */
  String longs(String name, long[] values, long... dims) {
    ByteBuffer b = buffer(values.length * Long.BYTES);
    b.asLongBuffer().put(values);
    return initializer(name, TensorProto.DataType.INT64_VALUE, b, dims);
  }

  private static ByteBuffer buffer(int bytes) {
    return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  private String initializer(String name, int dataType, ByteBuffer littleEndian, long[] dims) {
    graph.addInitializer(TensorProto.newBuilder().setName(name).setDataType(dataType)
        .addAllDims(boxed(dims)).setRawData(ByteString.copyFrom(littleEndian)));
    return name;
  }

  /** A float scalar constant, added once per name. */
  String scalar(String name, float value) {
    return constant(name, () -> floats(name, new float[] {value}));
  }

  /** The initializer {@code name}, made by {@code make} the first time it is asked for. */
  String constant(String name, java.util.function.Supplier<String> make) {
    if (constants.add(name)) {
      make.get();
    }
    return name;
  }

  GraphProto build() {
    return graph.build();
  }

  static AttributeProto intAttribute(String name, long value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT)
        .setI(value).build();
  }

  static AttributeProto floatAttribute(String name, float value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT)
        .setF(value).build();
  }

  static AttributeProto intsAttribute(String name, long... values) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS)
        .addAllInts(boxed(values)).build();
  }

  private static ValueInfoProto valueInfo(String name, int elementType, String... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (String d : dims) {
      TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
      if (d.chars().allMatch(Character::isDigit)) {
        dim.setDimValue(Long.parseLong(d));
      } else {
        dim.setDimParam(d);
      }
      shape.addDim(dim);
    }
    return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elementType).setShape(shape)))
        .build();
  }

  private static List<Long> boxed(long[] values) {
    return java.util.Arrays.stream(values).boxed().toList();
  }
}
