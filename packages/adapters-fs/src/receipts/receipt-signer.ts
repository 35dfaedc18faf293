import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { receiptMessage, type ReceiptSigner, type SignedReceipt, type UnsignedReceipt } from '@dotscience/core';

/**
 * Signs receipts (core audit/signed-receipt.ts) with an Ed25519 key kept in one PEM file,
 * made on first use: readable by its owner only (0600, in a directory made 0700), since
 * whoever reads it can sign heads in this signer's name.
 */
export class KeyFileReceiptSigner implements ReceiptSigner {
  private constructor(
    private readonly key: KeyObject,
    /** The public key, SPKI DER in base64, as receipts carry it. */
    readonly publicKey: string,
  ) {}

  /** The signer whose key is in `keyFile`, created there (0600) when there is none. */
  static async fromKeyFile(keyFile: string): Promise<KeyFileReceiptSigner> {
    let pem: string;
    try {
      pem = await readFile(keyFile, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      const { privateKey } = generateKeyPairSync('ed25519');
      pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
      await mkdir(dirname(keyFile), { recursive: true, mode: 0o700 });
      try {
        await writeFile(keyFile, pem, { mode: 0o600, flag: 'wx' });
      } catch (raced) {
        if ((raced as NodeJS.ErrnoException).code !== 'EEXIST') throw raced;
        pem = await readFile(keyFile, 'utf8'); // another process made it first: use theirs
      }
      await chmod(keyFile, 0o600);
    }
    const key = createPrivateKey(pem);
    const publicKey = createPublicKey(key).export({ format: 'der', type: 'spki' }).toString('base64');
    return new KeyFileReceiptSigner(key, publicKey);
  }

  sign(receipt: UnsignedReceipt): SignedReceipt {
    const signature = sign(null, receiptMessage(receipt), this.key).toString('base64');
    return { ...receipt, publicKey: this.publicKey, signature };
  }
}
