// The ingest log's files (ADR 0058): segments of records, and the checkpoint of how far they are
// applied. DIR/<first record number, 20 digits>.log holds records [u32 body length][u32 crc32][body],
// body [f64 receivedAt][u16 topic length][topic][payload]; DIR/applied holds the number below which
// every record has been applied (renamed into place, not synced: a stale one only means records
// applied twice).
import { readdir, readFile, rename, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { IncomingTelemetry } from '@plantwatch/functions/ingest/ingest';
import { logger } from '@plantwatch/functions/platform/observability';

const HEADER_BYTES = 8;
const SEGMENT_NAME = /^(\d{20})\.log$/;

export interface Segment {
  first: number;
  /** The number after its last record (so far). */
  end: number;
  path: string;
}

export const segmentPath = (dir: string, first: number) =>
  join(dir, `${String(first).padStart(20, '0')}.log`);

/** One record's bytes. */
export function encodeRecord(message: IncomingTelemetry): Buffer {
  const topic = Buffer.from(message.topic, 'utf8');
  const body = Buffer.allocUnsafe(10 + topic.length + message.payload.length);
  body.writeDoubleLE(message.receivedAt, 0);
  body.writeUInt16LE(topic.length, 8);
  topic.copy(body, 10);
  message.payload.copy(body, 10 + topic.length);
  const header = Buffer.allocUnsafe(HEADER_BYTES);
  header.writeUInt32LE(body.length, 0);
  header.writeUInt32LE(crc32(body), 4);
  return Buffer.concat([header, body]);
}

/** The records of one segment's bytes, and where the last whole one ends. */
export function decodeRecords(bytes: Buffer): { messages: IncomingTelemetry[]; validBytes: number } {
  const messages: IncomingTelemetry[] = [];
  let offset = 0;
  while (offset + HEADER_BYTES <= bytes.length) {
    const length = bytes.readUInt32LE(offset);
    const end = offset + HEADER_BYTES + length;
    if (length < 10 || end > bytes.length) break;
    const body = bytes.subarray(offset + HEADER_BYTES, end);
    if (crc32(body) !== bytes.readUInt32LE(offset + 4)) break;
    const topicLength = body.readUInt16LE(8);
    if (10 + topicLength > body.length) break;
    messages.push({
      receivedAt: body.readDoubleLE(0),
      topic: body.toString('utf8', 10, 10 + topicLength),
      // a copy: the segment's buffer is let go once read
      payload: Buffer.from(body.subarray(10 + topicLength)),
    });
    offset = end;
  }
  return { messages, validBytes: offset };
}

async function readCheckpoint(dir: string): Promise<number> {
  try {
    const value = Number((await readFile(join(dir, 'applied'), 'utf8')).trim());
    return Number.isSafeInteger(value) && value >= 0 ? value : 0;
  } catch {
    return 0;
  }
}

/** Records that every record below `below` has been applied. */
export async function writeCheckpoint(dir: string, below: number): Promise<void> {
  const temporary = join(dir, 'applied.tmp');
  await writeFile(temporary, `${below}\n`, { mode: 0o600 });
  await rename(temporary, join(dir, 'applied'));
}

export interface FoundSegments {
  segments: Segment[];
  /** Every record from the checkpoint on, in order. */
  records: { n: number; message: IncomingTelemetry }[];
  /** The number the next record gets. */
  next: number;
  checkpoint: number;
  /** Bytes of records damaged before a segment's end (disk faults, not crashes): lost. */
  damagedBytes: number;
}

/**
 * Reads every segment in order. A record cut short by a crash at the end of the last segment was
 * never acknowledged: it is cut off. Empty segments are removed.
 */
export async function readSegments(dir: string): Promise<FoundSegments> {
  const checkpoint = await readCheckpoint(dir);
  // Only regular files: anything else under a segment's name is not one of ours.
  const names = (await readdir(dir, { withFileTypes: true }))
    .filter((entry) => entry.isFile() && SEGMENT_NAME.test(entry.name))
    .map((entry) => entry.name)
    .sort();
  const found: FoundSegments = { segments: [], records: [], next: checkpoint, checkpoint, damagedBytes: 0 };
  for (const [index, name] of names.entries()) {
    const first = Number(SEGMENT_NAME.exec(name)?.[1]);
    const path = join(dir, name);
    const bytes = await readFile(path);
    const { messages, validBytes } = decodeRecords(bytes);
    if (validBytes < bytes.length) {
      if (index === names.length - 1) {
        await truncate(path, validBytes);
      } else {
        found.damagedBytes += bytes.length - validBytes;
        logger.error('the ingest log has a damaged record before its end; the rest of that segment is lost', {
          segment: name,
          lostBytes: bytes.length - validBytes,
        });
      }
    }
    if (messages.length === 0) {
      await rm(path, { force: true });
      continue;
    }
    for (const [offset, message] of messages.entries()) {
      if (first + offset >= checkpoint) found.records.push({ n: first + offset, message });
    }
    found.segments.push({ first, end: first + messages.length, path });
    found.next = Math.max(found.next, first + messages.length);
  }
  return found;
}
