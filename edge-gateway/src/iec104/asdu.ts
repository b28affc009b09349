// IEC 60870-5-101/104 ASDUs the gateway reads and sends: single and double points, normalized, scaled
// and short floating point measured values, each with and without a CP56Time2a time tag, end of
// initialisation, and the interrogation command. Field sizes are the 104 profile's: cause of
// transmission 2 octets (with the originator address), common address 2, object address 3.
import { type Cp56Time, decodeCp56, encodeCp56 } from './cp56.ts';

export const TYPE = {
  M_SP_NA_1: 1,
  M_DP_NA_1: 3,
  M_ME_NA_1: 9,
  M_ME_NB_1: 11,
  M_ME_NC_1: 13,
  M_SP_TB_1: 30,
  M_DP_TB_1: 31,
  M_ME_TD_1: 34,
  M_ME_TE_1: 35,
  M_ME_TF_1: 36,
  M_EI_NA_1: 70,
  C_IC_NA_1: 100,
} as const;

export const COT = {
  periodic: 1,
  background: 2,
  spontaneous: 3,
  initialised: 4,
  request: 5,
  activation: 6,
  activationCon: 7,
  deactivation: 8,
  deactivationCon: 9,
  activationTerm: 10,
  interrogatedByStation: 20,
  unknownType: 44,
  unknownCause: 45,
  unknownCommonAddress: 46,
  unknownObjectAddress: 47,
} as const;

/** Quality descriptor bits (SIQ, DIQ, QDS). */
export interface QualityBits {
  /** IV: the value is invalid. */
  invalid: boolean;
  /** NT: not topical (not updated successfully within a time). */
  notTopical: boolean;
  /** SB: substituted by an operator or automatic source. */
  substituted: boolean;
  /** BL: blocked for transmission; the value is the one before blocking. */
  blocked: boolean;
  /** OV: overflow, the value is beyond its range (measured values only). */
  overflow: boolean;
}

export type PointKind = 'single' | 'double' | 'normalized' | 'scaled' | 'float';

export interface InformationObject {
  ioa: number;
  kind: PointKind;
  /** single: 0/1; double: 0-3 (1 off, 2 on); normalized: -1 to 1-2^-15; scaled: int16; float: float32. */
  value: number;
  quality: QualityBits;
  time?: Cp56Time;
}

export interface Asdu {
  typeId: number;
  /** SQ: the objects are one sequence from the first address. */
  sequence: boolean;
  cause: number;
  negative: boolean;
  test: boolean;
  originator: number;
  commonAddress: number;
  objects: InformationObject[];
  /** C_IC_NA_1 qualifier of interrogation, M_EI_NA_1 cause of initialisation. */
  qualifier?: number;
}

export class AsduError extends Error {}

interface Layout {
  kind: PointKind;
  /** Octets of the element (value + quality), without the time tag. */
  size: number;
  timed: boolean;
}

const layouts = new Map<number, Layout>([
  [TYPE.M_SP_NA_1, { kind: 'single', size: 1, timed: false }],
  [TYPE.M_DP_NA_1, { kind: 'double', size: 1, timed: false }],
  [TYPE.M_ME_NA_1, { kind: 'normalized', size: 3, timed: false }],
  [TYPE.M_ME_NB_1, { kind: 'scaled', size: 3, timed: false }],
  [TYPE.M_ME_NC_1, { kind: 'float', size: 5, timed: false }],
  [TYPE.M_SP_TB_1, { kind: 'single', size: 1, timed: true }],
  [TYPE.M_DP_TB_1, { kind: 'double', size: 1, timed: true }],
  [TYPE.M_ME_TD_1, { kind: 'normalized', size: 3, timed: true }],
  [TYPE.M_ME_TE_1, { kind: 'scaled', size: 3, timed: true }],
  [TYPE.M_ME_TF_1, { kind: 'float', size: 5, timed: true }],
]);

export function typeIdOf(kind: PointKind, timed: boolean): number {
  for (const [typeId, layout] of layouts) if (layout.kind === kind && layout.timed === timed) return typeId;
  throw new AsduError(`no type for ${kind}`);
}

const noQuality: QualityBits = {
  invalid: false,
  notTopical: false,
  substituted: false,
  blocked: false,
  overflow: false,
};

function qualityFrom(octet: number, measured: boolean): QualityBits {
  return {
    invalid: (octet & 0x80) !== 0,
    notTopical: (octet & 0x40) !== 0,
    substituted: (octet & 0x20) !== 0,
    blocked: (octet & 0x10) !== 0,
    overflow: measured && (octet & 0x01) !== 0,
  };
}

function qualityOctet(q: QualityBits, measured: boolean): number {
  return (
    (q.invalid ? 0x80 : 0) |
    (q.notTopical ? 0x40 : 0) |
    (q.substituted ? 0x20 : 0) |
    (q.blocked ? 0x10 : 0) |
    (measured && q.overflow ? 0x01 : 0)
  );
}

function float32(value: number): number {
  return Number.isFinite(value) ? Number(value.toPrecision(7)) : value;
}

function readElement(asdu: Buffer, at: number, layout: Layout): { value: number; quality: QualityBits } {
  switch (layout.kind) {
    case 'single': {
      const siq = asdu[at] ?? 0;
      return { value: siq & 0x01, quality: qualityFrom(siq, false) };
    }
    case 'double': {
      const diq = asdu[at] ?? 0;
      return { value: diq & 0x03, quality: qualityFrom(diq, false) };
    }
    case 'normalized':
      return { value: asdu.readInt16LE(at) / 32_768, quality: qualityFrom(asdu[at + 2] ?? 0, true) };
    case 'scaled':
      return { value: asdu.readInt16LE(at), quality: qualityFrom(asdu[at + 2] ?? 0, true) };
    case 'float':
      // A 32-bit float has about 7 significant digits: 0.4, not 0.4000000059604645.
      return { value: float32(asdu.readFloatLE(at)), quality: qualityFrom(asdu[at + 4] ?? 0, true) };
  }
}

function writeElement(target: Buffer, at: number, object: InformationObject): void {
  const q = object.quality;
  switch (object.kind) {
    case 'single':
      target[at] = (object.value ? 1 : 0) | qualityOctet(q, false);
      return;
    case 'double':
      target[at] = (object.value & 0x03) | qualityOctet(q, false);
      return;
    case 'normalized':
      target.writeInt16LE(Math.max(-32_768, Math.min(32_767, Math.round(object.value * 32_768))), at);
      target[at + 2] = qualityOctet(q, true);
      return;
    case 'scaled':
      target.writeInt16LE(object.value, at);
      target[at + 2] = qualityOctet(q, true);
      return;
    case 'float':
      target.writeFloatLE(object.value, at);
      target[at + 4] = qualityOctet(q, true);
  }
}

const HEADER = 6;

/** An ASDU's fields and information objects; throws AsduError naming what is wrong. */
export function decodeAsdu(asdu: Buffer): Asdu {
  if (asdu.length < HEADER)
    throw new AsduError(`an ASDU of ${asdu.length} octets has no room for its header`);
  const typeId = asdu[0] ?? 0;
  const vsq = asdu[1] ?? 0;
  const cotOctet = asdu[2] ?? 0;
  const header = {
    typeId,
    sequence: (vsq & 0x80) !== 0,
    cause: cotOctet & 0x3f,
    negative: (cotOctet & 0x40) !== 0,
    test: (cotOctet & 0x80) !== 0,
    originator: asdu[3] ?? 0,
    commonAddress: asdu.readUInt16LE(4),
  };
  const count = vsq & 0x7f;
  if (typeId === TYPE.C_IC_NA_1 || typeId === TYPE.M_EI_NA_1) {
    if (asdu.length !== HEADER + 4)
      throw new AsduError(`type ${typeId} takes 4 octets of object, not ${asdu.length - HEADER}`);
    return { ...header, objects: [], qualifier: asdu[HEADER + 3] ?? 0 };
  }
  const layout = layouts.get(typeId);
  if (!layout) throw new AsduError(`type ${typeId} is not one the gateway reads`);
  const element = layout.size + (layout.timed ? 7 : 0);
  const expected = header.sequence ? HEADER + 3 + count * element : HEADER + count * (3 + element);
  if (count === 0 || asdu.length !== expected) {
    throw new AsduError(
      `type ${typeId} with ${count} object(s) takes ${expected} octets, not ${asdu.length}`,
    );
  }
  const objects: InformationObject[] = [];
  let at = HEADER;
  const firstIoa = asdu.readUIntLE(at, 3);
  for (let i = 0; i < count; i++) {
    let ioa: number;
    if (header.sequence) {
      ioa = firstIoa + i;
      at = HEADER + 3 + i * element;
    } else {
      ioa = asdu.readUIntLE(at, 3);
      at += 3;
    }
    const { value, quality } = readElement(asdu, at, layout);
    const time = layout.timed ? decodeCp56(asdu.subarray(at + layout.size, at + layout.size + 7)) : undefined;
    objects.push({ ioa, kind: layout.kind, value, quality, ...(time ? { time } : {}) });
    if (!header.sequence) at += element;
  }
  return { ...header, objects };
}

export interface AsduHeader {
  cause: number;
  commonAddress: number;
  originator?: number;
  negative?: boolean;
  test?: boolean;
}

function headerBytes(typeId: number, count: number, sequence: boolean, h: AsduHeader): Buffer {
  const out = Buffer.alloc(HEADER);
  out[0] = typeId;
  out[1] = (sequence ? 0x80 : 0) | count;
  out[2] = (h.cause & 0x3f) | (h.negative ? 0x40 : 0) | (h.test ? 0x80 : 0);
  out[3] = h.originator ?? 0;
  out.writeUInt16LE(h.commonAddress, 4);
  return out;
}

/** C_IC_NA_1 with qualifier 20 (station interrogation) unless told otherwise. */
export function encodeInterrogation(h: AsduHeader, qualifier = 20): Buffer {
  return Buffer.concat([headerBytes(TYPE.C_IC_NA_1, 1, false, h), Buffer.from([0, 0, 0, qualifier])]);
}

export function encodeEndOfInit(h: Omit<AsduHeader, 'cause'>, cause = 0): Buffer {
  return Buffer.concat([
    headerBytes(TYPE.M_EI_NA_1, 1, false, { ...h, cause: COT.initialised }),
    Buffer.from([0, 0, 0, cause]),
  ]);
}

/** Objects of one type (all timed or all untimed) as one ASDU, each with its own address. */
export function encodeObjects(h: AsduHeader, objects: readonly InformationObject[]): Buffer {
  const first = objects[0];
  if (!first) throw new AsduError('an ASDU needs at least one object');
  const timed = first.time !== undefined;
  const typeId = typeIdOf(first.kind, timed);
  const layout = layouts.get(typeId) as Layout;
  const element = 3 + layout.size + (timed ? 7 : 0);
  if (objects.length > 127) throw new AsduError('an ASDU holds at most 127 objects');
  const body = Buffer.alloc(objects.length * element);
  objects.forEach((object, i) => {
    if (object.kind !== first.kind || (object.time !== undefined) !== timed) {
      throw new AsduError('one ASDU carries one type');
    }
    const at = i * element;
    body.writeUIntLE(object.ioa, at, 3);
    writeElement(body, at + 3, { ...object, quality: object.quality ?? noQuality });
    if (object.time) encodeCp56(object.time).copy(body, at + 3 + layout.size);
  });
  return Buffer.concat([headerBytes(typeId, objects.length, false, h), body]);
}

export { noQuality };
