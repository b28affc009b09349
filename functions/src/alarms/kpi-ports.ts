// What the alarm-system KPIs (ADR 0049) read from the alarm journal: figures the store computes where
// the rows are (10-minute buckets, runs of raises, the state at the end of the range), for the
// use-case to turn into rates, shares and names.

/** One alarm as the journal names it, with its rule's name and the name of its level, if any. */
export interface JournalAlarmRef {
  alarmId: string;
  ruleId: string;
  siteId: string;
  key: string;
  ruleName: string;
  levelName: string | null;
}

export interface AlarmRateRow {
  /** null: the whole scope together. */
  siteId: string | null;
  raises: number;
  peak: number;
  /** The index of the first 10-minute interval (counted from `from`) with the peak. */
  peakInterval: number;
  floodIntervals: number;
}

export interface AlarmKpiFigures {
  sites: { siteId: string; name: string }[];
  rates: AlarmRateRow[];
  top: (JournalAlarmRef & { raises: number })[];
  chattering: (JournalAlarmRef & { episodes: number; raises: number })[];
  stale: (JournalAlarmRef & { activeSince: Date })[];
  acknowledge: {
    raises: number;
    acknowledged: number;
    medianSeconds: number | null;
    p90Seconds: number | null;
  };
}

export interface AlarmKpiInput {
  from: Date;
  to: Date;
  /** null: every site of the tenant. */
  siteIds: readonly string[] | null;
  intervalMs: number;
  floodRaises: number;
  chatterRaises: number;
  chatterWindowMs: number;
  staleAfterMs: number;
  top: number;
  /** Chattering and stale alarms listed at most. */
  listLimit: number;
}

export interface AlarmKpiRepositories {
  alarmKpis: {
    compute(input: AlarmKpiInput): Promise<AlarmKpiFigures>;
  };
}
