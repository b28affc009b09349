import { type AlarmEvent, formatWithUnit, idSchema } from '@plantwatch/shared';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getLocale, getTranslations } from 'next-intl/server';
import { AlarmActions, SeverityBadge, StateLabel } from '../../../../components/alarm-controls.tsx';
import { EscalationHistory } from '../../../../components/escalation-history.tsx';
import { LocalTime } from '../../../../components/local-time.tsx';
import { getPreferences } from '../../../../i18n/preferences.ts';
import type { Translator } from '../../../../i18n/translator.ts';
import { getSite, listTags, listUsers } from '../../../../server/data.ts';
import { listAllDerivedTags } from '../../../../server/derived-tags-data.ts';
import {
  getAlarmRule,
  listAlarmEvents,
  listAlarms,
  listEscalationChains,
} from '../../../../server/monitoring.ts';
import { listContacts, listEscalationPolicies } from '../../../../server/people-data.ts';
import { can, getViewer } from '../../../../server/viewer.ts';
import { displayUnit } from '../../../../units/display.ts';

type Props = { params: Promise<{ ruleId: string }>; searchParams: Promise<{ focus?: string }> };

async function ruleOf(props: Props) {
  const { ruleId } = await props.params;
  // A malformed id is simply not found, like another tenant's.
  if (!idSchema.safeParse(ruleId).success) notFound();
  return getAlarmRule(ruleId);
}

export async function generateMetadata(props: Props): Promise<Metadata> {
  const t = await getTranslations();
  return { title: t('alarms.historyTitle', { name: (await ruleOf(props)).name }) };
}

/** "Dana (user)": the name the journal recorded, else the name of the user it points at when we know it. */
function actorOf(event: AlarmEvent, userNames: Map<string, string>, t: Translator): string {
  const kind = t(`alarms.actors.${event.by.type}`);
  const name =
    event.by.name ?? (event.by.type === 'user' && event.by.id ? userNames.get(event.by.id) : undefined);
  return name ? `${name} (${kind})` : kind;
}

/** User names for the journal: all of them for admins (who may list users), else just the viewer's own. */
async function knownUserNames(): Promise<Map<string, string>> {
  const viewer = await getViewer();
  const names = new Map([[viewer.userId, viewer.name || viewer.email]]);
  if (await can('admin')) {
    for (const user of await listUsers().catch(() => [])) names.set(user.id, user.name || user.email);
  }
  return names;
}

export default async function AlarmHistoryPage(props: Props) {
  const t = await getTranslations();
  const rule = await ruleOf(props);
  const [
    site,
    ruleAlarms,
    events,
    operator,
    engineer,
    userNames,
    chains,
    contacts,
    policies,
    tags,
    locale,
    { units },
    derivedTags,
  ] = await Promise.all([
    getSite(rule.siteId),
    listAlarms({ ruleId: rule.id, status: 'all' }),
    listAlarmEvents(rule.id),
    can('operator'),
    can('engineer'),
    knownUserNames(),
    listEscalationChains(rule.id),
    listContacts(),
    listEscalationPolicies(),
    listTags(),
    getLocale(),
    getPreferences(),
    listAllDerivedTags(),
  ]);
  const alarmName = new Map(ruleAlarms.map((alarm) => [alarm.id, alarm.name]));
  // The value at a transition with its unit, in the unit the viewer reads this quantity in (as the console).
  const unitOfTag = new Map([...tags, ...derivedTags].map((tag) => [tag.id, tag.unit]));
  const tagOfAlarm = new Map(ruleAlarms.map((alarm) => [alarm.id, alarm.tagId]));
  const shownValue = (event: AlarmEvent): string => {
    if (event.value === undefined) return '';
    const tagId = tagOfAlarm.get(event.alarmId);
    const shown = displayUnit(tagId ? (unitOfTag.get(tagId) ?? '') : '', units);
    const value = typeof event.value === 'number' ? shown.convert(event.value) : event.value;
    return formatWithUnit(value, typeof value === 'number' ? shown.unit : '', { locale });
  };
  // Opened with N from the alarm bar: the first Acknowledge button takes the focus, so Enter acknowledges.
  const focused =
    (await props.searchParams).focus === 'acknowledge'
      ? ruleAlarms.find((alarm) => alarm.state.endsWith('unacked'))?.id
      : undefined;
  return (
    <>
      <p>
        <Link href="/alarms">{t('alarms.backToConsole')}</Link>
      </p>
      <h1>{t('alarms.historyOf', { name: rule.name })}</h1>
      <p className="muted">
        <Link href={`/sites/${site.id}`}>{site.name}</Link>
        {rule.description ? ` · ${rule.description}` : ''}
      </p>
      {ruleAlarms.length ? (
        <ul className="alarm-list">
          {ruleAlarms.map((alarm) => (
            <li key={alarm.id} className={`alarm-item severity-${alarm.severity} row-${alarm.state}`}>
              <div>
                <SeverityBadge severity={alarm.severity} /> <strong>{alarm.name}</strong>
              </div>
              <div className="muted">
                <StateLabel alarm={alarm} />
              </div>
              <AlarmActions
                alarm={alarm}
                role={{ operator, engineer }}
                focusAcknowledge={alarm.id === focused}
              />
            </li>
          ))}
        </ul>
      ) : null}
      <EscalationHistory
        chains={chains}
        alarmNames={alarmName}
        contactNames={new Map(contacts.map((contact) => [contact.id, contact.name]))}
        policyNames={new Map(policies.map((policy) => [policy.id, policy.name]))}
      />
      <h2>{t('alarms.history')}</h2>
      {events.length === 0 ? (
        <section className="empty">
          <p>{t('alarms.noEvents')}</p>
        </section>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('alarms.eventColumns.at')}</th>
                <th scope="col">{t('alarms.eventColumns.kind')}</th>
                <th scope="col" className="wide-only">
                  {t('alarms.eventColumns.alarm')}
                </th>
                <th scope="col" className="wide-only">
                  {t('alarms.eventColumns.change')}
                </th>
                <th scope="col">{t('alarms.eventColumns.by')}</th>
                <th scope="col">{t('alarms.eventColumns.channel')}</th>
                <th scope="col">{t('alarms.eventColumns.note')}</th>
              </tr>
            </thead>
            <tbody>
              {events.map((event) => (
                <tr key={event.id}>
                  <td>
                    <LocalTime iso={event.at} seconds />
                  </td>
                  <th scope="row">{t(`alarms.eventKinds.${event.kind}`)}</th>
                  <td className="wide-only">{alarmName.get(event.alarmId) ?? rule.name}</td>
                  <td className="wide-only">
                    {event.from === event.to
                      ? t(`alarms.states.${event.to}`)
                      : `${t(`alarms.states.${event.from}`)} → ${t(`alarms.states.${event.to}`)}`}
                  </td>
                  <td>{actorOf(event, userNames, t)}</td>
                  <td>{t(`alarms.channels.${event.channel}`)}</td>
                  <td>{event.comment ?? shownValue(event)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
