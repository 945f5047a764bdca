// Types for the parts of Az.js (npm `az`) this lib uses; the package ships none.
declare module 'az' {
  interface AzTag {
    POST?: string;
    CAse?: string;
    NMbr?: string;
    GNdr?: string;
    toString(): string;
    [grammeme: string]: unknown;
  }
  interface AzParse {
    word: string;
    tag: AzTag;
    score: number;
    typosCnt: number;
    parser: string;
    normalize(keepPOS?: boolean): AzParse;
    inflect(grammemes: string[] | AzTag): AzParse | false;
  }
  interface MorphConfig {
    typos?: number | 'auto';
    parsers?: string[];
    ignoreCase?: boolean;
  }
  interface Morph {
    (word: string, config?: MorphConfig): AzParse[];
    init(path: string, callback: (err: Error | null) => void): void;
  }
  const Az: { Morph: Morph };
  export default Az;
  export type { AzParse, AzTag, MorphConfig };
}
