import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const dist = new URL('../dist/', import.meta.url);

// The server sends the page with script-src 'self' and style-src 'self': anything inline would be blocked.
describe('the built page (nx build console)', () => {
  it('has index.html with scripts and styles only from files under /assets/', () => {
    expect(existsSync(new URL('index.html', dist)), 'run nx build console first').toBe(true);
    const html = readFileSync(new URL('index.html', dist), 'utf8');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/\bsrc="\/assets\/[^"]+\.js"/);
      expect(body?.trim()).toBe('');
    }
    expect(html).not.toMatch(/<style\b/);
    expect(html).not.toMatch(/\sstyle=/);
    expect(html).not.toMatch(/\son[a-z]+=/);
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('ships no file that loads from another origin', () => {
    const assets = readdirSync(new URL('assets/', dist)).filter((f) => f.endsWith('.css'));
    for (const css of assets) expect(readFileSync(new URL(`assets/${css}`, dist), 'utf8')).not.toMatch(/@import|url\(\s*['"]?https?:/);
  });
});
