// The lengths the connector holds for the tf blocks: patched from the blocks the statement
// brings, never set back by an older reply, dropped whole when the table is another one.
import { describe, expect, it } from 'vitest';
import { DocumentLengths } from '../../../connectors/postgres/document-lengths.js';

/** A length block as migrations/006_tf_blocks.sql stores it, in base64. */
function lengthBlock(block: number, lengths: Record<number, number>): string {
  const bytes = Buffer.alloc(8 + 4 * 1024);
  bytes.writeUInt32BE(block, 0);
  bytes.writeUInt32BE(1024, 4);
  for (const [slot, length] of Object.entries(lengths)) bytes.writeUInt32BE(length, 8 + 4 * Number(slot));
  return bytes.toString('base64');
}

describe('DocumentLengths', () => {
  it('holds nothing at first, and asks for everything', () => {
    const held = new DocumentLengths();
    expect(held.held).toEqual([-1, -1]);
    expect(held.lengths.length).toBe(0);
  });

  it('takes the blocks it is sent, by doc_key, and the generation and table they are of', () => {
    const held = new DocumentLengths();
    held.update({ table: 77, generation: 3, blocks: lengthBlock(0, { 1: 12, 1023: 5 }) + lengthBlock(2, { 0: 4_000_000 }) });
    expect(held.held).toEqual([77, 3]);
    expect(held.lengths[1]).toBe(12);
    expect(held.lengths[1023]).toBe(5);
    expect(held.lengths[2048]).toBe(4_000_000);
    expect(held.lengths[1024]).toBe(0);
  });

  it('patches only the blocks written since, and keeps the rest', () => {
    const held = new DocumentLengths();
    held.update({ table: 77, generation: 3, blocks: lengthBlock(0, { 1: 12 }) + lengthBlock(1, { 3: 9 }) });
    held.update({ table: 77, generation: 5, blocks: lengthBlock(1, { 3: 10, 4: 2 }) });
    expect([held.lengths[1], held.lengths[1024 + 3], held.lengths[1024 + 4]]).toEqual([12, 10, 2]);
    held.update({ table: 77, generation: 6, blocks: null });
    expect(held.held).toEqual([77, 6]);
  });

  it('leaves out a reply from before the generation it holds (a slower search that started earlier)', () => {
    const held = new DocumentLengths();
    held.update({ table: 77, generation: 5, blocks: lengthBlock(0, { 1: 20 }) });
    held.update({ table: 77, generation: 4, blocks: lengthBlock(0, { 1: 12 }) });
    expect(held.lengths[1]).toBe(20);
    expect(held.held).toEqual([77, 5]);
  });

  it('drops everything when the table is another one (the schema was made again)', () => {
    const held = new DocumentLengths();
    held.update({ table: 77, generation: 9, blocks: lengthBlock(0, { 1: 20, 2: 30 }) });
    held.update({ table: 91, generation: 2, blocks: lengthBlock(0, { 1: 7 }) });
    expect([held.lengths[1], held.lengths[2]]).toEqual([7, 0]);
    expect(held.held).toEqual([91, 2]);
  });

  it('refuses a reply that is not whole blocks', () => {
    const held = new DocumentLengths();
    const torn = Buffer.from(lengthBlock(0, { 1: 2 }), 'base64')
      .subarray(0, 100)
      .toString('base64');
    expect(() => held.update({ table: 1, generation: 1, blocks: torn })).toThrow(/whole number/);
  });
});
