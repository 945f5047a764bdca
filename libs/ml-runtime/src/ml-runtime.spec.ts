import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CLIP_VIT_B32_VISION,
  HF_CLIP_LAYOUT,
  ModelLoadError,
  OPENAI_CLIP_LAYOUT,
  OnnxGraphBuilder,
  OnnxModel,
  SeededRandom,
  TINY_CLIP_TEXT,
  TINY_CLIP_VISION,
  Tensor,
  buildClipTextModel,
  buildClipVisionModel,
  pipelineBatches,
  readNpy,
} from './index';

describe('OnnxGraphBuilder', () => {
  it('writes a model onnxruntime runs with the declared signature and exact arithmetic', async () => {
    const g = new OnnxGraphBuilder('affine');
    const x = g.input('x', 'float32', ['batch', 3]);
    const w = g.initializer('w', 'float32', [3, 2], Float32Array.from([1, 2, 3, 4, 5, 6]));
    const b = g.initializer('b', 'float32', [2], Float32Array.from([0.5, -1]));
    g.output(g.op('Add', [g.op('MatMul', [x, w]), b]), 'float32', ['batch', 2], 'y');
    const model = await OnnxModel.fromBytes(g.toBytes(), 'affine');
    expect(model.inputs).toEqual([{ name: 'x', type: 'float32', shape: ['batch', 3] }]);
    expect(model.outputs.map((o) => o.name)).toEqual(['y']);
    const out = await model.run({ x: new Tensor('float32', Float32Array.from([1, 0, 2, 0, 1, 1]), [2, 3]) });
    // [1,0,2]·W = [1+10, 2+12]; [0,1,1]·W = [3+5, 4+6]
    expect(Array.from(out.y.data as Float32Array)).toEqual([11.5, 13, 8.5, 9]);
    expect(g.parameterCount()).toBe(8);
    await model.release();
  });

  it('rejects duplicate names and wrongly sized initializers', () => {
    const g = new OnnxGraphBuilder('bad');
    g.input('x', 'float32', [1]);
    expect(() => g.input('x', 'float32', [1])).toThrow(/duplicate/);
    expect(() => g.initializer('w', 'float32', [2, 2], new Float32Array(3))).toThrow(/3 values/);
  });
});

describe('random-weight CLIP towers', () => {
  const image = (batch: number, seed: number) => {
    const rng = new SeededRandom(seed);
    const data = new Float32Array(batch * 3 * 224 * 224);
    for (let i = 0; i < data.length; i++) data[i] = rng.normal();
    return new Tensor('float32', data, [batch, 3, 224, 224]);
  };

  it('builds a vision tower with the requested signature; batch rows are independent', async () => {
    for (const layout of [OPENAI_CLIP_LAYOUT, HF_CLIP_LAYOUT]) {
      const model = await OnnxModel.fromBytes(buildClipVisionModel(TINY_CLIP_VISION, layout).toBytes(), 'tiny');
      expect(model.inputs[0]).toEqual({ name: layout.imageInput, type: 'float32', shape: ['batch', 3, 224, 224] });
      const two = image(2, 7);
      const both = (await model.run({ [layout.imageInput]: two }))[layout.imageOutput];
      expect(both.dims).toEqual([2, TINY_CLIP_VISION.embedDim]);
      const firstOnly = new Tensor('float32', (two.data as Float32Array).slice(0, 3 * 224 * 224), [1, 3, 224, 224]);
      const one = (await model.run({ [layout.imageInput]: firstOnly }))[layout.imageOutput];
      const a = Array.from(one.data as Float32Array);
      const b = Array.from((both.data as Float32Array).slice(0, TINY_CLIP_VISION.embedDim));
      a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 4));
      expect(a.every(Number.isFinite)).toBe(true);
      await model.release();
    }
  });

  it('builds the full ViT-B/32 tower with CLIP parameter shapes (87.8 M parameters)', () => {
    // Counting only; building and running it is the benchmark's job.
    const g = buildClipVisionModel(CLIP_VIT_B32_VISION, OPENAI_CLIP_LAYOUT, { fill: 'zeros' });
    expect(g.parameterCount()).toBe(87_849_216);
  });

  it('pools the text tower at the end-of-text token, ignoring what follows it', async () => {
    const model = await OnnxModel.fromBytes(buildClipTextModel(TINY_CLIP_TEXT, HF_CLIP_LAYOUT).toBytes(), 'tiny');
    expect(model.inputs.map((i) => [i.name, i.type])).toEqual([
      ['input_ids', 'int64'],
      ['attention_mask', 'int64'],
    ]);
    const ids = (tokens: number[]) => {
      const a = new BigInt64Array(77);
      tokens.forEach((t, i) => (a[i] = BigInt(t)));
      return a;
    };
    const run = async (tokens: number[]) => {
      const data = ids(tokens);
      const out = await model.run({
        input_ids: new Tensor('int64', data, [1, 77]),
        attention_mask: new Tensor('int64', new BigInt64Array(77).fill(1n), [1, 77]),
      });
      return Array.from(out.text_embeds.data as Float32Array);
    };
    const dog = await run([49406, 320, 1929, 49407]);
    const dogPadded = await run([49406, 320, 1929, 49407, 0, 0, 5]);
    const cat = await run([49406, 320, 2368, 49407]);
    dog.forEach((v, i) => expect(v).toBeCloseTo(dogPadded[i], 5));
    expect(dog).not.toEqual(cat);
    await model.release();
  });
});

describe('OnnxModel.load', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'ml-runtime-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names the file when it is missing, empty or corrupt', async () => {
    const missing = join(dir, 'missing.onnx');
    await expect(OnnxModel.load(missing)).rejects.toThrow(new ModelLoadError(missing, 'file not found'));
    const empty = join(dir, 'empty.onnx');
    writeFileSync(empty, '');
    await expect(OnnxModel.load(empty)).rejects.toThrow(`cannot load model ${empty}: file is empty`);
    const corrupt = join(dir, 'corrupt.onnx');
    writeFileSync(corrupt, Buffer.from('this is not a protobuf at all'));
    await expect(OnnxModel.load(corrupt)).rejects.toThrow(`cannot load model ${corrupt}: not a valid ONNX model`);
  });

  it('loads a real file with thread settings and warms up on symbolic batch dims', async () => {
    const file = '/work/shared/models/laion-aesthetic-v1/laion-aesthetic-v1-vit-b-32-linear.onnx';
    const model = await OnnxModel.load(file, { intraOpThreads: 1 });
    expect(model.inputs[0]).toEqual({ name: 'embedding', type: 'float32', shape: ['batch', 512] });
    await expect(model.warmUp(4)).resolves.toBeUndefined();
    await model.release();
  });
});

describe('pipelineBatches', () => {
  it('keeps order, chunks by batch size and overlaps preparation with running', async () => {
    const events: string[] = [];
    const out = await pipelineBatches(
      [1, 2, 3, 4, 5],
      2,
      async (chunk) => {
        events.push(`prep ${chunk.join(',')}`);
        return chunk.map((x) => x * 10);
      },
      async (prepared) => {
        events.push(`run ${prepared.join(',')}`);
        await new Promise((r) => setImmediate(r));
        return prepared.map((x) => x + 1);
      },
    );
    expect(out).toEqual([11, 21, 31, 41, 51]);
    // The second chunk is prepared before the first one's run finishes.
    expect(events.indexOf('prep 3,4')).toBeLessThan(events.indexOf('run 30,40'));
    expect(events.indexOf('prep 3,4')).toBeLessThan(2);
  });
});

describe('readNpy', () => {
  it('reads float32 arrays with their shape', () => {
    const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }";
    const padded = header.padEnd(118, ' ') + '\n';
    const buf = Buffer.alloc(10 + padded.length + 16);
    buf[0] = 0x93;
    buf.write('NUMPY', 1, 'latin1');
    buf[6] = 1;
    buf.writeUInt16LE(padded.length, 8);
    buf.write(padded, 10, 'latin1');
    [1, 2, 3, 4.5].forEach((v, i) => buf.writeFloatLE(v, 10 + padded.length + i * 4));
    const arr = readNpy(buf);
    expect(arr.shape).toEqual([2, 2]);
    expect(Array.from(arr.data)).toEqual([1, 2, 3, 4.5]);
    expect(() => readNpy(Buffer.from('nope'))).toThrow(/not a .npy/);
  });
});
