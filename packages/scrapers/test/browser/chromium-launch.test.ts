import { InvalidInputError } from '@phx/core';
import { describe, expect, it } from 'vitest';
import { BrowserPool } from '../../src/browser/index.js';
import { CHROMIUM_ARGS, chromiumLaunchArgs, hostResolverRulesArg } from '../../src/browser/chromium-launch.js';

describe('the resolver rules Chromium is launched with', () => {
  it('resolve nothing for no hosts, and only the given domains and their subdomains otherwise', () => {
    expect(hostResolverRulesArg([])).toBe('--host-resolver-rules=MAP * ~NOTFOUND');
    expect(hostResolverRulesArg(['zillow.com', 'redfin.ca'])).toBe(
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE zillow.com, EXCLUDE *.zillow.com, EXCLUDE redfin.ca, EXCLUDE *.redfin.ca',
    );
  });

  it('come after the base flags and before the caller’s flags', () => {
    expect(chromiumLaunchArgs(['--lang=en-US'], ['zillow.com'])).toEqual([
      ...CHROMIUM_ARGS,
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE zillow.com, EXCLUDE *.zillow.com',
      '--lang=en-US',
    ]);
  });

  it('keep the caller’s own rules (a stand-in server) and make every host they do not map fail', () => {
    const own = '--host-resolver-rules=MAP www.zillow.com 127.0.0.1:8443';
    expect(chromiumLaunchArgs([own, '--ignore-certificate-errors'], ['zillow.com'])).toEqual([
      ...CHROMIUM_ARGS,
      '--ignore-certificate-errors',
      `${own}, MAP * ~NOTFOUND`,
    ]);
  });

  it('refuse a host that is not a plain host name (it would inject rules), naming the option', () => {
    let issues: string[] = [];
    try {
      new BrowserPool({ networkHosts: ['zillow.com, MAP * 127.0.0.1'], firstPartyHosts: ['127.0.0.1:80'] });
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidInputError);
      issues = (error as InvalidInputError).issues.map((i) => `${i.path}: ${i.message}`);
    }
    expect(issues).toEqual([
      'firstPartyHosts.0: must be a host name such as zillow.com',
      'networkHosts.0: must be a host name such as zillow.com',
    ]);
  });
});
