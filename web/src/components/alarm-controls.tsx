'use client';
// Alarm pieces shared by the site dashboard and the alarm console: severity and state labels, and
// the acknowledge / shelve controls bound to the server actions.
import { type Alarm, type AlarmSeverity, MAX_SHELVE_MINUTES } from '@plantwatch/shared';
import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { type ReactNode, useActionState, useEffect, useId } from 'react';
import { type FormState, idleState } from '../form-state.ts';
import { refreshAlarmFeed } from '../live/alarm-feed.ts';
import {
  type AlarmTarget,
  acknowledgeAlarm,
  commentOnAlarm,
  removeAlarmFromService,
  returnAlarmToService,
  shelveAlarm,
  unshelveAlarm,
} from '../server/alarm-actions.ts';
import { ActionForm, Field, SelectField } from './forms.tsx';
import { LocalTime } from './local-time.tsx';

/** What the API lets an operator shelve for (engineers: up to a week). */
const OPERATOR_SHELVE_MINUTES = 12 * 60;
/** The shelving times offered, in minutes (each has its words in alarms.shelveOptions). */
const SHELVE_MINUTES = [15, 60, 240, 480, 1440, 10080] as const;

export function SeverityBadge({ severity }: { severity: AlarmSeverity }) {
  const t = useTranslations();
  return <span className={`severity severity-${severity}`}>{t(`alarms.severities.${severity}`)}</span>;
}

/**
 * The ISA-18.2 state. A shelved or out-of-service alarm says so first (it is suppressed, not
 * annunciated), with the process condition underneath in smaller print.
 */
export function StateLabel({ alarm }: { alarm: Alarm }) {
  const t = useTranslations();
  const state = <span className={`state state-${alarm.state}`}>{t(`alarms.states.${alarm.state}`)}</span>;
  if (!alarm.shelved && !alarm.outOfService) return state;
  return (
    <>
      {alarm.outOfService ? (
        <span className="severity suppressed">{t('alarms.outOfService')}</span>
      ) : (
        <span className="flag">
          <span className="severity suppressed">{t('alarms.shelvedFlag')}</span>{' '}
          {alarm.shelvedUntil ? (
            <>
              {t('alarms.shelvedUntil')} <LocalTime iso={alarm.shelvedUntil} />
            </>
          ) : null}
        </span>
      )}
      <span className="underlying muted">
        {t('alarms.underneath')} {state}
      </span>
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

/** A button that runs one alarm action at once (acknowledge, unshelve, return to service). */
function ActionButton(props: {
  run: (previous: FormState) => Promise<FormState>;
  text: string;
  pendingText: string;
  label: string;
  secondary?: boolean;
  autoFocus?: boolean;
  onDone?: () => void;
}) {
  const [state, formAction, pending] = useActionState(props.run, idleState);
  const { onDone } = props;
  useEffect(() => {
    if (state.status !== 'ok') return;
    // The alarm bar asks again at once rather than on its next poll.
    refreshAlarmFeed();
    onDone?.();
  }, [state, onDone]);
  return (
    <form action={formAction} className="inline">
      <button
        type="submit"
        className={props.secondary ? 'secondary' : undefined}
        disabled={pending}
        aria-label={props.label}
        // biome-ignore lint/a11y/noAutofocus: only when the operator asked for this alarm with the N key
        autoFocus={props.autoFocus}
      >
        {pending ? props.pendingText : props.text}
      </button>
      <ActionStatus state={state} />
    </form>
  );
}

/** One click: acknowledges the alarm without a comment. */
export function AcknowledgeButton(props: {
  target: AlarmTarget;
  name: string;
  autoFocus?: boolean;
  onDone?: () => void;
}) {
  const t = useTranslations();
  return (
    <ActionButton
      run={(previous) => acknowledgeAlarm(props.target, previous)}
      text={t('alarms.acknowledge')}
      pendingText={t('alarms.acknowledging')}
      label={t('alarms.acknowledgeNamed', { name: props.name })}
      autoFocus={props.autoFocus}
      onDone={props.onDone}
    />
  );
}

/** A form inside a disclosure, so the console row stays compact until it is needed. */
function Disclosed(props: {
  summary: string;
  label: string;
  submit: string;
  pending: string;
  action: (previous: FormState, form: FormData) => Promise<FormState>;
  children: ReactNode;
}) {
  return (
    <details className="alarm-action">
      <summary>{props.summary}</summary>
      <ActionForm
        action={props.action}
        submitLabel={props.submit}
        pendingLabel={props.pending}
        label={props.label}
        onDone={(state) => {
          if (state.status === 'ok') refreshAlarmFeed();
        }}
      >
        {props.children}
      </ActionForm>
    </details>
  );
}

export function AcknowledgeWithComment(props: { target: AlarmTarget; name: string }) {
  const t = useTranslations();
  return (
    <Disclosed
      summary={t('alarms.withComment')}
      label={t('alarms.acknowledgeNamed', { name: props.name })}
      submit={t('alarms.acknowledge')}
      pending={t('alarms.acknowledging')}
      action={(previous, form) => acknowledgeAlarm(props.target, previous, form)}
    >
      <Field name="comment" label={t('alarms.comment')} hint={t('alarms.commentHint')} maxLength={1000} />
    </Disclosed>
  );
}

export function CommentForm(props: { target: AlarmTarget; name: string }) {
  const t = useTranslations();
  return (
    <Disclosed
      summary={t('alarms.addComment')}
      label={t('alarms.commentNamed', { name: props.name })}
      submit={t('alarms.addComment')}
      pending={t('config.saving')}
      action={(previous, form) => commentOnAlarm(props.target, previous, form)}
    >
      <Field name="comment" label={t('alarms.comment')} required maxLength={1000} />
    </Disclosed>
  );
}

export function ShelveForm(props: { target: AlarmTarget; name: string; maxMinutes: number }) {
  const t = useTranslations();
  return (
    <Disclosed
      summary={t('alarms.shelve')}
      label={t('alarms.shelveNamed', { name: props.name })}
      submit={t('alarms.shelve')}
      pending={t('alarms.shelving')}
      action={(previous, form) => shelveAlarm(props.target, previous, form)}
    >
      <SelectField
        name="minutes"
        label={t('alarms.shelveFor')}
        defaultValue="60"
        options={SHELVE_MINUTES.filter((minutes) => minutes <= props.maxMinutes).map((minutes) => ({
          value: String(minutes),
          label: t(`alarms.shelveOptions.${minutes}`),
        }))}
      />
      <Field name="reason" label={t('alarms.shelveReason')} required maxLength={500} />
    </Disclosed>
  );
}

export function UnshelveButton(props: { target: AlarmTarget; name: string }) {
  const t = useTranslations();
  return (
    <ActionButton
      run={(previous) => unshelveAlarm(props.target, previous)}
      text={t('alarms.unshelve')}
      pendingText={t('config.saving')}
      label={t('alarms.unshelveNamed', { name: props.name })}
      secondary
    />
  );
}

export function RemoveFromServiceForm(props: { target: AlarmTarget; name: string }) {
  const t = useTranslations();
  return (
    <Disclosed
      summary={t('alarms.removeFromService')}
      label={t('alarms.removeFromServiceNamed', { name: props.name })}
      submit={t('alarms.removeFromService')}
      pending={t('config.saving')}
      action={(previous, form) => removeAlarmFromService(props.target, previous, form)}
    >
      <Field name="reason" label={t('alarms.serviceReason')} required maxLength={500} />
    </Disclosed>
  );
}

export function ReturnToServiceButton(props: { target: AlarmTarget; name: string }) {
  const t = useTranslations();
  return (
    <ActionButton
      run={(previous) => returnAlarmToService(props.target, previous)}
      text={t('alarms.returnToService')}
      pendingText={t('config.saving')}
      label={t('alarms.returnToServiceNamed', { name: props.name })}
      secondary
    />
  );
}

/** The controls a viewer may use on one alarm, by role and by the alarm's state and flags. */
export function AlarmActions(props: {
  alarm: Alarm;
  role: { operator: boolean; engineer: boolean };
  /** Focus the Acknowledge button (the page was opened with N from the alarm bar). */
  focusAcknowledge?: boolean;
  children?: ReactNode;
}) {
  const { alarm, role } = props;
  const target: AlarmTarget = { ruleId: alarm.ruleId, level: alarm.level };
  return (
    <div className="alarm-actions">
      {role.operator && alarm.state.endsWith('unacked') ? (
        <>
          <AcknowledgeButton target={target} name={alarm.name} autoFocus={props.focusAcknowledge} />
          <AcknowledgeWithComment target={target} name={alarm.name} />
        </>
      ) : null}
      {role.operator && !alarm.shelved && !alarm.outOfService ? (
        <ShelveForm
          target={target}
          name={alarm.name}
          maxMinutes={role.engineer ? MAX_SHELVE_MINUTES : OPERATOR_SHELVE_MINUTES}
        />
      ) : null}
      {role.operator && alarm.shelved ? <UnshelveButton target={target} name={alarm.name} /> : null}
      {role.operator ? <CommentForm target={target} name={alarm.name} /> : null}
      {role.engineer && !alarm.outOfService ? (
        <RemoveFromServiceForm target={target} name={alarm.name} />
      ) : null}
      {role.engineer && alarm.outOfService ? (
        <ReturnToServiceButton target={target} name={alarm.name} />
      ) : null}
      {props.children}
    </div>
  );
}

/** Re-renders the server page every few seconds while the tab is visible (the console's "live"). */
export function AutoRefresh({ everyMs }: { everyMs: number }) {
  const t = useTranslations();
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
      {t('alarms.refreshing')}
    </p>
  );
}
