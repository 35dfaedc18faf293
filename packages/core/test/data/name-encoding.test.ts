import { describe, expect, it } from 'vitest';
import { escapeInvalidUtf8, isValidUtf8, mayHideInvalidUtf8, utf8Length } from '../../src/data/name-encoding.js';
import { bytes } from './in-memory-tree.js';

describe('escapeInvalidUtf8', () => {
  it('given valid UTF-8 of every sequence length, then the text is unchanged', () => {
    expect(escapeInvalidUtf8(bytes('a/é/€/𝄞'))).toBe('a/é/€/𝄞');
  });

  it('given stray, truncated, overlong and surrogate sequences, then each byte not in a valid sequence is \\xHH and the valid text around it is kept', () => {
    expect(escapeInvalidUtf8(bytes('x', 0xe9, 'y'))).toBe('x\\xe9y'); // Latin-1 é
    expect(escapeInvalidUtf8(bytes('x', 0xe2, 0x82))).toBe('x\\xe2\\x82'); // € cut short
    expect(escapeInvalidUtf8(bytes(0xc0, 0xaf))).toBe('\\xc0\\xaf'); // overlong '/'
    expect(escapeInvalidUtf8(bytes(0xed, 0xa0, 0x80, 'z'))).toBe('\\xed\\xa0\\x80z'); // UTF-16 surrogate
    expect(escapeInvalidUtf8(bytes(0xf0, 0x9d, 0x84, 0x9e, 0xff))).toBe('𝄞\\xff');
  });

  it('given a byte-order mark, then it is kept as a character, not dropped', () => {
    expect(escapeInvalidUtf8(bytes(0xef, 0xbb, 0xbf, 'a'))).toBe('\uFEFFa');
  });
});

describe('isValidUtf8', () => {
  it('given UTF-8 (a real U+FFFD too), then true; given Latin-1, truncated or surrogate bytes, then false', () => {
    expect(isValidUtf8(bytes('données-\uFFFD'))).toBe(true);
    expect(isValidUtf8(bytes('caf', 0xe9))).toBe(false);
    expect(isValidUtf8(bytes(0xe2, 0x82))).toBe(false);
    expect(isValidUtf8(bytes(0xed, 0xa0, 0x80))).toBe(false);
  });
});

describe('mayHideInvalidUtf8 and utf8Length', () => {
  it('given decoded names, then only one holding U+FFFD needs a look at its bytes', () => {
    expect(mayHideInvalidUtf8('caf\uFFFD.csv')).toBe(true);
    expect(mayHideInvalidUtf8('café.csv')).toBe(false);
  });
  it('given text, then its length is counted in UTF-8 bytes', () => {
    expect(utf8Length('a€𝄞')).toBe(1 + 3 + 4);
  });
});
