import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidInputError, SettingAliasConflictError } from '../../src/errors/index.js';
import {
  INVALID_CONFIGURATION_EXIT_CODE,
  invalidConfigurationReport,
  loadConfigurationOrExit,
  resolveLogFormat,
} from '../../src/validation/configuration-report.js';
import { intSetting, parseSettings } from '../../src/validation/parse-settings.js';

const schema = z.object({ PORT: intSetting(0, 65_535, 4000), HOST: z.string().min(1) });

class Exited extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

function captureExit(load: () => unknown): { code: number | undefined; lines: string[] } {
  const lines: string[] = [];
  const io = {
    stderr: { write: (text: string) => lines.push(text) },
    exit: (code: number): never => {
      throw new Exited(code);
    },
  };
  try {
    loadConfigurationOrExit('test-app', load, io);
    return { code: undefined, lines };
  } catch (error) {
    if (error instanceof Exited) return { code: error.code, lines };
    throw error;
  }
}

describe('invalidConfigurationReport', () => {
  it('lists every bad variable with its problem, as a pino fatal line', () => {
    let thrown: unknown;
    try {
      parseSettings(schema, { PORT: 'eighty' }, {}, 'environment');
    } catch (error) {
      thrown = error;
    }
    const report = invalidConfigurationReport(thrown, 'graphql', 1_000);
    expect(report).toMatchObject({ level: 60, time: 1_000, service: 'graphql', msg: 'invalid configuration' });
    expect(report?.errors.map((e) => e.variable)).toEqual(['PORT', 'HOST']);
    expect(report?.errors[0]?.problem).toContain('"eighty" is not a number');
  });

  it('names the alias of a conflicting pair', () => {
    const error = new SettingAliasConflictError('environment', [{ name: 'A', value: '1', alias: 'A_MS', aliasValue: '2' }]);
    expect(invalidConfigurationReport(error, 'worker')?.errors).toEqual([
      { variable: 'A_MS', problem: 'A_MS=2 contradicts A=1 (the same setting); set one of them' },
    ]);
  });

  it('is undefined for an error that is not about input', () => {
    expect(invalidConfigurationReport(new Error('boom'), 'worker')).toBeUndefined();
  });
});

describe('loadConfigurationOrExit', () => {
  it('returns the configuration when it is valid, writing nothing', () => {
    const { code, lines } = captureExit(() => ({ port: 1 }));
    expect(code).toBeUndefined();
    expect(lines).toEqual([]);
  });

  it('writes one JSON line and exits with the shared code on an invalid configuration', () => {
    const { code, lines } = captureExit(() => {
      throw new InvalidInputError('environment', [{ path: 'PORT', message: 'must be a number' }]);
    });
    expect(code).toBe(INVALID_CONFIGURATION_EXIT_CODE);
    expect(lines).toHaveLength(1);
    expect(lines[0]?.endsWith('\n')).toBe(true);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({
      msg: 'invalid configuration',
      errors: [{ variable: 'PORT', problem: 'must be a number' }],
    });
  });

  it('lets other errors through', () => {
    expect(() =>
      captureExit(() => {
        throw new TypeError('bug');
      }),
    ).toThrow(TypeError);
  });
});

describe('resolveLogFormat', () => {
  it('follows LOG_FORMAT when set, else pretty on a terminal and JSON elsewhere', () => {
    expect(resolveLogFormat('json', true)).toBe('json');
    expect(resolveLogFormat('pretty', false)).toBe('pretty');
    expect(resolveLogFormat(undefined, true)).toBe('pretty');
    expect(resolveLogFormat(undefined, false)).toBe('json');
    expect(resolveLogFormat(undefined, undefined)).toBe('json');
  });
});
