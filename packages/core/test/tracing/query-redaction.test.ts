import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { QueryStringRedaction, REDACTED_QUERY } from '../../src/tracing/query-redaction.js';

describe('QueryStringRedaction', () => {
  it('keeps query strings (an API key in ?apiKey=) out of exported spans, and leaves other attributes alone', () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new QueryStringRedaction(), new SimpleSpanProcessor(exporter)] });
    const tracer = provider.getTracer('test');
    tracer
      .startSpan('GET', {
        attributes: {
          'url.path': '/graphql',
          'url.query': 'query=%7Bme%7D&apiKey=phx_s3cret',
          'url.full': 'http://127.0.0.1:4000/graphql?query=x&apiKey=phx_s3cret',
          'http.target': '/images/a/b.jpg?token=s3cret',
          'http.url': 'http://127.0.0.1:4000/images/a/b.jpg?token=s3cret',
          'http.request.method': 'GET',
        },
      })
      .end();
    tracer.startSpan('plain', { attributes: { 'url.path': '/healthz', 'url.full': 'http://127.0.0.1:4000/healthz' } }).end();
    const [withQuery, plain] = exporter.getFinishedSpans();
    expect(withQuery?.attributes).toEqual({
      'url.path': '/graphql',
      'url.query': REDACTED_QUERY,
      'url.full': 'http://127.0.0.1:4000/graphql',
      'http.target': '/images/a/b.jpg',
      'http.url': 'http://127.0.0.1:4000/images/a/b.jpg',
      'http.request.method': 'GET',
    });
    expect(JSON.stringify(exporter.getFinishedSpans().map((s) => s.attributes))).not.toMatch(/s3cret/);
    expect(plain?.attributes).toEqual({ 'url.path': '/healthz', 'url.full': 'http://127.0.0.1:4000/healthz' });
  });
});
