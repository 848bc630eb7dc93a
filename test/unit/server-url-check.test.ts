/** Settings' pre-check of a Server URL against what this page may reach (app/settings/server-origin.ts). */
import { describe, expect, it } from 'vitest';
import { serverUrlProblem } from '../../app/settings/server-origin';

const page = 'https://notes.lan:4173';

describe('Server URL pre-check', () => {
  it('accepts an empty URL (this origin, through the proxy) whatever the config', () => {
    expect(serverUrlProblem('', { memosProxy: true }, page)).toBeUndefined();
    expect(serverUrlProblem('  ', undefined, page)).toBeUndefined();
  });

  it('refuses another origin when the app server proxies Memos (its CSP allows only itself)', () => {
    expect(serverUrlProblem('https://memos.lan', { memosProxy: true }, page)).toMatch(
      /Leave Server URL empty/,
    );
    expect(serverUrlProblem('https://notes.lan:4173/', { memosProxy: true }, page)).toBeUndefined();
  });

  it('allows another origin when the app server has no proxy, or when nothing is known', () => {
    expect(serverUrlProblem('https://memos.lan', { memosProxy: false }, page)).toBeUndefined();
    expect(serverUrlProblem('https://memos.lan', undefined, page)).toBeUndefined();
  });

  it('says why plain http cannot work from an https page, except on loopback', () => {
    expect(serverUrlProblem('http://192.168.1.5:5230', undefined, page)).toMatch(/served over HTTPS/);
    expect(serverUrlProblem('http://127.0.0.1:5230', undefined, page)).toBeUndefined();
    expect(serverUrlProblem('http://192.168.1.5:5230', undefined, 'http://localhost:4173')).toBeUndefined();
  });

  it('names what is wrong with a malformed URL or another scheme', () => {
    expect(serverUrlProblem('memos.lan', undefined, page)).toMatch(/is not a URL/);
    expect(serverUrlProblem('ftp://memos.lan', undefined, page)).toMatch(/https:\/\/ or http:\/\//);
  });
});
