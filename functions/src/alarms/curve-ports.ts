// The port operating-curve templates (ADR 0048) run on: their rows in the config store.
import type { AlarmCurve } from '@plantwatch/shared';

/** A curve template as stored: everything but the tenant and the timestamps the store keeps. */
export interface AlarmCurveRecord {
  id: string;
  name: string;
  description: string;
  xUnit: string;
  yUnit: string;
  points: [number, number][];
}

export interface AlarmCurveRepositories {
  alarmCurves: {
    /** Ordered by name. */
    list(): Promise<AlarmCurve[]>;
    get(id: string): Promise<AlarmCurve | null>;
    /** Throws the store's unique violation (a conflict) when the tenant already has the name. */
    create(curve: AlarmCurveRecord): Promise<AlarmCurve>;
    replace(curve: AlarmCurveRecord): Promise<AlarmCurve | null>;
    remove(id: string): Promise<boolean>;
  };
}
