/**
 * node:crypto in the studio's browser bundle (scripts/build-studio.mjs points the import here).
 * The scenario layer hashes scenario text with sha256 for provenance and for seeds derived
 * from content; the page must give the same hashes as the command line, so this is the same
 * digest from @noble/hashes (audited, dependency-free) behind node's createHash shape.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

interface Hash {
  update(data: string | Uint8Array): Hash;
  digest(encoding: 'hex'): string;
}

export function createHash(algorithm: string): Hash {
  if (algorithm !== 'sha256') throw new Error(`node:crypto ${algorithm} is not available in the browser`);
  const h = sha256.create();
  const hash: Hash = {
    update(data) {
      h.update(typeof data === 'string' ? utf8ToBytes(data) : data);
      return hash;
    },
    digest: () => bytesToHex(h.digest()),
  };
  return hash;
}
