import { HttpStatus, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { ZipFile } from 'yazl';
import { ObjectStorage } from '@atelier/storage';
import { ApiError } from '@atelier/service-kit';
import type { GenerationRow, RankedImageView } from '../generations/generation-read-model.repository';
import { CONTENT_TYPES, convertImage, makeThumbnail, type DownloadFormat } from './image-formats';

/** Downloads are owner-only and may vanish (deletion): kept by the browser only, for an hour. */
const DOWNLOAD_CACHE = 'private, max-age=3600';
/** A thumbnail never changes for its (generation, rank); still private, and dropped after a day. */
const THUMBNAIL_CACHE = 'private, max-age=86400';

const notFound = () => new ApiError(HttpStatus.NOT_FOUND, 'not_found', 'image not found');

/** Images of a generation the caller owns (the row was read scoped to the owner) as files for people. */
@Injectable()
export class GalleryImages {
  constructor(private readonly storage: ObjectStorage) {}

  /** One image in the asked format as an attachment. */
  async download(row: GenerationRow, rank: number, format: DownloadFormat, res: Response): Promise<void> {
    const bytes = await this.converted(this.image(row, rank), format);
    if (!bytes) throw notFound();
    res.setHeader('Content-Type', CONTENT_TYPES[format]);
    res.setHeader('Content-Length', String(bytes.length));
    res.setHeader('Content-Disposition', `attachment; filename="${fileName(row, rank, format)}"`);
    res.setHeader('Cache-Control', DOWNLOAD_CACHE);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.send(bytes);
  }

  /**
   * The history thumbnail (WebP, ≤ 256 px, ≤ 20 KB), made from the PNG on first request and kept in storage
   * beside it, so later requests read a few KB instead of re-encoding megabytes.
   */
  async thumbnail(row: GenerationRow, rank: number, res: Response): Promise<void> {
    const image = this.image(row, rank);
    const key = thumbnailKey(image);
    let bytes = await this.storage.get(key);
    if (!bytes) {
      const png = await this.storage.get(image.storageKey);
      if (!png) throw notFound();
      bytes = await makeThumbnail(png);
      // Concurrent first requests write the same bytes; storage writes are atomic.
      await this.storage.put(key, bytes);
    }
    res.setHeader('Content-Type', 'image/webp');
    res.setHeader('Content-Length', String(bytes.length));
    res.setHeader('Cache-Control', THUMBNAIL_CACHE);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.send(bytes);
  }

  /**
   * Every image of the generation in one zip, streamed: each image is read, converted and written before the next
   * is read. Images are stored, not deflated (they are compressed already). Missing images fail before the first
   * byte is sent.
   */
  async archive(row: GenerationRow, format: DownloadFormat, res: Response): Promise<void> {
    if (row.status !== 'completed' || row.images.length === 0) {
      throw new ApiError(HttpStatus.CONFLICT, 'not_ready', 'generation has no images yet', { status: row.status });
    }
    const images = [...row.images].sort((a, b) => a.rank - b.rank);
    const first = await this.converted(images[0], format);
    if (!first) throw notFound();
    const zip = new ZipFile();
    res.setHeader('Content-Type', 'application/zip');
    res.setHeader('Content-Disposition', `attachment; filename="atelier-${row.id}-${format}.zip"`);
    res.setHeader('Cache-Control', DOWNLOAD_CACHE);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    zip.outputStream.pipe(res);
    try {
      const mtime = row.completed_at ?? row.created_at;
      for (const [i, image] of images.entries()) {
        const bytes = i === 0 ? first : await this.converted(image, format);
        if (!bytes) throw notFound();
        zip.addBuffer(bytes, fileName(row, image.rank, format), { compress: false, mtime });
      }
      zip.end();
    } catch (err) {
      // Headers are gone: cut the connection so the client sees a broken download, not a short zip.
      zip.outputStream.unpipe(res);
      res.destroy(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /**
   * The image in a format: PNG is the stored original; a conversion is made once and kept in storage (an image key
   * names the generation and the bytes' hash, so the converted file never goes stale). Undefined when the original
   * is missing.
   */
  private async converted(image: RankedImageView, format: DownloadFormat): Promise<Buffer | undefined> {
    if (format === 'png') return this.storage.get(image.storageKey);
    const key = `converted/${image.storageKey}.${format}`;
    const kept = await this.storage.get(key);
    if (kept) return kept;
    const png = await this.storage.get(image.storageKey);
    if (!png) return undefined;
    const bytes = await convertImage(png, format);
    await this.storage.put(key, bytes);
    return bytes;
  }

  private image(row: GenerationRow, rank: number): RankedImageView {
    const image = row.images.find((i) => i.rank === rank);
    if (!image) throw notFound();
    return image;
  }
}

export function fileName(row: GenerationRow, rank: number, format: DownloadFormat): string {
  return `atelier-${row.id}-${rank}.${format}`;
}

/** `images/<generation>/<sha256>.png` → `thumbnails/images/<generation>/<sha256>.png.webp`. */
export function thumbnailKey(image: RankedImageView): string {
  return `thumbnails/${image.storageKey}.webp`;
}
