// The fields of an escalation policy, for the add form and the edit page: name, repeat and numbered
// level rows (delay, targets, channels), prefilled from `policy` when editing.
import {
  type Contact,
  contactChannelTypes,
  type EscalationPolicy,
  type OnCallRotation,
} from '@plantwatch/shared';
import { useTranslations } from 'next-intl';
import { BackoffPreview } from '../../../../components/backoff-preview.tsx';
import { Field, SelectField } from '../../../../components/forms.tsx';
import { formRows, peopleFormRows } from '../../../../people-form.ts';

const targetValue = (target: EscalationPolicy['levels'][number]['targets'][number]) =>
  target.type === 'contact' ? `contact:${target.contactId}` : `rotation:${target.rotationId}`;

export function PolicyFields(props: {
  contacts: readonly Contact[];
  rotations: readonly OnCallRotation[];
  policy?: EscalationPolicy;
}) {
  const { contacts, rotations, policy } = props;
  const p = useTranslations('people');
  const b = useTranslations('backoff');
  const targetOptions = [
    { value: '', label: p('unused') },
    ...rotations.map((rotation) => ({
      value: `rotation:${rotation.id}`,
      label: p('onCall', { rotation: rotation.name }),
    })),
    ...contacts.map((contact) => ({ value: `contact:${contact.id}`, label: contact.name })),
  ];
  const channelOptions = [
    { value: '', label: p('allChannels') },
    ...contactChannelTypes.map((type) => ({
      value: type,
      label: p('onlyChannel', { type: p(`channelTypes.${type}`) }),
    })),
  ];
  // one empty level and target row more than the policy has, within the schema's limits
  const levels = policy?.levels ?? [];
  const levelRows = Math.min(10, Math.max(peopleFormRows.levels, levels.length + 1));
  const mostTargets = Math.max(0, ...levels.map((level) => level.targets.length));
  const targetRows = Math.min(20, Math.max(peopleFormRows.targets, mostTargets + 1));
  return (
    <>
      <input type="hidden" name="levelRows" value={levelRows} />
      <input type="hidden" name="targetRows" value={targetRows} />
      <Field name="name" label={p('name')} required defaultValue={policy?.name} />
      <Field
        name="repeat"
        label={p('repeat')}
        hint={p('repeatHint')}
        type="number"
        min={0}
        max={10}
        defaultValue={String(policy?.repeat ?? 0)}
      />
      <fieldset className="row backoff-fields">
        <legend>{b('legend')}</legend>
        <p className="hint">{b('intro')}</p>
        <Field
          name="repeatBackoff.factor"
          label={b('factor')}
          type="number"
          step="0.5"
          min={1.5}
          max={10}
          defaultValue={policy?.repeatBackoff ? String(policy.repeatBackoff.factor) : ''}
        />
        <Field
          name="repeatBackoff.maxDelayMinutes"
          label={b('maxDelay')}
          type="number"
          min={1}
          max={1440}
          defaultValue={String(policy?.repeatBackoff?.maxDelayMinutes ?? 60)}
        />
      </fieldset>
      {formRows(levelRows, 'level').map(({ index: level, key }) => {
        const current = levels[level];
        // a level sending on several chosen channels keeps that choice as one more option
        const chosen = current?.channels?.join(',') ?? '';
        const options =
          (current?.channels?.length ?? 0) > 1
            ? [
                ...channelOptions,
                {
                  value: chosen,
                  label: p('onlyChannel', {
                    type: (current?.channels ?? []).map((type) => p(`channelTypes.${type}`)).join(', '),
                  }),
                },
              ]
            : channelOptions;
        return (
          <fieldset key={key} className="row">
            <legend>{p('level', { n: level + 1 })}</legend>
            <Field
              name={`levels.${level}.delayMinutes`}
              label={p('delayMinutes', { n: level + 1 })}
              hint={level === 0 ? p('delayHint') : undefined}
              type="number"
              min={0}
              max={1440}
              defaultValue={String(current?.delayMinutes ?? (level === 0 ? 0 : 10))}
            />
            {formRows(targetRows, `${key}-target`).map(({ index: n, key: targetKey }) => {
              const target = current?.targets[n];
              const fresh = !policy && level === 0 && n === 0 ? targetOptions[1]?.value : '';
              return (
                <SelectField
                  key={targetKey}
                  name={`levels.${level}.targets.${n}`}
                  label={p('target', { level: level + 1, n: n + 1 })}
                  options={targetOptions}
                  defaultValue={target ? targetValue(target) : fresh}
                />
              );
            })}
            <SelectField
              name={`levels.${level}.channels`}
              label={p('levelChannels', { n: level + 1 })}
              options={options}
              defaultValue={chosen}
            />
          </fieldset>
        );
      })}
      <BackoffPreview />
    </>
  );
}
