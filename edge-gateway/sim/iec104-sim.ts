// An IEC 60870-5-104 outstation (controlled station) on TCP: answers STARTDT, STOPDT and TESTFR,
// answers a general interrogation (con, every point with cause 20, term), sends spontaneous changes
// with or without a CP56Time2a time tag (in UTC or in a zone's local time, as many RTUs do), keeps
// at most k I-frames unacknowledged and acknowledges the master's. Tests also make it misbehave.
import { createServer, type Server, type Socket } from 'node:net';
import { decodeApdu, encodeI, encodeS, encodeU, FrameReader, SEQ_MODULO } from '../src/iec104/apci.ts';
import {
  COT,
  decodeAsdu,
  encodeEndOfInit,
  encodeObjects,
  type InformationObject,
  noQuality,
  type PointKind,
  type QualityBits,
  TYPE,
} from '../src/iec104/asdu.ts';
import { cp56At } from '../src/iec104/cp56.ts';

export interface OutstationPoint {
  ioa: number;
  kind: PointKind;
  value: number;
  /** Spontaneous changes carry a CP56Time2a time tag. */
  timeTagged?: boolean;
}

export interface OutstationOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  commonAddress?: number;
  /** The zone of the station's clock for time tags (default UTC). */
  timeZone?: string;
  points: OutstationPoint[];
  /** I-frames sent unacknowledged at most (default 12). */
  k?: number;
}

interface Session {
  socket: Socket;
  started: boolean;
  sendSeq: number;
  recvSeq: number;
  acked: number;
  queue: Buffer[];
}

export class Iec104OutstationSimulator {
  readonly #options: OutstationOptions;
  readonly #points = new Map<number, OutstationPoint & { quality: QualityBits }>();
  readonly #sessions = new Set<Session>();
  #server: Server | null = null;
  port = 0;
  /** General interrogations received, connections accepted, S-frames received. */
  interrogations = 0;
  connections = 0;
  acknowledgements = 0;
  /** When true the station stops answering (its CPU hangs; TCP stays up). */
  silent = false;

  constructor(options: OutstationOptions) {
    this.#options = options;
    for (const point of options.points) this.#points.set(point.ioa, { ...point, quality: { ...noQuality } });
  }

  get commonAddress(): number {
    return this.#options.commonAddress ?? 1;
  }

  async start(): Promise<void> {
    const server = createServer((socket) => this.#accept(socket));
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#options.port ?? 0, this.#options.host ?? '127.0.0.1', () => resolve());
    });
    const address = server.address();
    this.port = typeof address === 'object' && address !== null ? address.port : 0;
  }

  async stop(): Promise<void> {
    this.dropConnections();
    const server = this.#server;
    this.#server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Every connection cut at once, as a network failure would. */
  dropConnections(): void {
    for (const session of this.#sessions) session.socket.destroy();
    this.#sessions.clear();
  }

  /** A new value, sent spontaneously (cause 3) to every started connection. */
  set(ioa: number, value: number, options: { quality?: Partial<QualityBits>; at?: number } = {}): void {
    const point = this.#points.get(ioa);
    if (!point) throw new Error(`no information object ${ioa}`);
    point.value = value;
    point.quality = { ...noQuality, ...options.quality };
    const object = this.#object(point, point.timeTagged ? (options.at ?? Date.now()) : undefined);
    this.#broadcast(encodeObjects({ cause: COT.spontaneous, commonAddress: this.commonAddress }, [object]));
  }

  /** M_EI_NA_1: the station says it (re)initialised. */
  endOfInitialisation(): void {
    this.#broadcast(encodeEndOfInit({ commonAddress: this.commonAddress }));
  }

  /** Any ASDU bytes, in an I-frame with the right sequence numbers. */
  sendAsdu(asdu: Buffer): void {
    this.#broadcast(asdu);
  }

  /** Any bytes on the wire. */
  sendRaw(bytes: Buffer): void {
    for (const session of this.#sessions) session.socket.write(bytes);
  }

  #object(point: OutstationPoint & { quality: QualityBits }, at: number | undefined): InformationObject {
    return {
      ioa: point.ioa,
      kind: point.kind,
      value: point.value,
      quality: point.quality,
      ...(at !== undefined ? { time: cp56At(at, this.#options.timeZone ?? 'UTC') } : {}),
    };
  }

  #accept(socket: Socket): void {
    this.connections += 1;
    const session: Session = { socket, started: false, sendSeq: 0, recvSeq: 0, acked: 0, queue: [] };
    this.#sessions.add(session);
    const reader = new FrameReader();
    socket.setNoDelay(true);
    socket.on('error', () => {});
    socket.on('close', () => this.#sessions.delete(session));
    socket.on('data', (chunk) => {
      if (this.silent) return;
      try {
        for (const frame of reader.push(chunk)) this.#frame(session, frame);
      } catch {
        socket.destroy();
      }
    });
  }

  #frame(session: Session, frame: Buffer): void {
    const apdu = decodeApdu(frame);
    if (apdu.format === 'U') {
      if (apdu.function === 'STARTDT_ACT') {
        session.started = true;
        session.socket.write(encodeU('STARTDT_CON'));
      } else if (apdu.function === 'STOPDT_ACT') {
        session.started = false;
        session.socket.write(encodeU('STOPDT_CON'));
      } else if (apdu.function === 'TESTFR_ACT') session.socket.write(encodeU('TESTFR_CON'));
      return;
    }
    session.acked = apdu.recvSeq;
    if (apdu.format === 'S') {
      this.acknowledgements += 1;
      this.#flush(session);
      return;
    }
    session.recvSeq = (session.recvSeq + 1) % SEQ_MODULO;
    session.socket.write(encodeS(session.recvSeq));
    const asdu = decodeAsdu(apdu.asdu);
    if (asdu.typeId === TYPE.C_IC_NA_1 && asdu.cause === COT.activation)
      this.#interrogation(session, asdu.commonAddress);
    this.#flush(session);
  }

  #interrogation(session: Session, commonAddress: number): void {
    this.interrogations += 1;
    const header = (cause: number) => ({ cause, commonAddress: this.commonAddress });
    const command = (cause: number, negative = false) =>
      Buffer.from([
        TYPE.C_IC_NA_1,
        1,
        cause | (negative ? 0x40 : 0),
        0,
        this.commonAddress & 0xff,
        this.commonAddress >> 8,
        0,
        0,
        0,
        20,
      ]);
    if (commonAddress !== this.commonAddress && commonAddress !== 0xffff) {
      this.#queue(session, command(COT.unknownCommonAddress, true));
      return;
    }
    this.#queue(session, command(COT.activationCon));
    // Untimed types answer an interrogation, grouped by type.
    const byKind = new Map<PointKind, InformationObject[]>();
    for (const point of this.#points.values()) {
      byKind.set(point.kind, [...(byKind.get(point.kind) ?? []), this.#object(point, undefined)]);
    }
    for (const objects of byKind.values())
      this.#queue(session, encodeObjects(header(COT.interrogatedByStation), objects));
    this.#queue(session, command(COT.activationTerm));
  }

  #broadcast(asdu: Buffer): void {
    for (const session of this.#sessions) {
      if (!session.started) continue;
      this.#queue(session, asdu);
      this.#flush(session);
    }
  }

  #queue(session: Session, asdu: Buffer): void {
    session.queue.push(asdu);
  }

  #flush(session: Session): void {
    const k = this.#options.k ?? 12;
    while (session.queue.length > 0 && (session.sendSeq - session.acked + SEQ_MODULO) % SEQ_MODULO < k) {
      const asdu = session.queue.shift() as Buffer;
      session.socket.write(encodeI(session.sendSeq, session.recvSeq, asdu));
      session.sendSeq = (session.sendSeq + 1) % SEQ_MODULO;
    }
  }
}
