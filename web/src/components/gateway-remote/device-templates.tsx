// Device templates on the tags page: the tenant's templates (tags, the devices using them), saving a
// device's tags as a template, and applying a template to devices (a new one, or all of a kind at once).
import type { Device, DeviceTemplate } from '@plantwatch/shared';
import { useTranslations } from 'next-intl';
import {
  applyTemplate,
  createTemplateFromDevice,
  deleteTemplate,
} from '../../server/gateway-remote-actions.ts';
import { ConfigTable } from '../config-list.tsx';
import { ActionForm, Field, RemoveButton, SelectField } from '../forms.tsx';

const TEMPLATE_PROTOCOLS: Record<string, 'modbus' | 'opcua'> = {
  'modbus-tcp': 'modbus',
  'modbus-rtu': 'modbus',
  opcua: 'opcua',
};

export function DeviceTemplates(props: {
  templates: DeviceTemplate[];
  devices: Device[];
  deviceId?: string | undefined;
  engineer: boolean;
}) {
  const t = useTranslations('remote.templates');
  const csv = useTranslations('remote.csv');
  const deviceName = new Map(props.devices.map((d) => [d.id, d.name]));
  const templated = props.devices.filter((d) => TEMPLATE_PROTOCOLS[d.connection.protocol] !== undefined);
  const label = (d: Device) => `${d.name} (${d.key})`;
  return (
    <section aria-labelledby="device-templates">
      <h2 id="device-templates">{t('heading')}</h2>
      <p className="hint">{t('intro')}</p>
      <ConfigTable
        rows={props.templates}
        rowKey={(template) => template.id}
        empty={t('none')}
        columns={[
          { header: t('name'), cell: (template) => template.name },
          {
            header: t('protocol'),
            cell: (template) => (template.protocol === 'modbus' ? 'Modbus' : 'OPC UA'),
          },
          { header: t('tags'), num: true, cell: (template) => template.tags.length },
          {
            header: t('devices'),
            cell: (template) => template.deviceIds.map((id) => deviceName.get(id) ?? id).join(', ') || '—',
          },
        ]}
        actions={
          props.engineer
            ? (template) => (
                <RemoveButton
                  action={deleteTemplate.bind(null, template.id, template.name)}
                  confirmText={t('confirmRemove', { name: template.name })}
                  label={t('remove', { name: template.name })}
                />
              )
            : undefined
        }
      />
      {props.engineer && templated.length > 0 ? (
        <div className="columns">
          <section aria-labelledby="template-from-device">
            <h3 id="template-from-device">{t('fromDevice')}</h3>
            <ActionForm
              action={createTemplateFromDevice}
              label={t('fromDevice')}
              submitLabel={t('save')}
              pendingLabel={t('saving')}
            >
              <p className="hint">{t('fromDeviceHint')}</p>
              <SelectField
                name="deviceId"
                label={csv('device')}
                options={templated.map((d) => ({ value: d.id, label: label(d) }))}
                defaultValue={templated.some((d) => d.id === props.deviceId) ? props.deviceId : undefined}
              />
              <Field name="name" label={t('name')} required />
              <Field name="description" label={t('description')} />
            </ActionForm>
          </section>
          {props.templates.length > 0 ? (
            <section aria-labelledby="template-apply">
              <h3 id="template-apply">{t('apply')}</h3>
              <ActionForm
                action={applyTemplate}
                label={t('apply')}
                submitLabel={t('applyButton')}
                pendingLabel={t('applying')}
              >
                <p className="hint">{t('applyHint')}</p>
                <SelectField
                  name="templateId"
                  label={t('template')}
                  options={props.templates.map((template) => ({
                    value: template.id,
                    label: `${template.name} (${template.protocol === 'modbus' ? 'Modbus' : 'OPC UA'})`,
                  }))}
                />
                <fieldset>
                  <legend>{t('devicesToApply')}</legend>
                  {templated.map((d) => (
                    <label key={d.id} className="check">
                      <input type="checkbox" name="deviceIds" value={d.id} /> {label(d)}
                    </label>
                  ))}
                </fieldset>
                <SelectField
                  name="mode"
                  label={t('mode')}
                  options={[
                    { value: 'merge', label: csv('merge') },
                    { value: 'replace', label: csv('replace') },
                  ]}
                />
              </ActionForm>
            </section>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
