// One IEC 60870-5-104 connection as the controlling station sees it (IEC 60870-5-104 §5): STARTDT,
// the send and receive sequence numbers, at most k I-frames unacknowledged, an S-frame after w received
// or t2 after the first unacknowledged one, TESTFR after t3 of silence, and the connection closed when
// t1 passes without the acknowledgement of an I-frame, STARTDT or TESTFR, or on a sequence error.
import type { Socket } from 'node:net';
import {
  type Apdu,
  acknowledged,
  decodeApdu,
  encodeI,
  encodeS,
  encodeU,
  FrameError,
  FrameReader,
  SEQ_MODULO,
  type UFunction,
} from './apci.ts';

export interface LinkTimers {
  t1Ms: number;
  t2Ms: number;
  t3Ms: number;
  k: number;
  w: number;
}

export interface LinkHandlers {
  onAsdu(asdu: Buffer): void;
}

export class Iec104Link {
  readonly #socket: Socket;
  readonly #timers: LinkTimers;
  readonly #handlers: LinkHandlers;
  readonly #reader = new FrameReader();
  readonly #tick: NodeJS.Timeout;
  readonly closed: Promise<string>;
  #markClosed: (reason: string) => void = () => {};
  #isClosed = false;
  /** V(S), V(R) and the oldest of our I-frames not yet acknowledged. */
  #sendSeq = 0;
  #recvSeq = 0;
  #oldestUnacked = 0;
  #sentAt: number[] = [];
  #queue: Buffer[] = [];
  /** I-frames received since we last acknowledged, and when the first of them came. */
  #unackedReceived = 0;
  #firstUnackedAt = 0;
  #lastReceivedAt = Date.now();
  /** A U-format act waiting for its con, and since when. */
  #pendingU: { fn: UFunction; since: number; resolve: () => void } | null = null;
  #testSince: number | null = null;
  /** I-frames received (for tests). */
  received = 0;

  constructor(socket: Socket, timers: LinkTimers, handlers: LinkHandlers) {
    this.#socket = socket;
    this.#timers = timers;
    this.#handlers = handlers;
    this.closed = new Promise((resolve) => {
      this.#markClosed = resolve;
    });
    socket.on('data', (chunk) => this.#data(chunk));
    socket.on('close', () => this.close('the outstation closed the connection'));
    socket.on('error', (error) => this.close(error.message));
    this.#tick = setInterval(() => this.#check(), Math.max(50, Math.min(200, timers.t2Ms / 4)));
  }

  /** STARTDT act, resolved by its con; the link closes when t1 passes first. */
  startDataTransfer(): Promise<void> {
    return this.#act('STARTDT_ACT');
  }

  /** Sends an ASDU as an I-frame now, or once the k window has room. */
  send(asdu: Buffer): void {
    if (this.#isClosed) return;
    this.#queue.push(asdu);
    this.#flushQueue();
  }

  close(reason: string): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    clearInterval(this.#tick);
    this.#socket.destroy();
    this.#markClosed(reason);
  }

  get isClosed(): boolean {
    return this.#isClosed;
  }

  #act(fn: UFunction): Promise<void> {
    return new Promise((resolve) => {
      this.#pendingU = { fn, since: Date.now(), resolve };
      this.#write(encodeU(fn));
    });
  }

  #outstanding(): number {
    return (this.#sendSeq - this.#oldestUnacked + SEQ_MODULO) % SEQ_MODULO;
  }

  #flushQueue(): void {
    while (this.#queue.length > 0 && this.#outstanding() < this.#timers.k) {
      const asdu = this.#queue.shift() as Buffer;
      this.#write(encodeI(this.#sendSeq, this.#recvSeq, asdu));
      this.#sentAt.push(Date.now());
      this.#sendSeq = (this.#sendSeq + 1) % SEQ_MODULO;
      // An I-frame carries our receive number: it acknowledges what we received.
      this.#unackedReceived = 0;
    }
  }

  #write(bytes: Buffer): void {
    if (!this.#isClosed) this.#socket.write(bytes);
  }

  #data(chunk: Buffer): void {
    this.#lastReceivedAt = Date.now();
    this.#testSince = null;
    let frames: Buffer[];
    try {
      frames = this.#reader.push(chunk);
    } catch (error) {
      this.close(`framing error: ${(error as Error).message}`);
      return;
    }
    for (const frame of frames) {
      if (this.#isClosed) return;
      let apdu: Apdu;
      try {
        apdu = decodeApdu(frame);
      } catch (error) {
        this.close(`bad APDU: ${error instanceof FrameError ? error.message : String(error)}`);
        return;
      }
      this.#apdu(apdu);
    }
  }

  #apdu(apdu: Apdu): void {
    if (apdu.format === 'U') {
      if (apdu.function === 'TESTFR_ACT') this.#write(encodeU('TESTFR_CON'));
      const pending = this.#pendingU;
      if (pending && apdu.function === pending.fn.replace('_ACT', '_CON')) {
        this.#pendingU = null;
        pending.resolve();
      }
      return;
    }
    if (!this.#acknowledge(apdu.recvSeq)) return;
    if (apdu.format === 'S') return;
    if (apdu.sendSeq !== this.#recvSeq) {
      this.close(`sequence error: I-frame ${apdu.sendSeq} where ${this.#recvSeq} was due`);
      return;
    }
    this.#recvSeq = (this.#recvSeq + 1) % SEQ_MODULO;
    this.received += 1;
    if (this.#unackedReceived === 0) this.#firstUnackedAt = Date.now();
    this.#unackedReceived += 1;
    if (this.#unackedReceived >= this.#timers.w) this.#sendAck();
    this.#handlers.onAsdu(apdu.asdu);
  }

  /** The outstation acknowledged our frames up to `ack`; false (and closed) for a number we never sent. */
  #acknowledge(ack: number): boolean {
    const moved = acknowledged(this.#oldestUnacked, this.#sendSeq, ack);
    if (moved === null) {
      this.close(`sequence error: acknowledgement ${ack} of frames never sent (next is ${this.#sendSeq})`);
      return false;
    }
    this.#oldestUnacked = ack;
    this.#sentAt.splice(0, moved);
    this.#flushQueue();
    return true;
  }

  #sendAck(): void {
    this.#unackedReceived = 0;
    this.#write(encodeS(this.#recvSeq));
  }

  #check(): void {
    if (this.#isClosed) return;
    const now = Date.now();
    const { t1Ms, t2Ms, t3Ms } = this.#timers;
    const oldestSent = this.#sentAt[0];
    if (oldestSent !== undefined && now - oldestSent >= t1Ms) {
      this.close(`t1 expired: I-frame not acknowledged within ${t1Ms} ms`);
      return;
    }
    if (this.#pendingU && now - this.#pendingU.since >= t1Ms) {
      this.close(`t1 expired: no ${this.#pendingU.fn.replace('_ACT', ' con')} within ${t1Ms} ms`);
      return;
    }
    if (this.#testSince !== null && now - this.#testSince >= t1Ms) {
      this.close(`t1 expired: no TESTFR con within ${t1Ms} ms`);
      return;
    }
    if (this.#unackedReceived > 0 && now - this.#firstUnackedAt >= t2Ms) this.#sendAck();
    if (this.#testSince === null && this.#pendingU === null && now - this.#lastReceivedAt >= t3Ms) {
      this.#testSince = now;
      this.#write(encodeU('TESTFR_ACT'));
    }
  }
}
