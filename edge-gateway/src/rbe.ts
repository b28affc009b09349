// Report by exception: a point goes out when it moves by more than its deadband or its quality
// changes, and the last value goes out again every heartbeatMs so a flat line is not a gap.
import type { ConfigDevice, TelemetryPoint } from '@plantwatch/shared';

interface TagState {
  deadband: number;
  heartbeatMs: number;
  sent: TelemetryPoint | null;
  sentAt: number;
  latest: TelemetryPoint | null;
}

const key = (device: string, tag: string) => `${device}\u0000${tag}`;

export class ReportByException {
  #tags = new Map<string, TagState>();

  constructor(devices: readonly ConfigDevice[]) {
    this.configure(devices);
  }

  /** A new config: tags that stay keep their state, so a config push does not resend everything. */
  configure(devices: readonly ConfigDevice[]): void {
    const next = new Map<string, TagState>();
    for (const device of devices) {
      for (const tag of device.tags) {
        const k = key(device.id, tag.id);
        const previous = this.#tags.get(k);
        next.set(k, {
          deadband: tag.deadband,
          heartbeatMs: device.heartbeatMs,
          sent: previous?.sent ?? null,
          sentAt: previous?.sentAt ?? 0,
          latest: previous?.latest ?? null,
        });
      }
    }
    this.#tags = next;
  }

  /** The points among `samples` worth sending. `now` is the gateway clock (heartbeat bookkeeping). */
  filter(samples: readonly TelemetryPoint[], now = Date.now()): TelemetryPoint[] {
    const out: TelemetryPoint[] = [];
    for (const sample of samples) {
      const state = this.#tags.get(key(sample.d, sample.t));
      if (!state) continue; // a tag removed by a config change while its worker was stopping
      state.latest = sample;
      if (this.#changed(state, sample)) {
        state.sent = sample;
        state.sentAt = now;
        out.push(sample);
      }
    }
    return out;
  }

  /** The last value of every tag not sent for heartbeatMs, stamped `now`. */
  heartbeat(now = Date.now()): TelemetryPoint[] {
    const out: TelemetryPoint[] = [];
    for (const state of this.#tags.values()) {
      if (!state.latest || now - state.sentAt < state.heartbeatMs) continue;
      const point = { ...state.latest, ts: Math.max(now, state.latest.ts + 1) };
      state.sent = point;
      state.sentAt = now;
      out.push(point);
    }
    return out;
  }

  #changed(state: TagState, sample: TelemetryPoint): boolean {
    const sent = state.sent;
    if (sent === null || sent.q !== sample.q) return true;
    if (typeof sample.v === 'number' && typeof sent.v === 'number') {
      const delta = Math.abs(sample.v - sent.v);
      return state.deadband === 0 ? delta > 0 : delta > state.deadband;
    }
    return sample.v !== sent.v;
  }
}
