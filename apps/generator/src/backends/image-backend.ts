/** What a backend is asked to draw, after validation against its capabilities. */
export interface ImageRequest {
  prompt: string;
  n: number;
  width: number;
  height: number;
  steps: number;
  guidance: number;
  seed: bigint;
  platform: string;
}

export interface BackendImage {
  png: Buffer;
  seed: bigint;
  width: number;
  height: number;
}

/** Port for image generation; each adapter reports its name and version for the judge's metadata. */
export abstract class ImageBackend {
  abstract readonly name: string;
  abstract readonly version: string;
  abstract generate(request: ImageRequest): Promise<BackendImage[]>;
}
