/**
 * Every source of randomness a model can reach: `Math.random` and all of
 * `node:crypto` that draws from the system's generator (random bytes,
 * numbers and UUIDs, key, prime and Diffie-Hellman key generation, signing
 * with algorithms that draw a nonce or a salt, RSA encryption with random
 * padding), `globalThis.crypto` (Web Crypto) and its `subtle` methods,
 * which are all asynchronous.
 *
 * What stays allowed is what gives the same bytes for the same input:
 * hashes, HMACs, ciphers given a key and an IV, Ed25519 and RSA PKCS#1 v1.5
 * signatures, Diffie-Hellman groups built from a given prime.
 */
import { createRequire } from 'node:module';
import { guardAlias, guardFunction } from './guard-wrap.ts';

const require = createRequire(import.meta.url);
type NodeCrypto = typeof import('node:crypto');

export function guardEntropy(): void {
  guardFunction(Math, 'random', 'Math.random');
  const crypto = require('node:crypto') as NodeCrypto;
  guardNodeCrypto(crypto);
  guardWebCrypto();
}

/** Functions of node:crypto that always draw from the system's generator (the async ones also call back later). */
const ALWAYS_RANDOM = [
  'randomBytes',
  'randomInt',
  'randomUUID',
  'randomFill',
  'randomFillSync',
  'getRandomValues',
  'generateKeyPair',
  'generateKeyPairSync',
  'generateKey',
  'generateKeySync',
  'generatePrime',
  'generatePrimeSync',
];

/** Deterministic in their result but asynchronous: the callback comes later, on a real thread. */
const ASYNC_CALLBACKS = ['pbkdf2', 'scrypt', 'hkdf', 'checkPrime'];

function guardNodeCrypto(crypto: NodeCrypto): void {
  const module = crypto as unknown as Record<string, unknown>;
  const randomBytes = crypto.randomBytes;
  for (const name of ALWAYS_RANDOM) guardFunction(module, name, `crypto.${name}`);
  // Deprecated aliases of randomBytes (their --pending-deprecation warning is not kept).
  for (const name of ['pseudoRandomBytes', 'prng', 'rng']) guardAlias(module, name, randomBytes, `crypto.${name}`);
  for (const name of ASYNC_CALLBACKS) guardFunction(module, name, `crypto.${name} (asynchronous callback)`);
  // A prime length (rather than a prime) makes it generate a random prime.
  guardFunction(module, 'createDiffieHellman', 'crypto.createDiffieHellman(primeLength)', (args) => typeof args[0] !== 'number');
  for (const [owner, name] of [
    [crypto.DiffieHellman.prototype, 'DiffieHellman.generateKeys'],
    [crypto.DiffieHellmanGroup.prototype, 'DiffieHellmanGroup.generateKeys'],
    [crypto.ECDH.prototype, 'ECDH.generateKeys'],
  ] as const) {
    guardFunction(owner, 'generateKeys', `crypto.${name}`);
  }
  guardFunction(module, 'sign', 'crypto.sign (a randomized signature, or a callback)', (args) => args[3] === undefined && !randomizedSignature(crypto, args[2]));
  guardFunction(module, 'verify', 'crypto.verify (asynchronous callback)', (args) => args[4] === undefined);
  guardFunction(crypto.Sign.prototype, 'sign', 'crypto.Sign.sign (a randomized signature)', (args) => !randomizedSignature(crypto, args[0]));
  guardFunction(module, 'publicEncrypt', 'crypto.publicEncrypt (random padding)', (args) => paddingOf(args[0]) === crypto.constants.RSA_NO_PADDING);
}

function guardWebCrypto(): void {
  const webCrypto = (globalThis as { crypto?: { subtle: object } }).crypto;
  if (webCrypto === undefined) return;
  const prototype = Object.getPrototypeOf(webCrypto) as object;
  guardFunction(prototype, 'getRandomValues', 'crypto.getRandomValues');
  guardFunction(prototype, 'randomUUID', 'crypto.randomUUID');
  const subtle = Object.getPrototypeOf(webCrypto.subtle) as Record<string, unknown>;
  for (const name of Object.getOwnPropertyNames(subtle)) {
    if (name !== 'constructor' && typeof Object.getOwnPropertyDescriptor(subtle, name)?.value === 'function') {
      guardFunction(subtle, name, `crypto.subtle.${name}`);
    }
  }
}

/**
 * Whether signing with `key` draws randomness: DSA and ECDSA draw a nonce,
 * RSA-PSS a salt (unless its length is 0). Ed25519, Ed448 and RSA PKCS#1
 * v1.5 are deterministic. A key that cannot be read is left to the original
 * function, which reports it.
 */
function randomizedSignature(crypto: NodeCrypto, key: unknown): boolean {
  const options = isKeyOptions(key) ? key : undefined;
  let type: string | undefined;
  try {
    const material = options === undefined ? key : options.key;
    const keyObject = material instanceof crypto.KeyObject ? material : crypto.createPrivateKey(key as Parameters<NodeCrypto['createPrivateKey']>[0]);
    type = keyObject.asymmetricKeyType;
  } catch {
    return false;
  }
  const saltless = options?.saltLength === 0;
  if (type === 'dsa' || type === 'ec') return true;
  if (type === 'rsa-pss') return !saltless;
  if (type === 'rsa') return options?.padding === crypto.constants.RSA_PKCS1_PSS_PADDING && !saltless;
  return false;
}

interface KeyOptions {
  readonly key: unknown;
  readonly padding?: unknown;
  readonly saltLength?: unknown;
}

/** `{ key, padding, ... }` rather than a key (a KeyObject, a PEM string or a buffer). */
function isKeyOptions(value: unknown): value is KeyOptions {
  return typeof value === 'object' && value !== null && !ArrayBuffer.isView(value) && Object.hasOwn(value, 'key');
}

/** The RSA padding asked for; `publicEncrypt` defaults to OAEP, which is random. */
function paddingOf(key: unknown): unknown {
  return isKeyOptions(key) ? key.padding : undefined;
}
