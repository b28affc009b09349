'use client';
// Alarm pieces shared by the site dashboard and the alarm console: severity and state labels, and
// the acknowledge / shelve controls bound to the server actions.
import type { Alarm, AlarmSeverity } from '@plantwatch/shared';
import { useRouter } from 'next/navigation';
import { useActionState, useEffect, useId } from 'react';
import { type FormState, idleState } from '../form-state.ts';
import { acknowledgeAlarm, shelveAlarm, unshelveAlarm } from '../server/alarm-actions.ts';
import { strings } from '../strings.ts';
import { ActionForm, Field, SelectField } from './forms.tsx';
import { LocalTime } from './local-time.tsx';

export function SeverityBadge({ severity }: { severity: AlarmSeverity }) {
  return <span className={`severity severity-${severity}`}>{strings.alarms.severities[severity]}</span>;
}

/** The ISA-18.2 state, with the shelved / out-of-service flags beside it. */
export function StateLabel({ alarm }: { alarm: Alarm }) {
  return (
    <>
      <span className={`state state-${alarm.state}`}>{strings.alarms.states[alarm.state]}</span>
      {alarm.shelved ? (
        <span className="flag">
          {' · '}
          {strings.alarms.shelvedUntil}{' '}
          {alarm.shelvedUntil ? <LocalTime iso={alarm.shelvedUntil} /> : strings.noValue}
        </span>
      ) : null}
      {alarm.outOfService ? <span className="flag"> · {strings.alarms.outOfService}</span> : null}
    </>
  );
}

function ActionStatus({ state }: { state: FormState }) {
  return (
    <span role="status" aria-live="polite" className="form-status">
      {state.message ? (
        <span className={state.status === 'error' ? 'error' : 'ok'}>{state.message}</span>
      ) : null}
    </span>
  );
}

/** One click: acknowledges the alarm's rule without a comment. */
export function AcknowledgeButton(props: { ruleId: string; name: string; onDone?: () => void }) {
  const [state, formAction, pending] = useActionState(
    (previous: FormState) => acknowledgeAlarm(props.ruleId, previous),
    idleState,
  );
  const { onDone } = props;
  useEffect(() => {
    if (state.status === 'ok') onDone?.();
  }, [state, onDone]);
  return (
    <form action={formAction} className="inline">
      <button type="submit" disabled={pending} aria-label={strings.alarms.acknowledgeNamed(props.name)}>
        {pending ? strings.alarms.acknowledging : strings.alarms.acknowledge}
      </button>
      <ActionStatus state={state} />
    </form>
  );
}

/** Acknowledge with a comment, inside a disclosure so the console row stays compact. */
export function AcknowledgeWithComment(props: { ruleId: string; name: string }) {
  return (
    <details className="alarm-action">
      <summary>{strings.alarms.withComment}</summary>
      <ActionForm
        action={(previous, form) => acknowledgeAlarm(props.ruleId, previous, form)}
        submitLabel={strings.alarms.acknowledge}
        pendingLabel={strings.alarms.acknowledging}
        label={strings.alarms.acknowledgeNamed(props.name)}
      >
        <Field
          name="comment"
          label={strings.alarms.comment}
          hint={strings.alarms.commentHint}
          maxLength={1000}
        />
      </ActionForm>
    </details>
  );
}

export function ShelveForm(props: { ruleId: string; alarmId: string; name: string }) {
  return (
    <details className="alarm-action">
      <summary>{strings.alarms.shelve}</summary>
      <ActionForm
        action={(previous, form) =>
          shelveAlarm({ ruleId: props.ruleId, alarmId: props.alarmId }, previous, form)
        }
        submitLabel={strings.alarms.shelve}
        pendingLabel={strings.alarms.shelving}
        label={strings.alarms.shelveNamed(props.name)}
      >
        <SelectField
          name="minutes"
          label={strings.alarms.shelveFor}
          defaultValue="60"
          options={strings.alarms.shelveOptions.map((o) => ({ value: String(o.minutes), label: o.label }))}
        />
        <Field name="reason" label={strings.alarms.shelveReason} required maxLength={500} />
      </ActionForm>
    </details>
  );
}

export function UnshelveButton(props: { ruleId: string; alarmId: string; name: string }) {
  const [state, formAction, pending] = useActionState(
    (previous: FormState) => unshelveAlarm({ ruleId: props.ruleId, alarmId: props.alarmId }, previous),
    idleState,
  );
  return (
    <form action={formAction} className="inline">
      <button
        type="submit"
        className="secondary"
        disabled={pending}
        aria-label={strings.alarms.unshelveNamed(props.name)}
      >
        {strings.alarms.unshelve}
      </button>
      <ActionStatus state={state} />
    </form>
  );
}

/** Re-renders the server page every few seconds while the tab is visible (the console's "live"). */
export function AutoRefresh({ everyMs }: { everyMs: number }) {
  const router = useRouter();
  const id = useId();
  useEffect(() => {
    const timer = setInterval(() => {
      // Never refresh under someone typing a comment or reason: it would not lose it, but it would jump.
      const typing = document.activeElement?.matches('input, textarea, select');
      if (document.visibilityState === 'visible' && !typing) router.refresh();
    }, everyMs);
    return () => clearInterval(timer);
  }, [router, everyMs]);
  return (
    <p id={id} className="hint">
      {strings.alarms.refreshing}
    </p>
  );
}
