import { describe, expect, it } from 'vitest';
import { createSandbox } from '../../src/sandbox/index.js';
import { REQUEST_LOG_LIMIT } from '../../src/sandbox/request-log.js';

describe('the request log', () => {
  it('keeps only the newest requests beyond its limit, so a long-running sandbox stays bounded', async () => {
    const sandbox = createSandbox({ dbPath: ':memory:', requestLogLimit: 3 });
    try {
      for (let i = 1; i <= 5; i += 1) {
        await sandbox.app.request(`http://sandbox.test/rest/api/3/issue/DEMO-${String(i)}`);
      }
      expect(sandbox.requests.map((r) => r.path)).toStrictEqual([
        '/rest/api/3/issue/DEMO-3',
        '/rest/api/3/issue/DEMO-4',
        '/rest/api/3/issue/DEMO-5',
      ]);
    } finally {
      sandbox.close();
    }
  });

  it('is bounded by default', async () => {
    const sandbox = createSandbox({ dbPath: ':memory:' });
    try {
      const filler = { method: 'GET', path: '/old', query: '', headers: {} };
      sandbox.requests.push(...Array.from({ length: REQUEST_LOG_LIMIT }, () => ({ ...filler })));
      await sandbox.app.request('http://sandbox.test/rest/api/3/myself');
      expect(sandbox.requests).toHaveLength(REQUEST_LOG_LIMIT);
      expect(sandbox.requests.at(-1)?.path).toBe('/rest/api/3/myself');
    } finally {
      sandbox.close();
    }
  });
});
