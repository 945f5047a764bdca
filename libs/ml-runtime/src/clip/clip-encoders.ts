import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ModelLoadError, OnnxModel, Tensor, pipelineBatches, type OnnxSessionOptions } from '../onnx-session';
import { l2Normalize, rows } from '../vectors';
import { clipPreprocess } from './clip-preprocess';
import { CLIP_CONTEXT_LENGTH, CLIP_EOT, ClipTokenizer } from './clip-tokenizer';

/** The file pairs we accept, in the order we look for them. */
export const CLIP_EXPORT_LAYOUTS = [
  { layout: 'openai', image: 'visual.onnx', text: 'textual.onnx' },
  { layout: 'huggingface', image: 'vision_model.onnx', text: 'text_model.onnx' },
] as const;

export type ClipLayout = (typeof CLIP_EXPORT_LAYOUTS)[number]['layout'];

const IMAGE_OUTPUTS = ['image_embeds', 'IMAGE_EMBEDDING', 'embedding', 'image_features', 'output'];
const TEXT_OUTPUTS = ['text_embeds', 'TEXT_EMBEDDING', 'embedding', 'text_features', 'output'];

export interface ClipEncodersOptions {
  /** Directory holding one of the CLIP_EXPORT_LAYOUTS. */
  dir: string;
  /** Path of `bpe_simple_vocab_16e6.txt.gz`. */
  vocabFile: string;
  session?: OnnxSessionOptions;
  /** Images per encoder run. */
  batchSize?: number;
  /** Skip the text tower (image embeddings only). */
  imageOnly?: boolean;
}

/** Which files a models directory holds, or undefined when it has no complete CLIP export. */
export function detectClipLayout(dir: string): { layout: ClipLayout; image: string; text: string } | undefined {
  for (const l of CLIP_EXPORT_LAYOUTS) {
    if (existsSync(join(dir, l.image)) && existsSync(join(dir, l.text))) {
      return { layout: l.layout, image: join(dir, l.image), text: join(dir, l.text) };
    }
  }
  return undefined;
}

/**
 * CLIP image and text encoders from ONNX exports in either layout, producing L2-normalised
 * embeddings. Tensor names and id types are read from the models, so OpenAI/open_clip exports
 * (`image`/`text` int32 or int64) and Hugging Face exports (`pixel_values`/`input_ids` +
 * `attention_mask`) both work.
 */
export class ClipEncoders {
  private constructor(
    readonly layout: ClipLayout,
    readonly image: OnnxModel,
    readonly text: OnnxModel | undefined,
    readonly tokenizer: ClipTokenizer,
    readonly batchSize: number,
    private readonly imageIo: { input: string; output: string; size: number },
    private readonly textIo: { ids: string; mask?: string; output: string; int64: boolean } | undefined,
  ) {}

  /** Loads both towers. Missing or corrupt files raise ModelLoadError naming the file. */
  static async load(options: ClipEncodersOptions): Promise<ClipEncoders> {
    const found = detectClipLayout(options.dir);
    if (!found) {
      const expected = CLIP_EXPORT_LAYOUTS.map((l) => `${l.image} + ${l.text}`).join(' or ');
      const missing = join(options.dir, CLIP_EXPORT_LAYOUTS[0].image);
      throw new ModelLoadError(missing, `no CLIP export in ${options.dir} (expected ${expected})`);
    }
    if (!existsSync(options.vocabFile)) throw new ModelLoadError(options.vocabFile, 'file not found');
    const tokenizer = new ClipTokenizer(options.vocabFile);
    const image = await OnnxModel.load(found.image, options.session);
    const text = options.imageOnly ? undefined : await OnnxModel.load(found.text, options.session);

    const imageInput = image.inputs.find((i) => i.type === 'float32' && i.shape.length === 4);
    if (!imageInput) throw new ModelLoadError(found.image, 'no float32 [batch, 3, H, W] input');
    const size = typeof imageInput.shape[3] === 'number' && imageInput.shape[3] > 0 ? imageInput.shape[3] : 224;
    const imageOutput = pickOutput(image, IMAGE_OUTPUTS, found.image);

    let textIo: { ids: string; mask?: string; output: string; int64: boolean } | undefined;
    if (text) {
      const ints = text.inputs.filter((i) => i.type === 'int32' || i.type === 'int64');
      const ids = ints.find((i) => !/mask/i.test(i.name));
      if (!ids) throw new ModelLoadError(found.text, 'no integer token-id input');
      textIo = {
        ids: ids.name,
        mask: ints.find((i) => /mask/i.test(i.name))?.name,
        output: pickOutput(text, TEXT_OUTPUTS, found.text),
        int64: ids.type === 'int64',
      };
    }
    return new ClipEncoders(
      found.layout,
      image,
      text,
      tokenizer,
      options.batchSize ?? 8,
      { input: imageInput.name, output: imageOutput, size },
      textIo,
    );
  }

  get imageSize(): number {
    return this.imageIo.size;
  }

  /** Runs each tower once on dummy input so the first request is not slow. */
  async warmUp(): Promise<void> {
    await this.embedPixels(new Float32Array(3 * this.imageIo.size * this.imageIo.size), 1);
    if (this.text) await this.embedTexts(['warm up']);
  }

  /** Decodes, preprocesses and encodes images (any sharp-readable format), batched and pipelined. */
  async embedImages(images: readonly Buffer[]): Promise<Float32Array[]> {
    const plane = 3 * this.imageIo.size * this.imageIo.size;
    return pipelineBatches(
      images,
      this.batchSize,
      async (chunk) => {
        const pixels = new Float32Array(chunk.length * plane);
        await Promise.all(chunk.map((img, i) => clipPreprocess(img, this.imageIo.size, pixels, i * plane)));
        return pixels;
      },
      (pixels, chunk) => this.embedPixels(pixels, chunk.length),
    );
  }

  /** Encodes already preprocessed pixels [count, 3, S, S]. */
  async embedPixels(pixels: Float32Array, count: number): Promise<Float32Array[]> {
    const S = this.imageIo.size;
    const out = await this.image.run({ [this.imageIo.input]: new Tensor('float32', pixels, [count, 3, S, S]) }, [
      this.imageIo.output,
    ]);
    return normalisedRows(out[this.imageIo.output]);
  }

  /** Tokenises and encodes texts. */
  async embedTexts(texts: readonly string[]): Promise<Float32Array[]> {
    if (!this.text || !this.textIo) throw new Error('text encoder not loaded');
    const io = this.textIo;
    const T = CLIP_CONTEXT_LENGTH;
    const ids = texts.flatMap((t) => this.tokenizer.tokenize(t, T));
    // Attention mask: 1 up to and including the end-of-text token.
    const mask = texts.flatMap((_, r) => {
      const row = ids.slice(r * T, (r + 1) * T);
      const end = row.indexOf(CLIP_EOT);
      return row.map((_v, i) => (i <= end ? 1 : 0));
    });
    const tensor = (values: number[]) =>
      io.int64
        ? new Tensor(
            'int64',
            BigInt64Array.from(values, (v) => BigInt(v)),
            [texts.length, T],
          )
        : new Tensor('int32', Int32Array.from(values), [texts.length, T]);
    const feeds: Record<string, Tensor> = { [io.ids]: tensor(ids) };
    if (io.mask) feeds[io.mask] = tensor(mask);
    const out = await this.text.run(feeds, [io.output]);
    return normalisedRows(out[io.output]);
  }

  async release(): Promise<void> {
    await this.image.release();
    await this.text?.release();
  }
}

function pickOutput(model: OnnxModel, preferred: string[], file: string): string {
  for (const name of preferred) if (model.output(name)) return name;
  const twoD = model.outputs.find((o) => o.shape.length === 2);
  if (!twoD)
    throw new ModelLoadError(file, `no [batch, dim] embedding output among ${model.outputs.map((o) => o.name)}`);
  return twoD.name;
}

function normalisedRows(t: Tensor): Float32Array[] {
  const dim = t.dims[t.dims.length - 1];
  return rows(t.data as Float32Array, dim).map((r) => l2Normalize(r));
}
