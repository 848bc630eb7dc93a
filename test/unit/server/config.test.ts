/** Configuration from environment variables and flags (flags win), and its error messages. */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, type ServerConfig } from '../../../server/config';

const DEFAULTS = { distDir: '/repo/dist', home: '/home/me' };

function run(argv: string[], env: NodeJS.ProcessEnv = {}): ServerConfig {
  const command = parseConfig(argv, env, DEFAULTS);
  if (command.kind !== 'run') throw new Error('expected a run command');
  return command.config;
}

function errorOf(argv: string[], env: NodeJS.ProcessEnv = {}): ConfigError {
  try {
    parseConfig(argv, env, DEFAULTS);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('has defaults: port 4173 on 0.0.0.0, TLS auto, data dir outside the repository', () => {
    expect(run([])).toEqual({
      port: 4173,
      host: '0.0.0.0',
      dataDir: '/home/me/.local/share/memos-offline',
      distDir: '/repo/dist',
      tls: 'auto',
      allowedHosts: [],
      maxConnections: 512,
      embed: { mode: 'auto' },
    });
    expect(run([], { XDG_DATA_HOME: '/xdg' }).dataDir).toBe('/xdg/memos-offline');
  });

  it('reads every setting from the environment', () => {
    const config = run([], {
      PORT: '8443',
      HOST: '127.0.0.1',
      HTTP_PORT: '8080',
      MEMOS_URL: 'http://memos.lan:5230/',
      DATA_DIR: 'rel/data',
      DIST_DIR: '/srv/dist',
      TLS_CERT: '/c.pem',
      TLS_KEY: '/k.pem',
      ALLOWED_HOSTS: 'notes.example.home, 10.0.0.7',
      MAX_CONNECTIONS: '2000',
      EMBED_SERVICE: 'ON',
      EMBED_THREADS: '3',
    });
    expect(config).toEqual({
      port: 8443,
      host: '127.0.0.1',
      httpPort: 8080,
      memosUrl: 'http://memos.lan:5230',
      dataDir: resolve('rel/data'),
      distDir: '/srv/dist',
      tlsCert: '/c.pem',
      tlsKey: '/k.pem',
      tls: 'auto',
      allowedHosts: ['notes.example.home', '10.0.0.7'],
      maxConnections: 2000,
      embed: { mode: 'on', threads: 3 },
    });
  });

  it('normalises ALLOWED_HOSTS: lower case, no trailing dot, canonical addresses, no duplicates', () => {
    expect(
      run(['--allowed-hosts', 'Notes.Example.Home.,[FD00::0001] notes.example.home,::1,0x7f.1'], {
        ALLOWED_HOSTS: 'ignored.example',
      }).allowedHosts,
    ).toEqual(['notes.example.home', 'fd00::1', '::1', '127.0.0.1']);
    expect(run(['--max-connections=1']).maxConnections).toBe(1);
  });

  it('lets flags (both --flag value and --flag=value) win over the environment', () => {
    const env = { PORT: '1111', MEMOS_URL: 'http://env:1', HOST: '10.0.0.1', DATA_DIR: '/env' };
    const config = run(
      ['--port', '2222', '--memos-url=https://flag.example/memos/', '--host=::', '--data-dir', '/flag'],
      env,
    );
    expect(config.port).toBe(2222);
    expect(config.memosUrl).toBe('https://flag.example/memos');
    expect(config.host).toBe('::');
    expect(config.dataDir).toBe('/flag');
    expect(run(['--embed-service=off', '--embed-threads', '1'], { EMBED_SERVICE: 'on' }).embed).toEqual({
      mode: 'off',
      threads: 1,
    });
  });

  it('turns TLS off with --no-tls or NO_TLS=1, and treats empty variables as unset', () => {
    expect(run(['--no-tls']).tls).toBe('off');
    expect(run([], { NO_TLS: '1' }).tls).toBe('off');
    expect(run([], { NO_TLS: '0', PORT: '', MEMOS_URL: '' })).toMatchObject({ tls: 'auto', port: 4173 });
    expect(run([], { PORT: '' }).memosUrl).toBeUndefined();
  });

  it('accepts port 0 (any free port) and --help', () => {
    expect(run(['--port', '0']).port).toBe(0);
    expect(parseConfig(['--help'], {}, DEFAULTS)).toEqual({ kind: 'help' });
  });

  it('rejects bad values with one line naming the flag or variable', () => {
    const cases: Array<[string[], NodeJS.ProcessEnv, RegExp]> = [
      [['--port', 'abc'], {}, /^--port "abc" is not a port number/],
      [[], { PORT: '70000' }, /^PORT "70000" is not a port number/],
      [[], { HTTP_PORT: '-1' }, /^HTTP_PORT "-1" is not a port number/],
      [[], { MEMOS_URL: 'memos.lan:5230' }, /^MEMOS_URL "memos.lan:5230" is not a Memos base URL/],
      [['--memos-url', 'ftp://x'], {}, /^--memos-url "ftp:\/\/x" is not a Memos base URL/],
      [[], { MEMOS_URL: 'http://x/?a=1' }, /is not a Memos base URL/],
      [['--bogus'], {}, /^Unknown option --bogus/],
      [['--port'], {}, /^Option --port needs a value/],
      [['stray'], {}, /^Unexpected argument "stray"/],
      [[], { TLS_CERT: '/c.pem' }, /must be given together/],
      [['--tls-key', '/k.pem'], {}, /must be given together/],
      [['--no-tls'], { TLS_CERT: '/c', TLS_KEY: '/k' }, /cannot be combined/],
      [['--port', '5000', '--http-port', '5000'], {}, /HTTP_PORT must differ from PORT/],
      [
        [],
        { ALLOWED_HOSTS: 'https://notes.example' },
        /^ALLOWED_HOSTS entry "https:\/\/notes.example" is not a host name/,
      ],
      [
        ['--allowed-hosts', 'notes.example:443'],
        {},
        /^--allowed-hosts entry "notes.example:443" .*without scheme or port/,
      ],
      [[], { ALLOWED_HOSTS: 'bad_name!,ok.example' }, /entry "bad_name!" is not a host name/],
      [[], { MAX_CONNECTIONS: '0' }, /^MAX_CONNECTIONS "0" is not a connection count/],
      [['--max-connections', 'lots'], {}, /^--max-connections "lots" is not a connection count/],
      [
        [],
        { EMBED_SERVICE: 'yes please' },
        /^EMBED_SERVICE "yes please" is not an embedding mode: use auto, on or off/,
      ],
      [['--embed-threads', '0'], {}, /^--embed-threads "0" is not a thread count/],
      [[], { EMBED_THREADS: 'many' }, /^EMBED_THREADS "many" is not a thread count/],
    ];
    for (const [argv, env, pattern] of cases) {
      const error = errorOf(argv, env);
      expect(error.message).toMatch(pattern);
      expect(error.message).not.toContain('\n');
    }
  });
});

describe('parseConfig: the LLM for "Ask your notes"', () => {
  it('reads LLM_URL, LLM_MODEL, LLM_SERVICE and (environment only) LLM_API_KEY', () => {
    expect(
      run([], {
        LLM_URL: 'http://home-box:8000/v1/',
        LLM_MODEL: 'qwen2.5-7b-instruct',
        LLM_API_KEY: 'sk-1',
        LLM_SERVICE: 'on',
      }),
    ).toMatchObject({
      llm: { url: 'http://home-box:8000/v1', model: 'qwen2.5-7b-instruct', apiKey: 'sk-1' },
      llmService: 'on',
    });
    const flags = run(['--llm-url', 'https://llm.lan/v1', '--llm-model', 'llama3', '--llm-service', 'off']);
    expect(flags.llm).toEqual({ url: 'https://llm.lan/v1', model: 'llama3' });
    expect(flags.llmService).toBe('off');
    expect(run([]).llm).toBeUndefined();
  });

  it('rejects an incomplete or malformed LLM configuration in one line', () => {
    const cases: Array<[string[], NodeJS.ProcessEnv, RegExp]> = [
      [[], { LLM_URL: 'http://home-box:8000/v1' }, /^LLM_URL needs LLM_MODEL/],
      [[], { LLM_MODEL: 'llama3' }, /need LLM_URL/],
      [[], { LLM_API_KEY: 'sk' }, /need LLM_URL/],
      [
        ['--llm-url', 'home-box:8000'],
        { LLM_MODEL: 'm' },
        /^--llm-url "home-box:8000" is not an OpenAI-compatible base URL/,
      ],
      [[], { LLM_URL: 'http://user:pw@box/v1', LLM_MODEL: 'm' }, /put the API key in LLM_API_KEY/],
      [[], { LLM_SERVICE: 'maybe' }, /^LLM_SERVICE "maybe" must be on or off/],
      [['--llm-api-key', 'sk'], {}, /^Unknown option --llm-api-key/],
    ];
    for (const [argv, env, pattern] of cases) {
      const error = errorOf(argv, env);
      expect(error.message).toMatch(pattern);
      expect(error.message).not.toContain('\n');
    }
  });
});
