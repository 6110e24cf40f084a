import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

/** A signing key and the OpenID/JWKS documents that publish it, for Bot Framework token tests without the internet. */
export interface TestSigningKey {
  kid: string;
  privateKey: KeyObject;
  jwks: { keys: Record<string, unknown>[] };
}

export function makeSigningKey(kid: string): TestSigningKey {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  return { kid, privateKey: createPrivateKey(privateKey.export({ format: 'pem', type: 'pkcs8' })), jwks: { keys: [{ kty: 'RSA', use: 'sig', kid, n: jwk.n, e: jwk.e, endorsements: ['msteams'] }] } };
}

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

/** An RS256 JWT with Bot Framework channel claims, signed by `key` but labelled with `kid`. */
export function botFrameworkToken(key: KeyObject, kid: string, claims: Record<string, unknown>): string {
  const now = Math.floor(Date.now() / 1000);
  const header = b64({ alg: 'RS256', typ: 'JWT', kid });
  const payload = b64({ iss: 'https://api.botframework.com', nbf: now - 60, iat: now - 60, exp: now + 3600, ...claims });
  const signature = sign('RSA-SHA256', Buffer.from(`${header}.${payload}`), key).toString('base64url');
  return `${header}.${payload}.${signature}`;
}
