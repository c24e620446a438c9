import { useState, type ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import Lightbox from 'yet-another-react-lightbox';
import 'yet-another-react-lightbox/styles.css';
import { ErrorNote } from '../components/error-note.js';
import { graphql } from '../gql/index.js';
import { countWords, formatBytes, formatDateTime, formatDimensions } from '../lib/format.js';
import { galleryItems, photosZipUrl } from '../lib/gallery.js';

const GalleryQuery = graphql(`
  query Gallery($id: ID!) {
    property(id: $id) {
      id
      address
      labels
      listingUrls {
        source
        url
      }
    }
    photos(propertyId: $id) {
      sha256
      format
      widthPx
      heightPx
      byteLength
      sources
      caption
      largestSize
      sizeDowngrade
      placeholder
      animated
      removedAt
      firstSeenAt
      positions {
        source
        position
        caption
      }
    }
    images(propertyId: $id, includeRemoved: true) {
      sha256
      original {
        url
        widthPx
        heightPx
      }
      web {
        url
        widthPx
        heightPx
      }
      thumbnail {
        url
        widthPx
        heightPx
      }
    }
  }
`);

/**
 * A property's photos in gallery order as thumbnails with their sources, caption, size and flags; a lightbox with the
 * web copy and a link to the original; and the zip of every original (no zip link without photos). Images load with the session cookie.
 *
 * @returns the page
 */
export function GalleryPage(): ReactNode {
  const { propertyId = '' } = useParams();
  const [result] = useQuery({ query: GalleryQuery, variables: { id: propertyId } });
  const [open, setOpen] = useState<number | null>(null);
  const data = result.data;
  if (!data) {
    return (
      <>
        <h1>Photos of {propertyId}</h1>
        <ErrorNote error={result.error} />
        {result.fetching && <p>Loading…</p>}
      </>
    );
  }
  const items = galleryItems(data.photos, data.images);
  const current = open === null ? undefined : items[open];
  return (
    <>
      <h1>Photos of {data.property.address}</h1>
      <p className="lead">
        {countWords(items.length, 'photo', 'photos')} · <Link to="/properties">back to the catalog</Link>
        {data.property.listingUrls.map((l) => (
          <span key={l.source}>
            {' '}
            · <a href={l.url}>{l.source} listing</a>
          </span>
        ))}
      </p>
      {items.length > 0 && (
        <p>
          <a data-testid="zip-download" href={photosZipUrl(data.property.id)} download>
            Download all originals (zip)
          </a>
        </p>
      )}
      {items.length === 0 && <p>No photos stored yet.</p>}
      <ul className="gallery">
        {items.map((item) => {
          const p = item.photo;
          return (
            <li key={p.sha256} className={p.removedAt ? 'removed' : undefined} data-sha256={p.sha256}>
              <button type="button" className="thumb" onClick={() => setOpen(item.index)} aria-label={`Open ${item.alt} in the lightbox`}>
                {item.thumbnail ? (
                  <img
                    data-testid="thumbnail"
                    src={item.thumbnail.url}
                    alt={item.alt}
                    width={item.thumbnail.widthPx}
                    height={item.thumbnail.heightPx}
                    loading="lazy"
                  />
                ) : (
                  <span data-testid="thumbnail">No file</span>
                )}
              </button>
              <div className="photo-facts">
                <p className="caption">{p.caption ?? <span className="muted">No caption</span>}</p>
                <p>
                  {item.placements.map((s) => (
                    <span key={s} className="chip">
                      {s}
                    </span>
                  ))}
                </p>
                <p>
                  {formatDimensions(p.widthPx, p.heightPx)} · {formatBytes(p.byteLength)} · {p.format}
                </p>
                <p className="flags">
                  {p.largestSize ? <span className="chip ok">largest size</span> : <span className="chip warn">smaller than largest</span>}
                  {p.sizeDowngrade && <span className="chip warn">size downgrade</span>}
                  {p.placeholder && <span className="chip warn">placeholder</span>}
                  {p.animated && <span className="chip">animated</span>}
                  {p.removedAt && <span className="chip bad">removed {formatDateTime(p.removedAt)}</span>}
                </p>
              </div>
            </li>
          );
        })}
      </ul>
      <Lightbox
        open={open !== null}
        index={open ?? 0}
        close={() => setOpen(null)}
        on={{ view: ({ index }) => setOpen(index) }}
        carousel={{ finite: true }}
        slides={items.map((item) => ({
          src: item.web?.url ?? '',
          alt: item.alt,
          ...(item.web ? { width: item.web.widthPx, height: item.web.heightPx } : {}),
        }))}
        render={{
          controls: () =>
            current && (
              <div className="lightbox-bar" data-testid="lightbox">
                <span>
                  {current.index + 1} / {items.length}
                  {current.photo.caption && <> · {current.photo.caption}</>}
                </span>
                {current.originalUrl && (
                  <a href={current.originalUrl} target="_blank" rel="noreferrer">
                    Open the original
                  </a>
                )}
              </div>
            ),
        }}
      />
    </>
  );
}
