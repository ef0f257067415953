import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { listen } from '../../src/entry/listen.js';

const answer = (): Response => new Response('ok');

describe('listen: a listener that cannot start names the setting', () => {
  let occupier: Server;
  let taken: number;

  beforeEach(async () => {
    occupier = createServer();
    await new Promise<void>((resolve) => occupier.listen(0, '127.0.0.1', resolve));
    const address = occupier.address();
    taken = typeof address === 'object' && address !== null ? address.port : 0;
  });
  afterEach(async () => {
    await new Promise((resolve) => occupier.close(resolve));
  });

  it('names PORT when the port is taken (EADDRINUSE)', async () => {
    const failure = listen(loadConfig({ PORT: String(taken) }), answer);
    await expect(failure).rejects.toBeInstanceOf(ConfigError);
    await expect(failure).rejects.toThrow(
      `PORT: 127.0.0.1:${taken} is already in use (EADDRINUSE); stop the other process or choose another port with PORT or --port`,
    );
  });

  it('names HOST when it is no address of this machine (EADDRNOTAVAIL)', async () => {
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): never assigned to a local interface.
    const failure = listen(loadConfig({ PORT: '0', HOST: '192.0.2.1' }), answer);
    await expect(failure).rejects.toThrow(
      'HOST: 192.0.2.1 is not an address of this machine (EADDRNOTAVAIL)',
    );
  });

  it('names TLS_CERT when the certificate file cannot be read, before binding', async () => {
    const missing = path.join(import.meta.dirname, 'no-such-cert.pem');
    const failure = listen(
      loadConfig({ PORT: String(taken), TLS_CERT: missing, TLS_KEY: missing }),
      answer,
    );
    await expect(failure).rejects.toThrow(`TLS_CERT: cannot read ${missing} (ENOENT)`);
  });

  it('listens and answers when nothing is in the way', async () => {
    const server = await listen(loadConfig({ PORT: '0' }), answer);
    try {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      const response = await fetch(`http://127.0.0.1:${port}/`);
      expect(await response.text()).toBe('ok');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
