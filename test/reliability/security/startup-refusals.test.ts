// The built server refuses to start (exit 1, one line per problem) when a key value or key name
// is used twice, and its message names the entries, never the values of keys or passwords.
import { describe, expect, it } from 'vitest';
import { hasBuild, spawnServer } from '../../helpers/spawn-server.js';

const SHARED = 'Shared-Key-Value-7Hq2Lm9Zx4';
const PASSWORD = 73950284617; // a password of the wrong type: rejected, and still never printed

describe.skipIf(!hasBuild)('start-up refusals (needs npm run build)', () => {
  it('exits 1 naming both entries of a duplicate key or name and the bad password, without their values', async () => {
    const refusal = await spawnServer({
      env: { API_KEYS: `deploy:${SHARED}` },
      config: {
        sources: [{ name: 'wiki', kind: 'mediawiki', url: 'https://wiki.example.com/w/api.php', username: 'bot', password: PASSWORD }],
        keys: [
          { name: 'ci', key: SHARED },
          { name: 'deploy', key: 'another-key-value-0123' },
        ],
      },
    }).then(
      async (server) => {
        await server.stop();
        throw new Error('the server started');
      },
      (error: Error) => error.message,
    );
    expect(refusal).toMatch(/^server exited with 1:/);
    expect(refusal).toContain('invalid configuration');
    expect(refusal).toContain('sources[0].password: ');
    expect(refusal).toContain('keys[0] (name "ci") has the same key as API_KEYS entry 1 (name "deploy")');
    expect(refusal).toContain('keys[1] (name "deploy") has the same name as API_KEYS entry 1 (name "deploy")');
    expect(refusal).not.toContain(SHARED);
    expect(refusal).not.toContain(String(PASSWORD));
  });
});
