import { describe, expect, it } from 'vitest';
import { hashPassword, needsRehash, parsePasswordHash, STAFF_PASSWORD_PARAMS, verifyPassword } from '../../../../cloud/access/password-hash.js';

const LIGHT = { N: 2 ** 14, r: 8, p: 1 };

describe('staff password hashes', () => {
  it('default to scrypt N = 2^17, r = 8, p = 1, beyond Node\'s default 32 MiB maxmem, and verify', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(parsePasswordHash(hash)?.params).toEqual({ N: 131072, r: 8, p: 1 });
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    expect(await verifyPassword('correct horse batterY', hash)).toBe(false);
  }, 120_000); // three 128 MiB hashes: about 2 s alone, far longer on a loaded 2-core machine

  it('are salted and carry their own parameters, so a hash made with other parameters still verifies', async () => {
    const [a, b] = await Promise.all([hashPassword('pw-1234567890', LIGHT), hashPassword('pw-1234567890', LIGHT)]);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(await verifyPassword('pw-1234567890', a)).toBe(true);
  });

  it('a hash weaker than the current parameters in any of N, r, p needs rehashing; an equal or stronger one does not', async () => {
    const weak = await hashPassword('pw-1234567890', LIGHT);
    expect(needsRehash(weak)).toBe(true);
    expect(needsRehash(weak, LIGHT)).toBe(false);
    expect(needsRehash(weak, { ...LIGHT, r: 16 })).toBe(true);
    expect(needsRehash(weak, { ...LIGHT, p: 2 })).toBe(true);
    expect(needsRehash('plain text', LIGHT)).toBe(true);
    expect(STAFF_PASSWORD_PARAMS).toEqual({ N: 131072, r: 8, p: 1 });
  });

  it('a malformed or absurd stored hash verifies nothing and allocates nothing', async () => {
    for (const stored of ['', 'plain', 'scrypt$x$8$1$c2FsdA==$a2V5', 'scrypt$16384$8$1$c2FsdA==$', 'scrypt$1000$8$1$c2FsdA==$a2V5', `scrypt$${2 ** 30}$8$1$c2FsdA==$a2V5`]) {
      expect(parsePasswordHash(stored)).toBeNull();
      expect(await verifyPassword('pw', stored)).toBe(false);
    }
  });
});
