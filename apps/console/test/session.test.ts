import { CombinedError } from '@urql/core';
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { apiErrorMessage, isForbidden, isUnauthenticated } from '../src/api/api-error.js';
import { pathAfterSignIn } from '../src/lib/sign-in-path.js';

describe('isUnauthenticated', () => {
  it('is true for HTTP 401 and for a GraphQL UNAUTHENTICATED error', () => {
    expect(isUnauthenticated(new CombinedError({ networkError: new Error('401'), response: { status: 401 } }))).toBe(true);
    const unauthenticated = new GraphQLError('Sign in', { extensions: { code: 'UNAUTHENTICATED' } });
    expect(isUnauthenticated(new CombinedError({ graphQLErrors: [unauthenticated] }))).toBe(true);
  });

  it('is false for other errors', () => {
    const notFound = new GraphQLError('No job', { extensions: { code: 'NOT_FOUND' } });
    expect(isUnauthenticated(new CombinedError({ graphQLErrors: [notFound], response: { status: 200 } }))).toBe(false);
    expect(isUnauthenticated(new CombinedError({ networkError: new Error('offline') }))).toBe(false);
  });
});

describe('apiErrorMessage', () => {
  it('shows each GraphQL message with its code, else the network error', () => {
    const errors = [
      new GraphQLError('Name in use', { extensions: { code: 'CONFLICT' } }),
      new GraphQLError('Bad cron', { extensions: { code: 'BAD_USER_INPUT' } }),
    ];
    expect(apiErrorMessage(new CombinedError({ graphQLErrors: errors }))).toBe('Name in use (CONFLICT)\nBad cron (BAD_USER_INPUT)');
    expect(apiErrorMessage(new CombinedError({ networkError: new Error('Failed to fetch') }))).toBe('Failed to fetch');
  });
});

describe('pathAfterSignIn', () => {
  it('follows a path of the console and nothing else', () => {
    expect(pathAfterSignIn('/jobs/42?x=1')).toBe('/jobs/42?x=1');
    expect(pathAfterSignIn(null)).toBe('/jobs');
    expect(pathAfterSignIn('https://evil.example/')).toBe('/jobs');
    expect(pathAfterSignIn('//evil.example/')).toBe('/jobs');
    expect(pathAfterSignIn('/\\evil.example/')).toBe('/jobs');
  });
});

describe('isForbidden', () => {
  it('is true for HTTP 403 and for a GraphQL FORBIDDEN error only', () => {
    const forbidden = new GraphQLError('Admin key required', { extensions: { code: 'FORBIDDEN' } });
    expect(isForbidden(new CombinedError({ graphQLErrors: [forbidden], response: { status: 200 } }))).toBe(true);
    expect(isForbidden(new CombinedError({ networkError: new Error('403'), response: { status: 403 } }))).toBe(true);
    const conflict = new GraphQLError('Name in use', { extensions: { code: 'CONFLICT' } });
    expect(isForbidden(new CombinedError({ graphQLErrors: [conflict], response: { status: 200 } }))).toBe(false);
    expect(isForbidden(new CombinedError({ networkError: new Error('offline') }))).toBe(false);
  });
});
