import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

async function start(env: Record<string, string>): Promise<{ code: number; output: string; stderr: string }> {
  const base = {
    PATH: process.env['PATH'] ?? '',
    MONGODB_URI: process.env['MONGODB_URI'] ?? 'mongodb://127.0.0.1:1/',
    PORT: '0',
    LOG_LEVEL: 'warn',
  };
  try {
    const { stdout, stderr } = await run(process.execPath, [MAIN], { env: { ...base, ...env }, timeout: 30_000 });
    return { code: 0, output: stdout + stderr, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, output: e.stdout + e.stderr, stderr: e.stderr };
  }
}

describe('the GraphQL server with bad settings (the built process)', () => {
  it('exits 2 naming both a setting and its alias when they differ, as the worker does', async () => {
    const { code, output } = await start({ JOB_LOCK_LIFETIME: '60000', JOB_LOCK_LIFETIME_MS: '30000' });
    expect(code, output).toBe(2);
    expect(output).toContain('JOB_LOCK_LIFETIME');
    expect(output).toContain('JOB_LOCK_LIFETIME_MS');
  });

  it('reports every bad variable as one JSON line on stderr, the shape every app writes, and exits 2', async () => {
    const { code, stderr } = await start({ PORT: 'eighty', LOG_FORMAT: 'xml', MONGODB_URI: 'postgres://secret-password@db/' });
    expect(code, stderr).toBe(2);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    const report = JSON.parse(lines[0] ?? '') as { errors: { variable: string; problem: string }[] };
    expect(report).toMatchObject({ level: 60, service: 'graphql', msg: 'invalid configuration' });
    expect(report.errors.map((e) => e.variable).sort()).toEqual(['LOG_FORMAT', 'MONGODB_URI', 'PORT']);
    expect(report.errors.every((e) => e.problem.length > 0)).toBe(true);
    expect(stderr).not.toContain('secret-password');
  });

  it('exits 2 on a bad value, naming the variable', async () => {
    const { code, output } = await start({ PORT: 'eighty' });
    expect(code, output).toBe(2);
    expect(output).toContain('PORT');
  });

  it('exits 2 on a CORS origin that is not an origin, naming CORS_ORIGINS', async () => {
    const { code, output } = await start({ CORS_ORIGINS: 'https://console.example.com/path' });
    expect(code, output).toBe(2);
    expect(output).toContain('CORS_ORIGINS');
  });

  it('exits 1 on a host it cannot listen on, with one clean line and no stack trace', async () => {
    const { code, output } = await start({ HOST: 'not-a-host.invalid' });
    expect(code, output).toBe(1);
    expect(output).toContain('graphql failed to start');
    expect(output).not.toContain('Internal error emitted on the WebSocket server');
    expect(output).not.toMatch(/\n\s+at /);
  });

  it('exits 2 when CONSOLE_DIR is not a folder, naming it', async () => {
    const { code, output } = await start({ CONSOLE_DIR: '/nonexistent/phx-console-dist' });
    expect(code, output).toBe(2);
    expect(output).toContain('CONSOLE_DIR');
  });
});
