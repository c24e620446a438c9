import { describe, expect, it } from 'vitest';
import { urlWithoutCredentials } from '../../src/validation/index.js';

describe('urlWithoutCredentials', () => {
  it('drops the user name and password of a URL and keeps the rest as written', () => {
    expect(urlWithoutCredentials('https://otel:s3cret@collector.example:4318/v1/traces?x=1')).toBe(
      'https://collector.example:4318/v1/traces?x=1',
    );
    expect(urlWithoutCredentials('http://user@proxy.example:8080')).toBe('http://proxy.example:8080/');
  });

  it('returns a URL without user info exactly as given', () => {
    expect(urlWithoutCredentials('https://www.zillow.com/homedetails/x/1_zpid/?a=b')).toBe(
      'https://www.zillow.com/homedetails/x/1_zpid/?a=b',
    );
  });

  it('drops the fragment too when asked', () => {
    expect(urlWithoutCredentials('https://u:p@www.redfin.com/AZ/Phoenix/x/home/1#photos', { dropFragment: true })).toBe(
      'https://www.redfin.com/AZ/Phoenix/x/home/1',
    );
    expect(urlWithoutCredentials('https://www.redfin.com/home/1#top', { dropFragment: true })).toBe('https://www.redfin.com/home/1');
    expect(urlWithoutCredentials('https://www.redfin.com/home/1#top')).toBe('https://www.redfin.com/home/1#top');
  });

  it('drops the credentials of a connection string the URL parser refuses (several hosts)', () => {
    expect(urlWithoutCredentials('mongodb://admin:p%40ss@db1:27017,db2:27017/phx?replicaSet=rs0')).toBe(
      'mongodb://db1:27017,db2:27017/phx?replicaSet=rs0',
    );
    expect(urlWithoutCredentials('mongodb+srv://admin:pw@cluster0.example.net/')).toBe('mongodb+srv://cluster0.example.net/');
  });

  it('never returns a password, whatever the input', () => {
    for (const input of ['not a url user:pw@', 'ftp://a:b@', '://x:y@host', 'mongodb://u:p@@host/']) {
      const out = urlWithoutCredentials(input);
      expect(out.includes(':pw@') || out.includes(':b@') || out.includes(':y@') || out.includes(':p@')).toBe(false);
    }
  });
});
