import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

export const CLIP_SOT = 49406;
export const CLIP_EOT = 49407;
export const CLIP_CONTEXT_LENGTH = 77;

const PATTERN = /<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+/gu;

/**
 * GPT-2's reversible byte → printable unicode map, as used by CLIP. Returns the map indexed by byte
 * and the characters in CLIP's vocabulary order (printable bytes first).
 */
function bytesToUnicode(): { byByte: string[]; vocabOrder: string[] } {
  const bs: number[] = [];
  for (let b = 33; b <= 126; b++) bs.push(b);
  for (let b = 161; b <= 172; b++) bs.push(b);
  for (let b = 174; b <= 255; b++) bs.push(b);
  const cs = [...bs];
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n++);
    }
  }
  const byByte = new Array<string>(256);
  bs.forEach((b, i) => (byByte[b] = String.fromCharCode(cs[i])));
  return { byByte, vocabOrder: cs.map((c) => String.fromCharCode(c)) };
}

const HTML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", '#39': "'" };

/**
 * OpenAI CLIP's byte-level BPE tokenizer (the `bpe_simple_vocab_16e6.txt.gz` vocabulary).
 * Text is cleaned like CLIP's (common HTML entities unescaped, whitespace collapsed, lower-cased;
 * ftfy's mojibake repair is not reproduced — it only matters for broken unicode).
 */
export class ClipTokenizer {
  private readonly encoder = new Map<string, number>();
  private readonly ranks = new Map<string, number>();
  private readonly byteEncoder: string[];
  private readonly cache = new Map<string, number[]>();
  private readonly utf8 = new TextEncoder();

  /** @param vocabFile path to `bpe_simple_vocab_16e6.txt.gz` (or its gunzipped bytes). */
  constructor(vocabFile: string | Buffer) {
    const raw = typeof vocabFile === 'string' ? readFileSync(vocabFile) : vocabFile;
    const text = (raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw).toString('utf8');
    const merges = text.split('\n').slice(1, 49152 - 256 - 2 + 1);
    if (merges.length !== 48894) throw new Error(`CLIP vocabulary has ${merges.length} merges, expected 48894`);
    const { byByte, vocabOrder } = bytesToUnicode();
    this.byteEncoder = byByte;
    const vocab = [...vocabOrder, ...vocabOrder.map((c) => `${c}</w>`)];
    merges.forEach((m, i) => {
      const [a, b] = m.split(' ');
      this.ranks.set(`${a} ${b}`, i);
      vocab.push(a + b);
    });
    vocab.push('<|startoftext|>', '<|endoftext|>');
    vocab.forEach((tok, i) => this.encoder.set(tok, i));
  }

  get vocabSize(): number {
    return this.encoder.size;
  }

  /** Token ids of the text without start/end tokens or padding. */
  encode(text: string): number[] {
    const ids: number[] = [];
    for (const match of clean(text).matchAll(PATTERN)) {
      const token = match[0];
      const special = this.encoder.get(token);
      if (token === '<|startoftext|>' || token === '<|endoftext|>') {
        ids.push(special as number);
        continue;
      }
      const mapped = Array.from(this.utf8.encode(token), (b) => this.byteEncoder[b]).join('');
      ids.push(...this.bpe(mapped));
    }
    return ids;
  }

  /**
   * CLIP's `tokenize`: [49406, …ids, 49407] padded with 0 to `contextLength`; longer texts are
   * truncated so the last kept id is 49407.
   */
  tokenize(text: string, contextLength = CLIP_CONTEXT_LENGTH): number[] {
    let ids = [CLIP_SOT, ...this.encode(text), CLIP_EOT];
    if (ids.length > contextLength) ids = [...ids.slice(0, contextLength - 1), CLIP_EOT];
    return [...ids, ...new Array<number>(contextLength - ids.length).fill(0)];
  }

  private bpe(token: string): number[] {
    const cached = this.cache.get(token);
    if (cached) return cached;
    const chars = Array.from(token);
    let word = [...chars.slice(0, -1), `${chars[chars.length - 1]}</w>`];
    while (word.length > 1) {
      let best = -1;
      let bestRank = Number.POSITIVE_INFINITY;
      for (let i = 0; i < word.length - 1; i++) {
        const r = this.ranks.get(`${word[i]} ${word[i + 1]}`);
        if (r !== undefined && r < bestRank) {
          bestRank = r;
          best = i;
        }
      }
      if (best < 0) break;
      const [a, b] = [word[best], word[best + 1]];
      const merged: string[] = [];
      for (let i = 0; i < word.length; i++) {
        if (i < word.length - 1 && word[i] === a && word[i + 1] === b) {
          merged.push(a + b);
          i++;
        } else merged.push(word[i]);
      }
      word = merged;
    }
    const ids = word.map((w) => {
      const id = this.encoder.get(w);
      if (id === undefined) throw new Error(`BPE produced unknown symbol ${w}`);
      return id;
    });
    if (this.cache.size < 50_000) this.cache.set(token, ids);
    return ids;
  }
}

function clean(text: string): string {
  const unescaped = text.replace(/&(#39|amp|lt|gt|quot|apos);/g, (_, e: string) => HTML_ENTITIES[e]);
  return unescaped.replace(/\s+/g, ' ').trim().toLowerCase();
}
