import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';

/** SHA-256 and HMAC-SHA-256 in the shape `@smithy/signature-v4` asks for, on node:crypto (the SDK's own hash-node does the same). */
export class Sha256 {
  readonly #secret: string | Uint8Array | undefined;
  #hash: Hash | Hmac;

  constructor(secret?: Data) {
    this.#secret = secret === undefined ? undefined : bytes(secret);
    this.#hash = this.#fresh();
  }

  update(data: Data): void {
    this.#hash.update(bytes(data));
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#hash.digest());
  }

  reset(): void {
    this.#hash = this.#fresh();
  }

  #fresh(): Hash | Hmac {
    return this.#secret === undefined ? createHash('sha256') : createHmac('sha256', this.#secret);
  }
}

type Data = string | ArrayBuffer | ArrayBufferView;

const bytes = (data: Data): string | Uint8Array => {
  if (typeof data === 'string') return data;
  return data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
};
