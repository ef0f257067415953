/**
 * The Node listener of `serve`: binding HOST:PORT, with failures reported as
 * the setting the operator can change rather than as a stack.
 */
import { serve, type ServerType } from '@hono/node-server';
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { ConfigError, type Config } from '../config/config.js';

/** Why the listener could not start, as a setting the operator can change. */
function listenError(error: NodeJS.ErrnoException, config: Config): Error {
  const code = error.code;
  const where = `${config.host}:${String(config.port)}`;
  switch (code) {
    case 'EADDRINUSE':
      return new ConfigError(
        `PORT: ${where} is already in use (EADDRINUSE); stop the other process or choose another port with PORT or --port`,
      );
    case 'EACCES':
      return new ConfigError(
        `PORT: not allowed to listen on ${where} (EACCES); ports below 1024 need privileges, choose another with PORT or --port`,
      );
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ConfigError(
        `HOST: ${config.host} is not an address of this machine (${code}); set HOST or --host to one, e.g. 127.0.0.1`,
      );
    default:
      return error;
  }
}

function readTlsFile(setting: 'TLS_CERT' | 'TLS_KEY', file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError(`${setting}: cannot read ${file} (${code})`);
  }
}

/**
 * Listens on HOST:PORT (HTTPS when TLS_CERT and TLS_KEY are set) with one
 * fetch handler. A listener that cannot start is a {@link ConfigError}
 * naming PORT, HOST, TLS_CERT or TLS_KEY, so the operator knows what to change.
 * @see https://nodejs.org/api/net.html#serverlisten
 */
export async function listen(
  config: Config,
  fetch: (request: Request, env: unknown) => Response | Promise<Response>,
): Promise<ServerType> {
  const tls = config.tls;
  const serverOptions =
    tls === undefined
      ? undefined
      : { cert: readTlsFile('TLS_CERT', tls.certPath), key: readTlsFile('TLS_KEY', tls.keyPath) };
  return new Promise<ServerType>((resolve, reject) => {
    const created = serve(
      {
        fetch,
        port: config.port,
        hostname: config.host,
        ...(serverOptions === undefined ? {} : { createServer: createHttpsServer, serverOptions }),
      },
      () => {
        resolve(created);
      },
    );
    created.once('error', (error: NodeJS.ErrnoException) => {
      reject(listenError(error, config));
    });
  });
}
