/** A photo record as the gallery reads it (Query.photos). */
export interface GalleryPhoto {
  readonly sha256: string;
  readonly caption?: string | null;
  readonly sources: readonly string[];
  readonly positions: readonly { readonly source: string; readonly position: number; readonly caption?: string | null }[];
}

/** One served file of a photo (ImageFile): its URL on this server and pixel size. */
export interface GalleryFile {
  readonly url: string;
  readonly widthPx: number;
  readonly heightPx: number;
}

/** The served files of a photo as the API gives them (Query.images). */
export interface GalleryImage {
  readonly sha256: string;
  readonly original: GalleryFile;
  readonly web?: GalleryFile | null;
  readonly thumbnail?: GalleryFile | null;
}

/** A photo ready to show: the record, its files and its alt text. */
export interface GalleryItem<P extends GalleryPhoto> {
  readonly photo: P;
  /** 0-based place in the gallery. */
  readonly index: number;
  /** The small copy to show in the grid: the thumbnail, else the web copy, else the original; null when no file is served. */
  readonly thumbnail: GalleryFile | null;
  /** The copy for the lightbox: the web copy, else the original; null when no file is served. */
  readonly web: GalleryFile | null;
  /** The original's URL; null when no file is served. */
  readonly originalUrl: string | null;
  /** The caption, or "Photo N of M" when there is none. */
  readonly alt: string;
  /** Every source it was seen on, with the gallery place that source gave when known: e.g. "zillow #1", "redfin" (1-based). */
  readonly placements: readonly string[];
}

/**
 * The alt text of a gallery photo.
 *
 * @param caption - the photo's caption, or null
 * @param index - its 0-based place in the gallery
 * @param total - how many photos the gallery has
 * @returns the trimmed caption, or "Photo N of M" (1-based) when it has none
 */
export function photoAlt(caption: string | null | undefined, index: number, total: number): string {
  const text = caption?.trim() ?? '';
  return text === '' ? `Photo ${index + 1} of ${total}` : text;
}

/**
 * Joins photo records (in the gallery order the API lists them) with their served files, matched by SHA-256.
 *
 * @param photos - the property's photo records, in gallery order
 * @param images - the files the server serves for the property (with removed ones)
 * @returns one item per photo record, in the same order
 */
export function galleryItems<P extends GalleryPhoto>(photos: readonly P[], images: readonly GalleryImage[]): GalleryItem<P>[] {
  const bySha = new Map(images.map((image) => [image.sha256, image]));
  return photos.map((photo, index) => {
    const image = bySha.get(photo.sha256);
    const sources = [...photo.sources, ...photo.positions.map((p) => p.source).filter((s) => !photo.sources.includes(s))];
    const placements = sources.map((source) => {
      const place = photo.positions.find((p) => p.source === source);
      return place ? `${source} #${place.position + 1}` : source;
    });
    return {
      photo,
      index,
      thumbnail: image?.thumbnail ?? image?.web ?? image?.original ?? null,
      web: image?.web ?? image?.original ?? null,
      originalUrl: image?.original.url ?? null,
      alt: photoAlt(photo.caption, index, photos.length),
      placements,
    };
  });
}

/**
 * The URL of the zip of every original of a property (served by the GraphQL server, streamed).
 *
 * @param propertyId - the property id
 * @returns "/images/<id>/photos.zip" with the id URL-encoded
 */
export function photosZipUrl(propertyId: string): string {
  return `/images/${encodeURIComponent(propertyId)}/photos.zip`;
}
