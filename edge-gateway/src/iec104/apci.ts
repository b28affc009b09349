// IEC 60870-5-104 APCI: the frame on TCP (start 0x68, length, four control octets, then an ASDU for
// I-format frames) and the three formats of the control field (IEC 60870-5-104 §5.1-5.3). Numbers
// are 15-bit send and receive sequence numbers, shifted left by one in the octets.

export const START = 0x68;
/** Largest APDU length octet: 4 control octets + 249 octets of ASDU. */
export const MAX_LENGTH = 253;
export const SEQ_MODULO = 32_768;

export type UFunction =
  | 'STARTDT_ACT'
  | 'STARTDT_CON'
  | 'STOPDT_ACT'
  | 'STOPDT_CON'
  | 'TESTFR_ACT'
  | 'TESTFR_CON';

const uCodes: Record<UFunction, number> = {
  STARTDT_ACT: 0x07,
  STARTDT_CON: 0x0b,
  STOPDT_ACT: 0x13,
  STOPDT_CON: 0x23,
  TESTFR_ACT: 0x43,
  TESTFR_CON: 0x83,
};
const uByCode = new Map(Object.entries(uCodes).map(([name, code]) => [code, name as UFunction]));

export type Apdu =
  | { format: 'I'; sendSeq: number; recvSeq: number; asdu: Buffer }
  | { format: 'S'; recvSeq: number }
  | { format: 'U'; function: UFunction };

export class FrameError extends Error {}

export function encodeI(sendSeq: number, recvSeq: number, asdu: Buffer): Buffer {
  if (asdu.length > MAX_LENGTH - 4) throw new FrameError(`an ASDU of ${asdu.length} octets does not fit`);
  const frame = Buffer.alloc(6 + asdu.length);
  frame[0] = START;
  frame[1] = 4 + asdu.length;
  frame.writeUInt16LE((sendSeq % SEQ_MODULO) << 1, 2);
  frame.writeUInt16LE((recvSeq % SEQ_MODULO) << 1, 4);
  asdu.copy(frame, 6);
  return frame;
}

export function encodeS(recvSeq: number): Buffer {
  const frame = Buffer.from([START, 4, 0x01, 0x00, 0, 0]);
  frame.writeUInt16LE((recvSeq % SEQ_MODULO) << 1, 4);
  return frame;
}

export function encodeU(fn: UFunction): Buffer {
  return Buffer.from([START, 4, uCodes[fn], 0, 0, 0]);
}

/** One APDU from its bytes (start octet included); throws FrameError naming what is wrong. */
export function decodeApdu(frame: Buffer): Apdu {
  if (frame[0] !== START) throw new FrameError(`an APDU starts with 0x68, not 0x${hex(frame[0])}`);
  const length = frame[1] ?? 0;
  if (length < 4 || length > MAX_LENGTH) throw new FrameError(`APDU length ${length} is outside 4-253`);
  if (frame.length !== length + 2)
    throw new FrameError(`APDU of ${frame.length} octets where ${length + 2} are due`);
  const c1 = frame[2] ?? 0;
  if ((c1 & 0x01) === 0) {
    if (length < 4 + 6) throw new FrameError('an I-format APDU without an ASDU');
    return {
      format: 'I',
      sendSeq: frame.readUInt16LE(2) >> 1,
      recvSeq: frame.readUInt16LE(4) >> 1,
      asdu: frame.subarray(6),
    };
  }
  if (length !== 4)
    throw new FrameError(`an ${(c1 & 0x03) === 0x01 ? 'S' : 'U'}-format APDU of length ${length}`);
  if ((c1 & 0x03) === 0x01) return { format: 'S', recvSeq: frame.readUInt16LE(4) >> 1 };
  const fn = uByCode.get(c1);
  if (!fn || frame[3] !== 0 || frame[4] !== 0 || frame[5] !== 0) {
    throw new FrameError(
      `unknown U-format control field ${hex(c1)} ${hex(frame[3])} ${hex(frame[4])} ${hex(frame[5])}`,
    );
  }
  return { format: 'U', function: fn };
}

/** Cuts APDUs off a TCP byte stream; keeps the rest for the next chunk. */
export class FrameReader {
  #pending: Buffer = Buffer.alloc(0);

  /** The complete frames so far; throws FrameError when the stream is out of step (close the link). */
  push(chunk: Buffer): Buffer[] {
    this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    const frames: Buffer[] = [];
    while (this.#pending.length >= 2) {
      if (this.#pending[0] !== START) {
        const bad = this.#pending[0];
        this.#pending = Buffer.alloc(0);
        throw new FrameError(`the stream is out of step: 0x${hex(bad)} where an APDU should start`);
      }
      const total = (this.#pending[1] ?? 0) + 2;
      if (this.#pending.length < total) break;
      frames.push(this.#pending.subarray(0, total));
      this.#pending = this.#pending.subarray(total);
    }
    return frames;
  }
}

/** Frames sent but not yet acknowledged: how far `ack` moves the window (0 when it is no frame of ours). */
export function acknowledged(oldestUnacked: number, nextSend: number, ack: number): number | null {
  const outstanding = (nextSend - oldestUnacked + SEQ_MODULO) % SEQ_MODULO;
  const moved = (ack - oldestUnacked + SEQ_MODULO) % SEQ_MODULO;
  return moved <= outstanding ? moved : null;
}

function hex(byte: number | undefined): string {
  return (byte ?? 0).toString(16).padStart(2, '0');
}
