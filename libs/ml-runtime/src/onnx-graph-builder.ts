import { onnx } from 'onnx-proto';
import type { TensorElementType } from './onnx-session';

/** An attribute of an ONNX node, tagged by its ONNX kind. */
export type OnnxAttribute = { i: number } | { f: number } | { s: string } | { ints: number[] } | { floats: number[] };

type TensorData = Float32Array | Int32Array | BigInt64Array;

const DATA_TYPE: Record<TensorElementType, onnx.TensorProto.DataType> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  int32: onnx.TensorProto.DataType.INT32,
  int64: onnx.TensorProto.DataType.INT64,
};

/**
 * Writes ONNX models from code, through the ONNX protobuf schema (`onnx-proto`). Used to build
 * random-weight models with a real architecture's exact signature and shapes, so encoder code,
 * tests and benchmarks run without the real weights. Standard ONNX ops only (default domain).
 *
 * ```ts
 * const g = new OnnxGraphBuilder('affine', { opset: 17 });
 * const x = g.input('x', 'float32', ['batch', 4]);
 * const w = g.initializer('w', 'float32', [4, 2], new Float32Array(8).fill(0.5));
 * g.output(g.op('MatMul', [x, w]), 'float32', ['batch', 2], 'y');
 * const bytes = g.toBytes();
 * ```
 */
export class OnnxGraphBuilder {
  private readonly nodes: onnx.INodeProto[] = [];
  private readonly inputs: onnx.IValueInfoProto[] = [];
  private readonly outputs: onnx.IValueInfoProto[] = [];
  private readonly initializers: onnx.ITensorProto[] = [];
  private readonly names = new Set<string>();
  private counter = 0;
  readonly opset: number;

  constructor(
    readonly name: string,
    options: { opset?: number } = {},
  ) {
    this.opset = options.opset ?? 17;
  }

  /** A value name with the given prefix that is not taken yet (claimed when used). */
  fresh(prefix: string): string {
    let n: string;
    do n = `${prefix}_${this.counter++}`;
    while (this.names.has(n));
    return n;
  }

  private claim(name: string): string {
    if (this.names.has(name)) throw new Error(`duplicate value name ${name}`);
    this.names.add(name);
    return name;
  }

  /** Declares a graph input; string dims are symbolic (e.g. 'batch'). Returns its name. */
  input(name: string, type: TensorElementType, dims: Array<number | string>): string {
    this.inputs.push(valueInfo(this.claim(name), type, dims));
    return name;
  }

  /** Declares `value` as a graph output, renaming it through Identity when `name` differs. */
  output(value: string, type: TensorElementType, dims: Array<number | string>, name = value): string {
    if (name !== value) this.node('Identity', [value], [this.claim(name)]);
    this.outputs.push(valueInfo(name, type, dims));
    return name;
  }

  /** A constant tensor stored in the model (weights). Returns its name. */
  initializer(name: string, type: TensorElementType, dims: number[], data: TensorData): string {
    const count = dims.reduce((a, b) => a * b, 1);
    if (data.length !== count) throw new Error(`initializer ${name}: ${data.length} values for shape [${dims}]`);
    this.initializers.push({
      name: this.claim(name),
      dataType: DATA_TYPE[type],
      dims,
      rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    });
    return name;
  }

  /** Small constants (shapes, axes, scalars) as initializers with generated names. */
  constInt64(values: number[], dims: number[] = [values.length]): string {
    return this.initializer(this.fresh('const_i64'), 'int64', dims, BigInt64Array.from(values.map(BigInt)));
  }

  constFloat(values: number[], dims: number[] = [values.length]): string {
    return this.initializer(this.fresh('const_f32'), 'float32', dims, Float32Array.from(values));
  }

  /** Adds a node; `outputs` are names or a count of fresh names. Returns the output names. */
  node(
    opType: string,
    inputs: string[],
    outputs: string[] | number = 1,
    attributes: Record<string, OnnxAttribute> = {},
  ): string[] {
    const outNames =
      typeof outputs === 'number'
        ? Array.from({ length: outputs }, () => this.claim(this.fresh(opType.toLowerCase())))
        : outputs.map((o) => (this.names.has(o) ? o : this.claim(o)));
    this.nodes.push({
      opType,
      name: `${opType}_${this.nodes.length}`,
      input: inputs,
      output: outNames,
      attribute: Object.entries(attributes).map(([name, value]) => attribute(name, value)),
    });
    return outNames;
  }

  /** A single-output node; returns the output name. */
  op(opType: string, inputs: string[], attributes: Record<string, OnnxAttribute> = {}): string {
    return this.node(opType, inputs, 1, attributes)[0];
  }

  /** Serialised ModelProto. */
  toBytes(): Uint8Array {
    const model = onnx.ModelProto.create({
      // IR 8 matches opsets up to 17 (ONNX 1.12) and is what onnx-proto's schema describes.
      irVersion: 8,
      producerName: 'atelier-ml-runtime',
      producerVersion: '1',
      opsetImport: [{ domain: '', version: this.opset }],
      graph: {
        name: this.name,
        node: this.nodes,
        input: this.inputs,
        output: this.outputs,
        initializer: this.initializers,
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }

  /** Number of weight values stored in named initializers (generated constants excluded). */
  parameterCount(): number {
    return this.initializers
      .filter((t) => !t.name?.startsWith('const_'))
      .reduce((sum, t) => sum + (t.dims ?? []).reduce<number>((a, b) => a * Number(b), 1), 0);
  }
}

function valueInfo(name: string, type: TensorElementType, dims: Array<number | string>): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: DATA_TYPE[type],
        shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  };
}

function attribute(name: string, value: OnnxAttribute): onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if ('i' in value) return { name, type: T.INT, i: value.i };
  if ('f' in value) return { name, type: T.FLOAT, f: value.f };
  if ('s' in value) return { name, type: T.STRING, s: new TextEncoder().encode(value.s) };
  if ('ints' in value) return { name, type: T.INTS, ints: value.ints };
  return { name, type: T.FLOATS, floats: value.floats };
}
